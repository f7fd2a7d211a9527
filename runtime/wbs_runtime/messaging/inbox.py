"""The idempotent inbox: a consumer records each event it applied, in the effect's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from wbs_contracts.envelope import Envelope
from wbs_runtime.messaging.tables import inbox


class Inbox:
    def __init__(self, session: AsyncSession, consumer: str) -> None:
        self._session = session
        self._consumer = consumer

    async def claim(self, envelope: Envelope[Any], topic: str) -> bool:
        """True the first time; False when this consumer already applied the event (a redelivery)."""
        result = await self._session.execute(
            insert(inbox)
            .values(consumer=self._consumer, source=envelope.source, event_id=envelope.id, topic=topic)
            .on_conflict_do_nothing()
            .returning(inbox.c.event_id)
        )
        return result.first() is not None
