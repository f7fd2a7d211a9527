"""Appending to the audit trail, in the caller's transaction."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import bindparam, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from wbs_runtime.audit.chain import GENESIS_HASH, AuditEntry, ChainedEntry, chain, check
from wbs_runtime.audit.tables import audit_entry
from wbs_runtime.clock import Clock, utc_now

# Takes the chain's head row (creating it for a tenant's first entry) and keeps it locked until the
# transaction ends: appends to one chain take turns. ON CONFLICT DO UPDATE works on the row's newest
# committed version, so the head read here is never stale, whatever the statement's snapshot.
_TAKE_HEAD = text(
    """
    INSERT INTO audit_chain (tenant_id, sequence, entry_hash) VALUES (:tenant_id, 0, :genesis)
    ON CONFLICT (tenant_id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id
    RETURNING sequence, entry_hash
    """
)
# The entry and the new head in one round trip.
_APPEND = text(
    """
    WITH appended AS (
        INSERT INTO audit_entry (
            tenant_id, sequence, recorded_at, actor, actor_name, role, session_id, action,
            object_type, object_id, details, correlation_id, previous_hash, entry_hash
        ) VALUES (
            :tenant_id, :sequence, :recorded_at, :actor, :actor_name, :role, :session_id, :action,
            :object_type, :object_id, :details, :correlation_id, :previous_hash, :entry_hash
        )
        RETURNING tenant_id, sequence, entry_hash
    )
    UPDATE audit_chain SET sequence = appended.sequence, entry_hash = appended.entry_hash
    FROM appended WHERE audit_chain.tenant_id = appended.tenant_id
    """
).bindparams(bindparam("details", type_=JSONB))


async def append(session: AsyncSession, entry: AuditEntry, *, clock: Clock = utc_now) -> ChainedEntry:
    """Record ``entry`` at the end of its tenant's chain, in ``session``'s transaction.

    The entry commits with the action it records, or rolls back with it: call this in the unit of
    work that does the action, before its commit. The chain's head stays locked until that
    transaction ends, so keep the transaction short after appending, and append to several tenants
    in a fixed order if one transaction must touch more than one. From a use case::

        async with uow:
            case = await uow.cases.get(case_id)
            await uow.audit.append(
                AuditEntry(
                    tenant_id=case.tenant,
                    actor=caller.officer_id,
                    actor_name=caller.name,
                    role=Role.PENELAAH,
                    session_id=caller.session_id,
                    action="case.read",
                    object_type="case",
                    object_id=str(case_id),
                    correlation_id=correlation_id,
                )
            )
            await uow.commit()

    Raises :class:`~wbs_runtime.audit.chain.InvalidAuditEntry` (nothing written) for an entry that
    breaks the rules of :func:`~wbs_runtime.audit.chain.check`.
    """
    check(entry)  # before the head is taken: a refused entry locks nothing
    now = clock()
    head = (await session.execute(_TAKE_HEAD, {"tenant_id": entry.tenant_id, "genesis": GENESIS_HASH})).one()
    chained = chain(entry, sequence=int(head.sequence) + 1, previous_hash=str(head.entry_hash), now=now)
    await session.execute(_APPEND, row_of(chained))
    return chained


def row_of(entry: ChainedEntry) -> dict[str, object]:
    return {
        "tenant_id": entry.tenant_id,
        "sequence": entry.sequence,
        "recorded_at": entry.recorded_at,
        "actor": entry.actor,
        "actor_name": entry.actor_name,
        "role": entry.role,
        "session_id": entry.session_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "details": entry.details,
        "correlation_id": entry.correlation_id,
        "previous_hash": entry.previous_hash,
        "entry_hash": entry.entry_hash,
    }


class AuditRecorder(Protocol):
    """What use cases see of the audit trail: services' ports declare ``audit: AuditRecorder``, and
    unit tests give them ``tests.support.audit.MemoryAuditTrail``."""

    async def append(self, entry: AuditEntry) -> ChainedEntry: ...


class AuditTrail:
    """The audit trail as a unit of work offers it: ``await uow.audit.append(AuditEntry(...))``."""

    def __init__(self, session: AsyncSession, clock: Clock = utc_now) -> None:
        self._session = session
        self._clock = clock

    async def append(self, entry: AuditEntry) -> ChainedEntry:
        """See :func:`append`."""
        return await append(self._session, entry, clock=self._clock)

    async def history(self, tenant_id: str, object_type: str, object_id: str) -> list[ChainedEntry]:
        """One object's entries in ``tenant_id``'s chain, oldest first (a case's history, for the
        officers on the case: whoever may see it decides, not this)."""
        rows = await self._session.execute(
            select(audit_entry)
            .where(
                audit_entry.c.tenant_id == tenant_id,
                audit_entry.c.object_type == object_type,
                audit_entry.c.object_id == object_id,
            )
            .order_by(audit_entry.c.sequence)
        )
        return [ChainedEntry(**row._asdict()) for row in rows]
