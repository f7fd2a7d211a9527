"""The idempotent inbox: a consumer records each event it applied, in the effect's transaction.

A batch is claimed with one statement. An event claimed but then not applied (its handler failed,
or an earlier event of its case did) is released before the transaction commits, so only the
events whose effects commit stay claimed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ARRAY, Text, Uuid, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from wbs_contracts.envelope import Envelope

#: (source, event id): what identifies an event (CloudEvents: ``source`` + ``id`` is unique).
EventKey = tuple[str, UUID]

_CLAIM = text(
    """
    INSERT INTO inbox (consumer, source, event_id, topic)
    SELECT :consumer, claimed.source, claimed.event_id, claimed.topic
    FROM unnest(:sources, :event_ids, :topics) AS claimed(source, event_id, topic)
    ON CONFLICT DO NOTHING
    RETURNING source, event_id
    """
).bindparams(
    bindparam("sources", type_=ARRAY(Text)),
    bindparam("event_ids", type_=ARRAY(Uuid)),
    bindparam("topics", type_=ARRAY(Text)),
)
_RELEASE = text(
    """
    DELETE FROM inbox
    USING unnest(:sources, :event_ids) AS released(source, event_id)
    WHERE inbox.consumer = :consumer AND inbox.source = released.source AND inbox.event_id = released.event_id
    """
).bindparams(bindparam("sources", type_=ARRAY(Text)), bindparam("event_ids", type_=ARRAY(Uuid)))


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
        result = await self._session.execute(
            _CLAIM,
            {
                "consumer": self._consumer,
                "sources": [e.source for e, _ in events],
                "event_ids": [e.id for e, _ in events],
                "topics": [topic for _, topic in events],
            },
        )
        return {(source, event_id) for source, event_id in result}

    async def release(self, events: Sequence[Envelope[Any]]) -> None:
        """Give back claims made in this transaction for events that were not applied."""
        if events:
            await self._session.execute(
                _RELEASE,
                {
                    "consumer": self._consumer,
                    "sources": [e.source for e in events],
                    "event_ids": [e.id for e in events],
                },
            )
