"""Applying what a fetch returned, as a batch: decode, de-duplicate, apply, retry, dead-letter.

- One database transaction applies many events, each isolated: a failing handler is rolled back
  alone while the others commit. Handlers stay written per event. (A batch is first applied
  without savepoints; only when an event fails is it applied again with each event in a
  savepoint of its own, the failed one held back; see ``_isolating_on_failure``.)
- The inbox claims the whole batch in one statement, and gives back the claims of events that
  were not applied before the transaction commits, so a redelivered event is recognised and
  skipped, and a failed one is not mistaken for applied.
- A record that is not a valid, registered event is dead-lettered at once, and so is an error
  that retrying cannot fix (:class:`~wbs_runtime.errors.Unretryable`).
- Any other handler error gets a few quick retries (each in a fresh transaction), within a short
  bounded time, then the event is dead-lettered and the consumer carries on: one event must not
  hold its partition for long.
- While an event of a case waits for a retry, the later events of that case in the batch wait
  with it, so a case's events are applied in order.
- An unreachable database is not the message's fault: the batch's transaction is retried without
  limit (the service reports itself not ready), and while the service stops, it gives up and
  leaves the offsets uncommitted.
- The caller commits the Kafka offsets only after :meth:`BatchConsumer.apply` returned.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Collection, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from wbs_contracts.envelope import Envelope
from wbs_contracts.registry import EventSpec
from wbs_contracts.wire import MalformedEvent, decode
from wbs_runtime.errors import backoff, describe, is_infrastructure_error, is_unretryable
from wbs_runtime.messaging.inbox import EventKey, event_key
from wbs_runtime.messaging.journal import Applied
from wbs_runtime.messaging.kafka import Headers
from wbs_runtime.metrics import ServiceMetrics
from wbs_runtime.unit_of_work import Transactional

log = logging.getLogger(__name__)

MAX_INFRASTRUCTURE_BACKOFF = 10.0


class InboxClaims(Protocol):
    async def claim(self, events: Sequence[tuple[Envelope[Any], str]]) -> set[EventKey]: ...
    async def release(self, events: Sequence[Envelope[Any]]) -> None: ...


class InboxUnitOfWork(Transactional, Protocol):
    """What the consumer needs of a unit of work: an inbox and savepoints inside a transaction,
    and to be told which events it is about to apply (so repositories can read ahead)."""

    @property
    def inbox(self) -> InboxClaims: ...

    async def expect(self, events: Sequence[Envelope[Any]]) -> None: ...

    def savepoint(self) -> AbstractAsyncContextManager[None]: ...


U = TypeVar("U", bound=InboxUnitOfWork)
Handler = Callable[[Envelope[Any], U], Awaitable[None]]
#: Told, in the batch's transaction before it commits, which events were applied, or found applied
#: already (the inbox's duplicates): the journal.
AppliedHook = Callable[[U, Sequence[Applied]], Awaitable[None]]


@dataclass(frozen=True)
class ReceivedRecord:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Headers
    #: Set when an operator resends a dead letter: the row it came from.
    dead_letter_id: int | None = None


@dataclass(frozen=True)
class Parked:
    """A record the consumer gave up on, and why."""

    record: ReceivedRecord
    envelope: Envelope[Any] | None
    error: BaseException
    attempts: int
    reason: str  # malformed | unretryable | handler_error


class DeadLetterSink(Protocol):
    async def park(self, parked: Sequence[Parked]) -> None: ...


@dataclass(frozen=True, eq=False)
class Subscription(Generic[U]):
    event: EventSpec[Any]
    handler: Handler[U]
    #: The histogram's child for this topic, looked up once rather than per event.
    handler_seconds: Any


@dataclass(frozen=True)
class BatchOutcome:
    applied: int
    duplicates: int
    parked: tuple[Parked, ...]


@dataclass
class _Event:
    record: ReceivedRecord
    envelope: Envelope[Any]
    subscription: Subscription[Any]
    attempts: int = 0
    error: BaseException | None = None
    first_failed_at: float | None = None
    key: EventKey = field(init=False)

    def __post_init__(self) -> None:
        self.key = event_key(self.envelope)


@dataclass
class _Round:
    applied: list[tuple[_Event, float]] = field(default_factory=list)
    duplicates: list[_Event] = field(default_factory=list)
    #: failed now, or waiting behind an earlier event of their case that failed
    again: list[_Event] = field(default_factory=list)


class _Isolate(Exception):
    """A failure outside any one event's savepoint: apply the events one per transaction to find it."""


class _Unisolated(Exception):
    """An event failed in a transaction without savepoints: the whole transaction is void."""

    def __init__(self, event: _Event, error: BaseException) -> None:
        super().__init__(str(error))
        self.event = event
        self.error = error


