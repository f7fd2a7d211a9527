"""The event journal (``wbs_runtime.messaging.journal``), opt-in per service: kept in the transaction
that applies a batch, so an event whose handler failed is not in it; each event once, with its
record's bytes; replayed in the order applied, through the handlers given."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import select

from tests.support.events import case_registered
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import produce
from tests.support.services import migrated_database, running
from tests.support.waiting import eventually
from wbs_contracts.envelope import Envelope
from wbs_contracts.registry import CASE_REGISTERED
from wbs_contracts.wire import encode
from wbs_notify.adapters.db import SqlNotifyUnitOfWork, metadata
from wbs_notify.entrypoint import PROGRAM, NotifySettings
from wbs_runtime.messaging.journal import replay_journal
from wbs_runtime.messaging.tables import dead_letter, event_journal
from wbs_runtime.service import ServiceRuntime


@dataclass
class Recorder:
    """A handler that records what it applied, and fails for the cases it is told to."""

    failing: set[UUID] = field(default_factory=set)
    applied: list[UUID] = field(default_factory=list)

    async def __call__(self, event: Envelope[Any], uow: SqlNotifyUnitOfWork) -> None:
        if event.data.case_id in self.failing:
            raise ValueError("a handler's bug")
        self.applied.append(event.id)


@dataclass
class Service:
    runtime: ServiceRuntime[SqlNotifyUnitOfWork]
    prefix: str
    bootstrap: str
    handler: Recorder


@contextlib.asynccontextmanager
async def start(infra: Infrastructure, *, journal: bool) -> AsyncIterator[Service]:
    url = await migrated_database(infra, "notify", PROGRAM.migrations, metadata, label=f"_journal{int(journal)}")
    prefix = f"{infra.namespace}.journal{uuid4().hex[:4]}."
    settings = NotifySettings(
        database_url=url,
        kafka_bootstrap_servers=infra.bootstrap_servers,
        kafka_topic_prefix=prefix,
        consumer_backoff_seconds=0.01,
        outbox_poll_seconds=0.2,
        kafka_fetch_max_wait_ms=50,
    )
    runtime: ServiceRuntime[SqlNotifyUnitOfWork] = ServiceRuntime(settings, SqlNotifyUnitOfWork)
    handler = Recorder()
    runtime.subscribe(CASE_REGISTERED, handler)
    if journal:
        runtime.keep_journal()
    async with running(runtime):
        yield Service(runtime, prefix, infra.bootstrap_servers, handler)


@pytest.fixture(scope="module")
async def journaling(infra: Infrastructure) -> AsyncIterator[Service]:
    async with start(infra, journal=True) as service:
        yield service


async def kept(service: Service) -> list[Any]:
    async with service.runtime.engine.connect() as connection:
        return list((await connection.execute(select(event_journal).order_by(event_journal.c.seq))).all())


async def test_applied_events_are_kept_once_with_their_bytes_and_a_failed_one_is_not(journaling: Service) -> None:
    good = [case_registered() for _ in range(3)]
    bad = case_registered()
    journaling.handler.failing.add(bad.data.case_id)
    topic = journaling.prefix + CASE_REGISTERED.topic
    records = [encode(e) for e in (good[0], bad, good[1], good[0], good[2])]  # good[0] delivered twice
    for record in records:
        headers = [*record.headers, ("trace", b"\xff\x00")]
        await produce(journaling.bootstrap, topic, record.value, key=record.key, headers=headers)

    async def settled() -> bool:
        async with journaling.runtime.engine.connect() as connection:
            parked = (await connection.execute(select(dead_letter.c.event_id))).scalars().all()
        return bad.id in parked and len(await kept(journaling)) == 3

    await eventually(settled, what="three events kept and the failing one dead-lettered")
    rows = await kept(journaling)
    assert sorted(r.event_id for r in rows) == sorted(e.id for e in good)
    assert bad.id not in {r.event_id for r in rows}
    first = next(r for r in rows if r.event_id == good[0].id)
    wire = encode(good[0])
    assert (first.topic, first.event_source, first.message_key, first.value) == (
        CASE_REGISTERED.topic,
        good[0].source,
        wire.key,
        wire.value,
    )
    assert list(zip(first.header_names, first.header_values, strict=True)) == [*wire.headers, ("trace", b"\xff\x00")]

    replayed: list[UUID] = []

    async def again(event: Envelope[Any], uow: SqlNotifyUnitOfWork) -> None:
        replayed.append(event.id)

    emptied: list[bool] = []

    async def empty(uow: SqlNotifyUnitOfWork) -> None:
        emptied.append(True)

    outcome = await replay_journal(journaling.runtime.unit_of_work, {CASE_REGISTERED.topic: again}, empty=empty)
    assert emptied == [True]
    assert replayed == [r.event_id for r in rows]  # in the order first applied
    assert (outcome.applied, outcome.skipped) == (3, 0)
    nothing = await replay_journal(journaling.runtime.unit_of_work, {}, empty=empty)
    assert (nothing.applied, nothing.skipped) == (0, 3)


async def test_a_service_that_does_not_ask_keeps_no_journal(infra: Infrastructure) -> None:
    event = case_registered()
    record = encode(event)
    async with start(infra, journal=False) as service:
        topic = service.prefix + CASE_REGISTERED.topic
        await produce(service.bootstrap, topic, record.value, key=record.key, headers=list(record.headers))

        async def applied() -> bool:
            return event.id in service.handler.applied

        await eventually(applied, what="the event applied")
        assert await kept(service) == []
