"""Recording a consumer's batch of registrations in one transaction, against real PostgreSQL: the
batch's reports are locked and read at once and their status changes written at commit, and still
each event is isolated, unknown reports are parked alone, and a replay records nothing twice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import insert, select

from tests.support.batches import ListSink, batch_consumer
from tests.support.events import case_registered
from tests.support.infrastructure import Infrastructure
from tests.support.services import migrated_database, settings_for
from tests.support.tenants import demo_configuration, keep_in
from wbs_contracts.envelope import Envelope
from wbs_contracts.registry import CASE_REGISTERED
from wbs_contracts.wire import encode
from wbs_intake.adapters.db import SqlIntakeUnitOfWork, metadata, report_table, status_table
from wbs_intake.entrypoint import PROGRAM, IntakeSettings, build
from wbs_intake.usecases import UnknownReport, offer_tenant, record_registration
from wbs_runtime.messaging.consumer import BatchConsumer, ReceivedRecord
from wbs_runtime.service import ServiceRuntime

TOPIC = "batches." + CASE_REGISTERED.topic
RECEIVED = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)


class Failing:
    """Intake's handler; for the reports listed it fails after recording the change: once for
    ``once``, every time for ``always``."""

    def __init__(self, *, once: set[UUID], always: set[UUID]) -> None:
        self.once, self.always = once, always

    async def __call__(self, event: Envelope[Any], uow: SqlIntakeUnitOfWork) -> None:
        await record_registration(event, uow)
        if event.data.case_id in self.always:
            raise ValueError("scripted failure")
        if event.data.case_id in self.once:
            self.once.discard(event.data.case_id)
            raise ValueError("scripted failure, once")


@pytest.fixture(scope="module")
async def runtime(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> ServiceRuntime[Any]:
    url = await migrated_database(infra, "intake", PROGRAM.migrations, metadata)
    runtime = build(settings_for(IntakeSettings, infra, url, tmp_path_factory.mktemp("keys")))
    await keep_in(runtime, demo_configuration("bps-1700"), offer_tenant)
    return runtime


def consumer(runtime: ServiceRuntime[Any], handler: Any = record_registration) -> tuple[BatchConsumer[Any], ListSink]:
    return batch_consumer(runtime, "intake", [(TOPIC, CASE_REGISTERED, handler)])


def records(events: Sequence[Envelope[Any]]) -> list[ReceivedRecord]:
    wires = [encode(e) for e in events]
    return [ReceivedRecord(TOPIC, 0, i, w.key, w.value, tuple(w.headers)) for i, w in enumerate(wires)]


async def received(runtime: ServiceRuntime[Any], count: int) -> list[UUID]:
    """Reports intake received (as a submission stores them)."""
    ids = [uuid4() for _ in range(count)]
    async with runtime.engine.begin() as db:
        await db.execute(
            insert(report_table),
            [
                {
                    "id": report,
                    "registration_number": f"WBS-TEST-{report.hex[:12]}",
                    "secret_hash": "-",
                    "tenant_id": "bps-1700",
                    "category": "korupsi-gratifikasi",
                    "channel": "web",
                    "submitted_at": RECEIVED,
                }
                for report in ids
            ],
        )
        await db.execute(insert(status_table), [{"report_id": r, "status": "diterima", "at": RECEIVED} for r in ids])
    return ids


async def timelines(runtime: ServiceRuntime[Any], reports: list[UUID]) -> dict[UUID, list[str]]:
    async with runtime.sessionmaker() as session:
        query = (
            select(status_table.c.report_id, status_table.c.status)
            .where(status_table.c.report_id.in_(reports))
            .order_by(status_table.c.at)
        )
        found: dict[UUID, list[str]] = {r: [] for r in reports}
        for report, status in await session.execute(query):
            found[report].append(status)
        return found


def registration(report: UUID, minutes: int = 1) -> Envelope[Any]:
    return case_registered(case_id=report, at=RECEIVED + timedelta(minutes=minutes))


async def test_a_batch_with_a_failure_and_an_unknown_report_records_each_registration_once(
    runtime: ServiceRuntime[Any],
) -> None:
    reports = await received(runtime, 6)
    flaky, poisoned = reports[2], reports[4]
    stranger = registration(uuid4())  # intake never received this report: parked at once
    events = [registration(reports[0]), stranger, *(registration(r) for r in reports[1:])]
    applying, sink = consumer(runtime, Failing(once={flaky}, always={poisoned}))

    outcome = await applying.apply(records(events))

    assert outcome.applied == 5
    assert [(p.envelope.data.case_id, p.reason) for p in sink.parked if p.envelope] == [
        (stranger.data.case_id, "unretryable"),
        (poisoned, "handler_error"),
    ]
    assert isinstance(sink.parked[0].error, UnknownReport)
    expected = {r: ["diterima", "terdaftar"] for r in reports}
    expected[poisoned] = ["diterima"]  # what its failed attempts recorded was rolled back
    assert await timelines(runtime, reports) == expected


async def test_a_replayed_or_repeated_registration_changes_nothing(runtime: ServiceRuntime[Any]) -> None:
    reports = await received(runtime, 3)
    first = [registration(r) for r in reports]
    applying, sink = consumer(runtime)
    await applying.apply(records(first))

    # the same events (the inbox knows them), a second registration of the same report under
    # another event id (it does not), and two of one new report in the same batch
    [late] = await received(runtime, 1)
    again = [registration(r, minutes=5) for r in reports]
    outcome = await applying.apply(records([*first, *again, registration(late), registration(late, minutes=2)]))

    assert (outcome.applied, outcome.duplicates, sink.parked) == (5, 3, [])
    assert await timelines(runtime, [*reports, late]) == {r: ["diterima", "terdaftar"] for r in [*reports, late]}
