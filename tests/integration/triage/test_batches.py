"""Registering a consumer's batch in one transaction, against real PostgreSQL: the agenda counter
is held for the transaction and its cases written at commit, and still the agenda stays gapless
and unique, a failing event gives its number back, and a replay registers nothing twice."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.support.batches import ListSink, batch_consumer
from tests.support.events import report_submitted
from tests.support.infrastructure import Infrastructure
from tests.support.services import migrated_database, settings_for
from wbs_contracts.envelope import Envelope
from wbs_contracts.registry import CASE_REGISTERED, REPORT_SUBMITTED
from wbs_contracts.wire import encode
from wbs_runtime.messaging.consumer import BatchConsumer, ReceivedRecord
from wbs_runtime.messaging.tables import outbox
from wbs_runtime.service import ServiceRuntime
from wbs_triage.adapters.db import SqlTriageUnitOfWork, agenda_counter, case_table, metadata
from wbs_triage.entrypoint import PROGRAM, TriageSettings, build
from wbs_triage.usecases import register_case

TOPIC = "batches." + REPORT_SUBMITTED.topic
NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
YEAR = 2026


@dataclass
class Scripted:
    """Triage's own handler; for some reports it fails afterwards (having taken a number and
    added the case), on the calls listed (1 = the first call for that report)."""

    failing: dict[UUID, set[int]] = field(default_factory=dict)
    calls: dict[UUID, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._register = register_case(lambda: NOW, ZoneInfo("Asia/Jakarta"))

    async def __call__(self, event: Envelope[Any], uow: SqlTriageUnitOfWork) -> None:
        report = event.data.report_id
        self.calls[report] = self.calls.get(report, 0) + 1
        await self._register(event, uow)
        if self.calls[report] in self.failing.get(report, set()):
            raise ValueError(f"scripted failure of {report}")


@dataclass
class Triage:
    runtime: ServiceRuntime[SqlTriageUnitOfWork]

    def consumer(self, handler: Scripted | None = None) -> tuple[BatchConsumer[SqlTriageUnitOfWork], ListSink]:
        return batch_consumer(self.runtime, "triage", [(TOPIC, REPORT_SUBMITTED, handler or Scripted())])

    async def agenda(self, tenant: str) -> list[tuple[UUID, int]]:
        async with self.runtime.sessionmaker() as session:
            query = select(case_table.c.id, case_table.c.agenda_sequence).where(case_table.c.tenant_id == tenant)
            return sorted(((r.id, r.agenda_sequence) for r in await session.execute(query)), key=lambda r: r[1])

    async def counter(self, tenant: str) -> int | None:
        async with self.runtime.sessionmaker() as session:
            query = select(agenda_counter.c.last_sequence).where(
                agenda_counter.c.tenant_id == tenant, agenda_counter.c.year == YEAR
            )
            return (await session.execute(query)).scalar_one_or_none()

    async def announced(self, tenant: str) -> dict[UUID, int]:
        """The agenda sequence each case-registered event in the outbox announced, by case."""
        async with self.runtime.sessionmaker() as session:
            query = select(outbox.c.payload, outbox.c.headers).where(outbox.c.topic == CASE_REGISTERED.topic)
            found: dict[UUID, int] = {}
            for payload, headers in await session.execute(query):
                if [b"ce_tenant", tenant.encode()] in [[n.encode(), v.encode()] for n, v in headers]:
                    data = CASE_REGISTERED.model.model_validate_json(payload)
                    assert data.case_id not in found, "a case announced twice"
                    found[data.case_id] = data.agenda_sequence
            return found


@pytest.fixture(scope="module")
async def triage(infra: Infrastructure) -> Triage:
    url = await migrated_database(infra, "triage", PROGRAM.migrations, metadata)
    return Triage(build(settings_for(TriageSettings, infra, url)))


def records(events: Sequence[Envelope[Any]], first_offset: int = 0) -> list[ReceivedRecord]:
    wires = [encode(e) for e in events]
    return [ReceivedRecord(TOPIC, 0, first_offset + i, w.key, w.value, tuple(w.headers)) for i, w in enumerate(wires)]


def tenant() -> str:
    return f"satker-{uuid4().hex[:6]}"


async def test_a_batch_registers_its_cases_in_order_with_one_counter_write(triage: Triage) -> None:
    body = tenant()
    events = [report_submitted(tenant=body, at=NOW) for _ in range(40)]
    consumer, sink = triage.consumer()
    outcome = await consumer.apply(records(events))
    assert (outcome.applied, sink.parked) == (40, [])
    assert await triage.agenda(body) == [(e.data.report_id, n) for n, e in enumerate(events, start=1)]
    assert await triage.counter(body) == 40
    assert await triage.announced(body) == {e.data.report_id: n for n, e in enumerate(events, start=1)}


async def test_a_failing_event_gives_its_number_back_and_the_others_commit(triage: Triage) -> None:
    """Among them, a tenant whose counter is first held inside the failing event's savepoint."""
    first, second = tenant(), tenant()
    a1, poisoned, b1, b2, a2 = (
        report_submitted(tenant=first, at=NOW),
        report_submitted(tenant=first, at=NOW),  # fails every time: dead-lettered
        report_submitted(tenant=second, at=NOW),  # fails once, in its savepoint, holding the counter first
        report_submitted(tenant=second, at=NOW),
        report_submitted(tenant=first, at=NOW),
    )
    handler = Scripted(failing={poisoned.data.report_id: {1, 2, 3}, b1.data.report_id: {1}})
    consumer, sink = triage.consumer(handler)
    outcome = await consumer.apply(records([a1, poisoned, b1, b2, a2]))

    assert outcome.applied == 4
    assert [p.envelope for p in sink.parked] == [poisoned]
    assert await triage.agenda(first) == [(a1.data.report_id, 1), (a2.data.report_id, 2)]
    assert await triage.agenda(second) == [(b2.data.report_id, 1), (b1.data.report_id, 2)]  # b1 retried later
    assert (await triage.counter(first), await triage.counter(second)) == (2, 2)
    assert await triage.announced(first) == {a1.data.report_id: 1, a2.data.report_id: 2}
    assert await triage.announced(second) == {b2.data.report_id: 1, b1.data.report_id: 2}


