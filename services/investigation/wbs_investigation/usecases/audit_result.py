"""How the audit ends: the result with the estimated loss and the findings (sealed), the auditee's
response to it (sealed, dated; needed before the final report), and the final report (laporan hasil
audit): generated as a PDF kept in the vault, the case file carrying its number, result and loss,
``laporan-terbit``, and ``audit-report-issued`` published through the outbox in the same
transaction. While an exposé has sent the case back for testing (``pengujian-ulang``) a revised
result, a new response to it and a revised final report follow the same path."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID, uuid4

from wbs_contracts.events.investigation import AuditReportIssuedV1
from wbs_contracts.registry import AUDIT_REPORT_ISSUED
from wbs_contracts.sealed import Audience
from wbs_investigation.domain.audit_result import (
    AuditeeResponse,
    AuditeeResponseV1,
    AuditFindingsV1,
    FinalReport,
    RecordedResult,
    ResponseDraft,
    ResultDraft,
    check_may_issue_report,
    check_reportable,
    check_response_possible,
    checked_response,
    checked_result,
    may_issue_report,
    report_number_of,
    seat_of,
)
from wbs_investigation.domain.case_file import CaseFile
from wbs_investigation.domain.documents import DocumentKind
from wbs_investigation.domain.surat_tugas import number_taken
from wbs_investigation.ports import AuditDocuments, InvestigationUnitOfWork, Keys, Vault
from wbs_investigation.usecases.audit_access import audit_case, working_case
from wbs_investigation.usecases.case_files import Officer, entry
from wbs_runtime.clock import Clock
from wbs_runtime.unit_of_work import EventOutbox


@dataclass(frozen=True)
class OpenedResult:
    result: RecordedResult
    findings: str


@dataclass(frozen=True)
class OpenedResponse:
    response: AuditeeResponse
    content: AuditeeResponseV1


@dataclass(frozen=True)
class ResultView:
    case: CaseFile
    #: Every version, the one in force first.
    results: list[OpenedResult]
    #: Newest first.
    responses: list[OpenedResponse]
    #: Newest revision first.
    reports: list[FinalReport]
    may_work: bool
    may_issue: bool

    @property
    def current(self) -> OpenedResult | None:
        return self.results[0] if self.results else None

    @property
    def answered(self) -> bool:
        """Whether the result in force has the auditee's response."""
        current = self.current
        return current is not None and any(r.response.result_id == current.result.id for r in self.responses)


async def read_results(
    tenant: str,
    case_id: UUID,
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: InvestigationUnitOfWork,
    keys: Keys,
) -> ResultView | None:
    async with uow:
        found = await audit_case(tenant, case_id, officer, permissions, uow)
        if found is None:
            return None
        results = await uow.audit_results.results(case_id)
        responses = await uow.audit_results.responses(case_id)
        reports = await uow.audit_results.reports(case_id)
        await uow.audit.append(entry(tenant, case_id, officer, "audit.result-read", versions=len(results)))
        await uow.commit()
    seat = seat_of(found.team, officer.officer_id)
    return ResultView(
        case=found.case,
        results=[
            OpenedResult(r, keys.open(r.sealed_findings, tenant=tenant, case=case_id, model=AuditFindingsV1).summary)
            for r in results
        ],
        responses=[
            OpenedResponse(r, keys.open(r.sealed, tenant=tenant, case=case_id, model=AuditeeResponseV1))
            for r in responses
        ],
        reports=reports,
        may_work=found.may_work,
        may_issue=found.may_work and may_issue_report(set(permissions), seat=seat),
    )


async def record_result(
    tenant: str,
    case_id: UUID,
    draft: ResultDraft,
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: InvestigationUnitOfWork,
    keys: Keys,
    clock: Clock,
) -> RecordedResult | None:
    """The team records the result (a new version each time: the latest is in force until the final
    report); ``audit.result-recorded`` on the trail."""
    checked = checked_result(draft)
    async with uow:
        found = await working_case(tenant, case_id, officer, permissions, uow)
        if found is None:
            return None
        before = await uow.audit_results.results(case_id)
        result = RecordedResult(
            id=uuid4(),
            case_id=case_id,
            tenant=tenant,
            version=(before[0].version + 1) if before else 1,
            result=checked.result,
            estimated_loss_idr=checked.estimated_loss_idr,
            sealed_findings=keys.seal(
                tenant, Audience.CASE_SUBSTANCE, AuditFindingsV1(summary=checked.findings), case=case_id
            ),
            recorded_by=officer.officer_id,
            recorded_by_name=officer.name,
            recorded_at=clock(),
        )
        await uow.audit_results.add_result(result)
        await uow.audit.append(
            entry(
                tenant,
                case_id,
                officer,
                "audit.result-recorded",
                result_id=str(result.id),
                version=result.version,
                during=found.case.status.value,
            )
        )
        await uow.commit()
    return result


