"""The idempotent inbox: a consumer records each event it applied, in the effect's transaction.

A batch is claimed with one statement. An event claimed but then not applied (its handler failed,
or an earlier event of its case did) is released before the transaction commits, so only the
events whose effects commit stay claimed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from wbs_contracts.envelope import Envelope
from wbs_runtime.db import driver_connection

#: (source, event id): what identifies an event (CloudEvents: ``source`` + ``id`` is unique).
EventKey = tuple[str, UUID]

# On the driver (``wbs_runtime.db.driver_connection``): once per batch, in every consumer.
_CLAIM = """
    INSERT INTO inbox (consumer, source, event_id, topic)
    SELECT $1, claimed.source, claimed.event_id, claimed.topic
    FROM unnest($2::text[], $3::uuid[], $4::text[]) AS claimed(source, event_id, topic)
    ON CONFLICT DO NOTHING
    RETURNING source, event_id
"""
_RELEASE = """
    DELETE FROM inbox
    USING unnest($2::text[], $3::uuid[]) AS released(source, event_id)
    WHERE inbox.consumer = $1 AND inbox.source = released.source AND inbox.event_id = released.event_id
"""


def event_key(envelope: Envelope[Any]) -> EventKey:
    return (envelope.source, envelope.id)


class Inbox:
    def __init__(self, session: AsyncSession, consumer: str) -> None:
        self._session = session
        self._consumer = consumer

    async def claim(self, events: Sequence[tuple[Envelope[Any], str]]) -> set[EventKey]:
        """Claim (event, topic) pairs; returns the events claimed now. Those missing were
        already applied by this consumer (redeliveries). A claim held by a concurrent,
        uncommitted transaction makes this wait for its outcome, so an event is never applied twice."""
        if not events:
            return set()
        driver = await driver_connection(self._session)
        claimed = await driver.fetch(
            _CLAIM,
            self._consumer,
            [e.source for e, _ in events],
            [e.id for e, _ in events],
            [topic for _, topic in events],
        )
        return {(source, event_id) for source, event_id in claimed}  # asyncpg's UUIDs are uuid.UUIDs

    async def release(self, events: Sequence[Envelope[Any]]) -> None:
        """Give back claims made in this transaction for events that were not applied."""
        if events:
            driver = await driver_connection(self._session)
            await driver.execute(_RELEASE, self._consumer, [e.source for e in events], [e.id for e in events])
