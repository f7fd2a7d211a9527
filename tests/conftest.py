"""Test kinds follow the architecture and are selected by directory: ``unit``, ``contracts``,
``integration``, ``e2e`` (``pytest -m unit`` and so on; ``make test-unit``...)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.infrastructure import Infrastructure, infrastructure

TESTS = Path(__file__).resolve().parent
KINDS = ("unit", "contracts", "integration", "e2e")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        kind = item.path.relative_to(TESTS).parts[0]
        if kind in KINDS:
            item.add_marker(getattr(pytest.mark, kind))
        item.add_marker(pytest.mark.xdist_group(_worker_group(item, kind)))


def _worker_group(item: pytest.Item, kind: str) -> str:
    """Which tests must share a worker under ``pytest -n N --dist loadgroup`` (``make test``): a
    module's tests, which share its fixtures; and every end-to-end test, which share one running
    stack, started once per worker that runs any of them."""
    return "e2e" if kind == "e2e" else str(item.path.relative_to(TESTS))


@pytest.fixture(scope="session")
def infra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Infrastructure]:
    """PostgreSQL and a Kafka-protocol broker for the whole session (see tests/support/infrastructure.py)."""
    with infrastructure(tmp_path_factory.mktemp("infra")) as resolved:
        yield resolved