async def record_auditee_response(
    tenant: str,
    case_id: UUID,
    draft: ResponseDraft,
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: InvestigationUnitOfWork,
    keys: Keys,
    clock: Clock,
) -> AuditeeResponse | None:
    """The auditee's response to the result in force (004 BAB II C.4.e), sealed and dated;
    ``audit.auditee-response-recorded`` on the trail."""
    responded_on, content = checked_response(draft)
    async with uow:
        found = await working_case(tenant, case_id, officer, permissions, uow)
        if found is None:
            return None
        results = await uow.audit_results.results(case_id)
        result = check_response_possible(results[0] if results else None)
        response = AuditeeResponse(
            id=uuid4(),
            case_id=case_id,
            tenant=tenant,
            result_id=result.id,
            responded_on=responded_on,
            sealed=keys.seal(tenant, Audience.CASE_SUBSTANCE, content, case=case_id),
            recorded_by=officer.officer_id,
            recorded_by_name=officer.name,
            recorded_at=clock(),
        )
        await uow.audit_results.add_response(response)
        await uow.audit.append(
            entry(
                tenant,
                case_id,
                officer,
                "audit.auditee-response-recorded",
                response_id=str(response.id),
                result_version=result.version,
            )
        )
        await uow.commit()
    return response


async def issue_final_report(
    tenant: str,
    case_id: UUID,
    number: str,
    issued_on: date | None,
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: InvestigationUnitOfWork,
    keys: Keys,
    vault: Vault,
    letters: AuditDocuments,
    clock: Clock,
    zone_today: date,
) -> FinalReport | None:
    """The final report (laporan hasil audit), by the team's ketua tim or the Inspektur, once the
    result in force has the auditee's response: generated (PDF, in the vault), kept, the case file
    ``laporan-terbit`` with its number, result and loss, ``audit-report-issued`` in the outbox and
    ``audit.final-report-issued`` on the trail, in one transaction."""
    report_number = report_number_of(number)
    async with uow:
        found = await working_case(tenant, case_id, officer, permissions, uow)
        if found is None:
            return None
        check_may_issue_report(set(permissions), seat=seat_of(found.team, officer.officer_id))
        results = await uow.audit_results.results(case_id)
        responses = await uow.audit_results.responses(case_id)
        current = results[0] if results else None
        response = next((r for r in responses if current and r.result_id == current.id), None)
        result, answered = check_reportable(found.case.status, current, response)
        if await uow.audit_results.report_number_in_use(tenant, report_number):
            raise number_taken(report_number)
        earlier = await uow.audit_results.reports(case_id)
        now = clock()
        report = FinalReport(
            id=uuid4(),
            case_id=case_id,
            tenant=tenant,
            number=report_number,
            issued_on=issued_on or zone_today,
            issued_at=now,
            issued_by=officer.officer_id,
            issued_by_name=officer.name,
            result_id=result.id,
            document_id=uuid4(),
            revision=(earlier[0].revision + 1) if earlier else 1,
        )
        configuration = await uow.tenants.get(tenant)
        content = letters.final_report(
            report,
            body_name=configuration.name if configuration else tenant,
            agenda_number=found.case.agenda_number,
            result=result,
            findings=keys.open(result.sealed_findings, tenant=tenant, case=case_id, model=AuditFindingsV1).summary,
            response=keys.open(answered.sealed, tenant=tenant, case=case_id, model=AuditeeResponseV1),
            team=found.team,
        )
        stored = await vault.store(
            uow.documents,
            tenant=tenant,
            case_id=case_id,
            kind=DocumentKind.LAPORAN_HASIL_AUDIT,
            title=f"Laporan Hasil Audit {report.number}.pdf",
            media_type="application/pdf",
            content=content,
            added_by=officer.officer_id,
            added_at=now,
        )
        report = replace(report, document_id=stored.document_id)
        if not await uow.audit_results.add_report(report):
            raise number_taken(report.number)
        await uow.audit_results.mark_issued(report, result)
        await _publish_issued(uow.outbox, tenant, report, result, officer)
        await uow.audit.append(
            entry(
                tenant,
                case_id,
                officer,
                "audit.final-report-issued",
                report_id=str(report.id),
                number=report.number,
                revision=report.revision,
                result=result.result.value,
                document_id=str(stored.document_id),
            )
        )
        await uow.commit()
    return report


async def _publish_issued(
    outbox: EventOutbox, tenant: str, report: FinalReport, result: RecordedResult, officer: Officer
) -> None:
    event = AuditReportIssuedV1(
        case_id=report.case_id,
        issued_at=report.issued_at,
        report_number=report.number,
        result=result.result,
        estimated_loss_idr=result.estimated_loss_idr,
    )
    await outbox.add(
        AUDIT_REPORT_ISSUED,
        AUDIT_REPORT_ISSUED.envelope(
            event,
            tenant=tenant,
            subject=str(report.case_id),
            time=report.issued_at,
            correlation_id=officer.correlation_id or str(uuid4()),
        ),
    )
