"""Dead letters: what a consumer gave up on, kept durably and resendable.

Each parked record becomes a row of the service's ``dead_letter`` table (the record, bytes intact,
with its error), which is the record operators work from: ``wbs dlq list|show|resend``. A copy
still goes to ``wbs.<service>.dead-letter.v1`` for whoever subscribes, with ``wbs-dlq-*`` headers.

An event parked again while its row is still open (a redelivery, a replay of the outbox) updates
that row instead of adding another. A row an operator marked ``resend`` is applied again by the
running service through the same consumer path (inbox, handler, savepoint), without the broker:
on success it becomes ``resent``; on failure it is ``parked`` again with the new error.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ARRAY, BigInteger, any_, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from wbs_contracts.registry import dead_letter_topic
from wbs_runtime.errors import backoff, describe, is_infrastructure_error
from wbs_runtime.messaging.consumer import BatchConsumer, Parked, ReceivedRecord
from wbs_runtime.messaging.kafka import RecordSender, TopicNames
from wbs_runtime.messaging.tables import dead_letter
from wbs_runtime.metrics import ServiceMetrics

log = logging.getLogger(__name__)

DLQ_HEADER_PREFIX = "wbs-dlq-"
OPEN_STATUSES = ("parked", "resend")
MAX_OUTAGE_BACKOFF = 10.0


class DeadLetters:
    def __init__(
        self,
        *,
        service: str,
        engine: AsyncEngine,
        producer: RecordSender,
        topics: TopicNames,
        metrics: ServiceMetrics,
        stopping: asyncio.Event | None = None,
    ) -> None:
        self._service = service
        self._engine = engine
        self._producer = producer
        self._topics = topics
        self._topic = topics(dead_letter_topic(service).name)
        self._consumer = topics.group(service)
        self._metrics = metrics
        self._stopping = stopping or asyncio.Event()
        self._gauge_labels: set[tuple[str, str]] = set()

    async def park(self, parked: Sequence[Parked]) -> None:
        """Keep ``parked`` in the table (waiting out a database outage, unless stopping), then
        copy them to the dead-letter topic. Returns once they are durable."""
        failed_at = datetime.now(UTC)
        outages = 0
        while True:
            try:
                async with self._engine.begin() as db:
                    await self._store(db, parked, failed_at)
                break
            except Exception as error:
                if not is_infrastructure_error(error) or self._stopping.is_set():
                    raise
                outages += 1
                log.warning("cannot keep %d dead letter(s) yet (%s); retrying", len(parked), describe(error))
                await asyncio.sleep(backoff(outages, 0.2, MAX_OUTAGE_BACKOFF))
        for item in parked:
            log.error(
                "dead-lettered %s[%d]@%d (%s) after %d attempt(s): %s: %s",
                item.record.topic,
                item.record.partition,
                item.record.offset,
                item.reason,
                item.attempts,
                type(item.error).__name__,
                describe(item.error),
            )
        await self._publish(parked, failed_at)

    async def _store(self, db: AsyncConnection, parked: Sequence[Parked], failed_at: datetime) -> None:
        new = [p for p in parked if p.record.dead_letter_id is None]
        if new:
            statement = insert(dead_letter).values([self._row(p, failed_at) for p in new])
            excluded = statement.excluded
            await db.execute(
                statement.on_conflict_do_update(
                    index_elements=[dead_letter.c.consumer, dead_letter.c.event_source, dead_letter.c.event_id],
                    index_where=dead_letter.c.status.in_(OPEN_STATUSES),
                    set_={
                        "topic": excluded.topic,
                        "topic_partition": excluded.topic_partition,
                        "topic_offset": excluded.topic_offset,
                        "reason": excluded.reason,
                        "error_type": excluded.error_type,
                        "error": excluded.error,
                        "attempts": dead_letter.c.attempts + excluded.attempts,
                        "failed_at": excluded.failed_at,
                    },
                )
            )
        for item in parked:  # resent and failed again: the same row, parked again
            if item.record.dead_letter_id is not None:
                await db.execute(
                    update(dead_letter)
                    .where(dead_letter.c.id == item.record.dead_letter_id)
                    .values(
                        status="parked",
                        status_at=func.now(),
                        failed_at=failed_at,
                        reason=item.reason,
                        error_type=type(item.error).__name__,
                        error=describe(item.error),
                        attempts=dead_letter.c.attempts + item.attempts,
                    )
                )

    def _row(self, item: Parked, failed_at: datetime) -> dict[str, Any]:
        record, envelope = item.record, item.envelope
        return {
            "consumer": self._consumer,
            "topic": record.topic,
            "topic_partition": record.partition,
            "topic_offset": record.offset,
            "message_key": record.key,
            "value": record.value,
            "header_names": [name for name, _ in record.headers],
            "header_values": [value for _, value in record.headers],
            "event_source": envelope.source if envelope else None,
            "event_id": envelope.id if envelope else None,
            "event_type": envelope.type if envelope else None,
            "reason": item.reason,
            "error_type": type(item.error).__name__,
            "error": describe(item.error),
            "attempts": item.attempts,
            "failed_at": failed_at,
            "status": "parked",
        }

    async def _publish(self, parked: Sequence[Parked], failed_at: datetime) -> None:
        """The topic is a copy for subscribers; the table is the record, so a failure here is logged."""
        sends = [self._send(item, failed_at) for item in parked]
        for item, outcome in zip(parked, await asyncio.gather(*sends, return_exceptions=True), strict=True):
            if isinstance(outcome, BaseException):
                log.warning(
                    "dead letter %s[%d]@%d is kept but not on %s: %s",
                    item.record.topic,
                    item.record.partition,
                    item.record.offset,
                    self._topic,
                    describe(outcome),
                )
            else:
                self._metrics.produced.labels(self._service, dead_letter_topic(self._service).name).inc()

    async def _send(self, item: Parked, failed_at: datetime) -> None:
        record = item.record
        headers = [
            *record.headers,
            (DLQ_HEADER_PREFIX + "topic", record.topic.encode()),
            (DLQ_HEADER_PREFIX + "partition", str(record.partition).encode()),
            (DLQ_HEADER_PREFIX + "offset", str(record.offset).encode()),
            (DLQ_HEADER_PREFIX + "consumer", self._consumer.encode()),
            (DLQ_HEADER_PREFIX + "reason", item.reason.encode()),
            (DLQ_HEADER_PREFIX + "error-type", type(item.error).__name__.encode()),
            (DLQ_HEADER_PREFIX + "error", describe(item.error).encode()),
            (DLQ_HEADER_PREFIX + "attempts", str(item.attempts).encode()),
            (DLQ_HEADER_PREFIX + "failed-at", failed_at.isoformat().encode()),
        ]
        await (await self._producer.send(self._topic, record.key, record.value or b"", headers))

    # -- resending ---------------------------------------------------------------------------

    async def resend_requested(self, consumer: BatchConsumer[Any], limit: int = 200) -> int:
        """Apply the rows operators marked ``resend``; returns how many were taken."""
        query = (
            select(
                dead_letter.c.id,
                dead_letter.c.topic,
                dead_letter.c.topic_partition,
                dead_letter.c.topic_offset,
                dead_letter.c.message_key,
                dead_letter.c.value,
                dead_letter.c.header_names,
                dead_letter.c.header_values,
            )
            .where(dead_letter.c.status == "resend", dead_letter.c.consumer == self._consumer)
            .order_by(dead_letter.c.id)
            .limit(limit)
        )
        async with self._engine.connect() as db:
            rows = (await db.execute(query)).all()
        if not rows:
            return 0
        records = [
            ReceivedRecord(
                topic=row.topic,
                partition=row.topic_partition,
                offset=row.topic_offset,
                key=row.message_key,
                value=row.value,
                headers=tuple(zip(row.header_names, row.header_values, strict=True)),
                dead_letter_id=row.id,
            )
            for row in rows
        ]
        outcome = await consumer.apply(records)
        parked_again = {p.record.dead_letter_id for p in outcome.parked}
        resent = [row.id for row in rows if row.id not in parked_again]
        if resent:
            async with self._engine.begin() as db:
                await db.execute(
                    update(dead_letter)
                    .where(
                        dead_letter.c.id == any_(bindparam("ids", resent, type_=ARRAY(BigInteger))),
                        dead_letter.c.status == "resend",
                    )
                    .values(status="resent", status_at=func.now())
                )
        log.info("resent %d dead letter(s); %d parked again", len(resent), len(parked_again))
        return len(rows)

    # -- the gauge ---------------------------------------------------------------------------

    async def measure(self, db: AsyncConnection) -> None:
        """``wbs_dead_letters_parked{service,topic,reason}``: rows not yet resolved."""
        rows = await db.execute(
            select(dead_letter.c.topic, dead_letter.c.reason, func.count())
            .where(dead_letter.c.status.in_(OPEN_STATUSES))
            .group_by(dead_letter.c.topic, dead_letter.c.reason)
        )
        counts = {(self._unprefixed(topic), reason): int(count) for topic, reason, count in rows}
        gauge = self._metrics.dead_letters_parked
        for topic, reason in self._gauge_labels - counts.keys():
            gauge.labels(self._service, topic, reason).set(0)
        for (topic, reason), count in counts.items():
            gauge.labels(self._service, topic, reason).set(count)
        self._gauge_labels |= counts.keys()

    def _unprefixed(self, topic: str) -> str:
        prefix = self._topics.prefix
        return topic[len(prefix) :] if prefix and topic.startswith(prefix) else topic
