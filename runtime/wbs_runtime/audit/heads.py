"""Chain heads: each service publishes its chains' heads; directory and reporting keep the others'.

A hash chain shows an edited or a deleted entry, but not a tail cut off with care. So every
service puts the head of each chain that changed (``AuditChainHeadV1``, subject
``<service>/<tenant>``) into its outbox from time to time, and the services the topic registry
names keep every head they receive. ``wbs audit verify`` checks each chain against them.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError
from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.audit import AuditChainHeadV1
from wbs_contracts.registry import AUDIT_CHAIN_HEADS
from wbs_runtime.audit.tables import audit_chain, audit_head_received
from wbs_runtime.clock import Clock, utc_now
from wbs_runtime.errors import Unretryable
from wbs_runtime.messaging.outbox import Outbox
from wbs_runtime.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

# Heads not yet published as they stand. SKIP LOCKED: a chain being appended to right now is
# published next time, and a second replica publishing at once takes other chains or none.
_CHANGED_HEADS = (
    select(audit_chain.c.tenant_id, audit_chain.c.sequence, audit_chain.c.entry_hash)
    .where(
        audit_chain.c.sequence > 0,
        (audit_chain.c.published_sequence.is_distinct_from(audit_chain.c.sequence))
        | (audit_chain.c.published_hash.is_distinct_from(audit_chain.c.entry_hash)),
    )
    .order_by(audit_chain.c.tenant_id)
    .with_for_update(skip_locked=True)
)
_MARK_PUBLISHED = (
    update(audit_chain)
    .where(audit_chain.c.tenant_id == bindparam("tenant"))
    .values(
        published_sequence=bindparam("published_sequence"),
        published_hash=bindparam("published_hash"),
        published_at=bindparam("published_at"),
    )
)


def chain_subject(service: str, tenant: str) -> str:
    """The head event's subject and Kafka key: one key per chain, so a compacted topic keeps each."""
    return f"{service}/{tenant}"


async def publish_changed_heads(
    sessionmaker: async_sessionmaker[AsyncSession], service: str, *, clock: Clock = utc_now
) -> int:
    """Put the head of every chain that changed since it was last published into the outbox (the
    relay sends them); returns how many."""
    spec = AUDIT_CHAIN_HEADS[service]
    async with sessionmaker() as session:
        heads = (await session.execute(_CHANGED_HEADS)).all()
        if not heads:
            return 0
        now = clock()
        outbox = Outbox(session)
        published = []
        for tenant, sequence, entry_hash in heads:
            try:
                head = AuditChainHeadV1(
                    service=service, tenant_id=tenant, sequence=sequence, entry_hash=entry_hash, observed_at=now
                )
            except ValidationError:  # appends check the tenant id; a row written otherwise must not block the rest
                log.error("the head of %s's audit chain %r cannot be published as an event", service, tenant)
                continue
            envelope = spec.envelope(
                head,
                tenant=tenant,
                subject=chain_subject(service, tenant),
                time=now,
                correlation_id=f"audit-head-{uuid.uuid4()}",
            )
            await outbox.add(spec, envelope)
            published.append({"tenant": tenant, "published_sequence": sequence, "published_hash": entry_hash})
        if published:
            await session.execute(_MARK_PUBLISHED, [{**row, "published_at": now} for row in published])
        await session.commit()
    return len(published)


_KEEP = (
    insert(audit_head_received)
    .values(
        producer=bindparam("producer"),
        tenant_id=bindparam("tenant_id"),
        sequence=bindparam("sequence"),
        entry_hash=bindparam("entry_hash"),
        observed_at=bindparam("observed_at"),
    )
    .on_conflict_do_nothing(constraint="audit_head_received_distinct")
)


def head_keeper(producer: str) -> Callable[[Envelope[Any], UnitOfWork], Awaitable[None]]:
    """The handler that keeps ``producer``'s chain heads (every distinct one) in this service's database."""

    async def keep_chain_head(envelope: Envelope[Any], uow: UnitOfWork) -> None:
        head: AuditChainHeadV1 = envelope.data
        if head.service != producer or head.tenant_id != envelope.tenant:
            raise Unretryable(
                f"a chain head of {head.service}/{head.tenant_id} arrived on {producer}'s topic for {envelope.tenant}"
            )
        await uow.session.execute(
            _KEEP,
            {
                "producer": producer,
                "tenant_id": head.tenant_id,
                "sequence": head.sequence,
                "entry_hash": head.entry_hash,
                "observed_at": head.observed_at,
            },
        )

    return keep_chain_head
