"""Notify against real PostgreSQL and a real Kafka-protocol broker."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import select

from tests.support.events import case_registered
from tests.support.infrastructure import Infrastructure
from tests.support.publish import publish
from tests.support.services import migrated_database, running, settings_for, topic
from tests.support.waiting import eventually
from wbs_contracts.registry import CASE_REGISTERED
from wbs_notify.adapters.db import SqlNotifyUnitOfWork, metadata, notification_table
from wbs_notify.entrypoint import PROGRAM, NotifySettings, build
from wbs_runtime.service import ServiceRuntime


@pytest.fixture(scope="module")
async def notify(infra: Infrastructure) -> AsyncIterator[ServiceRuntime[SqlNotifyUnitOfWork]]:
    url = await migrated_database(infra, "notify", PROGRAM.migrations, metadata)
    runtime = build(settings_for(NotifySettings, infra, url))
    async with running(runtime):
        yield runtime


async def queued(runtime: ServiceRuntime[SqlNotifyUnitOfWork], case_id: UUID) -> list[Any]:
    async with runtime.sessionmaker() as session:
        query = select(notification_table).where(notification_table.c.case_id == case_id)
        return list((await session.execute(query)).all())


async def test_registration_queues_one_acknowledgement_without_content(
    infra: Infrastructure, notify: ServiceRuntime[SqlNotifyUnitOfWork]
) -> None:
    event = case_registered()
    again = case_registered(case_id=event.data.case_id)  # another event about the same registration
    for e in (event, event, again):
        await publish(infra.bootstrap_servers, topic(infra, CASE_REGISTERED.topic), e)

    async def found() -> list[Any]:
        return await queued(notify, event.data.case_id)

    await eventually(found, what="the acknowledgement")
    await asyncio.sleep(0.5)
    [row] = await found()
    assert (row.kind, row.channel, row.status, row.template) == (
        "tanda-terima",
        "kotak-masuk",
        "antre",
        "tanda-terima.v1",
    )
    assert row.tenant_id == "bps-1700"
    assert row.delivered_at is None
    assert set(row._fields) == {
        "idempotency_key", "case_id", "tenant_id", "kind", "channel", "template", "status", "queued_at", "delivered_at",
    }  # fmt: skip
