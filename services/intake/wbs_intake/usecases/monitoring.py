"""What the reporter learns of the audit's end, as the regulations' monitoring counts it (002/004 BAB
II C.7): the case is ``selesai`` once the final audit report is issued (``audit-report-issued``) or
the case is handed to law enforcement (``case-handed-over``), and the timeline says which. Nothing
else of either event reaches the reporter (not the result, the loss, the report's number or the
agency). A redelivered event, or a revised report, changes nothing the reporter sees."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.investigation import AuditReportIssuedV1, CaseHandedOverV1
from wbs_intake.domain.report import ReportStatus
from wbs_intake.domain.reporter_notices import NoticeKind, ReporterNotice
from wbs_intake.ports import IntakeUnitOfWork
from wbs_intake.usecases.telaah import report_of_case


async def _finished(event: Envelope[Any], case_id: UUID, kind: NoticeKind, at: datetime, uow: IntakeUnitOfWork) -> None:
    report = await report_of_case(event, case_id, uow)
    if all(notice.kind is not kind for notice in await uow.notices.for_report(report.id)):
        await uow.notices.add(report.id, ReporterNotice(kind, at))
    change = report.record(ReportStatus.SELESAI, at)
    if change is not None:
        await uow.reports.append_status(report.id, change)


async def record_audit_report(event: Envelope[Any], uow: IntakeUnitOfWork) -> None:
    """Handler of ``audit-report-issued``: the report is selesai, its final audit report issued."""
    data: AuditReportIssuedV1 = event.data
    await _finished(event, data.case_id, NoticeKind.LAPORAN_HASIL_AUDIT_TERBIT, data.issued_at, uow)


async def record_hand_over(event: Envelope[Any], uow: IntakeUnitOfWork) -> None:
    """Handler of ``case-handed-over``: the report is selesai, handed to law enforcement."""
    data: CaseHandedOverV1 = event.data
    await _finished(event, data.case_id, NoticeKind.DISERAHKAN_KEPADA_PENEGAK_HUKUM, data.approved_at, uow)
