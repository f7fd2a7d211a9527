"""Triage's use cases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.intake import ReportSubmittedV1
from wbs_contracts.events.triage import CaseRegisteredV1
from wbs_contracts.registry import CASE_REGISTERED
from wbs_runtime.clock import Clock
from wbs_triage.domain.agenda import agenda_entry, agenda_year
from wbs_triage.domain.case import Case
from wbs_triage.ports import TriageUnitOfWork


def register_case(clock: Clock, timezone: ZoneInfo) -> Callable[[Envelope[Any], TriageUnitOfWork], Any]:
    """Handler of ``report-submitted``: record the case in the tenant's agenda (pencatatan)."""

    async def handle(event: Envelope[Any], uow: TriageUnitOfWork) -> None:
        report: ReportSubmittedV1 = event.data
        if await uow.cases.get(report.report_id) is not None:
            return  # registered already: the inbox missed nothing, but registering twice must not happen
        now = clock()
        sequence = await uow.agenda.next_sequence(event.tenant, agenda_year(now, timezone))
        entry = agenda_entry(event.tenant, sequence, now, timezone)
        case = Case(
            id=report.report_id,
            tenant=event.tenant,
            category=report.category,
            channel=report.channel,
            received_at=report.submitted_at,
            agenda=entry,
            sealed_substance=report.substance.model_dump(mode="json"),
        )
        await uow.cases.add(case)
        registered = CaseRegisteredV1(
            case_id=case.id,
            agenda_number=entry.number,
            agenda_year=entry.year,
            agenda_sequence=entry.sequence,
            registered_on=entry.registered_on,
            registered_at=entry.registered_at,
        )
        await uow.outbox.add(CASE_REGISTERED, CASE_REGISTERED.caused_by(event, registered, time=now))

    return handle
