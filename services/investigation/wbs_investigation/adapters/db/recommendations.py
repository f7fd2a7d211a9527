"""Recommendations and their follow-up, and the tenant's follow-up queue."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import insert, or_, select, update

from wbs_contracts.events.investigation import RecommendationKind
from wbs_contracts.sealed import SealedPayload
from wbs_investigation.adapters.db.recommendation_tables import recommendation_follow_up_table, recommendation_table
from wbs_investigation.adapters.db.tables import case_file_table
from wbs_investigation.domain.recommendation import (
    DueSource,
    FollowUp,
    FollowUpKind,
    QueuedRecommendation,
    Recommendation,
)
from wbs_runtime.unit_of_work import Repository

_table = recommendation_table
_follow_up = recommendation_follow_up_table


def recommendation_of(row: Any) -> Recommendation:
    return Recommendation(
        id=row.id,
        case_id=row.case_id,
        tenant=row.tenant_id,
        kind=RecommendationKind(row.kind),
        addressed_to=row.addressed_to,
        received_on=row.received_on,
        due=row.due,
        due_source=DueSource(row.due_source) if row.due_source else None,
        due_basis=row.due_basis,
        policy_version=row.policy_version,
        sealed_text=SealedPayload.model_validate(row.sealed_text),
        issued_by=row.issued_by,
        issued_by_name=row.issued_by_name,
        issued_at=row.issued_at,
        agency=row.agency,
        overdue_noticed_for=row.overdue_noticed_for,
        overdue_noticed_at=row.overdue_noticed_at,
        carried_out_on=row.carried_out_on,
        completed_at=row.completed_at,
        completed_by=row.completed_by,
        completed_by_name=row.completed_by_name,
        on_time=row.on_time,
    )


def follow_up_of(row: Any) -> FollowUp:
    return FollowUp(
        id=row.id,
        recommendation_id=row.recommendation_id,
        case_id=row.case_id,
        tenant=row.tenant_id,
        kind=FollowUpKind(row.kind),
        recorded_by=row.recorded_by,
        recorded_by_name=row.recorded_by_name,
        recorded_at=row.recorded_at,
        sealed_note=SealedPayload.model_validate(row.sealed_note) if row.sealed_note else None,
        document_id=row.document_id,
        reference=row.reference,
        dated=row.dated,
    )


class SqlRecommendations(Repository):
    async def add(self, recommendation: Recommendation) -> None:
        r = recommendation
        await self._session.execute(
            insert(_table).values(
                id=r.id,
                case_id=r.case_id,
                tenant_id=r.tenant,
                kind=r.kind.value,
                addressed_to=r.addressed_to,
                agency=r.agency,
                received_on=r.received_on,
                due=r.due,
                due_source=r.due_source.value if r.due_source else None,
                due_basis=r.due_basis,
                policy_version=r.policy_version,
                sealed_text=r.sealed_text.model_dump(mode="json"),
                issued_by=r.issued_by,
                issued_by_name=r.issued_by_name,
                issued_at=r.issued_at,
            )
        )

    async def get(self, recommendation_id: UUID, *, for_update: bool = False) -> Recommendation | None:
        statement = select(_table).where(_table.c.id == recommendation_id)
        if for_update:
            statement = statement.with_for_update()
        row = (await self._session.execute(statement)).first()
        return recommendation_of(row) if row else None

    async def of_case(self, case_id: UUID) -> list[Recommendation]:
        statement = select(_table).where(_table.c.case_id == case_id).order_by(_table.c.issued_at, _table.c.id)
        return [recommendation_of(row) for row in await self._session.execute(statement)]

    async def complete(self, recommendation: Recommendation) -> None:
        r = recommendation
        await self._session.execute(
            update(_table)
            .where(_table.c.id == r.id)
            .values(
                carried_out_on=r.carried_out_on,
                completed_at=r.completed_at,
                completed_by=r.completed_by,
                completed_by_name=r.completed_by_name,
                on_time=r.on_time,
            )
        )

    async def add_follow_up(self, follow_up: FollowUp) -> None:
        f = follow_up
        await self._session.execute(
            insert(_follow_up).values(
                id=f.id,
                recommendation_id=f.recommendation_id,
                case_id=f.case_id,
                tenant_id=f.tenant,
                kind=f.kind.value,
                sealed_note=f.sealed_note.model_dump(mode="json") if f.sealed_note else None,
                document_id=f.document_id,
                reference=f.reference,
                dated=f.dated,
                recorded_by=f.recorded_by,
                recorded_by_name=f.recorded_by_name,
                recorded_at=f.recorded_at,
            )
        )

    async def follow_ups(self, case_id: UUID) -> list[FollowUp]:
        statement = (
            select(_follow_up)
            .where(_follow_up.c.case_id == case_id)
            .order_by(_follow_up.c.recorded_at, _follow_up.c.id)
        )
        return [follow_up_of(row) for row in await self._session.execute(statement)]

    async def open_in_tenant(
        self, tenant: str, *, overdue_on: date | None = None, limit: int = 500
    ) -> list[QueuedRecommendation]:
        statement = (
            select(_table, case_file_table.c.agenda_number)
            .join(case_file_table, case_file_table.c.case_id == _table.c.case_id, isouter=True)
            .where(_table.c.tenant_id == tenant, _table.c.completed_at.is_(None))
            .order_by(_table.c.due.asc().nulls_last(), _table.c.issued_at, _table.c.id)
            .limit(limit)
        )
        if overdue_on is not None:
            statement = statement.where(_table.c.due < overdue_on)
        return [
            QueuedRecommendation(recommendation_of(row), row.agenda_number)
            for row in await self._session.execute(statement)
        ]

    async def due_for_notice(self, today: date, *, limit: int) -> list[Recommendation]:
        statement = (
            select(_table)
            .where(
                _table.c.completed_at.is_(None),
                _table.c.due.is_not(None),
                _table.c.due < today,
                or_(_table.c.overdue_noticed_for.is_(None), _table.c.overdue_noticed_for != _table.c.due),
            )
            # Audit entries of several tenants in one transaction: always in the same order.
            .order_by(_table.c.tenant_id, _table.c.due, _table.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [recommendation_of(row) for row in await self._session.execute(statement)]

    async def mark_overdue(self, recommendation_id: UUID, due: date, at: datetime) -> None:
        await self._session.execute(
            update(_table)
            .where(_table.c.id == recommendation_id)
            .values(overdue_noticed_for=due, overdue_noticed_at=at)
        )
