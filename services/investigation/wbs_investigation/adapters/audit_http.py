"""The audit's API, under ``/api/v1/tenants/{tenant}/audits/{case_id}``:

- ``GET plan`` (the report and the telaah's conclusion opened, the Surat Tugas, the team, the
  programme), ``POST plan`` (the Inspektur issues a Surat Tugas), ``PUT programme``;
- ``GET``/``POST clarifications`` (a Berita Acara Klarifikasi, ``multipart/form-data`` with its files);
- ``GET``/``POST evidence`` (the register and its custody; an item, ``multipart/form-data`` with an
  optional file), ``GET evidence/{id}/file`` (opened: custody ``dilihat``), ``POST
  evidence/{id}/export`` (exported to someone named: custody ``diekspor``);
- ``GET``/``POST result``, ``POST auditee-response``, ``POST final-report``;
- ``GET documents/{id}``: any of the audit's files, through the vault.

Officers of the tenant holding ``read-cases`` reach these routes; the audit's own rule decides
then: the ketua tim (Inspektur) and the pimpinan satker open everything, an auditor only the audits
whose team they are on (403 with the reason otherwise). A case of another tenant, or none, is 404.
Every reading and every change is on the tenant's audit trail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from wbs_contracts.events.intake import ReportSubstanceV1
from wbs_contracts.events.triage import TelaahConclusionV1
from wbs_investigation.adapters.audit_forms import attachment, day_of, first, moment_of, multipart
from wbs_investigation.adapters.officer import officer_of
from wbs_investigation.adapters.refusals import answer, refusal
from wbs_investigation.domain.audit import (
    AuditProgrammeV1,
    AuditRefused,
    ClarificationDraft,
    EvidenceDraft,
    names_of,
    parse_rupiah,
)
from wbs_investigation.domain.audit_result import ResponseDraft, ResultDraft
from wbs_investigation.domain.surat_tugas import SuratTugas, SuratTugasDraft
from wbs_investigation.ports import AuditDocuments, InvestigationUnitOfWork, Keys, Vault
from wbs_investigation.usecases import (
    EvidenceView,
    OpenedClarification,
    OpenedEvidence,
    PlanView,
    ResultView,
    add_evidence,
    download_document,
    issue_final_report,
    issue_surat_tugas,
    open_evidence_file,
    read_clarifications,
    read_evidence,
    read_plan,
    read_results,
    record_auditee_response,
    record_clarification,
    record_result,
    save_programme,
)
from wbs_runtime.auth.access import Caller, not_found, require
from wbs_runtime.auth.permissions import Permission, permissions_in
from wbs_runtime.clock import Clock
from wbs_runtime.http import ErrorBody

PREFIX = "/api/v1/tenants/{tenant}/audits/{case_id}"
#: The routes that take files (their body limit is the upload limit).
UPLOAD_PATHS = (r"/api/v1/tenants/[^/]+/audits/[^/]+/(clarifications|evidence)",)
#: At module level: FastAPI resolves the (postponed) annotations in the module's namespace.
MayReadCases = Annotated[Caller, require(Permission.READ_CASES, tenant="tenant", hide=True)]
REFUSALS: dict[int | str, dict[str, object]] = {
    403: {"model": ErrorBody},
    404: {"model": ErrorBody},
    409: {"model": ErrorBody},
    422: {"model": ErrorBody},
}


class TeamMemberOut(BaseModel):
    officer_id: str
    name: str
    seat: str


class SuratTugasOut(BaseModel):
    id: UUID
    number: str
    issued_on: date
    issued_at: datetime
    issued_by: str
    issued_by_name: str
    team: list[TeamMemberOut]
    starts_on: date
    ends_on: date
    budget_idr: int
    resources: str
    document_id: UUID


class CandidateOut(BaseModel):
    officer_id: str
    name: str
    roles: list[str]


class PlanOut(BaseModel):
    status: str
    agenda_number: str | None
    report: ReportSubstanceV1 | None
    conclusion: TelaahConclusionV1 | None
    team: list[TeamMemberOut]
    #: Every Surat Tugas, the one in force first.
    surat_tugas: list[SuratTugasOut]
    programme: AuditProgrammeV1 | None
    #: For the Inspektur (ketua tim) only: whom a Surat Tugas may name (active auditors and ketua tim).
    candidates: list[CandidateOut] = []


class SuratTugasIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: str = Field(description="Nomor Surat Tugas, in the body's own scheme.")
    issued_on: date
    ketua_tim: str = Field(description="Officer id: an active auditor or ketua tim of the tenant's roster.")
    pengendali_teknis: str = Field(description="Officer id, as for ketua_tim.")
    anggota: list[str] = Field(default=[], description="Officer ids, as for ketua_tim.")
    starts_on: date
    ends_on: date
    budget: str | int = Field(default=0, description='Rupiah: 150000000 or "Rp 150.000.000".')
    resources: str = Field(default="", description="Sarana dan prasarana.")


class ProgrammeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    regulations: str = ""
    evidence_to_obtain: str = ""
    methods: str = ""
    parties: str = ""


class ProgrammeOut(BaseModel):
    programme: AuditProgrammeV1
    updated_by: str
    updated_at: datetime


class FileOut(BaseModel):
    document_id: UUID
    file_name: str


class ClarificationOut(BaseModel):
    id: UUID
    held_at: datetime
    heard_name: str
    heard_position: str
    place: str
    statement: str
    signed_by: list[str]
    files: list[FileOut]
    recorded_by: str
    recorded_at: datetime


class EvidenceOut(BaseModel):
    id: UUID
    number: str
    obtained_on: date
    title: str
    description: str
    source: str
    file_name: str
    document_id: UUID | None
    added_by: str
    added_at: datetime


class CustodyOut(BaseModel):
    evidence_id: UUID
    action: str
    officer_id: str
    officer_name: str
    at: datetime
    recipient: str


class EvidenceRegisterOut(BaseModel):
    items: list[EvidenceOut]
    custody: list[CustodyOut]


class ExportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recipient: str = Field(description="To whom, or what for, the evidence leaves the system.")


class ResultIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    result: str = Field(description="tpk, pelanggaran-administratif or tidak-ada-penyimpangan.")
    estimated_loss: str | int | None = Field(default=None, description='Rupiah: "Rp 1.500.000.000" or 1500000000.')
    findings: str = Field(description="Ringkasan temuan (sealed).")


class ResultOut(BaseModel):
    id: UUID
    version: int
    result: str
    estimated_loss_idr: int
    findings: str
    recorded_by: str
    recorded_at: datetime


class ResponseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    responded_on: date
    responder_name: str
    responder_position: str = ""
    response: str
    agrees: bool = False


class ResponseOut(BaseModel):
    id: UUID
    result_id: UUID
    responded_on: date
    responder_name: str
    responder_position: str
    response: str
    agrees: bool
    recorded_by: str
    recorded_at: datetime


class FinalReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: str = Field(description="Nomor laporan hasil audit, in the body's own scheme.")
    issued_on: date | None = Field(default=None, description="Today (the body's zone) when omitted.")


class FinalReportOut(BaseModel):
    id: UUID
    number: str
    issued_on: date
    issued_at: datetime
    issued_by: str
    result_id: UUID
    document_id: UUID
    revision: int


class ResultsOut(BaseModel):
    status: str
    #: Every version, the one in force first.
    results: list[ResultOut]
    responses: list[ResponseOut]
    reports: list[FinalReportOut]


def letter_out(letter: SuratTugas) -> SuratTugasOut:
    return SuratTugasOut(
        id=letter.id,
        number=letter.number,
        issued_on=letter.issued_on,
        issued_at=letter.issued_at,
        issued_by=letter.issued_by,
        issued_by_name=letter.issued_by_name,
        team=[TeamMemberOut(officer_id=m.officer_id, name=m.name, seat=m.seat.value) for m in letter.team],
        starts_on=letter.starts_on,
        ends_on=letter.ends_on,
        budget_idr=letter.budget_idr,
        resources=letter.resources,
        document_id=letter.document_id,
    )


def plan_out(view: PlanView) -> PlanOut:
    return PlanOut(
        status=view.case.status.value,
        agenda_number=view.case.agenda_number,
        report=view.report,
        conclusion=view.conclusion,
        team=[TeamMemberOut(officer_id=m.officer_id, name=m.name, seat=m.seat.value) for m in view.team],
        surat_tugas=[letter_out(letter) for letter in view.letters],
        programme=view.programme,
        candidates=[
            CandidateOut(officer_id=e.officer_id, name=e.name, roles=sorted(r.value for r in e.roles))
            for e in view.candidates
        ],
    )


def clarification_out(c: OpenedClarification) -> ClarificationOut:
    return ClarificationOut(
        id=c.clarification.id,
        held_at=c.clarification.held_at,
        heard_name=c.content.heard_name,
        heard_position=c.content.heard_position,
        place=c.content.place,
        statement=c.content.statement,
        signed_by=list(c.content.signed_by),
        files=[FileOut(document_id=f.document_id, file_name=f.file_name) for f in c.content.files],
        recorded_by=c.clarification.recorded_by,
        recorded_at=c.clarification.recorded_at,
    )


def item_out(e: OpenedEvidence) -> EvidenceOut:
    return EvidenceOut(
        id=e.item.id,
        number=e.item.label,
        obtained_on=e.item.obtained_on,
        title=e.content.title,
        description=e.content.description,
        source=e.content.source,
        file_name=e.content.file_name,
        document_id=e.item.document_id,
        added_by=e.item.added_by,
        added_at=e.item.added_at,
    )


def evidence_out(view: EvidenceView) -> EvidenceRegisterOut:
    return EvidenceRegisterOut(
        items=[item_out(e) for e in view.items],
        custody=[
            CustodyOut(
                evidence_id=c.evidence_id,
                action=c.action.value,
                officer_id=c.officer_id,
                officer_name=c.officer_name,
                at=c.at,
                recipient=c.recipient,
            )
            for c in view.custody
        ],
    )


def results_out(view: ResultView) -> ResultsOut:
    return ResultsOut(
        status=view.case.status.value,
        results=[
            ResultOut(
                id=r.result.id,
                version=r.result.version,
                result=r.result.result.value,
                estimated_loss_idr=r.result.estimated_loss_idr,
                findings=r.findings,
                recorded_by=r.result.recorded_by,
                recorded_at=r.result.recorded_at,
            )
            for r in view.results
        ],
        responses=[
            ResponseOut(
                id=r.response.id,
                result_id=r.response.result_id,
                responded_on=r.response.responded_on,
                responder_name=r.content.responder_name,
                responder_position=r.content.responder_position,
                response=r.content.response,
                agrees=r.content.agrees,
                recorded_by=r.response.recorded_by,
                recorded_at=r.response.recorded_at,
            )
            for r in view.responses
        ],
        reports=[
            FinalReportOut(
                id=r.id,
                number=r.number,
                issued_on=r.issued_on,
                issued_at=r.issued_at,
                issued_by=r.issued_by,
                result_id=r.result_id,
                document_id=r.document_id,
                revision=r.revision,
            )
            for r in view.reports
        ],
    )


def rupiah_of(value: str | int | None, field: str) -> str:
    """The sum as the domain reads it: a number as is, text as an officer wrote it."""
    if value is None:
        return ""
    if isinstance(value, int):
        if value < 0:
            raise AuditRefused(field, "Jumlah tidak boleh negatif.", "The sum cannot be negative.")
        return str(value)
    return value


def surat_tugas_draft(given: SuratTugasIn) -> SuratTugasDraft:
    budget = rupiah_of(given.budget, "budget").strip()
    return SuratTugasDraft(
        number=given.number,
        issued_on=given.issued_on,
        ketua_tim=given.ketua_tim,
        pengendali_teknis=given.pengendali_teknis,
        anggota=tuple(given.anggota),
        starts_on=given.starts_on,
        ends_on=given.ends_on,
        budget_idr=parse_rupiah(budget, field="budget") if budget else 0,
        resources=given.resources,
    )


def clarification_draft(fields: dict[str, list[str]], zone: ZoneInfo) -> ClarificationDraft:
    return ClarificationDraft(
        heard_name=first(fields, "heard_name"),
        heard_position=first(fields, "heard_position"),
        held_at=moment_of(first(fields, "held_at"), "held_at", zone),
        place=first(fields, "place"),
        statement=first(fields, "statement"),
        signed_by=names_of(fields.get("signed_by", []), "signed_by"),
    )


def evidence_draft(fields: dict[str, list[str]]) -> EvidenceDraft:
    return EvidenceDraft(
        title=first(fields, "title"),
        description=first(fields, "description"),
        source=first(fields, "source"),
        obtained_on=day_of(first(fields, "obtained_on"), "obtained_on"),
    )


def build_router(
    *,
    unit_of_work: Callable[[], InvestigationUnitOfWork],
    keys: Keys,
    vault: Vault,
    letters: AuditDocuments,
    clock: Clock,
    zone: ZoneInfo,
    max_file_bytes: int,
) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["audit investigasi"], responses=REFUSALS)

    @router.get("/plan", response_model=PlanOut, summary="Rencana audit / the audit plan")
    async def plan(tenant: str, case_id: UUID, request: Request, caller: MayReadCases) -> Response:
        return await answer(
            lambda: read_plan(
                tenant,
                case_id,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
            ),
            plan_out,
        )

    @router.post(
        "/plan",
        response_model=SuratTugasOut,
        status_code=status.HTTP_201_CREATED,
        summary="Terbitkan Surat Tugas / issue the Surat Tugas",
        description="By the Inspektur (ketua-tim role). The team comes from the tenant's roster; a new Surat Tugas "
        "replaces the team. The letter is generated as a PDF (documents/{document_id}).",
    )
    async def issue(
        tenant: str, case_id: UUID, given: SuratTugasIn, request: Request, caller: MayReadCases
    ) -> Response:
        return await answer(
            lambda: issue_surat_tugas(
                tenant,
                case_id,
                surat_tugas_draft(given),
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                vault=vault,
                letters=letters,
                clock=clock,
            ),
            letter_out,
            status_code=status.HTTP_201_CREATED,
        )

    @router.put("/programme", response_model=ProgrammeOut, summary="Program audit / the audit programme")
    async def programme(
        tenant: str, case_id: UUID, given: ProgrammeIn, request: Request, caller: MayReadCases
    ) -> ProgrammeOut | JSONResponse:
        try:
            record = await save_programme(
                tenant,
                case_id,
                given.regulations,
                given.evidence_to_obtain,
                given.methods,
                given.parties,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
            )
        except AuditRefused as problem:
            return refusal(problem)
        if record is None:
            raise not_found()
        opened = keys.open(record.sealed, tenant=tenant, case=case_id, model=AuditProgrammeV1)
        return ProgrammeOut(programme=opened, updated_by=record.updated_by, updated_at=record.updated_at)

    @router.get("/clarifications", response_model=list[ClarificationOut], summary="Berita Acara Klarifikasi")
    async def clarifications(
        tenant: str, case_id: UUID, request: Request, caller: MayReadCases
    ) -> list[ClarificationOut] | JSONResponse:
        try:
            view = await read_clarifications(
                tenant,
                case_id,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
            )
        except AuditRefused as problem:
            return refusal(problem)
        if view is None:
            raise not_found()
        return [clarification_out(c) for c in view.clarifications]

    @router.post(
        "/clarifications",
        response_model=ClarificationOut,
        status_code=status.HTTP_201_CREATED,
        summary="Catat Berita Acara Klarifikasi / record a clarification",
        description="multipart/form-data: heard_name, heard_position, held_at (YYYY-MM-DDTHH:MM, the body's zone "
        "unless an offset is given), place, statement, signed_by (one name per line, or repeated), files.",
    )
    async def clarify(tenant: str, case_id: UUID, request: Request, caller: MayReadCases) -> Response:
        try:
            fields, files = await multipart(request)
            recorded = await record_clarification(
                tenant,
                case_id,
                clarification_draft(fields, zone),
                files,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                vault=vault,
                clock=clock,
                max_file_bytes=max_file_bytes,
            )
        except AuditRefused as problem:
            return refusal(problem)
        if recorded is None:
            raise not_found()
        return JSONResponse(clarification_out(recorded).model_dump(mode="json"), status_code=201)

    @router.get("/evidence", response_model=EvidenceRegisterOut, summary="Register bukti / the evidence register")
    async def evidence(tenant: str, case_id: UUID, request: Request, caller: MayReadCases) -> Response:
        return await answer(
            lambda: read_evidence(
                tenant,
                case_id,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
            ),
            evidence_out,
        )

    @router.post(
        "/evidence",
        response_model=EvidenceOut,
        status_code=status.HTTP_201_CREATED,
        summary="Tambah bukti / add an item of evidence",
        description="multipart/form-data: title, description, source, obtained_on (YYYY-MM-DD), file (optional).",
    )
    async def add(tenant: str, case_id: UUID, request: Request, caller: MayReadCases) -> Response:
        try:
            fields, files = await multipart(request)
            item = await add_evidence(
                tenant,
                case_id,
                evidence_draft(fields),
                files[0] if files else None,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                vault=vault,
                clock=clock,
                max_file_bytes=max_file_bytes,
            )
        except AuditRefused as problem:
            return refusal(problem)
        if item is None:
            raise not_found()
        return JSONResponse(item_out(item).model_dump(mode="json"), status_code=201)

    async def evidence_file(
        tenant: str, case_id: UUID, evidence_id: UUID, request: Request, caller: Caller, export_to: str | None
    ) -> Response:
        return await answer(
            lambda: open_evidence_file(
                tenant,
                case_id,
                evidence_id,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                vault=vault,
                clock=clock,
                export_to=export_to,
            ),
            attachment,
        )

    @router.get(
        "/evidence/{evidence_id}/file",
        response_class=Response,
        summary="Buka berkas bukti / open an item's file (custody: dilihat)",
    )
    async def view_file(
        tenant: str, case_id: UUID, evidence_id: UUID, request: Request, caller: MayReadCases
    ) -> Response:
        return await evidence_file(tenant, case_id, evidence_id, request, caller, None)

    @router.post(
        "/evidence/{evidence_id}/export",
        response_class=Response,
        summary="Ekspor bukti / export an item's file out of the system (custody: diekspor)",
    )
    async def export_file(
        tenant: str, case_id: UUID, evidence_id: UUID, given: ExportIn, request: Request, caller: MayReadCases
    ) -> Response:
        return await evidence_file(tenant, case_id, evidence_id, request, caller, given.recipient)

    @router.get("/result", response_model=ResultsOut, summary="Hasil audit / the result, responses and reports")
    async def result(tenant: str, case_id: UUID, request: Request, caller: MayReadCases) -> Response:
        return await answer(
            lambda: read_results(
                tenant,
                case_id,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
            ),
            results_out,
        )

    @router.post(
        "/result",
        response_model=ResultOut,
        status_code=status.HTTP_201_CREATED,
        summary="Catat hasil audit / record the result",
        description="A new version each time; while the case is being tested again (pengujian-ulang), a revision.",
    )
    async def record(
        tenant: str, case_id: UUID, given: ResultIn, request: Request, caller: MayReadCases
    ) -> ResultOut | JSONResponse:
        try:
            recorded = await record_result(
                tenant,
                case_id,
                ResultDraft(given.result, rupiah_of(given.estimated_loss, "estimated_loss"), given.findings),
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
            )
        except AuditRefused as problem:
            return refusal(problem)
        if recorded is None:
            raise not_found()
        return ResultOut(
            id=recorded.id,
            version=recorded.version,
            result=recorded.result.value,
            estimated_loss_idr=recorded.estimated_loss_idr,
            findings=given.findings.strip(),
            recorded_by=recorded.recorded_by,
            recorded_at=recorded.recorded_at,
        )

    @router.post(
        "/auditee-response",
        response_model=ResponseOut,
        status_code=status.HTTP_201_CREATED,
        summary="Tanggapan auditan / the auditee's response to the result in force",
    )
    async def respond(
        tenant: str, case_id: UUID, given: ResponseIn, request: Request, caller: MayReadCases
    ) -> ResponseOut | JSONResponse:
        draft = ResponseDraft(
            given.responded_on, given.responder_name, given.responder_position, given.response, given.agrees
        )
        try:
            recorded = await record_auditee_response(
                tenant,
                case_id,
                draft,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
            )
        except AuditRefused as problem:
            return refusal(problem)
        if recorded is None:
            raise not_found()
        return ResponseOut(
            id=recorded.id,
            result_id=recorded.result_id,
            responded_on=recorded.responded_on,
            responder_name=given.responder_name.strip(),
            responder_position=given.responder_position.strip(),
            response=given.response.strip(),
            agrees=given.agrees,
            recorded_by=recorded.recorded_by,
            recorded_at=recorded.recorded_at,
        )

    @router.post(
        "/final-report",
        response_model=FinalReportOut,
        status_code=status.HTTP_201_CREATED,
        summary="Terbitkan laporan hasil audit / issue the final report",
        description="By the team's ketua tim or the Inspektur, once the auditee responded to the result in force. "
        "The case is then selesai (audit-report-issued).",
    )
    async def final_report(
        tenant: str, case_id: UUID, given: FinalReportIn, request: Request, caller: MayReadCases
    ) -> FinalReportOut | JSONResponse:
        try:
            report = await issue_final_report(
                tenant,
                case_id,
                given.number,
                given.issued_on,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                vault=vault,
                letters=letters,
                clock=clock,
                zone_today=clock().astimezone(zone).date(),
            )
        except AuditRefused as problem:
            return refusal(problem)
        if report is None:
            raise not_found()
        return FinalReportOut(
            id=report.id,
            number=report.number,
            issued_on=report.issued_on,
            issued_at=report.issued_at,
            issued_by=report.issued_by,
            result_id=report.result_id,
            document_id=report.document_id,
            revision=report.revision,
        )

    @router.get(
        "/documents/{document_id}", response_class=Response, summary="Unduh dokumen audit / download an audit file"
    )
    async def document(
        tenant: str, case_id: UUID, document_id: UUID, request: Request, caller: MayReadCases
    ) -> Response:
        return await answer(
            lambda: download_document(
                tenant,
                case_id,
                document_id,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                vault=vault,
                clock=clock,
            ),
            attachment,
        )

    return router
