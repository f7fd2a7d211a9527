"""Notify applying a consumer's batch in one transaction, against real PostgreSQL: the roster is
read once per batch and tenant, and still a case registered after an officer was announced in the
same batch tells that officer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import select

from tests.support.batches import ListSink, batch_consumer
from tests.support.events import case_registered
from tests.support.infrastructure import Infrastructure
from tests.support.services import migrated_database, settings_for
from wbs_contracts.envelope import Envelope
from wbs_contracts.events.directory import OfficerRolesV1
from wbs_contracts.registry import CASE_REGISTERED, OFFICER_ROLES
from wbs_contracts.roles import Role
from wbs_contracts.wire import encode
from wbs_notify.adapters.db import SqlNotifyUnitOfWork, metadata, notification_table
from wbs_notify.domain.notification import Channel
from wbs_notify.entrypoint import PROGRAM, NotifySettings, build
from wbs_notify.usecases import acknowledge_registration
from wbs_notify.usecases.rules import one_after_another, tell_new_case
from wbs_runtime.crypto import issue_for_services
from wbs_runtime.messaging.consumer import BatchConsumer, ReceivedRecord
from wbs_runtime.roster import keep_officer_roles
from wbs_runtime.service import ServiceRuntime

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
CASES, ROSTER = "batches." + CASE_REGISTERED.topic, "batches." + OFFICER_ROLES.topic


@pytest.fixture(scope="module")
async def notify(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> ServiceRuntime[Any]:
    keys = tmp_path_factory.mktemp("keys")
    issue_for_services(keys, "bps-1700", ["notify"])
    url = await migrated_database(infra, "notify", PROGRAM.migrations, metadata, label="_batches")
    return build(settings_for(NotifySettings, infra, url, keys / "notify"), clock=lambda: NOW)


def consumer(runtime: ServiceRuntime[SqlNotifyUnitOfWork]) -> tuple[BatchConsumer[Any], ListSink]:
    clock = lambda: NOW  # noqa: E731
    registered = one_after_another(acknowledge_registration(clock), tell_new_case(clock))
    return batch_consumer(
        runtime, "notify", [(CASES, CASE_REGISTERED, registered), (ROSTER, OFFICER_ROLES, keep_officer_roles)]
    )


def announced(tenant: str, officer: str, *roles: Role) -> Envelope[Any]:
    data = OfficerRolesV1(tenant_id=tenant, officer_id=officer, name=officer.title(), roles=roles, changed_at=NOW)
    return OFFICER_ROLES.envelope(data, tenant=tenant, subject=f"{tenant}/{officer}", time=NOW, correlation_id="c")


def records(events: Sequence[Envelope[Any]]) -> list[ReceivedRecord]:
    received = []
    for offset, event in enumerate(events):
        wire = encode(event)
        topic = ROSTER if event.type == OFFICER_ROLES.event_type else CASES
        received.append(ReceivedRecord(topic, 0, offset, wire.key, wire.value, tuple(wire.headers)))
    return received


async def inboxes(runtime: ServiceRuntime[Any], case_id: UUID) -> set[str]:
    """The officers whose inbox got a notification of ``case_id``."""
    n = notification_table.c
    query = select(n.recipient).where(n.case_id == case_id, n.channel == Channel.KOTAK_MASUK_PETUGAS.value)
    async with runtime.sessionmaker() as session:
        return {row.recipient for row in await session.execute(query)}


async def test_an_officer_announced_mid_batch_is_told_of_the_cases_after_it(
    notify: ServiceRuntime[SqlNotifyUnitOfWork],
) -> None:
    tenant = f"satker-{uuid4().hex[:6]}"
    first, second, third = (case_registered(tenant=tenant, at=NOW, sequence=n) for n in (1, 2, 3))
    batch, sink = consumer(notify)
    outcome = await batch.apply(
        records(
            [
                announced(tenant, "pimpinan", Role.PIMPINAN_SATKER),
                first,
                second,  # the roster was read for the first case: the same reading serves this one
                announced(tenant, "petugas", Role.PETUGAS_PENGADUAN),
                third,
            ]
        )
    )
    assert (outcome.applied, sink.parked) == (5, [])
    assert await inboxes(notify, first.data.case_id) == {"pimpinan"}
    assert await inboxes(notify, second.data.case_id) == {"pimpinan"}
    assert await inboxes(notify, third.data.case_id) == {"pimpinan", "petugas"}
