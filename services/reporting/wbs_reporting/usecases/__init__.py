"""Reporting's use cases. Events may arrive in either order (they travel on different topics),
so each one records its own facts and the counts are computed from whatever is known."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.intake import ReportSubmittedV1
from wbs_contracts.events.investigation import (
    AuditReportIssuedV1,
    CaseHandedOverV1,
    RecommendationCompletedV1,
    RecommendationIssuedV1,
    RecommendationOverdueV1,
)
from wbs_contracts.events.triage import CaseRegisteredV1, TelaahDecidedV1
from wbs_reporting.domain.decisions import DecisionRecap, decision_recap
from wbs_reporting.domain.investigation import InvestigationRecap, investigation_recap
from wbs_reporting.domain.statistics import Recap, recap
from wbs_reporting.ports import ReportingUnitOfWork


async def record_submission(event: Envelope[Any], uow: ReportingUnitOfWork) -> None:
    """Handler of ``report-submitted``."""
    data: ReportSubmittedV1 = event.data
    await uow.facts.record_submission(
        data.report_id, event.tenant, data.category, data.channel, data.submitted_at, received_by=data.received_by
    )


async def record_registration(event: Envelope[Any], uow: ReportingUnitOfWork) -> None:
    """Handler of ``case-registered``."""
    data: CaseRegisteredV1 = event.data
    await uow.facts.record_registration(data.case_id, event.tenant, data.registered_at)


async def yearly_recap(tenant: str, year: int, timezone: ZoneInfo, *, uow: ReportingUnitOfWork) -> Recap:
    async with uow:
        return recap(year, await uow.facts.counts(tenant, year, timezone))


async def record_decision(event: Envelope[Any], uow: ReportingUnitOfWork) -> None:
    """Handler of ``telaah-decided``: counted once per case, in the body that decided."""
    data: TelaahDecidedV1 = event.data
    await uow.decisions.record_decision(data.case_id, event.tenant, data.outcome.value, data.decided_at)


async def yearly_decisions(tenant: str, year: int, timezone: ZoneInfo, *, uow: ReportingUnitOfWork) -> DecisionRecap:
    async with uow:
        return decision_recap(year, await uow.decisions.decision_counts(tenant, year, timezone))


# -- what became of the audits (investigation's events) --------------------------------------------------


async def record_audit_report(event: Envelope[Any], uow: ReportingUnitOfWork) -> None:
    """Handler of ``audit-report-issued``: the case's final report (a revised one replaces it)."""
    data: AuditReportIssuedV1 = event.data
    await uow.investigation.record_report(
        data.case_id, event.tenant, data.issued_at, data.result.value, data.estimated_loss_idr
    )


async def record_recommendation_issued(event: Envelope[Any], uow: ReportingUnitOfWork) -> None:
    data: RecommendationIssuedV1 = event.data
    await uow.investigation.record_recommendation(
        data.recommendation_id, data.case_id, event.tenant, data.kind.value, issued_at=data.issued_at, due=data.due
    )


async def record_recommendation_overdue(event: Envelope[Any], uow: ReportingUnitOfWork) -> None:
    data: RecommendationOverdueV1 = event.data
    await uow.investigation.record_recommendation(
        data.recommendation_id, data.case_id, event.tenant, data.kind.value, overdue_at=data.noticed_at
    )


async def record_recommendation_completed(event: Envelope[Any], uow: ReportingUnitOfWork) -> None:
    data: RecommendationCompletedV1 = event.data
    await uow.investigation.record_recommendation(
        data.recommendation_id,
        data.case_id,
        event.tenant,
        data.kind.value,
        completed_at=data.completed_at,
        on_time=data.on_time,
    )


async def record_hand_over(event: Envelope[Any], uow: ReportingUnitOfWork) -> None:
    """Handler of ``case-handed-over``: counted once per escalation, in the body that handed it over."""
    data: CaseHandedOverV1 = event.data
    await uow.investigation.record_hand_over(
        data.escalation_id, data.case_id, event.tenant, data.target.value, data.agency, data.approved_at
    )


async def yearly_investigation(
    tenant: str, year: int, timezone: ZoneInfo, *, uow: ReportingUnitOfWork
) -> InvestigationRecap:
    async with uow:
        rows = await uow.investigation.month_counts(tenant, year, timezone)
        open_now, overdue_now = await uow.investigation.open_recommendations(tenant)
    return investigation_recap(year, rows, open_now=open_now, overdue_now=overdue_now)
