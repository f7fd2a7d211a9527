"""The annual tables' own tables: each case's disposition (case-disposed, a read model like the
others), and what officers write for the annual report (reporting's own records, not rebuilt from
events): the monthly kendala, solusi and evaluation, and who signs the report."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    Table,
    Text,
    Uuid,
    and_,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import insert

from wbs_contracts.events.directory import TenantConfiguredV1
from wbs_reporting.adapters.db import (
    audit_report_fact,
    case_fact,
    hand_over_fact,
    metadata,
    recommendation_fact,
    telaah_decision,
)
from wbs_reporting.domain.cases import CaseSteps, StepEvent
from wbs_reporting.domain.tables import MonthNote, SignOff
from wbs_reporting.domain.timeliness import RecommendationSteps
from wbs_runtime.tenancy import TenantDirectory
from wbs_runtime.unit_of_work import Repository

#: Each case's first disposition (case-disposed): when, and the team's follow-up limit it set.
case_disposition = Table(
    "case_disposition",
    metadata,
    Column("case_id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("disposed_at", DateTime(timezone=True), nullable=False),
    Column("follow_up_due", Date, nullable=False),
    Index("ix_case_disposition_tenant_disposed", "tenant_id", "disposed_at"),
)

NOTE_FIELDS = tuple(MonthNote.__dataclass_fields__)
SIGN_OFF_FIELDS = tuple(SignOff.__dataclass_fields__)

#: What the officers wrote for a month of the year (seed 000, BAB II.4 and II.5; seed 001, Lampiran).
month_note = Table(
    "month_note",
    metadata,
    Column("tenant_id", Text, primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("month", Integer, primary_key=True),
    *(Column(name, Text, nullable=False, server_default="") for name in NOTE_FIELDS),
    Column("updated_by", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

#: Who signs the year's annual report, and where and when.
annual_sign_off = Table(
    "annual_sign_off",
    metadata,
    Column("tenant_id", Text, primary_key=True),
    Column("year", Integer, primary_key=True),
    *(Column(name, Text, nullable=False, server_default="") for name in SIGN_OFF_FIELDS),
    Column("updated_by", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

_disposition = insert(case_disposition)
#: The first disposition counts (a later one replaces the team, not the time the case was disposed).
_RECORD_DISPOSITION = _disposition.on_conflict_do_update(
    index_elements=[case_disposition.c.case_id],
    set_={c: _disposition.excluded[c] for c in ("disposed_at", "follow_up_due")},
    where=case_disposition.c.disposed_at > _disposition.excluded.disposed_at,
)


def _upsert(table: Table, keys: dict[str, Any], values: dict[str, Any]) -> Any:
    statement = insert(table).values(**keys, **values)
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: statement.excluded[name] for name in values}
    )


class SqlAnnualRecords(Repository):
    async def record_disposition(self, case_id: UUID, tenant: str, disposed_at: datetime, due: date) -> None:
        await self._session.execute(
            _RECORD_DISPOSITION,
            {"case_id": case_id, "tenant_id": tenant, "disposed_at": disposed_at, "follow_up_due": due},
        )

    async def configuration(self, tenant: str) -> TenantConfiguredV1 | None:
        return await TenantDirectory(self._session).get(tenant)

    async def descendants(self, tenant: str) -> list[TenantConfiguredV1]:
        """Every body below ``tenant``, active or not: a closed satker's past cases still count."""
        return await TenantDirectory(self._session).descendants(tenant, active_bodies_only=False)

    async def cases(self, scope: list[str], start: datetime, end: datetime) -> list[CaseSteps]:
        """The cases received in [start, end) that the bodies in ``scope`` handle or received."""
        facts = case_fact.c
        first_hand_over = (
            select(hand_over_fact.c.case_id, func.min(hand_over_fact.c.approved_at).label("at"))
            .group_by(hand_over_fact.c.case_id)
            .subquery()
        )
        query = (
            select(
                facts.case_id,
                facts.tenant_id,
                facts.received_by,
                facts.category,
                facts.channel,
                facts.submitted_at,
                facts.registered_at,
                case_disposition.c.disposed_at,
                case_disposition.c.follow_up_due,
                telaah_decision.c.decided_at,
                telaah_decision.c.outcome,
                audit_report_fact.c.issued_at,
                first_hand_over.c.at.label("handed_over_at"),
            )
            .select_from(
                case_fact.outerjoin(case_disposition, case_disposition.c.case_id == facts.case_id)
                .outerjoin(telaah_decision, telaah_decision.c.case_id == facts.case_id)
                .outerjoin(audit_report_fact, audit_report_fact.c.case_id == facts.case_id)
                .outerjoin(first_hand_over, first_hand_over.c.case_id == facts.case_id)
            )
            .where(
                or_(facts.tenant_id.in_(scope), facts.received_by.in_(scope)),
                and_(facts.submitted_at >= start, facts.submitted_at < end),
            )
        )
        return [
            CaseSteps(
                case_id=r.case_id,
                tenant=r.tenant_id,
                received_by=r.received_by,
                category=r.category,
                channel=r.channel,
                submitted_at=r.submitted_at,
                registered_at=r.registered_at,
                disposed_at=r.disposed_at,
                follow_up_due=r.follow_up_due,
                decided_at=r.decided_at,
                outcome=r.outcome,
                report_issued_at=r.issued_at,
                handed_over_at=r.handed_over_at,
            )
            for r in await self._session.execute(query)
        ]

    async def events(self, scope: list[str], start: datetime, end: datetime) -> list[StepEvent]:
        """What the bodies in ``scope`` did in [start, end): dispositions, decisions, reports, hand-overs."""
        sources: tuple[tuple[Table, Any, Any], ...] = (
            (case_disposition, case_disposition.c.disposed_at, literal("didisposisi")),
            (telaah_decision, telaah_decision.c.decided_at, telaah_decision.c.outcome),
            (audit_report_fact, audit_report_fact.c.issued_at, literal("laporan-hasil-audit")),
            (hand_over_fact, hand_over_fact.c.approved_at, literal("dilimpahkan")),
        )
        found: list[StepEvent] = []
        for table, at, kind in sources:
            query = select(table.c.tenant_id, at.label("at"), kind.label("kind")).where(
                table.c.tenant_id.in_(scope), at >= start, at < end
            )
            found += [StepEvent(r.tenant_id, r.kind, r.at) for r in await self._session.execute(query)]
        return found

    async def recommendations(self, scope: list[str], start: datetime, end: datetime) -> list[RecommendationSteps]:
        """The recommendations the bodies in ``scope`` issued in [start, end), and whether carried out."""
        facts = recommendation_fact.c
        query = select(
            facts.kind, facts.issued_at, facts.completed_at, facts.on_time, facts.due, facts.overdue_at
        ).where(facts.tenant_id.in_(scope), facts.issued_at >= start, facts.issued_at < end)
        return [
            RecommendationSteps(r.kind, r.issued_at, r.completed_at, r.on_time, r.due, r.overdue_at)
            for r in await self._session.execute(query)
        ]

    async def notes(self, tenant: str, year: int) -> dict[int, MonthNote]:
        query = select(month_note).where(month_note.c.tenant_id == tenant, month_note.c.year == year)
        return {
            row.month: MonthNote(**{name: getattr(row, name) for name in NOTE_FIELDS})
            for row in await self._session.execute(query)
        }

    async def save_note(self, tenant: str, year: int, month: int, note: MonthNote, *, by: str, at: datetime) -> None:
        values = {name: getattr(note, name) for name in NOTE_FIELDS} | {"updated_by": by, "updated_at": at}
        await self._session.execute(_upsert(month_note, {"tenant_id": tenant, "year": year, "month": month}, values))

    async def sign_off(self, tenant: str, year: int) -> SignOff:
        query = select(annual_sign_off).where(annual_sign_off.c.tenant_id == tenant, annual_sign_off.c.year == year)
        row = (await self._session.execute(query)).first()
        return SignOff() if row is None else SignOff(**{name: getattr(row, name) for name in SIGN_OFF_FIELDS})

    async def save_sign_off(self, tenant: str, year: int, sign_off: SignOff, *, by: str, at: datetime) -> None:
        values = {name: getattr(sign_off, name) for name in SIGN_OFF_FIELDS} | {"updated_by": by, "updated_at": at}
        await self._session.execute(_upsert(annual_sign_off, {"tenant_id": tenant, "year": year}, values))