async def test_replays_and_duplicates_register_nothing_twice(triage: Triage) -> None:
    body = tenant()
    events = [report_submitted(tenant=body, at=NOW) for _ in range(5)]
    handler = Scripted()
    consumer, _ = triage.consumer(handler)
    await consumer.apply(records(events))

    # the same events again (the inbox knows them), and other events about the same reports (it
    # does not: only the cases table does), and a new report sent twice under two event ids
    again = [
        report_submitted(tenant=body, case_id=e.data.report_id, at=NOW, substance=e.data.substance) for e in events
    ]
    new = report_submitted(tenant=body, at=NOW)
    twin = report_submitted(tenant=body, case_id=new.data.report_id, at=NOW)
    outcome = await consumer.apply(records([*events, *again, new, twin], first_offset=5))

    assert (outcome.applied, outcome.duplicates, outcome.parked) == (7, 5, ())
    assert handler.calls[new.data.report_id] == 2  # the twin found the case just added: no failure, no retry
    expected = [*((e.data.report_id, n) for n, e in enumerate(events, start=1)), (new.data.report_id, 6)]
    assert await triage.agenda(body) == expected
    assert await triage.counter(body) == 6
    assert await triage.announced(body) == dict(expected)


async def test_two_consumers_at_once_share_one_gapless_agenda(triage: Triage) -> None:
    """Two replicas of triage: each holds a tenant's counter until its batch commits, so the other
    waits. Two tenants in opposite orders also make them deadlock now and then; PostgreSQL breaks
    the deadlock and the loser's batch is applied again."""
    first, second = tenant(), tenant()

    def batches(order: tuple[str, str]) -> list[list[Envelope[Any]]]:
        return [[report_submitted(tenant=t, at=NOW) for t in order for _ in range(15)] for _ in range(6)]

    work = {"one": batches((first, second)), "two": batches((second, first))}

    async def replica(name: str) -> int:
        consumer, sink = triage.consumer()
        applied = 0
        for number, batch in enumerate(work[name]):
            outcome = await consumer.apply(records(batch, first_offset=number * 100))
            assert sink.parked == []
            applied += outcome.applied
        return applied

    assert list(await asyncio.gather(replica("one"), replica("two"))) == [180, 180]
    for body in (first, second):
        agenda = await triage.agenda(body)
        assert [sequence for _, sequence in agenda] == list(range(1, 181))
        assert await triage.counter(body) == 180
        assert await triage.announced(body) == dict(agenda)
