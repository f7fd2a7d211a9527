"""Reporting's own records of public statistics: publications proposed and approved, each with its
frozen snapshot (not a read model: a rebuild leaves them alone), and the query that counts what a
publication shows, from the read models."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ARRAY,
    Column,
    DateTime,
    Index,
    Integer,
    Table,
    Text,
    Uuid,
    and_,
    extract,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from wbs_contracts.events.directory import TenantConfiguredV1
from wbs_contracts.roles import Role
from wbs_reporting.adapters.db import audit_report_fact, case_fact, hand_over_fact, metadata, telaah_decision
from wbs_reporting.domain.publication import (
    Period,
    Publication,
    PublicationState,
    PublicCount,
    case_status,
)
from wbs_runtime.tenancy import TenantDirectory
from wbs_runtime.unit_of_work import Repository

publication = Table(
    "publication",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("year", Integer, nullable=False),
    #: Always 12 since publications cover whole years (reporting_0007); the column stays for old rows.
    Column("through_month", Integer, nullable=False),
    Column("state", Text, nullable=False),
    #: The figures as proposed, suppressed already: what the public page shows once approved.
    Column("snapshot", JSONB, nullable=False),
    Column("proposed_by", Text, nullable=False),
    Column("proposed_at", DateTime(timezone=True), nullable=False),
    Column("approver_roles", ARRAY(Text), nullable=False),
    Column("approved_by", Text),
    Column("approved_at", DateTime(timezone=True)),
    Column("via_roles", ARRAY(Text), nullable=False),
    Index("ix_publication_tenant_state", "tenant_id", "state"),
    # At most one approved and one waiting publication per year (reporting_0007).
    Index(
        "ux_publication_year_approved",
        "tenant_id",
        "year",
        unique=True,
        postgresql_where=text("state = 'disetujui'"),
    ),
    Index(
        "ux_publication_year_waiting",
        "tenant_id",
        "year",
        unique=True,
        postgresql_where=text("state = 'menunggu'"),
    ),
)


def _publication(row: Any) -> Publication:
    return Publication(
        id=row.id,
        tenant=row.tenant_id,
        period=Period(row.year),
        snapshot=row.snapshot,
        proposed_by=row.proposed_by,
        proposed_at=row.proposed_at,
        approver_roles=tuple(Role(r) for r in row.approver_roles),
        state=PublicationState(row.state),
        approved_by=row.approved_by,
        approved_at=row.approved_at,
        via_roles=tuple(Role(r) for r in row.via_roles),
    )


def _values(item: Publication) -> dict[str, Any]:
    return {
        "id": item.id,
        "tenant_id": item.tenant,
        "year": item.period.year,
        "through_month": 12,
        "state": item.state.value,
        "snapshot": dict(item.snapshot),
        "proposed_by": item.proposed_by,
        "proposed_at": item.proposed_at,
        "approver_roles": [r.value for r in item.approver_roles],
        "approved_by": item.approved_by,
        "approved_at": item.approved_at,
        "via_roles": [r.value for r in item.via_roles],
    }


class SqlPublications(Repository):
    async def add(self, item: Publication) -> None:
        await self._session.execute(publication.insert().values(**_values(item)))

    async def save(self, item: Publication) -> None:
        values = _values(item)
        await self._session.execute(publication.update().where(publication.c.id == item.id).values(**values))

    async def get(self, tenant: str, publication_id: UUID, *, for_update: bool = False) -> Publication | None:
        query = select(publication).where(publication.c.tenant_id == tenant, publication.c.id == publication_id)
        row = (await self._session.execute(query.with_for_update() if for_update else query)).first()
        return None if row is None else _publication(row)

    async def listed(self, tenant: str) -> list[Publication]:
        query = (
            select(publication)
            .where(publication.c.tenant_id == tenant)
            .order_by(publication.c.proposed_at.desc())
            .limit(100)
        )
        return [_publication(row) for row in await self._session.execute(query)]

    async def of_year(self, tenant: str, year: int, *, for_update: bool = False) -> list[Publication]:
        query = select(publication).where(publication.c.tenant_id == tenant, publication.c.year == year)
        rows = await self._session.execute(query.with_for_update() if for_update else query)
        return [_publication(row) for row in rows]

    async def published(self, tenant: str) -> Publication | None:
        """The approved publication of the latest year (one at most per year)."""
        query = (
            select(publication)
            .where(publication.c.tenant_id == tenant, publication.c.state == PublicationState.DISETUJUI.value)
            .order_by(publication.c.year.desc())
            .limit(1)
        )
        row = (await self._session.execute(query)).first()
        return None if row is None else _publication(row)

    async def configuration(self, tenant: str) -> TenantConfiguredV1 | None:
        return await TenantDirectory(self._session).get(tenant)

    async def public_counts(self, tenant: str, period: Period, timezone: ZoneInfo) -> list[PublicCount]:
        """The body's reports received in ``period``'s year (local months), by category, channel and
        status at the year's end: what was decided, issued or handed over before 1 January of the next
        year (local), so that counting again later gives the same figures."""
        start = datetime(period.year, 1, 1, tzinfo=timezone)
        end = datetime(period.year + 1, 1, 1, tzinfo=timezone)
        facts = case_fact.c
        month = extract("month", func.timezone(str(timezone), facts.submitted_at)).label("month")
        handed_over = (
            select(hand_over_fact.c.escalation_id)
            .where(hand_over_fact.c.case_id == facts.case_id, hand_over_fact.c.approved_at < end)
            .exists()
        )
        # A case handed over to APH or the KPK is finished here, as the reporter's timeline says.
        final_report = or_(audit_report_fact.c.case_id.is_not(None), handed_over).label("final_report")
        query = (
            select(
                month,
                facts.category,
                facts.channel,
                telaah_decision.c.outcome,
                final_report,
                func.count().label("n"),
            )
            .select_from(
                case_fact.outerjoin(
                    telaah_decision,
                    and_(telaah_decision.c.case_id == facts.case_id, telaah_decision.c.decided_at < end),
                ).outerjoin(
                    audit_report_fact,
                    and_(audit_report_fact.c.case_id == facts.case_id, audit_report_fact.c.issued_at < end),
                )
            )
            .where(facts.tenant_id == tenant, facts.submitted_at >= start, facts.submitted_at < end)
            .group_by(month, facts.category, facts.channel, telaah_decision.c.outcome, final_report)
        )
        return [
            PublicCount(int(r.month), r.category, r.channel, case_status(r.outcome, bool(r.final_report)), int(r.n))
            for r in await self._session.execute(query)
        ]
