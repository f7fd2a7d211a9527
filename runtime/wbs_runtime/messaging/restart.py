"""Publishing again after a memory-only broker restarted: only what some consumer had not applied.

The launcher records, while the embedded broker runs, the lowest offset each topic's consumer
groups have committed per partition (``wbs_launcher.checkpoint``). The relay stores the partition
and offset the broker acknowledged for every row it publishes. A published row below its
partition's mark was applied by every consumer: it stays published and forgets its offset (that
offset belonged to a broker that no longer exists). Every other published row is published again.
Without a record (``None``), every retained row is published again; consumers are idempotent
either way. A record with no marks (``{}``, written as a broker starts, before any consumer has
committed) keeps what is known to be applied and publishes again all the rest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import ColumnElement, Integer, and_, column, exists, literal, select, update, values
from sqlalchemy.ext.asyncio import AsyncSession

from wbs_runtime.messaging.outbox import notify_relay
from wbs_runtime.messaging.tables import outbox

#: topic (registry name) -> partition -> lowest offset committed by the topic's consumer groups
Consumed = dict[str, dict[int, int]]


def load_consumed(path: Path) -> Consumed | None:
    """The launcher's last mark, or None when there is none (then everything is published again)."""
    if not path.is_file():
        return None
    document = json.loads(path.read_text())
    return {topic: {int(p): int(o) for p, o in marks.items()} for topic, marks in document["consumed"].items()}


@dataclass(frozen=True)
class Replayed:
    republished: int
    already_applied: int


async def replay(session: AsyncSession, consumed: Consumed | None = None, since: datetime | None = None) -> Replayed:
    """Queue for publishing again every published row that some consumer may not have applied."""
    published: ColumnElement[bool] = outbox.c.published_at.is_not(None)
    if since is not None:
        published = and_(published, outbox.c.created_at >= since)
    forget_offset = {"published_partition": None, "published_offset": None}
    applied = 0
    if consumed is not None:
        rows = [(topic, partition, offset) for topic, parts in consumed.items() for partition, offset in parts.items()]
        if rows:
            marks = values(
                column("topic"), column("partition", Integer), column("consumed", Integer), name="marks"
            ).data(rows)
            below_mark = exists(
                select(literal(1))
                .select_from(marks)
                .where(
                    marks.c.topic == outbox.c.topic,
                    marks.c.partition == outbox.c.published_partition,
                    outbox.c.published_offset < marks.c.consumed,
                )
            )
            result = await session.execute(update(outbox).where(published, below_mark).values(**forget_offset))
            applied = int(result.rowcount)  # type: ignore[attr-defined]
        # Rows already known to be applied (no offset) stay as they are; the rest go out again.
        published = and_(published, outbox.c.published_offset.is_not(None))
    result = await session.execute(update(outbox).where(published).values(published_at=None, **forget_offset))
    await notify_relay(session)
    return Replayed(republished=int(result.rowcount), already_applied=applied)  # type: ignore[attr-defined]
