"""The event journal: every event a service applied, kept in its own database, to rebuild from.

A memory-only broker (``make run``) forgets its topics when it restarts, and a real Kafka keeps
them only as long as its retention; a service whose state is built only from events (reporting's
read models) keeps its own history instead. The consumer writes the journal in the transaction
that applies the batch (:meth:`wbs_runtime.service.ServiceRuntime.keep_journal`), so an event is in
the journal exactly when its effects committed. Each event is kept as it was read (headers and
value, bytes intact), once, in the order applied. A redelivered event the inbox already holds is
kept too (``ON CONFLICT DO NOTHING``: still once): so an event applied before the journal existed
reaches it when it comes again.

:func:`replay_journal` applies the whole journal again through the service's own handlers, in one
transaction that first empties what is to be rebuilt: readers see the old tables until it commits,
and a consumer's batch that touches them waits for it (then applies on top of the rebuilt state).
Given the events it rebuilds from, it replays only their topics and checks each kept record's type
and schema version as the consumer does. :func:`unjournaled_claims` counts what a consumer applied
that the journal lacks (applied before the journal existed): a rebuild would lose it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from wbs_contracts.envelope import Envelope
from wbs_contracts.registry import EventSpec
from wbs_contracts.wire import decode
from wbs_runtime.db import driver_connection
from wbs_runtime.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

_KEEP = """
    INSERT INTO event_journal (topic, event_source, event_id, message_key, value, header_names, header_values)
    VALUES ($1, $2, $3, $4, $5, $6, $7)
    ON CONFLICT (event_source, event_id) DO NOTHING
"""
_PAGE = """
    SELECT seq, topic, value, header_names, header_values FROM event_journal
    WHERE seq > $1 ORDER BY seq LIMIT $2
"""

_UNJOURNALED = """
    SELECT count(*) FROM inbox
    WHERE inbox.consumer = $1 AND NOT EXISTS (
        SELECT 1 FROM event_journal
        WHERE event_journal.event_source = inbox.source AND event_journal.event_id = inbox.event_id
    )
"""

#: Events applied per page of a replay (all pages are one transaction).
REPLAY_PAGE = 1000


class JournalRecord(Protocol):
    """What the journal keeps of a record as the consumer read it."""

    @property
    def key(self) -> bytes | None: ...
    @property
    def value(self) -> bytes | None: ...
    @property
    def headers(self) -> Sequence[tuple[str, bytes]]: ...


@dataclass(frozen=True)
class Applied:
    """One event the consumer applied: the registry's topic, the event, the record it came in."""

    topic: str
    envelope: Envelope[Any]
    record: JournalRecord


async def keep(session: AsyncSession, applied: Sequence[Applied]) -> None:
    """Add ``applied`` to the journal, in the caller's transaction; an event already kept stays as it was."""
    if not applied:
        return
    driver = await driver_connection(session)
    await driver.executemany(
        _KEEP,
        [
            (
                a.topic,
                a.envelope.source,
                a.envelope.id,
                a.record.key,
                a.record.value or b"",
                [name for name, _ in a.record.headers],
                [value for _, value in a.record.headers],
            )
            for a in applied
        ],
    )


async def unjournaled_claims(session: AsyncSession, consumer: str) -> int:
    """How many events ``consumer``'s inbox says it applied that the journal does not hold."""
    driver = await driver_connection(session)
    return int(await driver.fetchval(_UNJOURNALED, consumer))


class JournalMismatch(Exception):
    """A kept record is not the event type or schema version its topic carries: nothing is rebuilt."""


U = TypeVar("U", bound=UnitOfWork)
JournalHandler = Callable[[Envelope[Any], U], Awaitable[None]]


@dataclass(frozen=True)
class Replayed:
    applied: int
    #: Kept events of topics the service no longer handles (left alone).
    skipped: int


async def replay_journal(
    unit_of_work: Callable[[], U],
    handlers: Mapping[str, JournalHandler[U]],
    *,
    empty: Callable[[U], Awaitable[None]],
    events: Mapping[str, EventSpec[Any]] | None = None,
    page: int = REPLAY_PAGE,
) -> Replayed:
    """In one transaction: ``empty`` what the journal rebuilds, then apply every kept event, in the
    order it was first applied, through ``handlers`` (registry topic -> handler). ``events``
    (registry topic -> event): only these topics are replayed, and a kept record of another type or
    schema version raises :class:`JournalMismatch`, as the consumer would refuse it. Raises (and
    commits nothing) if any event fails: a rebuild is all or nothing."""
    applied = skipped = 0
    async with unit_of_work() as uow:
        await empty(uow)
        after = 0
        while True:
            driver = await driver_connection(uow.session)
            rows = await driver.fetch(_PAGE, after, page)
            if not rows:
                break
            after = rows[-1]["seq"]
            kept = []
            for row in rows:
                topic = row["topic"]
                if topic not in handlers or (events is not None and topic not in events):
                    skipped += 1
                    continue
                envelope = decode(zip(row["header_names"], row["header_values"], strict=True), row["value"])
                spec = events.get(topic) if events is not None else None
                if spec is not None and (envelope.type, envelope.schemaversion) != (spec.event_type, spec.version):
                    raise JournalMismatch(
                        f"journal record {row['seq']}: a {envelope.type} v{envelope.schemaversion} event on {topic}"
                    )
                kept.append((topic, envelope))
            await uow.expect([envelope for _, envelope in kept])
            for topic, envelope in kept:
                await handlers[topic](envelope, uow)
                applied += 1
        await uow.commit()
    log.info("replayed %d event(s) from the journal; %d of topics no longer handled", applied, skipped)
    return Replayed(applied, skipped)
