"""The transactional outbox: events are written in the same transaction as the state change."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, event, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import Session

from wbs_contracts.envelope import Envelope
from wbs_contracts.registry import EventSpec
from wbs_contracts.wire import encode
from wbs_runtime.messaging.tables import inbox, outbox
from wbs_runtime.metrics import ServiceMetrics

#: The channel the relay LISTENs on; NOTIFY is delivered at commit, so it never races the insert.
NOTIFY_CHANNEL = "wbs_outbox"
_NOTIFY = text("SELECT pg_notify(:channel, '')").bindparams(channel=NOTIFY_CHANNEL)


class Outbox:
    """Adds events to the current transaction. Callers hold the aggregate's row lock, which keeps a
    case's events in commit order and therefore in ``seq`` order.

    The relay is woken once per transaction, just before it commits (not once per event: a
    consumer's batch may add hundreds), whoever commits the session.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._notify_at_commit = False
        self.added: list[Envelope[Any]] = []

    async def add(self, spec: EventSpec[Any], envelope: Envelope[Any]) -> None:
        if envelope.type != spec.event_type or envelope.schemaversion != spec.version:
            raise ValueError(f"envelope of type {envelope.type} v{envelope.schemaversion} is not a {spec.topic}")
        record = encode(envelope)
        await self._session.execute(
            insert(outbox).values(
                event_id=envelope.id,
                topic=spec.topic,
                message_key=record.key.decode(),
                headers=[[name, value.decode()] for name, value in record.headers],
                payload=record.value,
            )
        )
        if not self._notify_at_commit:
            self._notify_at_commit = True
            event.listen(self._session.sync_session, "before_commit", self._notify_relay, once=True)
        self.added.append(envelope)

    def _notify_relay(self, session: Session) -> None:
        """Runs inside the committing transaction (SQLAlchemy calls sync events within the asyncio
        greenlet, where emitting SQL is allowed)."""
        self._notify_at_commit = False
        session.execute(_NOTIFY)


async def replay(session: AsyncSession, since: datetime | None = None) -> int:
    """Mark already published events for publishing again, e.g. after the embedded broker, which
    keeps messages in memory only, restarted empty. Consumers are idempotent, so this is safe."""
    statement = update(outbox).where(outbox.c.published_at.is_not(None)).values(published_at=None)
    if since is not None:
        statement = statement.where(outbox.c.created_at >= since)
    result = await session.execute(statement)
    await session.execute(_NOTIFY)
    return int(result.rowcount)  # type: ignore[attr-defined]


async def prune(db: AsyncConnection, outbox_days: float, inbox_days: float) -> tuple[int, int]:
    """Forget published events and inbox records past their retention; returns the rows removed.

    Inbox records must outlive every way an event can come back: the outbox's own replay window
    and the broker's retention. Hence the longer default for the inbox.
    """
    published = await db.execute(
        delete(outbox).where(
            outbox.c.published_at.is_not(None),
            outbox.c.published_at < func.now() - timedelta(days=outbox_days),
        )
    )
    applied = await db.execute(delete(inbox).where(inbox.c.applied_at < func.now() - timedelta(days=inbox_days)))
    return int(published.rowcount), int(applied.rowcount)


async def backlog(db: AsyncSession | AsyncConnection) -> tuple[int, float]:
    """(unpublished events, age in seconds of the oldest one)."""
    row = (
        await db.execute(
            select(
                func.count(),
                func.coalesce(func.extract("epoch", func.now() - func.min(outbox.c.created_at)), 0),
            ).where(outbox.c.published_at.is_(None))
        )
    ).one()
    return int(row[0]), float(row[1])


async def measure_backlog(db: AsyncConnection, metrics: ServiceMetrics) -> None:
    """The outbox gauges: ``wbs_outbox_backlog_events`` and ``wbs_outbox_oldest_unpublished_age_seconds``."""
    unpublished, oldest_age = await backlog(db)
    metrics.outbox_backlog.labels(metrics.service).set(unpublished)
    metrics.outbox_oldest_age.labels(metrics.service).set(oldest_age)
