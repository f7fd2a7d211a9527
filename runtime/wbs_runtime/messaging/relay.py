"""The outbox relay: publishes committed outbox events to Kafka, in order, exactly as recorded.

- It selects *unpublished* rows in ``seq`` order. Polling ``seq > last_seen`` would lose rows,
  because sequence numbers are taken before commit.
- Only one relay per service database publishes (a PostgreSQL advisory lock); another replica
  waits on standby. Several relays could otherwise reorder a case's events.
- It is a pipeline. It keeps the set of cases (keys) with an event in flight and never selects a
  case that is in flight or backing off, so a case's next event goes out only after its previous
  one was acknowledged *and recorded*: a case's events keep their order whatever the broker does.
  Many cases are in flight at once (the producer batches them per partition), and each
  acknowledgement is recorded as it completes (in small batches, one UPDATE each), so a slow or
  unavailable partition holds up only its own cases, never the others.
- A case whose event fails backs off alone (exponential, per case). During a broker outage
  everything stays in the outbox and goes out, in order, when the broker is back. A republished
  event is harmless: consumers are idempotent.
- The partition and offset the broker acknowledged are stored with each row: after a
  memory-only broker restarted, they tell what it lost.
- It is woken by a commit in its own process while it leads (``outbox.Doorbell``), by ``NOTIFY``
  from any other writer, and polls as a fallback.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from dataclasses import dataclass
from typing import Any

import asyncpg
from aiokafka.errors import KafkaError
from sqlalchemy import ARRAY, BigInteger, Integer, Text, any_, bindparam, not_, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from wbs_runtime.errors import backoff, describe
from wbs_runtime.messaging.kafka import RecordSender, TopicNames
from wbs_runtime.messaging.outbox import NOTIFY_CHANNEL, prune
from wbs_runtime.messaging.tables import outbox
from wbs_runtime.metrics import ServiceMetrics

log = logging.getLogger(__name__)

#: One lock per database: the relay of each service's own database.
RELAY_LOCK_KEY = 0x5742_535F_4F55_5442  # "WBS_OUTB"
MAX_BACKOFF_SECONDS = 10.0
PRUNE_INTERVAL_SECONDS = 600.0
#: On stopping or losing the lead, how long to wait for the acknowledgements still in flight.
DRAIN_SECONDS = 15.0

#: The oldest unpublished event of each case that is neither in flight nor backing off. One
#: array parameter, whatever its length, so the statement is prepared once. ``NOT (k = ANY(...))``:
#: ``k != ANY(...)`` would be true whenever ``k`` differs from *some* element.
_NEXT_ROWS = (
    select(
        outbox.c.seq,
        outbox.c.topic,
        outbox.c.message_key,
        outbox.c.headers,
        outbox.c.payload,
        outbox.c.publish_attempts,
    )
    .where(
        outbox.c.published_at.is_(None),
        not_(outbox.c.message_key == any_(bindparam("busy", type_=ARRAY(Text)))),
    )
    .order_by(outbox.c.seq)
    .limit(bindparam("limit"))
)

_RECORD_PUBLISHED = text(
    """
    UPDATE outbox SET published_at = now(), published_partition = acked.partition,
                      published_offset = acked."offset"
    FROM unnest(:seqs, :partitions, :offsets) AS acked(seq, partition, "offset")
    WHERE outbox.seq = acked.seq
    """
).bindparams(
    bindparam("seqs", type_=ARRAY(BigInteger)),
    bindparam("partitions", type_=ARRAY(Integer)),
    bindparam("offsets", type_=ARRAY(BigInteger)),
)
_RECORD_FAILED = text(
    """
    UPDATE outbox SET publish_attempts = publish_attempts + 1, last_error = failed.error
    FROM unnest(:seqs, :errors) AS failed(seq, error)
    WHERE outbox.seq = failed.seq
    """
).bindparams(bindparam("seqs", type_=ARRAY(BigInteger)), bindparam("errors", type_=ARRAY(Text)))


@dataclass(frozen=True)
class _Outcome:
    row: Any
    partition: int | None
    offset: int | None
    #: Why publishing failed (None when acknowledged), fit to store and log.
    error: str | None


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
        max_in_flight: int = 2000,
        linger_seconds: float = 0.002,
        retention_days: tuple[float, float] = (7.0, 30.0),
    ) -> None:
        self._engine = engine
        self._dsn = dsn
        self._producer = producer
        self._topics = topics
        self._metrics = metrics
        self._poll_seconds = poll_seconds
        self._batch_size = batch_size
        self._max_in_flight = max_in_flight
        self._linger = linger_seconds
        self._retention_days = retention_days
        self._next_prune = 0.0
        self._wake = asyncio.Event()
        #: case key -> when its failed event may be tried again
        self._retry_at: dict[str, float] = {}
        #: case key -> seq of its event sent and not yet recorded as published (or failed)
        self._in_flight: dict[str, int] = {}
        #: acknowledgements awaited from the producer
        self._sending: set[asyncio.Future[Any]] = set()
        self._completed: list[_Outcome] = []
        self._completion = asyncio.Event()
        #: Outcomes of sends begun under an earlier lead are not recorded (they may be stale).
        self._term = 0
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
            tasks.create_task(self._prune_loop())

    async def _prune_loop(self) -> None:
        """Forget what is past its retention, on a clock of its own (the leader only)."""
        while not self._stopping.is_set():
            try:
                if self.is_leader and time.monotonic() >= self._next_prune:
                    async with self._engine.begin() as db:
                        removed = await prune(db, *self._retention_days)
                    self._next_prune = time.monotonic() + PRUNE_INTERVAL_SECONDS
                    if any(removed):
                        log.info("pruned %d published outbox event(s) and %d inbox record(s)", *removed)
            except Exception as error:  # pruning waits for the next round; the relay goes on
                log.debug("cannot prune the outbox and inbox: %s", error)
            await self._sleep(self._poll_seconds)

    async def _relay_loop(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                await self._lead()
                failures = 0
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, SQLAlchemyError) as error:
                failures = 0 if self._led else failures + 1
                log.warning("outbox relay lost its database connection: %s", describe(error))
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
            try:
                await self._relay_until_stopped(connection)
            finally:
                await self._end_term()
        finally:
            self.is_leader = False
            with contextlib.suppress(Exception):
                await asyncio.shield(connection.close(timeout=2))

    async def _relay_until_stopped(self, connection: asyncpg.Connection[Any]) -> None:
        while not self._stopping.is_set():
            if connection.is_closed():
                raise OSError("advisory lock connection closed")
            self._wake.clear()
            room = self._max_in_flight - len(self._in_flight)
            sent = await self._send_next(room) if room > 0 else 0
            if not self._completed and (sent == 0 or sent == room):
                # Nothing more to send now: wait for an acknowledgement, a NOTIFY or the poll.
                await self._wait_for(self._completion, self._wake)
            if self._completed:
                if self._sending and len(self._completed) < self._batch_size:
                    await asyncio.sleep(self._linger)  # acknowledgements of one batch come together
                _, failed = await self._record()
                if failed:
                    self._metrics.relay_errors.labels(self._metrics.service).inc()

    async def relay_once(self) -> tuple[int, int]:
        """One step, waiting for every acknowledgement: send the oldest unpublished event of each
        case that may go, wait for the outcomes and record them. Returns (published, failed).

        The running relay does not wait like this; tests and tools use it to step the relay.
        """
        await self._send_next(self._max_in_flight - len(self._in_flight))
        if self._sending:
            await asyncio.wait(set(self._sending))
            await asyncio.sleep(0)  # let the outcomes be filed
        return await self._record()

    async def _send_next(self, room: int) -> int:
        """Start sending the oldest unpublished event of up to ``room`` cases that are neither in
        flight nor backing off; returns how many were started."""
        now = time.monotonic()
        self._retry_at = {key: due for key, due in self._retry_at.items() if due > now}
        busy = [*self._in_flight, *self._retry_at]
        async with self._engine.connect() as db:
            rows = (await db.execute(_NEXT_ROWS, {"busy": busy, "limit": self._batch_size})).all()
        started = 0
        for row in rows:
            if started >= room:
                break
            if row.message_key in self._in_flight:
                continue  # a later event of a case whose head is in this selection
            self._in_flight[row.message_key] = row.seq
            await self._publish(row)
            started += 1
        return started

    async def _publish(self, row: Any) -> None:
        """Hand one row to the producer; its outcome is filed when the broker answers. A topic
        whose metadata is not known yet is sent from a task of its own, so that waiting for it
        (or for a missing topic) holds up nothing else."""
        topic = self._topics(row.topic)
        pending: asyncio.Future[Any]
        if self._producer.knows(topic):
            try:
                pending = await self._send(topic, row)
            except Exception as error:  # e.g. the producer is closing: this row backs off alone
                failed: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
                failed.set_exception(error)
                pending = failed
        else:
            pending = asyncio.ensure_future(self._send_when_known(topic, row))
        self._sending.add(pending)
        pending.add_done_callback(functools.partial(self._file, self._term, row))

    async def _send(self, topic: str, row: Any) -> asyncio.Future[Any]:
        headers = [(name, value.encode()) for name, value in row.headers]
        return await self._producer.send(topic, row.message_key.encode(), row.payload, headers)

    async def _send_when_known(self, topic: str, row: Any) -> Any:
        return await (await self._send(topic, row))

    def _file(self, term: int, row: Any, pending: asyncio.Future[Any]) -> None:
        """The broker answered (or the send failed): file the outcome for :meth:`_record`."""
        self._sending.discard(pending)
        if term != self._term:
            return  # sent under an earlier lead: still unpublished as far as the outbox knows
        error = asyncio.CancelledError() if pending.cancelled() else pending.exception()
        if error is None:
            acknowledged = pending.result()
            outcome = _Outcome(
                row, getattr(acknowledged, "partition", None), getattr(acknowledged, "offset", None), None
            )
        else:
            if not isinstance(error, KafkaError | asyncio.CancelledError):  # broker errors are expected
                log.error("unexpected error publishing outbox event %d", row.seq, exc_info=error)
            outcome = _Outcome(row, None, None, f"{type(error).__name__}: {describe(error)}")
        self._completed.append(outcome)
        self._completion.set()

    async def _record(self) -> tuple[int, int]:
        """Record every outcome that completed so far: one UPDATE for the acknowledged, one for
        the failed. Only then are their cases free to send their next event."""
        outcomes, self._completed = self._completed, []
        self._completion.clear()
        published = [o for o in outcomes if o.error is None]
        failed = [o for o in outcomes if o.error is not None]
        try:
            async with self._engine.begin() as db:
                if published:
                    await db.execute(
                        _RECORD_PUBLISHED,
                        {
                            "seqs": [o.row.seq for o in published],
                            "partitions": [o.partition for o in published],
                            "offsets": [o.offset for o in published],
                        },
                    )
                if failed:
                    await db.execute(
                        _RECORD_FAILED,
                        {"seqs": [o.row.seq for o in failed], "errors": [o.error for o in failed]},
                    )
        except BaseException:
            self._completed = outcomes + self._completed  # recorded next time, or republished
            raise
        for o in outcomes:
            if self._in_flight.get(o.row.message_key) == o.row.seq:
                del self._in_flight[o.row.message_key]
        for o in published:
            self._retry_at.pop(o.row.message_key, None)
            self._metrics.produced.labels(self._metrics.service, o.row.topic).inc()
        for o in failed:
            attempts = o.row.publish_attempts
            self._retry_at[o.row.message_key] = time.monotonic() + backoff(attempts, 0.2, MAX_BACKOFF_SECONDS)
            log.warning("publishing %s event %d failed (attempt %d): %s", o.row.topic, o.row.seq, attempts + 1, o.error)
        return len(published), len(failed)

    async def _end_term(self) -> None:
        """Stopping or losing the lead: let the sends in flight finish (bounded), record what
        was acknowledged, and forget the rest (it is still unpublished in the outbox)."""
        try:
            if self._sending:
                await asyncio.wait(set(self._sending), timeout=DRAIN_SECONDS)
                await asyncio.sleep(0)  # let the outcomes be filed
            if self._completed:
                await self._record()
        except Exception as error:  # unrecorded events are published again by the next leader
            log.warning("could not record the last acknowledgements: %s", describe(error))
        finally:
            self._term += 1
            for pending in self._sending:
                if isinstance(pending, asyncio.Task):
                    pending.cancel()  # the producer's own futures are left to it
            self._sending.clear()
            self._completed.clear()
            self._in_flight.clear()

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    def wake(self) -> None:
        """Something was committed to the outbox in this process (see ``outbox.Doorbell``)."""
        self._wake.set()

    async def _wait_for(self, *events: asyncio.Event) -> None:
        """Until one of ``events`` is set or the poll interval passed."""
        waiters = [asyncio.ensure_future(event.wait()) for event in events]
        try:
            await asyncio.wait(waiters, timeout=self._poll_seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def _sleep(self, seconds: float) -> bool:
        """Sleep unless stopped first; True when stopping."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        return self._stopping.is_set()
