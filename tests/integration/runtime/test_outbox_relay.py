"""The outbox relay against real PostgreSQL and a real Kafka-protocol broker."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
import pytest
from aiokafka.errors import KafkaError
from aiokafka.structs import RecordMetadata
from sqlalchemy import MetaData, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.events import report_submitted
from tests.support.infrastructure import Infrastructure, free_port
from tests.support.kafka import header, read_until
from tests.support.services import fresh_database
from tests.support.waiting import eventually
from wbs_contracts.registry import REPORT_SUBMITTED, TopicSpec
from wbs_launcher.broker import EmbeddedBroker
from wbs_runtime import migrate
from wbs_runtime.db import create_engine, create_sessionmaker, plain_url
from wbs_runtime.gauges import GaugeRefresher
from wbs_runtime.messaging.kafka import Producer, RecordSender, TopicNames, ensure_topics
from wbs_runtime.messaging.outbox import DOORBELL, NOTIFY_CHANNEL, Doorbell, Outbox, measure_backlog, prune
from wbs_runtime.messaging.relay import OutboxRelay
from wbs_runtime.messaging.restart import Replayed, replay
from wbs_runtime.messaging.tables import inbox, outbox
from wbs_runtime.metrics import ServiceMetrics
from wbs_runtime.unit_of_work import UnitOfWork


@pytest.fixture
async def database(infra: Infrastructure, tmp_path: Path) -> AsyncIterator[tuple[str, AsyncEngine]]:
    """A database with only the shared messaging tables (outbox, inbox)."""
    url = await fresh_database(infra, "intake", f"_relay{uuid4().hex[:6]}")
    await asyncio.to_thread(migrate.upgrade, url, tmp_path, MetaData())
    engine = create_engine(url)
    yield url, engine
    await engine.dispose()


def relay_to(producer: RecordSender, url: str, engine: AsyncEngine, **options: Any) -> OutboxRelay:
    """A relay of the test database publishing through ``producer`` (a fake that fails on cue)."""
    return OutboxRelay(
        engine=engine,
        dsn=plain_url(url),
        producer=producer,
        topics=TopicNames(),
        metrics=ServiceMetrics("intake"),
        **options,
    )


async def add_events(engine: AsyncEngine, cases: list[str], per_case: int) -> dict[str, list[str]]:
    """Interleave ``per_case`` events of each case, one transaction per event; returns ids per case."""
    written: dict[str, list[str]] = defaultdict(list)
    sessionmaker = create_sessionmaker(engine)
    for round_ in range(per_case):
        for case in cases:
            envelope = report_submitted(case_id=uuid4())
            envelope = envelope.model_copy(update={"subject": case})
            async with sessionmaker() as session:
                await Outbox(session).add(REPORT_SUBMITTED, envelope)
                await session.commit()
            written[case].append(str(envelope.id))
        del round_
    return written


@contextlib.asynccontextmanager
async def relaying(
    url: str, engine: AsyncEngine, bootstrap: str, prefix: str, poll_seconds: float = 0.2
) -> AsyncIterator[OutboxRelay]:
    producer = Producer(bootstrap)
    await producer.start()
    metrics = ServiceMetrics("intake")
    relay = OutboxRelay(
        engine=engine,
        dsn=plain_url(url),
        producer=producer,
        topics=TopicNames(prefix),
        metrics=metrics,
        poll_seconds=poll_seconds,
    )
    gauges, stopping = GaugeRefresher(engine, every=0.2), asyncio.Event()
    gauges.register("outbox", lambda db: measure_backlog(db, metrics))
    tasks = [asyncio.create_task(relay.run()), asyncio.create_task(gauges.run(stopping))]
    try:
        yield relay
    finally:
        relay.stop()
        stopping.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 20)
        await producer.stop()


async def unpublished(engine: AsyncEngine) -> int:
    async with engine.connect() as db:
        return int((await db.execute(select(func.count()).where(outbox.c.published_at.is_(None)))).scalar_one())


def by_case(records: list[Any]) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = defaultdict(list)
    for record in records:
        seen[record.key.decode()].append(header(record, "ce_id") or "")
    return seen


async def test_every_event_is_published_in_each_cases_order(
    infra: Infrastructure, database: tuple[str, AsyncEngine]
) -> None:
    url, engine = database
    prefix = f"{infra.namespace}.relay{uuid4().hex[:4]}."
    await ensure_topics(infra.bootstrap_servers, prefix=prefix)
    written = await add_events(engine, [f"case-{i}" for i in range(8)], per_case=15)
    async with relaying(url, engine, infra.bootstrap_servers, prefix):
        records = await read_until(infra.bootstrap_servers, prefix + REPORT_SUBMITTED.topic, lambda r: len(r) >= 120)
        await eventually(lambda: _zero(engine), what="outbox drained")
    assert by_case(records) == written
    # Each row remembers where the broker put it: what a memory-only broker loses on restart.
    async with engine.connect() as db:
        stored = {
            str(row.event_id): (row.published_partition, row.published_offset)
            for row in await db.execute(
                select(outbox.c.event_id, outbox.c.published_partition, outbox.c.published_offset)
            )
        }
    assert stored == {header(r, "ce_id"): (r.partition, r.offset) for r in records}


async def _sample(registry: Any, name: str, at_least: float) -> bool:
    return (registry.get_sample_value(name, {"service": "intake"}) or 0) >= at_least


async def _zero(engine: AsyncEngine) -> bool:
    return await unpublished(engine) == 0


async def test_a_broker_outage_loses_and_reorders_nothing(
    infra: Infrastructure, database: tuple[str, AsyncEngine], tmp_path: Path
) -> None:
    """A broker of our own, stopped and started again while the service keeps writing events."""
    url, engine = database
    broker = EmbeddedBroker(free_port(), tmp_path / "broker.log")
    broker.start()
    topics = [TopicSpec(REPORT_SUBMITTED.topic, "case", "intake", (), 3, "test")]
    try:
        await ensure_topics(broker.bootstrap_servers, topics)
        async with relaying(url, engine, broker.bootstrap_servers, "") as relay:
            before = await add_events(engine, ["case-a", "case-b"], per_case=3)
            await eventually(lambda: _zero(engine), what="first events published")
            published_before = await read_until(
                broker.bootstrap_servers, REPORT_SUBMITTED.topic, lambda r: len(r) >= 6, within=20
            )
            broker.stop()
            during = await add_events(engine, ["case-a", "case-b", "case-c"], per_case=4)
            metrics = relay._metrics.registry
            await eventually(
                lambda: _sample(metrics, "wbs_outbox_relay_errors_total", 1), what="a failed round", within=40
            )
            await eventually(lambda: _sample(metrics, "wbs_outbox_backlog_events", 12), what="backlog gauge")
            assert await unpublished(engine) == 12  # held in the outbox, not dropped
            broker.start()  # memory only: it comes back empty
            await ensure_topics(broker.bootstrap_servers, topics)
            records = await read_until(
                broker.bootstrap_servers, REPORT_SUBMITTED.topic, lambda r: len(r) >= 12, within=60
            )
            await eventually(lambda: _zero(engine), what="backlog drained", within=30)
    finally:
        broker.stop()
    assert by_case(records) == during
    assert by_case(published_before) == before  # published before the outage (then lost with the broker's memory)


class FlakyProducer:
    """Acknowledges every record except those of the cases named failing, as a broker would
    whose partition for those cases is unavailable, and those named slow, which it holds until
    :meth:`release` (a partition whose leader is slow to answer)."""

    def __init__(self, *failing: str, slow: tuple[str, ...] = ()) -> None:
        self.failing = set(failing)
        self.slow = set(slow)
        self.held: list[tuple[str, str, asyncio.Future[RecordMetadata]]] = []
        self.acknowledged: dict[str, list[str]] = defaultdict(list)
        self.attempted: list[str] = []
        self.attempted_cases: list[str] = []
        self._offset = 0

    async def send(self, topic: str, key: bytes | None, value: bytes, headers: Any) -> asyncio.Future[RecordMetadata]:
        case, event_id = (key or b"").decode(), dict(headers)["ce_id"].decode()
        self.attempted.append(event_id)
        self.attempted_cases.append(case)
        future: asyncio.Future[RecordMetadata] = asyncio.get_running_loop().create_future()
        if case in self.failing:
            future.set_exception(KafkaError("NotLeaderForPartition"))
        elif case in self.slow:
            self.held.append((case, event_id, future))
        else:
            self._acknowledge(topic, case, event_id, future)
        return future

    def knows(self, topic: str) -> bool:
        return True

    def release(self) -> None:
        self.slow.clear()
        for case, event_id, future in self.held:
            self._acknowledge("t", case, event_id, future)
        self.held.clear()

    def _acknowledge(self, topic: str, case: str, event_id: str, future: asyncio.Future[RecordMetadata]) -> None:
        self.acknowledged[case].append(event_id)
        self._offset += 1
        future.set_result(RecordMetadata(topic, 0, None, self._offset, -1, 0, -1))


async def test_a_stuck_case_waits_alone_and_keeps_its_order(
    infra: Infrastructure, database: tuple[str, AsyncEngine]
) -> None:
    url, engine = database
    written = await add_events(engine, ["stuck", "case-a", "case-b"], per_case=3)
    async with engine.begin() as db:  # it has been failing for a long time already
        await db.execute(update(outbox).where(outbox.c.message_key == "stuck").values(publish_attempts=5000))
    producer = FlakyProducer("stuck")
    relay = relay_to(producer, url, engine)
    for _ in range(4):
        await relay.relay_once()
    assert producer.acknowledged == {"case-a": written["case-a"], "case-b": written["case-b"]}
    assert await unpublished(engine) == 3
    # Only the stuck case's first event was tried; its later ones never went ahead of it.
    assert {e for e in producer.attempted if e in written["stuck"]} == {written["stuck"][0]}
    async with engine.connect() as db:
        query = (
            select(outbox.c.publish_attempts, outbox.c.last_error)
            .where(outbox.c.published_at.is_(None))
            .order_by(outbox.c.seq)
        )
        attempts = (await db.execute(query)).all()
    assert attempts[0].publish_attempts == 5001  # tried again once: backing off, not crashing
    assert "NotLeaderForPartition" in attempts[0].last_error
    assert [a.publish_attempts for a in attempts[1:]] == [5000, 5000]

    producer.failing.clear()  # the partition is back
    relay._retry_at.clear()  # skip the backoff
    for _ in range(4):
        await relay.relay_once()
    assert producer.acknowledged["stuck"] == written["stuck"]
    assert await unpublished(engine) == 0


async def test_several_stuck_cases_back_off_while_healthy_cases_keep_flowing(
    infra: Infrastructure, database: tuple[str, AsyncEngine]
) -> None:
    """The oldest rows all belong to stuck cases, more of them than one selection holds."""
    url, engine = database
    stuck = ["stuck-1", "stuck-2", "stuck-3"]
    written = await add_events(engine, stuck, per_case=3)
    written |= await add_events(engine, ["ok-1", "ok-2"], per_case=3)
    async with engine.begin() as db:  # failing for a long time already: backing off for 10 s
        await db.execute(update(outbox).where(outbox.c.message_key.in_(stuck)).values(publish_attempts=5000))
    producer = FlakyProducer(*stuck)
    relay = relay_to(producer, url, engine, batch_size=6)
    for _ in range(8):
        await relay.relay_once()
    assert producer.acknowledged == {"ok-1": written["ok-1"], "ok-2": written["ok-2"]}
    assert sorted(c for c in producer.attempted_cases if c in stuck) == stuck  # each tried once, not every round
    assert await unpublished(engine) == 9


async def test_acknowledgements_are_recorded_as_they_come_while_a_slow_partition_waits(
    infra: Infrastructure, database: tuple[str, AsyncEngine]
) -> None:
    url, engine = database
    written = await add_events(engine, ["slow", "case-a", "case-b"], per_case=3)
    producer = FlakyProducer(slow=("slow",))
    relay = relay_to(producer, url, engine, poll_seconds=0.2)
    task = asyncio.create_task(relay.run())
    try:
        await eventually(lambda: _published_count(engine, 6), what="the other cases published, slow one in flight")
        assert producer.attempted_cases.count("slow") == 1  # its next events wait for its acknowledgement
        assert producer.acknowledged == {"case-a": written["case-a"], "case-b": written["case-b"]}
        producer.release()
        await eventually(lambda: _zero(engine), what="the slow case published too")
    finally:
        relay.stop()
        await asyncio.wait_for(task, 20)
    assert producer.acknowledged["slow"] == written["slow"]


async def _published_count(engine: AsyncEngine, count: int) -> bool:
    async with engine.connect() as db:
        query = select(func.count()).where(outbox.c.published_at.is_not(None))
        return int((await db.execute(query)).scalar_one()) == count


async def test_the_relay_is_notified_once_per_transaction_not_once_per_event(
    database: tuple[str, AsyncEngine],
) -> None:
    """Through the unit of work's commit (the outbox flushed on the driver) and through a plain
    session commit (the outbox written just before it): one NOTIFY per transaction, in order."""
    url, engine = database
    listener = await asyncpg.connect(plain_url(url))
    notifications: list[str] = []
    await listener.add_listener(NOTIFY_CHANNEL, lambda *args: notifications.append(args[2]))
    try:
        events = [report_submitted() for _ in range(10)]
        async with create_sessionmaker(engine)() as session:
            box = Outbox(session)
            for envelope in events[:5]:
                await box.add(REPORT_SUBMITTED, envelope)
            await box.flush()
            await session.commit()
        async with create_sessionmaker(engine)() as session:
            box = Outbox(session)
            for envelope in events[5:]:
                await box.add(REPORT_SUBMITTED, envelope)
            await session.commit()
        async with create_sessionmaker(engine)() as session:  # nothing added: nothing to announce
            await session.execute(text("SELECT 1"))
            await session.commit()
        await eventually(lambda: _at_least(notifications, 2), what="two notifications")
        await asyncio.sleep(0.2)
        assert len(notifications) == 2
    finally:
        await listener.close()
    assert await unpublished(engine) == 10
    async with engine.connect() as db:
        written = (await db.execute(select(outbox.c.event_id).order_by(outbox.c.seq.desc()).limit(10))).scalars()
        assert list(written)[::-1] == [e.id for e in events]  # seq follows the order they were added in


class Standby:
    """A relay of this process that does not lead (another replica does)."""

    is_leader = False

    def wake(self) -> None:
        raise AssertionError("a relay on standby is not woken: the leader is, by NOTIFY")


async def test_a_commit_wakes_its_own_leading_relay_without_notify_and_notifies_any_other(
    infra: Infrastructure, database: tuple[str, AsyncEngine]
) -> None:
    """NOTIFY holds a cluster-wide lock through each commit's WAL flush: the writer's own relay,
    when it leads, is woken in the process instead. The relay polls only every 30 s here, so an
    event published at once was woken, not found."""
    url, engine = database
    prefix = f"{infra.namespace}.bell{uuid4().hex[:4]}."
    topic = prefix + REPORT_SUBMITTED.topic
    await ensure_topics(infra.bootstrap_servers, prefix=prefix)
    listener = await asyncpg.connect(plain_url(url))
    notifications: list[str] = []
    await listener.add_listener(NOTIFY_CHANNEL, lambda *args: notifications.append(args[2]))

    async def commit_one(sessionmaker: Any) -> str:
        envelope = report_submitted()
        async with UnitOfWork(sessionmaker, "intake") as uow:
            await uow.outbox.add(REPORT_SUBMITTED, envelope)
            await uow.commit()
        return str(envelope.id)

    try:
        async with relaying(url, engine, infra.bootstrap_servers, prefix, poll_seconds=30) as relay:
            await eventually(lambda: _any_leader(relay), what="the relay leading")
            await asyncio.sleep(0.3)  # its first look at the outbox is over: it waits on the poll now
            doorbell = Doorbell()
            doorbell.attach(relay)
            own = await commit_one(create_sessionmaker(engine, **{DOORBELL: doorbell}))
            records = await read_until(infra.bootstrap_servers, topic, lambda r: len(r) >= 1, within=10)
            assert [header(r, "ce_id") for r in records] == [own]
            assert notifications == []

            standby = Doorbell()
            standby.attach(Standby())
            for writer in (create_sessionmaker(engine), create_sessionmaker(engine, **{DOORBELL: standby})):
                await commit_one(writer)
            await eventually(lambda: _at_least(notifications, 2), what="a NOTIFY from each other writer")
            records = await read_until(infra.bootstrap_servers, topic, lambda r: len(r) >= 3, within=10)
            assert len(records) == 3
    finally:
        await listener.close()


async def _at_least(items: list[str], count: int) -> list[str] | None:
    return items if len(items) >= count else None


async def test_only_one_relay_per_database_publishes(infra: Infrastructure, database: tuple[str, AsyncEngine]) -> None:
    url, engine = database
    prefix = f"{infra.namespace}.lead{uuid4().hex[:4]}."
    await ensure_topics(infra.bootstrap_servers, prefix=prefix)
    async with (
        relaying(url, engine, infra.bootstrap_servers, prefix) as first,
        relaying(url, engine, infra.bootstrap_servers, prefix) as second,
    ):
        await eventually(lambda: _any_leader(first, second), what="a leader")
        await asyncio.sleep(0.5)
        assert [first.is_leader, second.is_leader].count(True) == 1
        written = await add_events(engine, ["case-x"], per_case=10)
        records = await read_until(infra.bootstrap_servers, prefix + REPORT_SUBMITTED.topic, lambda r: len(r) >= 10)
    assert by_case(records) == written


async def _any_leader(*relays: OutboxRelay) -> bool:
    return any(r.is_leader for r in relays)


async def test_published_events_and_old_inbox_records_are_pruned_after_their_retention(
    database: tuple[str, AsyncEngine],
) -> None:
    _, engine = database
    await add_events(engine, ["case-p"], per_case=3)
    async with engine.begin() as db:
        await db.execute(
            update(outbox)
            .where(outbox.c.seq == select(func.min(outbox.c.seq)).scalar_subquery())
            .values(published_at=func.now() - timedelta(days=8))
        )
        await db.execute(
            insert(inbox).values(
                consumer="triage",
                source="/wbs/intake",
                event_id=uuid4(),
                topic="t",
                applied_at=func.now() - timedelta(days=31),
            )
        )
        await db.execute(insert(inbox).values(consumer="triage", source="/wbs/intake", event_id=uuid4(), topic="t"))
        assert await prune(db, 7, 30) == (1, 1)
        assert await prune(db, 7, 30) == (0, 0)
        remaining = (await db.execute(select(func.count()).select_from(outbox))).scalar_one()
    assert remaining == 2  # unpublished events are never pruned, whatever their age


async def test_replay_queues_published_events_again(infra: Infrastructure, database: tuple[str, AsyncEngine]) -> None:
    url, engine = database
    prefix = f"{infra.namespace}.replay{uuid4().hex[:4]}."
    await ensure_topics(infra.bootstrap_servers, prefix=prefix)
    written = await add_events(engine, ["case-r"], per_case=5)
    async with relaying(url, engine, infra.bootstrap_servers, prefix):
        await eventually(lambda: _zero(engine), what="published")
        async with create_sessionmaker(engine)() as session:
            assert (await replay(session)).republished == 5
            await session.commit()
        records = await read_until(infra.bootstrap_servers, prefix + REPORT_SUBMITTED.topic, lambda r: len(r) >= 10)
    assert by_case(records) == {"case-r": written["case-r"] * 2}


async def test_after_a_broker_restart_only_what_some_consumer_had_not_applied_goes_out_again(
    infra: Infrastructure, database: tuple[str, AsyncEngine]
) -> None:
    """The launcher's record says how far every consumer group of a topic got on each partition;
    rows published below that mark stay published, the rest are queued again."""
    url, engine = database
    prefix = f"{infra.namespace}.restart{uuid4().hex[:4]}."
    await ensure_topics(infra.bootstrap_servers, prefix=prefix)
    await add_events(engine, [f"case-{i}" for i in range(12)], per_case=1)
    async with relaying(url, engine, infra.bootstrap_servers, prefix):
        await eventually(lambda: _zero(engine), what="published")
    async with engine.connect() as db:
        rows = (await db.execute(select(outbox.c.seq, outbox.c.published_partition, outbox.c.published_offset))).all()
    assert all(row.published_partition is not None and row.published_offset is not None for row in rows)
    # Every consumer applied offsets below 1 on every partition; nothing on partition 0.
    marks = dict.fromkeys({row.published_partition for row in rows}, 1) | {0: 0}
    applied = {row.seq for row in rows if row.published_partition != 0 and row.published_offset < 1}
    assert applied, "the test needs events below the mark"
    async with create_sessionmaker(engine)() as session:
        replayed = await replay(session, {REPORT_SUBMITTED.topic: marks})
        await session.commit()
    assert (replayed.republished, replayed.already_applied) == (len(rows) - len(applied), len(applied))
    async with engine.connect() as db:
        after = {r.seq: r for r in (await db.execute(select(outbox))).all()}
    for seq, row in after.items():
        if seq in applied:  # stays published, and forgets a position on a broker that is gone
            assert row.published_at is not None
            assert (row.published_partition, row.published_offset) == (None, None)
        else:
            assert (row.published_at, row.published_partition, row.published_offset) == (None, None, None)
    # A later restart with a record, even one without marks (a crash before the new broker's first
    # mark), does not resend what is known to be applied.
    async with create_sessionmaker(engine)() as session:
        again = await replay(session, {})
        await session.commit()
    assert again == Replayed(republished=0, already_applied=0)
    # Without a record, everything retained goes out again.
    async with create_sessionmaker(engine)() as session:
        everything = await replay(session, None)
        await session.commit()
    assert everything.republished == len(applied)
