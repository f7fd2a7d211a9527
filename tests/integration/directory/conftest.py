"""Directory in-process against the session's PostgreSQL and broker, with a clock the tests move."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher

from tests.support.clock import MovableClock
from tests.support.infrastructure import Infrastructure
from tests.support.services import migrated_database, running, settings_for
from wbs_contracts.roles import Role
from wbs_directory.adapters.db import SqlDirectoryUnitOfWork, metadata
from wbs_directory.adapters.passwords import Argon2Passwords
from wbs_directory.domain.officer import Grant
from wbs_directory.domain.tenant import TenantDocument
from wbs_directory.entrypoint import PROGRAM, DirectorySettings, build
from wbs_directory.usecases import import_tenants
from wbs_directory.usecases.officers import create_officer
from wbs_runtime.auth.keys import issue_assertion_keys
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.web import CLIENT_PSEUDONYM_HEADER

CATEGORIES = [{"slug": "korupsi", "label_id": "Korupsi", "label_en": "Corruption"}]
TENANTS = [
    {"id": "uji-pusat", "name": "Instansi Uji Pusat", "policy": {"categories": CATEGORIES}},
    {"id": "uji-daerah", "name": "Instansi Uji Daerah", "parent": "uji-pusat", "policy": {"categories": CATEGORIES}},
    {
        "id": "uji-ketat",
        "name": "Instansi Uji Ketat",
        "policy": {"categories": CATEGORIES, "totp_required": True},
    },
]
#: Cheap parameters: the tests hash many passwords; production uses argon2-cffi's defaults.
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@dataclass
class Directory:
    runtime: ServiceRuntime[SqlDirectoryUnitOfWork]
    client: httpx.AsyncClient
    clock: MovableClock
    keys: Path
    browsers: list[httpx.AsyncClient] = field(default_factory=list)

    def browser(self) -> httpx.AsyncClient:
        """A browser of its own (cookies) from a client address of its own."""
        transport = self.client._transport
        browser = httpx.AsyncClient(
            transport=transport, base_url="http://wbs.test", headers={CLIENT_PSEUDONYM_HEADER: uuid.uuid4().hex}
        )
        self.browsers.append(browser)
        return browser

    async def officer(self, *grants: tuple[str, Role], password: str | None = None) -> tuple[str, str]:
        """A new officer (login, password); without ``password``, a temporary one."""
        login = f"petugas-{uuid.uuid4().hex[:8]}"
        _, given = await create_officer(
            self.runtime.unit_of_work(),
            Argon2Passwords(FAST),
            login=login,
            display_name="Siti Rahmawati",
            grants=[Grant(tenant, role) for tenant, role in grants],
            actor="test",
            clock=self.clock,
            password=password,
        )
        return login, given


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


async def submit(browser: httpx.AsyncClient, page: str, action: str, data: dict[str, str]) -> httpx.Response:
    """Open ``page`` (for its CSRF token) and send its form to ``action``, as a browser would."""
    shown = await browser.get(page)
    return await browser.post(action, data={**data, "csrf": csrf_of(shown.text)})


@contextlib.asynccontextmanager
async def started_directory(
    infra: Infrastructure, keys: Path, tenants: list[dict[str, Any]], **settings: Any
) -> AsyncIterator[Directory]:
    """Directory on a migrated database with ``tenants`` imported, running in-process; assertion keys
    for it and triage under ``keys``."""
    issue_assertion_keys(keys, ["directory", "triage"])
    # A database per module (named after its keys' folder): officers another module made carry TOTP
    # secrets sealed to that module's keys, which this one cannot open.
    url = await migrated_database(infra, "directory", PROGRAM.migrations, metadata, label=f"_{keys.name}")
    clock = MovableClock()
    # Directory's tests publish their own versions of tenants (bps-1700 with one category, ...): on
    # topics of their own, so that the other services' tests keep the demo configurations they publish.
    isolated = {"kafka_topic_prefix": f"{infra.namespace}.directory.", **settings}
    configured = settings_for(DirectorySettings, infra, url, keys / "directory", insecure_cookies=True, **isolated)
    runtime = build(configured, clock=clock, hasher=Argon2Passwords(FAST))
    await import_tenants(
        [TenantDocument.model_validate(t) for t in tenants], runtime.unit_of_work(), clock=clock, actor="test"
    )
    async with running(runtime) as client:
        found = Directory(runtime, client, clock, keys)
        yield found
        for browser in found.browsers:
            await browser.aclose()


@pytest.fixture(scope="module")
async def directory(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Directory]:
    async with started_directory(
        infra,
        tmp_path_factory.mktemp("keys"),
        TENANTS,
        free_failures_per_account=3,
        free_failures_per_client=6,
        free_failures_per_code=3,
    ) as found:
        yield found
