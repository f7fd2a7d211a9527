"""A consumer waits out a real PostgreSQL outage instead of dead-lettering good messages."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.support.events import case_registered
from tests.support.infrastructure import free_port
from wbs_contracts.registry import CASE_REGISTERED
from wbs_contracts.wire import encode
from wbs_launcher.postgres import EmbeddedPostgres
from wbs_launcher.provision import provision
from wbs_notify.adapters.db import SqlNotifyUnitOfWork, metadata, notification_table
from wbs_notify.entrypoint import PROGRAM
from wbs_notify.usecases import acknowledge_registration
from wbs_runtime import migrate
from wbs_runtime.clock import utc_now
from wbs_runtime.db import create_engine, create_sessionmaker
from wbs_runtime.messaging.consumer import BatchConsumer, Parked, ReceivedRecord
from wbs_runtime.metrics import ServiceMetrics


class DeadLetters:
    def __init__(self) -> None:
        self.records: list[Parked] = []

    async def park(self, parked: Sequence[Parked]) -> None:
        self.records += parked


@pytest.fixture
def own_postgres(tmp_path: Path) -> Iterator[EmbeddedPostgres]:
    """A server of this test's own, so stopping it disturbs no other test."""
    server = EmbeddedPostgres(tmp_path / "pgdata", free_port(), tmp_path / "postgres.log")
    server.start()
    yield server
    server.stop()


async def test_an_event_applied_during_a_database_restart_is_applied_once_it_is_back(
    own_postgres: EmbeddedPostgres,
) -> None:
    url = await provision(own_postgres.admin_url, "notify")
    await asyncio.to_thread(migrate.upgrade, url, PROGRAM.migrations, metadata)
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    parked, metrics = DeadLetters(), ServiceMetrics("notify")
    inside, release = asyncio.Event(), asyncio.Event()
    acknowledge = acknowledge_registration(utc_now)

    async def handler(event: Any, uow: SqlNotifyUnitOfWork) -> None:
        inside.set()  # the inbox claim is made: a transaction is open on the server
        await release.wait()
        await acknowledge(event, uow)

    consumer: BatchConsumer[SqlNotifyUnitOfWork] = BatchConsumer(
        service="notify",
        unit_of_work=lambda: SqlNotifyUnitOfWork(sessionmaker, "notify"),
        dead_letters=parked,
        metrics=metrics,
        max_attempts=2,
        backoff_seconds=0.05,
    )
    consumer.subscribe(CASE_REGISTERED.topic, CASE_REGISTERED, handler)
    event = case_registered()
    wire = encode(event)
    record = ReceivedRecord(CASE_REGISTERED.topic, 0, 7, wire.key, wire.value, wire.headers)
    try:
        applying = asyncio.create_task(consumer.apply([record]))
        await asyncio.wait_for(inside.wait(), 10)
        # Fast shutdown: the server terminates the connection of the open transaction (the client
        # sees an invalidated connection), then refuses new ones until it is back.
        await asyncio.to_thread(own_postgres.stop)
        release.set()
        await asyncio.sleep(3)  # far longer than two attempts with 50 ms backoff
        assert not applying.done()
        assert parked.records == []
        outages = metrics.registry.get_sample_value(
            "wbs_event_failures_total",
            {"service": "notify", "topic": CASE_REGISTERED.topic, "reason": "infrastructure"},
        )
        assert (outages or 0) >= 2

        await asyncio.to_thread(own_postgres.start)
        await asyncio.wait_for(applying, 30)
        async with sessionmaker() as session:
            query = select(notification_table.c.kind).where(notification_table.c.case_id == event.data.case_id)
            assert (await session.execute(query)).scalars().all() == ["tanda-terima"]
        assert parked.records == []
    finally:
        await engine.dispose()
