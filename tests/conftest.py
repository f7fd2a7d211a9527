"""Test kinds follow the architecture and are selected by directory: ``unit``, ``contracts``,
``integration``, ``e2e`` (``pytest -m unit`` and so on; ``make test-unit``...)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from xdist.scheduler import LoadScopeScheduling

from tests.support.infrastructure import Infrastructure, infrastructure

TESTS = Path(__file__).resolve().parent
KINDS = ("unit", "contracts", "integration", "e2e")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        kind = item.path.relative_to(TESTS).parts[0]
        if kind in KINDS:
            item.add_marker(getattr(pytest.mark, kind))


#: Packages whose modules share a package-scoped fixture (one notify for all e-mail and webhook tests).
SHARED_PACKAGES = ("tests/integration/notify/channels/",)


class WorkerGroups(LoadScopeScheduling):  # type: ignore[misc]  # xdist ships no types
    """``pytest -n N --dist loadscope`` (``make test``): which tests must share a worker. A module's
    tests share its fixtures (a package's, where they share the package's); every end-to-end test
    shares one running stack, started once per worker that runs any of them. (pytest-xdist's
    ``loadgroup`` marks do nothing under pytest 9: they rename ``Item._nodeid``, which pytest no
    longer reads.)"""

    def _split_scope(self, nodeid: str) -> str:
        if nodeid.startswith("tests/e2e/"):
            return "tests/e2e/"
        return next((package for package in SHARED_PACKAGES if nodeid.startswith(package)), nodeid.split("::")[0])


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> LoadScopeScheduling | None:
    return WorkerGroups(config, log) if config.getvalue("dist") == "loadscope" else None


@pytest.fixture(scope="session")
def infra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Infrastructure]:
    """PostgreSQL and a Kafka-protocol broker for the whole session (see tests/support/infrastructure.py)."""
    with infrastructure(tmp_path_factory.mktemp("infra")) as resolved:
        yield resolved
