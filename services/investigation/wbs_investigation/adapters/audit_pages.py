"""The audit's pages, under a case file's address ``/audit/{tenant}/{case_id}``:

- ``/rencana``: the report and the telaah's conclusion (opened for the team), the Surat Tugas with the
  form the Inspektur (ketua tim) issues one with, the team, and the audit programme;
- ``/klarifikasi``: the Berita Acara Klarifikasi and the form to record one with its files;
- ``/bukti``: the evidence register, its chain of custody, the form to add an item, each item's file
  (opened: ``dilihat``) and its export to someone named (``diekspor``);
- ``/hasil``: the result, the auditee's response and the final report, each with its form.

They go through the same use cases as the API, so every reading and every change is on the
tenant's audit trail. An auditor not on the case's team gets 403 with the reason; a case of another
tenant, or none, 404. Forms carry the CSRF field; a refused form comes back with what was typed and
the reason, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from wbs_investigation.adapters.audit_forms import attachment, day_of, multipart
from wbs_investigation.adapters.audit_http import clarification_draft, evidence_draft
from wbs_investigation.adapters.labels import RESULT_LABELS
from wbs_investigation.adapters.officer import officer_of
from wbs_investigation.adapters.pages import page_helpers
from wbs_investigation.domain.audit import PLANNABLE, RUNNING, AuditRefused, CustodyAction, parse_rupiah, rupiah_text
from wbs_investigation.domain.audit_result import ResponseDraft, ResultDraft
from wbs_investigation.domain.messages import N_
from wbs_investigation.domain.surat_tugas import SuratTugasDraft
from wbs_investigation.domain.team import TeamSeat
from wbs_investigation.ports import AuditDocuments, InvestigationUnitOfWork, Keys, Vault
from wbs_investigation.usecases import (
    add_evidence,
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
from wbs_runtime.web.pages import WebPages

CASE = "/audit/{tenant}/{case_id}"
UPLOAD_PATHS = (r"/audit/[^/]+/[^/]+/(klarifikasi|bukti)",)
#: At module level: FastAPI resolves the (postponed) annotations in the module's namespace.
MayReadCases = Annotated[Caller, require(Permission.READ_CASES, tenant="tenant", hide=True)]

SEAT_LABELS = {
    TeamSeat.KETUA_TIM.value: N_("Ketua tim"),
    TeamSeat.PENGENDALI_TEKNIS.value: N_("Pengendali teknis"),
    TeamSeat.ANGGOTA.value: N_("Anggota tim"),
}
CUSTODY_LABELS = {
    CustodyAction.DITAMBAHKAN.value: N_("Ditambahkan"),
    CustodyAction.DILIHAT.value: N_("Dilihat"),
    CustodyAction.DIEKSPOR.value: N_("Diekspor"),
}
#: Notices a redirect may ask a page to show (a fixed list: nothing from the URL is shown as is).
NOTICES = {
    "surat-tugas": N_("Surat Tugas telah diterbitkan dan tim audit ditetapkan."),
    "program": N_("Program audit telah disimpan."),
    "klarifikasi": N_("Berita Acara Klarifikasi telah dicatat."),
    "bukti": N_("Bukti telah dicatat dalam register."),
    "hasil": N_("Hasil audit telah dicatat."),
    "tanggapan": N_("Tanggapan auditan telah dicatat."),
    "laporan": N_("Laporan hasil audit telah diterbitkan."),
}


def _lines(values: Sequence[str]) -> str:
    return "\n".join(values)


def build_router(
    web: WebPages,
    *,
    unit_of_work: Callable[[], InvestigationUnitOfWork],
    keys: Keys,
    vault: Vault,
    letters: AuditDocuments,
    clock: Clock,
    zone: ZoneInfo,
    max_file_bytes: int,
) -> APIRouter:
    router = web.router()

    def values(request: Request, tenant: str, case_id: UUID, **more: Any) -> dict[str, Any]:
        english = web.language(request) == "en"
        error: AuditRefused | None = more.pop("error", None)
        return {
            "tenant": tenant,
            "case_id": case_id,
            "seat_labels": SEAT_LABELS,
            "result_labels": RESULT_LABELS,
            "custody_labels": CUSTODY_LABELS,
            "rupiah": rupiah_text,
            "plannable": PLANNABLE,
            "running": RUNNING,
            "typed": more.pop("typed", None) or {},
            "error": (error.message if english else error.pesan) if error else None,
            "notice": NOTICES.get(request.query_params.get("pesan", "")),
            "api": f"/api/v1/tenants/{tenant}/audits/{case_id}",
            **page_helpers(zone),
            **more,
        }

    def refused_page(request: Request, tenant: str, problem: AuditRefused) -> Response:
        english = web.language(request) == "en"
        reason = problem.message if english else problem.pesan
        return web.render(
            request, "investigation/audit_ditolak.html", {"tenant": tenant, "reason": reason}, status_code=403
        )

    async def shown(
        request: Request,
        tenant: str,
        case_id: UUID,
        caller: Caller,
        read: Callable[..., Awaitable[Any]],
        template: str,
        *,
        typed: Mapping[str, Any] | None = None,
        error: AuditRefused | None = None,
    ) -> Response:
        try:
            view = await read(
                tenant,
                case_id,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
            )
        except AuditRefused as problem:
            return refused_page(request, tenant, problem)
        if view is None:
            raise not_found()
        status = error.status_code if error else 200
        page_values = values(request, tenant, case_id, view=view, case=view.case, typed=typed, error=error)
        return web.render(request, template, page_values, status_code=status)

    async def form(request: Request) -> dict[str, str]:
        await web.verify_csrf(request)
        return {name: value for name, value in (await request.form()).items() if isinstance(value, str)}

    def done(tenant: str, case_id: UUID, step: str, notice: str) -> Response:
        return web.redirect(f"/audit/{tenant}/{case_id}/{step}?pesan={notice}#notice")

    # -- rencana: the report, the Surat Tugas, the team, the programme ------------------------------------

    @router.get(CASE + "/rencana")
    async def plan(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        return await shown(request, tenant, case_id, caller, read_plan, "investigation/audit_rencana.html")

    @router.post(CASE + "/rencana/surat-tugas")
    async def issue(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        await web.verify_csrf(request)
        submitted = await request.form()
        typed: dict[str, Any] = {k: v for k, v in submitted.items() if isinstance(v, str)}
        anggota = [v for v in submitted.getlist("anggota") if isinstance(v, str)]
        typed["anggota"] = anggota
        try:
            budget = str(typed.get("budget", "")).strip()
            draft = SuratTugasDraft(
                number=str(typed.get("number", "")),
                issued_on=day_of(typed.get("issued_on"), "issued_on"),
                ketua_tim=str(typed.get("ketua_tim", "")),
                pengendali_teknis=str(typed.get("pengendali_teknis", "")),
                anggota=tuple(anggota),
                starts_on=day_of(typed.get("starts_on"), "starts_on"),
                ends_on=day_of(typed.get("ends_on"), "ends_on"),
                budget_idr=parse_rupiah(budget, field="budget") if budget else 0,
                resources=str(typed.get("resources", "")),
            )
            letter = await issue_surat_tugas(
                tenant,
                case_id,
                draft,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                vault=vault,
                letters=letters,
                clock=clock,
            )
        except AuditRefused as problem:
            page = "investigation/audit_rencana.html"
            return await shown(request, tenant, case_id, caller, read_plan, page, typed=typed, error=problem)
        if letter is None:
            raise not_found()
        return done(tenant, case_id, "rencana", "surat-tugas")

    @router.post(CASE + "/rencana/program")
    async def programme(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        typed = await form(request)
        try:
            record = await save_programme(
                tenant,
                case_id,
                typed.get("regulations", ""),
                typed.get("evidence_to_obtain", ""),
                typed.get("methods", ""),
                typed.get("parties", ""),
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
            )
        except AuditRefused as problem:
            page = "investigation/audit_rencana.html"
            return await shown(request, tenant, case_id, caller, read_plan, page, typed=typed, error=problem)
        if record is None:
            raise not_found()
        return done(tenant, case_id, "rencana", "program")

    # -- klarifikasi: Berita Acara Klarifikasi -----------------------------------------------------------

    @router.get(CASE + "/klarifikasi")
    async def clarifications(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        page = "investigation/audit_klarifikasi.html"
        return await shown(request, tenant, case_id, caller, read_clarifications, page)

    @router.post(CASE + "/klarifikasi")
    async def clarify(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        typed: dict[str, str] = {}
        try:
            fields, files = await multipart(request)  # first: it reads the form with the file limits
            await web.verify_csrf(request)
            typed = {name: _lines(given) for name, given in fields.items()}
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
            page = "investigation/audit_klarifikasi.html"
            return await shown(request, tenant, case_id, caller, read_clarifications, page, typed=typed, error=problem)
        if recorded is None:
            raise not_found()
        return done(tenant, case_id, "klarifikasi", "klarifikasi")

    # -- bukti: the evidence register and its custody -----------------------------------------------------

    @router.get(CASE + "/bukti")
    async def evidence(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        return await shown(request, tenant, case_id, caller, read_evidence, "investigation/audit_bukti.html")

    @router.post(CASE + "/bukti")
    async def add(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        typed: dict[str, str] = {}
        try:
            fields, files = await multipart(request)
            await web.verify_csrf(request)
            typed = {name: _lines(given) for name, given in fields.items()}
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
            page = "investigation/audit_bukti.html"
            return await shown(request, tenant, case_id, caller, read_evidence, page, typed=typed, error=problem)
        if item is None:
            raise not_found()
        return done(tenant, case_id, "bukti", "bukti")

    async def evidence_file(
        request: Request, tenant: str, case_id: UUID, evidence_id: UUID, caller: Caller, export_to: str | None
    ) -> Response:
        try:
            download = await open_evidence_file(
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
            )
        except AuditRefused as problem:
            if problem.field != "recipient":
                return refused_page(request, tenant, problem)
            typed = {"evidence_id": str(evidence_id), "recipient": export_to or ""}
            page = "investigation/audit_bukti.html"
            return await shown(request, tenant, case_id, caller, read_evidence, page, typed=typed, error=problem)
        if download is None:
            raise not_found()
        return attachment(download)

    @router.get(CASE + "/bukti/{evidence_id}/berkas")
    async def view_file(
        request: Request, tenant: str, case_id: UUID, evidence_id: UUID, caller: MayReadCases
    ) -> Response:
        return await evidence_file(request, tenant, case_id, evidence_id, caller, None)

    @router.post(CASE + "/bukti/{evidence_id}/ekspor")
    async def export_file(
        request: Request, tenant: str, case_id: UUID, evidence_id: UUID, caller: MayReadCases
    ) -> Response:
        typed = await form(request)
        return await evidence_file(request, tenant, case_id, evidence_id, caller, typed.get("recipient", ""))

    # -- hasil: the result, the auditee's response, the final report ------------------------------------

    @router.get(CASE + "/hasil")
    async def results(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        return await shown(request, tenant, case_id, caller, read_results, "investigation/audit_hasil.html")

    async def result_refused(
        request: Request, tenant: str, case_id: UUID, caller: Caller, typed: Mapping[str, str], problem: AuditRefused
    ) -> Response:
        page = "investigation/audit_hasil.html"
        return await shown(request, tenant, case_id, caller, read_results, page, typed=typed, error=problem)

    @router.post(CASE + "/hasil")
    async def record(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        typed = await form(request)
        draft = ResultDraft(typed.get("result", ""), typed.get("estimated_loss", ""), typed.get("findings", ""))
        try:
            recorded = await record_result(
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
            return await result_refused(request, tenant, case_id, caller, typed, problem)
        if recorded is None:
            raise not_found()
        return done(tenant, case_id, "hasil", "hasil")

    @router.post(CASE + "/hasil/tanggapan")
    async def respond(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        typed = await form(request)
        try:
            draft = ResponseDraft(
                responded_on=day_of(typed.get("responded_on"), "responded_on"),
                responder_name=typed.get("responder_name", ""),
                responder_position=typed.get("responder_position", ""),
                response=typed.get("response", ""),
                agrees=typed.get("agrees") == "ya",
            )
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
            return await result_refused(request, tenant, case_id, caller, typed, problem)
        if recorded is None:
            raise not_found()
        return done(tenant, case_id, "hasil", "tanggapan")

    @router.post(CASE + "/hasil/laporan")
    async def final_report(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        typed = await form(request)
        try:
            report = await issue_final_report(
                tenant,
                case_id,
                typed.get("number", ""),
                day_of(typed.get("issued_on"), "issued_on"),
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
            return await result_refused(request, tenant, case_id, caller, typed, problem)
        if report is None:
            raise not_found()
        return done(tenant, case_id, "hasil", "laporan")

    return router
