"""Notify with its rules, on the session's real PostgreSQL and broker, with a clock the tests move."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from tests.support.clock import MovableClock
from tests.support.infrastructure import Infrastructure
from tests.support.officers import officer_headers
from tests.support.services import migrated_database, running, settings_for
from tests.support.tenants import demo_configuration, keep_in
from wbs_contracts.roles import Role
from wbs_notify.adapters.db import SqlNotifyUnitOfWork, metadata, notification_table
from wbs_notify.entrypoint import PROGRAM, NotifySettings, build
from wbs_runtime.auth.keys import issue_assertion_keys
from wbs_runtime.crypto import issue_for_services
from wbs_runtime.service import ServiceRuntime

TENANT = "bps-1700"


@dataclass
class Notify:
    runtime: ServiceRuntime[SqlNotifyUnitOfWork]
    client: httpx.AsyncClient
    clock: MovableClock
    keys: Path

    def officer(self, officer: str, *roles: Role, tenant: str = TENANT) -> dict[str, str]:
        """The gateway's assertion for ``officer`` holding ``roles`` in ``tenant``."""
        return officer_headers(self.keys, "notify", {tenant: roles}, officer=officer, name=officer.title())

    async def rows(self, **wanted: Any) -> list[Any]:
        """The queue's rows whose columns have the ``wanted`` values."""
        query = select(notification_table).where(*(notification_table.c[k] == v for k, v in wanted.items()))
        async with self.runtime.sessionmaker() as session:
            return list((await session.execute(query.order_by(notification_table.c.queued_at))).all())


@pytest.fixture(scope="module")
async def notify(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Notify]:
    keys = tmp_path_factory.mktemp("keys")
    issue_assertion_keys(keys, ["directory", "notify"])
    issue_for_services(keys, TENANT, ["notify"])
    url = await migrated_database(infra, "notify", PROGRAM.migrations, metadata, label="_rules")
    clock = MovableClock()
    settings = settings_for(
        NotifySettings, infra, url, keys / "notify", reminder_round_seconds=0.2, insecure_cookies=True
    )
    runtime = build(settings, clock=clock)
    async with running(runtime) as client:
        await keep_in(runtime, demo_configuration(TENANT))
        yield Notify(runtime, client, clock, keys)
