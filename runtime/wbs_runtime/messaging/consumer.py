"""Applying events from a topic: decode, de-duplicate, apply in one transaction, retry, dead-letter.

- A record that is not a valid, registered event goes straight to the service's dead-letter topic.
- A handler that fails is retried with exponential backoff, up to ``max_attempts``; then the
  record goes to the dead-letter topic with the error, and the consumer carries on.
- An unreachable database is not the message's fault: that is retried without limit (and the
  service reports itself not ready) rather than dead-lettering every message during an outage.
- An error that retrying cannot fix (``Unretryable``, e.g. a key this service does not hold) is
  dead-lettered at once.
- The inbox claim, the handler's effect and the events it records commit together, so a
  redelivered event is recognised and skipped.
- The Kafka offset is committed only after all of this; a crash in between means redelivery.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar

from wbs_contracts.envelope import Envelope
from wbs_contracts.registry import EventSpec, dead_letter_topic
from wbs_contracts.wire import MalformedEvent, decode
from wbs_runtime.errors import backoff, is_infrastructure_error, is_unretryable
from wbs_runtime.messaging.kafka import Headers, Producer, TopicNames
from wbs_runtime.metrics import ServiceMetrics
from wbs_runtime.unit_of_work import Transactional

log = logging.getLogger(__name__)


class InboxClaims(Protocol):
    async def claim(self, envelope: Envelope[Any], topic: str) -> bool: ...


class InboxUnitOfWork(Transactional, Protocol):
    """What the consumer needs of a unit of work: an inbox inside a transaction."""

    @property
    def inbox(self) -> InboxClaims: ...


U = TypeVar("U", bound=InboxUnitOfWork)
Handler = Callable[[Envelope[Any], U], Awaitable[None]]

MAX_INFRASTRUCTURE_BACKOFF = 10.0
DLQ_HEADER_PREFIX = "wbs-dlq-"


@dataclass(frozen=True)
class ReceivedRecord:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Headers


class DeadLetterSink(Protocol):
    async def park(self, record: ReceivedRecord, error: BaseException, attempts: int, reason: str) -> None: ...


class DeadLetters:
    """Parks a record on the service's dead-letter topic, original bytes intact, error in headers."""

    def __init__(self, service: str, producer: Producer, topics: TopicNames, metrics: ServiceMetrics) -> None:
        self._service = service
        self._producer = producer
        self._topic = topics(dead_letter_topic(service).name)
        self._consumer = topics.group(service)
        self._metrics = metrics

    async def park(self, record: ReceivedRecord, error: BaseException, attempts: int, reason: str) -> None:
        headers = [
            *record.headers,
            (DLQ_HEADER_PREFIX + "topic", record.topic.encode()),
            (DLQ_HEADER_PREFIX + "partition", str(record.partition).encode()),
            (DLQ_HEADER_PREFIX + "offset", str(record.offset).encode()),
            (DLQ_HEADER_PREFIX + "consumer", self._consumer.encode()),
            (DLQ_HEADER_PREFIX + "reason", reason.encode()),
            (DLQ_HEADER_PREFIX + "error-type", type(error).__name__.encode()),
            (DLQ_HEADER_PREFIX + "error", str(error)[:4000].encode()),
            (DLQ_HEADER_PREFIX + "attempts", str(attempts).encode()),
            (DLQ_HEADER_PREFIX + "failed-at", datetime.now(UTC).isoformat().encode()),
        ]
        await self._producer.send_and_wait(self._topic, record.key, record.value or b"", headers)
        self._metrics.produced.labels(self._service, dead_letter_topic(self._service).name).inc()
        log.error(
            "dead-lettered %s[%d]@%d after %d attempt(s): %s: %s",
            record.topic,
            record.partition,
            record.offset,
            attempts,
            type(error).__name__,
            error,
        )


class Consumer(Generic[U]):
    """Applies the events of one subscription; call it with each record, in partition order."""

    def __init__(
        self,
        *,
        service: str,
        event: EventSpec[Any],
        handler: Handler[U],
        unit_of_work: Callable[[], U],
        dead_letters: DeadLetterSink,
        metrics: ServiceMetrics,
        max_attempts: int = 5,
        backoff_seconds: float = 0.2,
        stopping: asyncio.Event | None = None,
    ) -> None:
        self._service = service
        self._event = event
        self._handler = handler
        self._unit_of_work = unit_of_work
        self._dead_letters = dead_letters
        self._metrics = metrics
        self._max_attempts = max_attempts
        self._backoff = backoff_seconds
        self._stopping = stopping or asyncio.Event()

    async def __call__(self, record: ReceivedRecord) -> None:
        topic = self._event.topic
        try:
            envelope = decode(record.headers, record.value)
            if envelope.type != self._event.event_type or envelope.schemaversion != self._event.version:
                raise MalformedEvent(f"a {envelope.type} v{envelope.schemaversion} event on {topic}")
        except MalformedEvent as error:
            self._metrics.failed.labels(self._service, topic, "malformed").inc()
            await self._park(record, error, 1, "malformed")
            return

        attempts = 0
        outages = 0
        while True:
            started = time.perf_counter()
            try:
                applied = await self._apply(envelope)
            except Exception as error:
                if is_infrastructure_error(error):
                    outages += 1
                    self._metrics.failed.labels(self._service, topic, "infrastructure").inc()
                    if self._stopping.is_set():
                        raise  # leave the offset uncommitted; the event is redelivered later
                    log.warning("database unavailable applying %s (%s); retrying", envelope.id, error)
                    await asyncio.sleep(backoff(outages, self._backoff, MAX_INFRASTRUCTURE_BACKOFF))
                    continue
                if is_unretryable(error):
                    self._metrics.failed.labels(self._service, topic, "unretryable").inc()
                    await self._park(record, error, attempts + 1, "unretryable")
                    return
                attempts += 1
                self._metrics.failed.labels(self._service, topic, "handler_error").inc()
                if attempts >= self._max_attempts:
                    await self._park(record, error, attempts, "handler_error")
                    return
                log.warning("attempt %d to apply %s failed: %r", attempts, envelope.id, error)
                await asyncio.sleep(backoff(attempts - 1, self._backoff, MAX_INFRASTRUCTURE_BACKOFF))
                continue
            self._metrics.handler_seconds.labels(self._service, topic).observe(time.perf_counter() - started)
            self._metrics.consumed.labels(self._service, topic, "applied" if applied else "duplicate").inc()
            return

    async def _apply(self, envelope: Envelope[Any]) -> bool:
        async with self._unit_of_work() as uow:
            if not await uow.inbox.claim(envelope, self._event.topic):
                return False
            await self._handler(envelope, uow)
            await uow.commit()
            return True

    async def _park(self, record: ReceivedRecord, error: BaseException, attempts: int, reason: str) -> None:
        await self._dead_letters.park(record, error, attempts, reason)
        self._metrics.consumed.labels(self._service, self._event.topic, "dead_lettered").inc()
