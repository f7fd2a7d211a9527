"""The transactional outbox: events are written in the same transaction as the state change."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import delete, event, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.util import await_

from wbs_contracts.envelope import Envelope
from wbs_contracts.registry import EventSpec
from wbs_contracts.wire import encode
from wbs_runtime.db import driver_connection
from wbs_runtime.messaging.tables import inbox, outbox
from wbs_runtime.metrics import ServiceMetrics

#: The channel the relay LISTENs on; NOTIFY is delivered at commit, so it never races the insert.
NOTIFY_CHANNEL = "wbs_outbox"
_NOTIFY = text("SELECT pg_notify(:channel, '')").bindparams(channel=NOTIFY_CHANNEL)
#: A transaction's events in one statement (one round trip), whatever their number; ``seq``
#: follows the order they were added in.
_WRITE = """
    INSERT INTO outbox (event_id, topic, message_key, headers, payload)
    SELECT pending.event_id, pending.topic, pending.message_key, pending.headers::jsonb, pending.payload
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bytea[]) WITH ORDINALITY
        AS pending(event_id, topic, message_key, headers, payload, position)
    ORDER BY pending.position
"""
#: The same with the relay's wake-up, when the relay is another process's. (The channel is NOTIFY_CHANNEL.)
_WRITE_AND_NOTIFY = f"""
    WITH written AS ({_WRITE} RETURNING 1)
    SELECT pg_notify('wbs_outbox', '')
"""
#: Where a session finds its process's :class:`Doorbell` (``Session.info``, set by the sessionmaker).
DOORBELL = "wbs_outbox_doorbell"


class Wakeable(Protocol):
    is_leader: bool

    def wake(self) -> None: ...


class Doorbell:
    """Wakes this process's own outbox relay after a commit, while that relay leads, instead of NOTIFY.

    PostgreSQL makes every committing transaction that notified hold one lock, for the whole
    cluster, through its WAL flush: under a flood of submissions such commits queue for it and
    flush one by one, where commits without it flush together (measured: bench/RESULTS.md). The
    leading relay is almost always the writer's own process. When it is not (another replica
    leads), the transaction notifies as before; if the lead moves between the write and the
    commit, the new leader's poll finds the events (within ``WBS_OUTBOX_POLL_SECONDS``)."""

    def __init__(self) -> None:
        self._relay: Wakeable | None = None

    def attach(self, relay: Wakeable) -> None:
        self._relay = relay

    @property
    def answers(self) -> bool:
        return self._relay is not None and self._relay.is_leader

    def ring(self) -> None:
        if self._relay is not None:
            self._relay.wake()


class Outbox:
    """Adds events to the current transaction. Callers hold the aggregate's row lock, which keeps a
    case's events in commit order and therefore in ``seq`` order.

    Events are written just before the transaction commits, all in one statement, by the unit of
    work's commit (:meth:`flush`, on the driver), or, if the session is committed some other way,
    just before that commit. The relay is woken once per transaction (not once per event: a
    consumer's batch may add hundreds): after the commit, directly, when this process's relay
    leads (:class:`Doorbell`); otherwise by a ``NOTIFY`` in the same statement. Inside a savepoint
    that fails, the events added since it began are forgotten with the rest of its work
    (:meth:`mark`, :meth:`forget_since`).
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        #: (event id, topic, message key, headers as JSON, payload), in the order added
        self._pending: list[tuple[UUID, str, str, str, bytes]] = []
        self._listening = False
        self._doorbell: Doorbell | None = None  # to ring after the commit, instead of NOTIFY

    async def add(self, spec: EventSpec[Any], envelope: Envelope[Any]) -> None:
        if envelope.type != spec.event_type or envelope.schemaversion != spec.version:
            raise ValueError(f"envelope of type {envelope.type} v{envelope.schemaversion} is not a {spec.topic}")
        record = encode(envelope)
        self._pending.append(
            (
                envelope.id,
                spec.topic,
                record.key.decode(),
                json.dumps([[name, value.decode()] for name, value in record.headers]),
                record.value,
            )
        )
        if not self._listening:
            self._listening = True
            event.listen(self._session.sync_session, "before_commit", self._write_before_commit)

    def mark(self) -> int:
        return len(self._pending)

    def forget_since(self, mark: int) -> None:
        """Drop the events added since ``mark``: their savepoint was rolled back."""
        del self._pending[mark:]

    async def flush(self) -> None:
        """Write the pending events now, in the open transaction. The relay is woken at commit:
        this process's own (:meth:`committed`) while it leads, any other by NOTIFY."""
        doorbell = self._session.info.get(DOORBELL)
        local = isinstance(doorbell, Doorbell) and doorbell.answers
        if await self._write(notify=not local) and local:
            self._doorbell = doorbell

    def committed(self) -> None:
        """The transaction committed: wake this process's relay if :meth:`flush` did not notify."""
        doorbell, self._doorbell = self._doorbell, None
        if doorbell is not None:
            doorbell.ring()

    async def _write(self, *, notify: bool) -> bool:
        if not self._pending:
            return False
        pending, self._pending = self._pending, []
        event_ids, topics, message_keys, headers, payloads = zip(*pending, strict=True)
        driver = await driver_connection(self._session)
        await driver.execute(
            _WRITE_AND_NOTIFY if notify else _WRITE,
            list(event_ids),
            list(topics),
            list(message_keys),
            list(headers),
            list(payloads),
        )
        return True

    def _write_before_commit(self, session: Session) -> None:
        """The session is being committed without :meth:`flush` (not through the unit of work),
        so nothing rings after it: NOTIFY. SQLAlchemy calls sync events within the asyncio
        greenlet, where awaiting is allowed."""
        if self._pending:
            await_(self._write(notify=True))


async def notify_relay(session: AsyncSession) -> None:
    """Wake the relay when this transaction commits (e.g. after rows were queued again)."""
    await session.execute(_NOTIFY)


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
