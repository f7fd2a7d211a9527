"""Reporting's read model: one row of countable facts per case, filled from events in any order."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import Column, DateTime, Index, MetaData, Table, Text, Uuid, extract, func, or_, select
from sqlalchemy.dialects.postgresql import insert

from wbs_reporting.domain.decisions import DecisionCount
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


class SqlReportingUnitOfWork(UnitOfWork):
    facts: SqlCaseFacts
    decisions: SqlDecisionFacts
