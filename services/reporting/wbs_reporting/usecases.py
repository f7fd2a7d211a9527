"""Reporting's use cases. Events may arrive in either order (they travel on different topics),
so each one records its own facts and the counts are computed from whatever is known."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.intake import ReportSubmittedV1
from wbs_contracts.events.triage import CaseRegisteredV1, TelaahDecidedV1
from wbs_reporting.domain.decisions import DecisionRecap, decision_recap
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
