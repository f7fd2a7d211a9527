"""Reporting's read model: one row of countable facts per case, filled from events in any order."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    MetaData,
    Table,
    Text,
    Uuid,
    extract,
    func,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import insert

from wbs_reporting.domain.decisions import DecisionCount
from wbs_reporting.domain.investigation import Measure, MonthCount
from wbs_reporting.domain.statistics import CountRow
from wbs_runtime.unit_of_work import Repository, UnitOfWork

metadata = MetaData()

case_fact = Table(
    "case_fact",
    metadata,
    Column("case_id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("category", Text),
    Column("channel", Text),
    Column("submitted_at", DateTime(timezone=True)),
    Column("registered_at", DateTime(timezone=True)),
    #: Where a forwarded report arrived (null: where it is handled); its channel counts there.
    Column("received_by", Text),
    Index("ix_case_fact_tenant_submitted", "tenant_id", "submitted_at"),
    Index("ix_case_fact_received_by_submitted", "received_by", "submitted_at"),
)


#: How each case's telaah ended (telaah-decided): counted per body, month and outcome.
telaah_decision = Table(
    "telaah_decision",
    metadata,
    Column("case_id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Index("ix_telaah_decision_tenant_decided", "tenant_id", "decided_at"),
)


#: Each case's final audit report (audit-report-issued; a revised report replaces it).
audit_report_fact = Table(
    "audit_report_fact",
    metadata,
    Column("case_id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("result", Text, nullable=False),
    Column("estimated_loss_idr", BigInteger, nullable=False),
    Index("ix_audit_report_fact_tenant_issued", "tenant_id", "issued_at"),
)

#: Each recommendation, from its three events in any order: issued, overdue, completed.
recommendation_fact = Table(
    "recommendation_fact",
    metadata,
    Column("recommendation_id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False),
    Column("tenant_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("issued_at", DateTime(timezone=True)),
    Column("due", Date),
    Column("overdue_at", DateTime(timezone=True)),
    Column("completed_at", DateTime(timezone=True)),
    Column("on_time", Boolean),
    Index("ix_recommendation_fact_tenant", "tenant_id"),
)

#: Each hand-over to APH or the KPK (case-handed-over).
hand_over_fact = Table(
    "hand_over_fact",
    metadata,
    Column("escalation_id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False),
    Column("tenant_id", Text, nullable=False),
    Column("target", Text, nullable=False),
    Column("agency", Text, nullable=False),
    Column("approved_at", DateTime(timezone=True), nullable=False),
    Index("ix_hand_over_fact_tenant_approved", "tenant_id", "approved_at"),
)


# Built once: building a statement per call costs more than executing it.
_submission = insert(case_fact)
_RECORD_SUBMISSION = _submission.on_conflict_do_update(
    index_elements=[case_fact.c.case_id],
    set_={
        "category": _submission.excluded.category,
        "channel": _submission.excluded.channel,
        "submitted_at": _submission.excluded.submitted_at,
        "received_by": _submission.excluded.received_by,
    },
)
_registration = insert(case_fact)
_RECORD_REGISTRATION = _registration.on_conflict_do_update(
    index_elements=[case_fact.c.case_id], set_={"registered_at": _registration.excluded.registered_at}
)


class SqlCaseFacts(Repository):
    async def record_submission(
        self,
        case_id: UUID,
        tenant: str,
        category: str,
        channel: str,
        submitted_at: datetime,
        received_by: str | None = None,
    ) -> None:
        await self._session.execute(
            _RECORD_SUBMISSION,
            {
                "case_id": case_id,
                "tenant_id": tenant,
                "category": category,
                "channel": channel,
                "submitted_at": submitted_at,
                "received_by": received_by,
            },
        )

    async def record_registration(self, case_id: UUID, tenant: str, registered_at: datetime) -> None:
        await self._session.execute(
            _RECORD_REGISTRATION, {"case_id": case_id, "tenant_id": tenant, "registered_at": registered_at}
        )

    async def counts(self, tenant: str, year: int, timezone: ZoneInfo) -> list[CountRow]:
        start = datetime(year, 1, 1, tzinfo=timezone)
        end = datetime(year + 1, 1, 1, tzinfo=timezone)
        month = extract("month", func.timezone(str(timezone), case_fact.c.submitted_at)).label("month")
        handled_here = (case_fact.c.tenant_id == tenant).label("handled_here")
        arrived_here = (func.coalesce(case_fact.c.received_by, case_fact.c.tenant_id) == tenant).label("arrived_here")
        query = (
            select(
                month,
                case_fact.c.category,
                case_fact.c.channel,
                handled_here,
                arrived_here,
                func.count().label("received"),
                func.count(case_fact.c.registered_at).label("registered"),
            )
            .where(
                or_(case_fact.c.tenant_id == tenant, case_fact.c.received_by == tenant),
                case_fact.c.submitted_at >= start,
                case_fact.c.submitted_at < end,
            )
            .group_by(month, case_fact.c.category, case_fact.c.channel, handled_here, arrived_here)
        )
        rows = await self._session.execute(query)
        return [
            CountRow(
                int(r.month),
                r.category,
                r.channel,
                r.received,
                r.registered,
                bool(r.handled_here),
                bool(r.arrived_here),
            )
            for r in rows
        ]


class SqlDecisionFacts(Repository):
    async def record_decision(self, case_id: UUID, tenant: str, outcome: str, decided_at: datetime) -> None:
        """Once per case: a redelivered event counts nothing more."""
        await self._session.execute(
            insert(telaah_decision)
            .values(case_id=case_id, tenant_id=tenant, outcome=outcome, decided_at=decided_at)
            .on_conflict_do_nothing(index_elements=[telaah_decision.c.case_id])
        )

    async def decision_counts(self, tenant: str, year: int, timezone: ZoneInfo) -> list[DecisionCount]:
        start = datetime(year, 1, 1, tzinfo=timezone)
        end = datetime(year + 1, 1, 1, tzinfo=timezone)
        month = extract("month", func.timezone(str(timezone), telaah_decision.c.decided_at)).label("month")
        query = (
            select(month, telaah_decision.c.outcome, func.count().label("decided"))
            .where(
                telaah_decision.c.tenant_id == tenant,
                telaah_decision.c.decided_at >= start,
                telaah_decision.c.decided_at < end,
            )
            .group_by(month, telaah_decision.c.outcome)
        )
        return [DecisionCount(int(r.month), r.outcome, int(r.decided)) for r in await self._session.execute(query)]


_report = insert(audit_report_fact)
#: A revised report replaces the case's report; an older one delivered late changes nothing.
_RECORD_REPORT = _report.on_conflict_do_update(
    index_elements=[audit_report_fact.c.case_id],
    set_={c: _report.excluded[c] for c in ("issued_at", "result", "estimated_loss_idr")},
    where=audit_report_fact.c.issued_at <= _report.excluded.issued_at,
)


def _recommendation_upsert(**facts: Any) -> Any:
    """Record some facts of a recommendation, whichever of its events comes first."""
    statement = insert(recommendation_fact).values(**facts)
    changed = {name: statement.excluded[name] for name in facts if name != "recommendation_id"}
    return statement.on_conflict_do_update(index_elements=[recommendation_fact.c.recommendation_id], set_=changed)


class SqlInvestigationFacts(Repository):
    async def record_report(
        self, case_id: UUID, tenant: str, issued_at: datetime, result: str, estimated_loss_idr: int
    ) -> None:
        await self._session.execute(
            _RECORD_REPORT,
            {
                "case_id": case_id,
                "tenant_id": tenant,
                "issued_at": issued_at,
                "result": result,
                "estimated_loss_idr": estimated_loss_idr,
            },
        )

    async def record_recommendation(
        self, recommendation_id: UUID, case_id: UUID, tenant: str, kind: str, **facts: datetime | date | bool | None
    ) -> None:
        """``facts``: issued_at and due, overdue_at, or completed_at and on_time."""
        await self._session.execute(
            _recommendation_upsert(
                recommendation_id=recommendation_id, case_id=case_id, tenant_id=tenant, kind=kind, **facts
            )
        )

    async def record_hand_over(
        self, escalation_id: UUID, case_id: UUID, tenant: str, target: str, agency: str, approved_at: datetime
    ) -> None:
        await self._session.execute(
            insert(hand_over_fact)
            .values(
                escalation_id=escalation_id,
                case_id=case_id,
                tenant_id=tenant,
                target=target,
                agency=agency,
                approved_at=approved_at,
            )
            .on_conflict_do_nothing(index_elements=[hand_over_fact.c.escalation_id])
        )

    async def month_counts(self, tenant: str, year: int, timezone: ZoneInfo) -> list[MonthCount]:
        start = datetime(year, 1, 1, tzinfo=timezone)
        end = datetime(year + 1, 1, 1, tzinfo=timezone)

        def month(column: Any) -> Any:
            """The local month; one object per query, so that GROUP BY names the same expression."""
            return extract("month", func.timezone(str(timezone), column)).label("month")

        rows: list[MonthCount] = []
        reports = audit_report_fact.c
        issued = month(reports.issued_at)
        query = (
            select(
                issued,
                reports.result,
                func.count().label("n"),
                func.coalesce(func.sum(reports.estimated_loss_idr), 0).label("loss"),
            )
            .where(reports.tenant_id == tenant, reports.issued_at >= start, reports.issued_at < end)
            .group_by(issued, reports.result)
        )
        rows += [
            MonthCount(int(r.month), Measure.LAPORAN, r.result, int(r.n), int(r.loss))
            for r in await self._session.execute(query)
        ]
        facts = recommendation_fact.c
        for column, measure in ((facts.issued_at, Measure.DIBERIKAN), (facts.overdue_at, Measure.TERLAMBAT)):
            happened = month(column)
            query = (
                select(happened, facts.kind, func.count().label("n"))
                .where(facts.tenant_id == tenant, column >= start, column < end)
                .group_by(happened, facts.kind)
            )
            rows += [MonthCount(int(r.month), measure, r.kind, int(r.n)) for r in await self._session.execute(query)]
        completed = month(facts.completed_at)
        query = (
            select(completed, facts.kind, facts.on_time, func.count().label("n"))
            .where(facts.tenant_id == tenant, facts.completed_at >= start, facts.completed_at < end)
            .group_by(completed, facts.kind, facts.on_time)
        )
        rows += [
            MonthCount(
                int(r.month), Measure.SELESAI_TEPAT_WAKTU if r.on_time else Measure.SELESAI_TERLAMBAT, r.kind, int(r.n)
            )
            for r in await self._session.execute(query)
        ]
        handed = hand_over_fact.c
        approved = month(handed.approved_at)
        query = (
            select(approved, handed.target, func.count().label("n"))
            .where(handed.tenant_id == tenant, handed.approved_at >= start, handed.approved_at < end)
            .group_by(approved, handed.target)
        )
        rows += [
            MonthCount(int(r.month), Measure.DISERAHKAN, r.target, int(r.n)) for r in await self._session.execute(query)
        ]
        return rows

    async def open_recommendations(self, tenant: str) -> tuple[dict[str, int], dict[str, int]]:
        """Per kind: issued and not carried out, and those among them announced overdue."""
        facts = recommendation_fact.c
        query = (
            select(
                facts.kind,
                func.count().label("open"),
                func.count(facts.overdue_at).label("overdue"),
            )
            .where(facts.tenant_id == tenant, facts.issued_at.is_not(None), facts.completed_at.is_(None))
            .group_by(facts.kind)
        )
        rows = list(await self._session.execute(query))
        return {r.kind: int(r.open) for r in rows}, {r.kind: int(r.overdue) for r in rows}


class SqlReportingUnitOfWork(UnitOfWork):
    facts: SqlCaseFacts
    decisions: SqlDecisionFacts
    investigation: SqlInvestigationFacts
    publications: publication_db.SqlPublications
    annual: db_tables.SqlAnnualRecords  # the annual tables' dispositions, notes and sign-off


# Last: these modules define their tables on this module's metadata (a module, so that the
# annotations above resolve whichever of the two is imported first).
import wbs_reporting.adapters.db_tables as db_tables  # noqa: E402
import wbs_reporting.adapters.publication_db as publication_db  # noqa: E402
