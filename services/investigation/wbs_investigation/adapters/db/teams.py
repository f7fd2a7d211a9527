"""The audit team of each case, as its Surat Tugas names it."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import delete, insert, select

from wbs_investigation.adapters.db.tables import audit_team_table
from wbs_investigation.domain.team import TeamMember, TeamSeat
from wbs_runtime.unit_of_work import Repository

_table = audit_team_table


class SqlAuditTeams(Repository):
    async def replace(self, case_id: UUID, members: Sequence[TeamMember]) -> None:
        """The team of a new Surat Tugas replaces the one before."""
        await self._session.execute(delete(_table).where(_table.c.case_id == case_id))
        if members:
            await self._session.execute(
                insert(_table),
                [
                    {"case_id": case_id, "officer_id": m.officer_id, "name": m.name, "seat": m.seat.value}
                    for m in members
                ],
            )

    async def of_case(self, case_id: UUID) -> list[TeamMember]:
        statement = select(_table).where(_table.c.case_id == case_id).order_by(_table.c.seat, _table.c.name)
        return [
            TeamMember(officer_id=row.officer_id, name=row.name, seat=TeamSeat(row.seat))
            for row in await self._session.execute(statement)
        ]

    async def on_team(self, case_id: UUID, officer_id: str) -> bool:
        statement = select(_table.c.officer_id).where(_table.c.case_id == case_id, _table.c.officer_id == officer_id)
        return (await self._session.execute(statement)).first() is not None
