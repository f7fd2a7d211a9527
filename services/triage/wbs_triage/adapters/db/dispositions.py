"""Dispositions (each kept), the current team of each case, and the case's clock columns."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, insert, select, update

from wbs_contracts.events.triage import TeamRole
from wbs_contracts.sealed import SealedPayload
from wbs_runtime.unit_of_work import Repository
from wbs_triage.adapters.db.tables import case_disposition_table, case_table, case_team_table
from wbs_triage.domain.case import CaseStatus
from wbs_triage.domain.disposition import Disposition, TeamSeat


class SqlDispositions(Repository):
    async def record(self, disposition: Disposition, *, waiting_on_reporter_since: datetime | None) -> None:
        d = disposition
        await self._session.execute(
            insert(case_disposition_table).values(
                id=d.id,
                case_id=d.case_id,
                tenant_id=d.tenant,
                disposed_at=d.disposed_at,
                disposed_by=d.disposed_by,
                disposed_by_name=d.disposed_by_name,
                team=[{"officer_id": s.officer_id, "role": s.role.value, "name": s.name} for s in d.team],
                sealed_instruction=d.sealed_instruction.model_dump(mode="json"),
                follow_up_due=d.follow_up_due,
                policy_version=d.policy_version,
            )
        )
        await self._session.execute(delete(case_team_table).where(case_team_table.c.case_id == d.case_id))
        await self._session.execute(
            insert(case_team_table),
            [
                {
                    "case_id": d.case_id,
                    "officer_id": s.officer_id,
                    "tenant_id": d.tenant,
                    "role": s.role.value,
                    "name": s.name,
                }
                for s in d.team
            ],
        )
        await self._session.execute(
            update(case_table)
            .where(case_table.c.id == d.case_id)
            .values(
                status=CaseStatus.DITELAAH.value,
                disposed_at=d.disposed_at,
                follow_up_due=d.follow_up_due,
                waiting_on_reporter_since=waiting_on_reporter_since,
            )
        )

    async def of_case(self, case_id: UUID) -> list[Disposition]:
        rows = await self._session.execute(
            select(case_disposition_table)
            .where(case_disposition_table.c.case_id == case_id)
            .order_by(case_disposition_table.c.disposed_at, case_disposition_table.c.id)
        )
        return [_disposition(row) for row in rows]

    async def teams(self, case_ids: Sequence[UUID]) -> dict[UUID, list[TeamSeat]]:
        if not case_ids:
            return {}
        rows = await self._session.execute(
            select(case_team_table)
            .where(case_team_table.c.case_id.in_(case_ids))
            .order_by(case_team_table.c.case_id, case_team_table.c.role.desc(), case_team_table.c.name)
        )
        teams: dict[UUID, list[TeamSeat]] = {}
        for row in rows:
            teams.setdefault(row.case_id, []).append(TeamSeat(row.officer_id, TeamRole(row.role), row.name))
        return teams

    async def wait_on_reporter(self, case_id: UUID, since: datetime) -> None:
        """From now the case waits on the reporter, unless it waits already (since earlier)."""
        await self._session.execute(
            update(case_table)
            .where(case_table.c.id == case_id, case_table.c.waiting_on_reporter_since.is_(None))
            .values(waiting_on_reporter_since=since)
        )

    async def resume(self, case_id: UUID, follow_up_due: datetime | None) -> None:
        await self._session.execute(
            update(case_table)
            .where(case_table.c.id == case_id)
            .values(waiting_on_reporter_since=None, follow_up_due=follow_up_due)
        )


def _disposition(row: Any) -> Disposition:
    return Disposition(
        id=row.id,
        case_id=row.case_id,
        tenant=row.tenant_id,
        disposed_at=row.disposed_at,
        disposed_by=row.disposed_by,
        disposed_by_name=row.disposed_by_name,
        team=tuple(TeamSeat(s["officer_id"], TeamRole(s["role"]), s["name"]) for s in row.team),
        sealed_instruction=SealedPayload.model_validate(row.sealed_instruction),
        follow_up_due=row.follow_up_due,
        policy_version=row.policy_version,
    )
