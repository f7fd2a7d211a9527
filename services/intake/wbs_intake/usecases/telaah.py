"""What the reporter learns of triage's telaah: ``case-disposed`` (the report is being assessed) and
``telaah-decided`` (how the assessment ended), each a status on the report's timeline. A case
another body registered for a report forwarded there reaches the same reporter."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.intake import MailboxMessageV1
from wbs_contracts.events.triage import CaseDisposedV1, TelaahDecidedV1, TelaahOutcome
from wbs_intake.domain.report import Report, ReportStatus
from wbs_intake.domain.telaah import OUTCOME_STATUS, TelaahEnd
from wbs_intake.ports import IntakeUnitOfWork, Opener
from wbs_intake.usecases.errors import UnknownReport


async def report_of_case(event: Envelope[Any], case_id: UUID, uow: IntakeUnitOfWork) -> Report:
    """The report the case is about: the case itself, or the report a body forwarded to the
    tenant where this case was registered."""
    report = await uow.reports.get(case_id, for_update=True)
    if report is not None and report.tenant == event.tenant:
        return report
    forwarded_from = await uow.telaah.report_of_forwarded_case(case_id)
    if forwarded_from is not None and (found := await uow.reports.get(forwarded_from, for_update=True)) is not None:
        return found
    raise UnknownReport(f"triage spoke of case {case_id}, whose report intake never received here")


async def record_disposition(event: Envelope[Any], uow: IntakeUnitOfWork) -> None:
    """Handler of ``case-disposed``: the reporter now sees that the report is being assessed (a
    later disposition of the same case changes nothing they see)."""
    data: CaseDisposedV1 = event.data
    report = await report_of_case(event, data.case_id, uow)
    change = report.record(ReportStatus.DITELAAH, data.disposed_at)
    if change is not None:
        await uow.reports.append_status(report.id, change)


def record_decision(opener: Opener) -> Callable[[Envelope[Any], IntakeUnitOfWork], Awaitable[None]]:
    """Handler of ``telaah-decided``: the reporter sees how the assessment ended; a reason for not
    processing it is kept sealed, and opened once here so a payload that does not open is
    dead-lettered now rather than failing the reporter later."""

    async def handle(event: Envelope[Any], uow: IntakeUnitOfWork) -> None:
        data: TelaahDecidedV1 = event.data
        report = await report_of_case(event, data.case_id, uow)
        status = OUTCOME_STATUS[data.outcome]
        if data.outcome is TelaahOutcome.TIDAK_DIPROSES and data.reason_for_reporter is not None:
            opener.open(data.reason_for_reporter, tenant=event.tenant, case=data.case_id, model=MailboxMessageV1)
        await uow.telaah.add_end(
            TelaahEnd(
                report_id=report.id,
                status=status,
                at=data.decided_at,
                body_name=data.forwarded_to_name,
                sealed_reason=data.reason_for_reporter,
                reason_tenant=event.tenant if data.reason_for_reporter else None,
                reason_case=data.case_id if data.reason_for_reporter else None,
            )
        )
        change = report.record(status, data.decided_at)
        if change is not None:
            await uow.reports.append_status(report.id, change)

    return handle
