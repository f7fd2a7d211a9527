"""The outbox relay: publishes committed outbox events to Kafka, in order, exactly as recorded.

- It selects *unpublished* rows in ``seq`` order. Polling ``seq > last_seen`` would lose rows,
  because sequence numbers are taken before commit.
- Only one relay per service database publishes (a PostgreSQL advisory lock); another replica
  waits on standby. Several relays could otherwise reorder a case's events.
- Each round publishes the oldest unpublished event of each case (the key); a case's next event
  waits for a later round, after its predecessor was acknowledged. So a case's events keep their
  order whatever the broker does, and a case whose event cannot be published (its partition or
  topic unavailable) backs off alone without holding up other cases. During a broker outage
  everything stays in the outbox and goes out, in order, when the broker is back. A republished
  event is harmless: consumers are idempotent.
- It wakes on ``NOTIFY`` from committing transactions, and polls as a fallback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from typing import Any

import asyncpg
from aiokafka.errors import KafkaError
from sqlalchemy import ARRAY, Text, any_, bindparam, func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from wbs_runtime.errors import backoff
from wbs_runtime.messaging.kafka import RecordSender, TopicNames
from wbs_runtime.messaging.outbox import NOTIFY_CHANNEL, backlog, prune
from wbs_runtime.messaging.tables import outbox
from wbs_runtime.metrics import ServiceMetrics

log = logging.getLogger(__name__)

#: One lock per database: the relay of each service's own database.
RELAY_LOCK_KEY = 0x5742_535F_4F55_5442  # "WBS_OUTB"
MAX_BACKOFF_SECONDS = 10.0
PRUNE_INTERVAL_SECONDS = 600.0


class OutboxRelay:
    def __init__(
        self,
        *,
        engine: AsyncEngine,
        dsn: str,
        producer: RecordSender,
        topics: TopicNames,
        metrics: ServiceMetrics,
        poll_seconds: float = 1.0,
        batch_size: int = 500,
        retention_days: tuple[float, float] = (7.0, 30.0),
    ) -> None:
        self._engine = engine
        self._dsn = dsn
        self._producer = producer
        self._topics = topics
        self._metrics = metrics
        self._poll_seconds = poll_seconds
        self._batch_size = batch_size
        self._retention_days = retention_days
        self._next_prune = 0.0
        self._wake = asyncio.Event()
        #: case key -> when its failed event may be tried again
        self._retry_at: dict[str, float] = {}
        self._led = False
        self._stopping = asyncio.Event()
        self.is_leader = False

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        """Relay until :meth:`stop`; survives database and broker outages."""
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(self._relay_loop())
            tasks.create_task(self._housekeeping_loop())

    async def _housekeeping_loop(self) -> None:
        """Backlog gauges on their own clock (a round blocked by a broker outage must not freeze
        them: that is when operators look at them), and pruning past the retention."""
        while not self._stopping.is_set():
            try:
                if self.is_leader and time.monotonic() >= self._next_prune:
                    async with self._engine.begin() as db:
                        removed = await prune(db, *self._retention_days)
                    self._next_prune = time.monotonic() + PRUNE_INTERVAL_SECONDS
                    if any(removed):
                        log.info("pruned %d published outbox event(s) and %d inbox record(s)", *removed)
                async with self._engine.connect() as db:
                    unpublished, oldest_age = await backlog(db)
                service = self._metrics.service
                self._metrics.outbox_backlog.labels(service).set(unpublished)
                self._metrics.outbox_oldest_age.labels(service).set(oldest_age)
            except Exception as error:  # the gauges keep their last value; the relay goes on
                log.debug("cannot measure the outbox backlog: %s", error)
            await self._sleep(self._poll_seconds)

    async def _relay_loop(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                await self._lead()
                failures = 0
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, SQLAlchemyError) as error:
                failures = 0 if self._led else failures + 1
                log.warning("outbox relay lost its database connection: %s", error)
                await self._sleep(backoff(failures, 0.2, MAX_BACKOFF_SECONDS))
            except Exception:
                # A relay that dies silently strands every event in the outbox: log it and go on.
                failures = 0 if self._led else failures + 1
                log.exception("outbox relay failed unexpectedly; restarting it")
                await self._sleep(backoff(failures, 0.2, MAX_BACKOFF_SECONDS))

    async def _lead(self) -> None:
        self._led = False
        connection: asyncpg.Connection[Any] = await asyncpg.connect(self._dsn)
        try:
            while not await connection.fetchval("SELECT pg_try_advisory_lock($1)", RELAY_LOCK_KEY):
                if await self._sleep(self._poll_seconds):
                    return
            self.is_leader = True
            self._led = True  # having led, the next failure starts the backoff afresh
            await connection.add_listener(NOTIFY_CHANNEL, self._on_notify)
            await self._relay_until_stopped(connection)
        finally:
            self.is_leader = False
            with contextlib.suppress(Exception):
                await asyncio.shield(connection.close(timeout=2))

    async def _relay_until_stopped(self, connection: asyncpg.Connection[Any]) -> None:
        while not self._stopping.is_set():
            if connection.is_closed():
                raise OSError("advisory lock connection closed")
            self._wake.clear()
            published, failed = await self.relay_once()
            if failed:
                self._metrics.relay_errors.labels(self._metrics.service).inc()
            if not published:
                await self._wait_for_work()

    async def relay_once(self) -> tuple[int, int]:
        """One round: the oldest unpublished event of each case, published together.

        Returns (published, failed). A case's next event goes out only in a later round, after
        this one was acknowledged, so a case's events keep their order whatever the broker does;
        and a case whose event fails waits (with backoff) without holding up any other case.
        """
        now = time.monotonic()
        self._retry_at = {key: due for key, due in self._retry_at.items() if due > now}
        waiting = list(self._retry_at)
        query = (
            select(
                outbox.c.seq,
                outbox.c.topic,
                outbox.c.message_key,
                outbox.c.headers,
                outbox.c.payload,
                outbox.c.publish_attempts,
            )
            .where(outbox.c.published_at.is_(None))
            .order_by(outbox.c.seq)
            .limit(self._batch_size)
        )
        if waiting:  # one array parameter, however many cases are waiting
            query = query.where(outbox.c.message_key != any_(bindparam("waiting", waiting, type_=ARRAY(Text))))
        async with self._engine.connect() as db:
            rows = (await db.execute(query)).all()
        first_of_case: dict[str, Any] = {}
        for row in rows:
            first_of_case.setdefault(row.message_key, row)
        heads = list(first_of_case.values())
        outcomes = await asyncio.gather(*(self._publish(row) for row in heads))
        published = [row for row, error in zip(heads, outcomes, strict=True) if error is None]
        failed = [(row, error) for row, error in zip(heads, outcomes, strict=True) if error is not None]
        await self._record(published, failed)
        return len(published), len(failed)

    async def _publish(self, row: Any) -> BaseException | None:
        try:
            future = await self._producer.send(
                self._topics(row.topic),
                row.message_key.encode(),
                row.payload,
                [(name, value.encode()) for name, value in row.headers],
            )
            await future
        except Exception as error:  # a bad row must back off alone, not stall every case's round
            if not isinstance(error, KafkaError):  # broker errors are expected; anything else is a bug
                log.exception("unexpected error publishing outbox event %d", row.seq)
            return error
        return None

    async def _record(self, published: Sequence[Any], failed: Sequence[tuple[Any, BaseException]]) -> None:
        async with self._engine.begin() as db:
            if published:
                seqs = [row.seq for row in published]
                await db.execute(update(outbox).where(outbox.c.seq.in_(seqs)).values(published_at=func.now()))
            for row, error in failed:
                await db.execute(
                    update(outbox)
                    .where(outbox.c.seq == row.seq)
                    .values(publish_attempts=outbox.c.publish_attempts + 1, last_error=str(error)[:2000])
                )
        for row in published:
            self._retry_at.pop(row.message_key, None)
            self._metrics.produced.labels(self._metrics.service, row.topic).inc()
        for row, error in failed:
            self._retry_at[row.message_key] = time.monotonic() + backoff(row.publish_attempts, 0.2, MAX_BACKOFF_SECONDS)
            log.warning(
                "publishing %s event %d failed (attempt %d): %s", row.topic, row.seq, row.publish_attempts + 1, error
            )

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def _wait_for_work(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=self._poll_seconds)

    async def _sleep(self, seconds: float) -> bool:
        """Sleep unless stopped first; True when stopping."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        return self._stopping.is_set()