class BatchConsumer(Generic[U]):
    """Applies batches of records from the topics a service subscribes to, in partition order."""

    def __init__(
        self,
        *,
        service: str,
        unit_of_work: Callable[[], U],
        dead_letters: DeadLetterSink,
        metrics: ServiceMetrics,
        max_attempts: int = 3,
        backoff_seconds: float = 0.05,
        retry_seconds: float = 0.5,
        stopping: asyncio.Event | None = None,
    ) -> None:
        self._service = service
        self._unit_of_work = unit_of_work
        self._dead_letters = dead_letters
        self._metrics = metrics
        self._max_attempts = max_attempts
        self._backoff = backoff_seconds
        self._retry_seconds = retry_seconds
        self._stopping = stopping or asyncio.Event()
        #: topic as read on the wire (prefix included) -> subscription
        self._subscriptions: dict[str, Subscription[U]] = {}
        #: Set by a service that keeps a journal of what it applied (``ServiceRuntime.keep_journal``).
        self.on_applied: AppliedHook[U] | None = None

    def subscribe(self, topic: str, event: EventSpec[Any], handler: Handler[U]) -> None:
        seconds = self._metrics.handler_seconds.labels(self._service, event.topic)
        self._subscriptions[topic] = Subscription(event, handler, seconds)

    @property
    def topics(self) -> list[str]:
        return list(self._subscriptions)

    @property
    def handlers(self) -> dict[str, Handler[U]]:
        """The registry's topic (no prefix) -> its handler: what a journal's replay applies events with."""
        return {s.event.topic: s.handler for s in self._subscriptions.values()}

    async def apply(self, records: Sequence[ReceivedRecord]) -> BatchOutcome:
        """Apply ``records`` (each partition's in order); return once every one is applied, found
        to be a duplicate, or dead-lettered. Raises only while stopping during an outage, or on
        a defect of the runtime itself: then nothing may be committed."""
        parked: list[Parked] = []
        pending: list[_Event] = []
        seen: set[EventKey] = set()
        duplicates = 0
        for record in records:
            decoded = self._decode(record)
            if isinstance(decoded, Parked):
                parked.append(decoded)
                continue
            if decoded.key in seen:  # the same event twice in one fetch (a replay)
                duplicates += 1
                self._count(Counter([decoded.subscription]), "duplicate")
                continue
            seen.add(decoded.key)
            pending.append(decoded)

        applied = 0
        while pending:
            outcome = await self._round(pending)
            applied += len(outcome.applied)
            duplicates += len(outcome.duplicates)
            given_up = self._give_up(outcome.again)
            parked += given_up
            gone = {id(p.record) for p in given_up}
            pending = [e for e in outcome.again if id(e.record) not in gone]
            retrying = [e for e in pending if e.error is not None]
            if retrying:
                await asyncio.sleep(backoff(max(e.attempts for e in retrying) - 1, self._backoff, self._retry_seconds))
            for event in pending:
                event.error = None

        if parked:
            for item in parked:
                self._metrics.consumed.labels(self._service, self._event_topic(item.record), "dead_lettered").inc()
            await self._dead_letters.park(parked)
        return BatchOutcome(applied, duplicates, tuple(parked))

    def _decode(self, record: ReceivedRecord) -> _Event | Parked:
        subscription = self._subscriptions.get(record.topic)
        try:
            if subscription is None:
                raise MalformedEvent(f"{self._service} does not consume {record.topic}")
            envelope = decode(record.headers, record.value)
            event = subscription.event
            if envelope.type != event.event_type or envelope.schemaversion != event.version:
                raise MalformedEvent(f"a {envelope.type} v{envelope.schemaversion} event on {event.topic}")
        except MalformedEvent as error:
            self._metrics.failed.labels(self._service, self._event_topic(record), "malformed").inc()
            return Parked(record, None, error, 1, "malformed")
        return _Event(record, envelope, subscription)

    def _give_up(self, events: list[_Event]) -> list[Parked]:
        """The failed events that are not retried: unretryable, out of attempts or out of time."""
        now = time.monotonic()
        given_up = []
        for event in events:
            if event.error is None:
                continue  # waiting behind its case's failed event: not its own failure
            if is_unretryable(event.error):
                given_up.append(Parked(event.record, event.envelope, event.error, event.attempts, "unretryable"))
                continue
            next_wait = backoff(event.attempts - 1, self._backoff, self._retry_seconds)
            spent = now - (event.first_failed_at or now)
            if event.attempts >= self._max_attempts or spent + next_wait > self._retry_seconds:
                given_up.append(Parked(event.record, event.envelope, event.error, event.attempts, "handler_error"))
            else:
                log.warning(
                    "attempt %d to apply %s failed: %s: %s",
                    event.attempts,
                    event.envelope.id,
                    type(event.error).__name__,
                    describe(event.error),
                )
        return given_up

    async def _round(self, events: list[_Event]) -> _Round:
        """One transaction over ``events``, waiting out database outages."""
        outages = 0
        while True:
            try:
                return await self._isolating_on_failure(events)
            except Exception as error:
                if not is_infrastructure_error(error):
                    raise
                outages += 1
                for event in events[:1]:
                    self._metrics.failed.labels(self._service, event.subscription.event.topic, "infrastructure").inc()
                if self._stopping.is_set():
                    raise  # leave the offsets uncommitted; the events are redelivered later
                log.warning("database unavailable applying a batch of %d (%s); retrying", len(events), describe(error))
                await asyncio.sleep(backoff(outages, self._backoff, MAX_INFRASTRUCTURE_BACKOFF))

    async def _isolating_on_failure(self, events: list[_Event]) -> _Round:
        """First the whole batch without savepoints: two statements fewer per event, and no
        subtransactions (PostgreSQL slows down once a transaction holds more than 64). When an
        event fails, that transaction is void: the batch is applied again with each event in a
        savepoint, the failed event (and its case's later events) held back for a retry. Retry
        rounds use savepoints from the start."""
        try:
            return await self._transaction(events, isolated=any(e.attempts for e in events))
        except _Unisolated as failure:
            self._failed(failure.event, failure.error)
            held_back = {id(failure.event)}
        except _Isolate:
            return await self._one_by_one(events)
        try:
            return await self._transaction(events, isolated=True, held_back=held_back)
        except _Isolate:
            return await self._one_by_one(events)

    async def _one_by_one(self, events: list[_Event]) -> _Round:
        """A failure that no savepoint contained (e.g. at commit): a transaction per event."""
        merged = _Round()
        blocked: set[bytes] = set()
        for event in events:
            if event.record.key is not None and event.record.key in blocked:
                merged.again.append(event)
                continue
            try:
                single = await self._transaction([event], isolated=True)
            except _Isolate as isolate:
                self._failed(event, isolate.__cause__ or isolate)
                single = _Round(again=[event])
            merged.applied += single.applied
            merged.duplicates += single.duplicates
            merged.again += single.again
            if single.again and event.record.key is not None:
                blocked.add(event.record.key)
        return merged

    async def _transaction(self, events: list[_Event], *, isolated: bool, held_back: Collection[int] = ()) -> _Round:
        """Apply ``events`` in one transaction; ``isolated``: each in a savepoint of its own."""
        result = _Round()
        blocked: set[bytes] = set()

        def wait(event: _Event) -> None:
            result.again.append(event)
            if event.record.key is not None:
                blocked.add(event.record.key)  # its case's later events wait too: order holds

        try:
            async with self._unit_of_work() as uow:
                claimed = await uow.inbox.claim([(e.envelope, e.record.topic) for e in events])
                await uow.expect([e.envelope for e in events if e.key in claimed and id(e) not in held_back])
                for event in events:
                    if id(event) in held_back or (event.record.key is not None and event.record.key in blocked):
                        wait(event)
                        continue
                    if event.key not in claimed:
                        result.duplicates.append(event)
                        continue
                    started = time.perf_counter()
                    try:
                        if isolated:
                            async with uow.savepoint():
                                await event.subscription.handler(event.envelope, uow)
                        else:
                            await event.subscription.handler(event.envelope, uow)
                    except Exception as error:
                        if is_infrastructure_error(error):
                            raise
                        if not isolated:
                            raise _Unisolated(event, error) from error
                        self._failed(event, error)
                        wait(event)
                        continue
                    result.applied.append((event, time.perf_counter() - started))
                if self.on_applied is not None:
                    # Duplicates too: their effects committed before (perhaps before the journal
                    # existed); the journal keeps each event once.
                    applied = [
                        *(Applied(e.subscription.event.topic, e.envelope, e.record) for e, _ in result.applied),
                        *(Applied(e.subscription.event.topic, e.envelope, e.record) for e in result.duplicates),
                    ]
                    await self.on_applied(uow, applied)
                await uow.inbox.release([e.envelope for e in result.again if e.key in claimed])
                await uow.commit()
        except _Unisolated:
            raise
        except Exception as error:
            if is_infrastructure_error(error):
                raise
            raise _Isolate() from error
        for event, seconds in result.applied:
            event.subscription.handler_seconds.observe(seconds)
        self._count(Counter(e.subscription for e, _ in result.applied), "applied")
        self._count(Counter(e.subscription for e in result.duplicates), "duplicate")
        return result

    def _failed(self, event: _Event, error: BaseException) -> None:
        event.error = error
        event.attempts += 1
        if event.first_failed_at is None:
            event.first_failed_at = time.monotonic()
        reason = "unretryable" if is_unretryable(error) else "handler_error"
        self._metrics.failed.labels(self._service, event.subscription.event.topic, reason).inc()

    def _count(self, counted: Counter[Subscription[Any]], outcome: str) -> None:
        for subscription, count in counted.items():
            self._metrics.consumed.labels(self._service, subscription.event.topic, outcome).inc(count)

    def _event_topic(self, record: ReceivedRecord) -> str:
        subscription = self._subscriptions.get(record.topic)
        return subscription.event.topic if subscription else record.topic
