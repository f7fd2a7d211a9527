"""The roster: each officer's roles per tenant, as directory last announced them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as upsert

from wbs_contracts.roles import Role
from wbs_runtime.unit_of_work import Repository
from wbs_triage.adapters.db.tables import officer_roster_table
from wbs_triage.domain.disposition import RosterEntry


class SqlRoster(Repository):
    async def keep(self, entry: RosterEntry) -> bool:
        """Keep ``entry`` unless what is kept was announced later (one statement: a concurrent or
        redelivered older announcement never overwrites a newer one)."""
        table = officer_roster_table
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
        row = (
            await self._session.execute(
                select(officer_roster_table).where(
                    officer_roster_table.c.tenant_id == tenant, officer_roster_table.c.officer_id == officer_id
                )
            )
        ).first()
        return _entry(row) if row is not None else None

    async def of_tenant(self, tenant: str) -> list[RosterEntry]:
        rows = await self._session.execute(
            select(officer_roster_table)
            .where(officer_roster_table.c.tenant_id == tenant)
            .order_by(officer_roster_table.c.name, officer_roster_table.c.officer_id)
        )
        return [_entry(row) for row in rows]


def _entry(row: Any) -> RosterEntry:
    return RosterEntry(
        tenant=row.tenant_id,
        officer_id=row.officer_id,
        name=row.name,
        roles=frozenset(Role(r) for r in row.roles if r in Role._value2member_map_),
        active=row.active,
        changed_at=row.changed_at,
    )
