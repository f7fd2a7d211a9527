"""Every service's roster: each officer's roles per tenant, kept from directory's ``officer-roles``.

Directory announces an officer's roles in a tenant whenever they change (a grant, a revocation, a
deactivation) on a compacted topic. The services that assign work (triage's disposisi, the audit
team of investigation's Surat Tugas) keep the latest announcement of each officer in their own
database, so they never ask directory while they handle a request. A service subscribes with
``ServiceRuntime.keep_roster()`` and reads through :class:`OfficerRoster`, a repository its unit
of work declares by subclassing :class:`RosterUnitOfWork`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as upsert

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.directory import OfficerRolesV1
from wbs_contracts.roles import Role
from wbs_runtime.messaging.tables import officer_roles as table
from wbs_runtime.unit_of_work import Repository, UnitOfWork


@dataclass(frozen=True)
class RosterEntry:
    """One officer's roles in one tenant, as directory last announced them."""

    tenant: str
    officer_id: str
    name: str
    roles: frozenset[Role]
    active: bool
    changed_at: datetime

    def holds_any(self, roles: Collection[Role]) -> bool:
        """Whether the officer is active here and holds one of ``roles``."""
        return self.active and not self.roles.isdisjoint(roles)


def newer(stored: RosterEntry | None, announced: RosterEntry) -> bool:
    """Whether ``announced`` replaces what is kept (an older announcement, redelivered, does not)."""
    return stored is None or announced.changed_at > stored.changed_at


def entry_of(data: OfficerRolesV1) -> RosterEntry:
    return RosterEntry(
        tenant=data.tenant_id,
        officer_id=data.officer_id,
        name=data.name,
        roles=frozenset(data.roles),
        active=data.active,
        changed_at=data.changed_at,
    )


class OfficerRoster(Repository):
    async def keep(self, entry: RosterEntry) -> bool:
        """Keep ``entry`` unless what is kept was announced later (one statement: a concurrent or
        redelivered older announcement never overwrites a newer one); whether it was kept."""
        values = {
            "tenant_id": entry.tenant,
            "officer_id": entry.officer_id,
            "name": entry.name,
            "roles": sorted(r.value for r in entry.roles),
            "active": entry.active,
            "changed_at": entry.changed_at,
        }
        statement = upsert(table).values(**values)
        kept = statement.on_conflict_do_update(
            index_elements=[table.c.tenant_id, table.c.officer_id],
            set_={k: statement.excluded[k] for k in ("name", "roles", "active", "changed_at")},
            where=table.c.changed_at < statement.excluded.changed_at,
        ).returning(table.c.officer_id)
        return (await self._session.execute(kept)).first() is not None

    async def get(self, tenant: str, officer_id: str) -> RosterEntry | None:
        statement = select(table).where(table.c.tenant_id == tenant, table.c.officer_id == officer_id)
        row = (await self._session.execute(statement)).first()
        return _entry(row) if row is not None else None

    async def of_tenant(self, tenant: str) -> list[RosterEntry]:
        """Every officer announced in ``tenant`` (inactive ones too), by name."""
        rows = await self._session.execute(
            select(table).where(table.c.tenant_id == tenant).order_by(table.c.name, table.c.officer_id)
        )
        return [_entry(row) for row in rows]


def _entry(row: Any) -> RosterEntry:
    return RosterEntry(
        tenant=row.tenant_id,
        officer_id=row.officer_id,
        name=row.name,
        # A role this version does not know (a newer directory) is ignored, not fatal.
        roles=frozenset(Role(r) for r in row.roles if r in Role._value2member_map_),
        active=row.active,
        changed_at=row.changed_at,
    )


class RosterUnitOfWork(UnitOfWork):
    """A unit of work that keeps the roster: the services that subscribe with
    ``ServiceRuntime.keep_roster()`` subclass this (a subclass may narrow ``roster``, e.g. to one
    that reads each tenant once per transaction)."""

    roster: OfficerRoster


async def keep_officer_roles(event: Envelope[Any], uow: RosterUnitOfWork) -> None:
    """Handler of ``officer-roles``: keep the officer's roles in the tenant, unless an announcement
    made later is kept already (a redelivery, or partitions read out of order). Through the unit of
    work's own roster: it may hold what it read earlier in the batch."""
    await uow.roster.keep(entry_of(event.data))
