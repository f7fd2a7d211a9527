"""The outbox relay: publishes committed outbox events to Kafka, in order, exactly as recorded.

- It selects *unpublished* rows in ``seq`` order. Polling ``seq > last_seen`` would lose rows,
  because sequence numbers are taken before commit.
- Only one relay per service database publishes (a PostgreSQL advisory lock); another replica
  waits on standby. Several relays could otherwise reorder a case's events.
- Rows are marked published only up to the first failure, so a broker outage leaves the rest in
  the outbox to go out, in order, when the broker is back. A republished event is harmless:
  consumers are idempotent.
- It wakes on ``NOTIFY`` from committing transactions, and polls as a fallback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

import asyncpg
from aiokafka.errors import KafkaError
from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from wbs_runtime.messaging.kafka import Producer, TopicNames
from wbs_runtime.messaging.outbox import NOTIFY_CHANNEL, backlog
from wbs_runtime.messaging.tables import outbox
from wbs_runtime.metrics import ServiceMetrics

log = logging.getLogger(__name__)

#: One lock per database: the relay of each service's own database.
RELAY_LOCK_KEY = 0x5742_535F_4F55_5442  # "WBS_OUTB"
MAX_BACKOFF_SECONDS = 5.0


class RelayRoundFailed(Exception):
    pass


class OutboxRelay:
    def __init__(
        self,
        *,
        engine: AsyncEngine,
        dsn: str,
        producer: Producer,
        topics: TopicNames,
        metrics: ServiceMetrics,
        poll_seconds: float = 1.0,
        batch_size: int = 500,
    ) -> None:
        self._engine = engine
        self._dsn = dsn
        self._producer = producer
        self._topics = topics
        self._metrics = metrics
        self._poll_seconds = poll_seconds
        self._batch_size = batch_size
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self.is_leader = False

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        """Relay until :meth:`stop`; survives database and broker outages."""
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(self._relay_loop())
            tasks.create_task(self._observe_loop())

    async def _observe_loop(self) -> None:
        """Backlog gauges on their own clock: a round blocked by a broker outage must not freeze
        them, since that is when operators look at them."""
        while not self._stopping.is_set():
            try:
                async with self._engine.connect() as db:
                    unpublished, oldest_age = await backlog(db)
                service = self._metrics.service
                self._metrics.outbox_backlog.labels(service).set(unpublished)
                self._metrics.outbox_oldest_age.labels(service).set(oldest_age)
            except (OSError, SQLAlchemyError) as error:
                log.debug("cannot measure the outbox backlog: %s", error)
            await self._sleep(self._poll_seconds)

    async def _relay_loop(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                await self._lead()
                failures = 0
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, SQLAlchemyError) as error:
                failures += 1
                self.is_leader = False
                log.warning("outbox relay lost its database connection: %s", error)
                await self._sleep(min(MAX_BACKOFF_SECONDS, 0.2 * 2**failures))

    async def _lead(self) -> None:
        connection: asyncpg.Connection[Any] = await asyncpg.connect(self._dsn)
        try:
            while not await connection.fetchval("SELECT pg_try_advisory_lock($1)", RELAY_LOCK_KEY):
                if await self._sleep(self._poll_seconds):
                    return
            self.is_leader = True
            await connection.add_listener(NOTIFY_CHANNEL, self._on_notify)
            await self._relay_until_stopped(connection)
        finally:
            self.is_leader = False
            with contextlib.suppress(Exception):
                await asyncio.shield(connection.close(timeout=2))

    async def _relay_until_stopped(self, connection: asyncpg.Connection[Any]) -> None:
        failures = 0
        while not self._stopping.is_set():
            if connection.is_closed():
                raise OSError("advisory lock connection closed")
            self._wake.clear()
            try:
                published = await self.relay_once()
                failures = 0
            except RelayRoundFailed as error:
                failures += 1
                self._metrics.relay_errors.labels(self._metrics.service).inc()
                log.warning("outbox relay round failed (attempt %d): %s", failures, error.__cause__ or error)
                await self._sleep(min(MAX_BACKOFF_SECONDS, 0.1 * 2**failures))
                continue
            if published < self._batch_size:
                await self._wait_for_work()

    async def relay_once(self) -> int:
        """Publish one batch of unpublished events; returns how many were published."""
        async with self._engine.connect() as db:
            rows = (
                await db.execute(
                    select(outbox.c.seq, outbox.c.topic, outbox.c.message_key, outbox.c.headers, outbox.c.payload)
                    .where(outbox.c.published_at.is_(None))
                    .order_by(outbox.c.seq)
                    .limit(self._batch_size)
                )
            ).all()
        published: list[int] = []
        failure: BaseException | None = None
        if rows:
            try:
                futures = [
                    await self._producer.send(
                        self._topics(row.topic),
                        row.message_key.encode(),
                        row.payload,
                        [(name, value.encode()) for name, value in row.headers],
                    )
                    for row in rows
                ]
                results = await asyncio.gather(*futures, return_exceptions=True)
            except KafkaError as error:
                results = [error]
            for row, result in zip(rows, results, strict=False):
                if isinstance(result, BaseException):
                    failure = result
                    break
                published.append(row.seq)
            if failure is None and len(published) < len(rows):
                failure = KafkaError("batch not fully sent")
        await self._record(rows, published, failure)
        if failure is not None:
            raise RelayRoundFailed(str(failure)) from failure
        return len(published)

    async def _record(self, rows: Sequence[Any], published: list[int], failure: BaseException | None) -> None:
        async with self._engine.begin() as db:
            if published:
                await db.execute(update(outbox).where(outbox.c.seq.in_(published)).values(published_at=func.now()))
            if failure is not None and len(published) < len(rows):
                stuck = rows[len(published)].seq
                await db.execute(
                    update(outbox)
                    .where(outbox.c.seq == stuck)
                    .values(publish_attempts=outbox.c.publish_attempts + 1, last_error=str(failure)[:2000])
                )
        for row in rows[: len(published)]:
            self._metrics.produced.labels(self._metrics.service, row.topic).inc()

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
