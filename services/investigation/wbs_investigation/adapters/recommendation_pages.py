"""The auditors' recommendation pages:

- ``/audit/{tenant}/{case_id}/rekomendasi``: the case's recommendations, overdue ones first and
  marked, each with its follow-up (notes, the copy of the SK, other evidence) and, for the ketua tim
  and the team's auditors, the forms to issue one, add to its follow-up and record it done;
- ``/audit/{tenant}/rekomendasi``: the tenant's follow-up queue, every recommendation not yet done
  with its deadline, overdue ones first and marked (``?terlambat=ya``: only those).

They go through the same use cases as the API, so everything is on the tenant's audit trail.
A refused form shows the page again with what was typed and the reason; nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from wbs_contracts.events.investigation import RecommendationKind
from wbs_investigation.adapters.labels import RESULT_LABELS
from wbs_investigation.adapters.officer import officer_of
from wbs_investigation.adapters.pages import page_helpers
from wbs_investigation.adapters.recommendation_http import attachment
from wbs_investigation.domain.messages import N_
from wbs_investigation.domain.recommendation import (
    Draft,
    FollowUpKind,
    RecommendationRefused,
    limit_words,
)
from wbs_investigation.ports import Keys, RecommendationUnitOfWork, Vault
from wbs_investigation.usecases import (
    DocumentUpload,
    add_follow_up_document,
    complete_recommendation,
    follow_up_queue,
    issue_recommendation,
    open_follow_up_document,
    read_recommendations,
    record_follow_up_note,
)
from wbs_runtime.auth.access import AccessDenied, Caller, not_found, require
from wbs_runtime.auth.permissions import Permission, permissions_in
from wbs_runtime.clock import Clock
from wbs_runtime.web.pages import WebPages

CASE_PAGE = "/audit/{tenant}/{case_id}/rekomendasi"
QUEUE_PAGE = "/audit/{tenant}/rekomendasi"
#: At module level: FastAPI resolves the (postponed) annotations in the module's namespace.
MayReadCases = Annotated[Caller, require(Permission.READ_CASES, tenant="tenant", hide=True)]

KIND_LABELS = {
    RecommendationKind.HUKUMAN_DISIPLIN.value: N_("Penjatuhan hukuman disiplin"),
    RecommendationKind.PENGEMBALIAN_KERUGIAN.value: N_("Pengembalian kerugian negara/daerah"),
    RecommendationKind.PENYERAHAN_APH.value: N_("Penyampaian hasil pemeriksaan kepada APH (Kepolisian, Kejaksaan)"),
    RecommendationKind.PENYERAHAN_KPK.value: N_("Penyampaian hasil pemeriksaan kepada KPK"),
    RecommendationKind.PEMULIHAN_NAMA_BAIK.value: N_("Pemulihan nama baik terlapor"),
    RecommendationKind.RUJUKAN_LPSK.value: N_("Rujukan perlindungan pelapor kepada LPSK"),
    RecommendationKind.PENGHARGAAN_PELAPOR.value: N_("Penghargaan bagi pelapor"),
}
FOLLOW_UP_LABELS = {
    FollowUpKind.CATATAN.value: N_("Catatan"),
    FollowUpKind.SK.value: N_("Salinan SK / keputusan"),
    FollowUpKind.BUKTI.value: N_("Bukti tindak lanjut"),
    FollowUpKind.PELIMPAHAN.value: N_("Pelimpahan perkara"),
}
NOTICES = {
    "diberikan": N_("Rekomendasi telah diberikan."),
    "dicatat": N_("Catatan tindak lanjut telah disimpan."),
    "diunggah": N_("Dokumen tindak lanjut telah disimpan."),
    "selesai": N_("Rekomendasi dinyatakan selesai ditindaklanjuti."),
}


def _day(typed: Mapping[str, str], name: str) -> date | None:
    value = typed.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RecommendationRefused(name, "Tanggal tidak sah (tttt-bb-hh).", "Not a valid date (yyyy-mm-dd).") from None


def build_router(
    web: WebPages,
    *,
    unit_of_work: Callable[[], RecommendationUnitOfWork],
    keys: Keys,
    vault: Vault,
    clock: Clock,
    zone: ZoneInfo,
) -> APIRouter:
    router = web.router()

    def english(request: Request) -> bool:
        return web.language(request) == "en"

    async def page(
        request: Request,
        tenant: str,
        case_id: UUID,
        caller: Caller,
        *,
        typed: Mapping[str, str] | None = None,
        error: RecommendationRefused | None = None,
        error_for: str = "",
        status: int = 200,
    ) -> Response:
        try:
            view = await read_recommendations(
                tenant,
                case_id,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
                zone=zone,
            )
        except RecommendationRefused as problem:
            raise AccessDenied(problem.status_code, {"pesan": problem.pesan, "message": problem.message}) from None
        if view is None:
            raise not_found()
        limits = {kind.value: (*limit_words(limit), limit.basis) for kind, limit in view.limits.items()}
        values: dict[str, Any] = {
            "tenant": tenant,
            "case": view.case_file,
            "view": view,
            "today": view.today.isoformat(),
            "report_issued": view.case_file.status.selesai and view.case_file.report_issued_at is not None,
            "kind_labels": KIND_LABELS,
            "result_labels": RESULT_LABELS,
            "follow_up_labels": FOLLOW_UP_LABELS,
            "limits": limits,
            "typed": typed or {},
            "error": (error.message if english(request) else error.pesan) if error else None,
            "error_for": error_for,
            "notice": NOTICES.get(request.query_params.get("pesan", "")),
            **page_helpers(zone),
        }
        return web.render(request, "investigation/rekomendasi.html", values, status_code=status)

    async def form(request: Request) -> dict[str, str]:
        await web.verify_csrf(request)
        return {name: value for name, value in (await request.form()).items() if isinstance(value, str)}

    def done(tenant: str, case_id: UUID, notice: str, anchor: str = "") -> Response:
        return web.redirect(f"/audit/{tenant}/{case_id}/rekomendasi?pesan={notice}{anchor}")

    async def refused(
        request: Request,
        tenant: str,
        case_id: UUID,
        caller: Caller,
        typed: Mapping[str, str],
        problem: RecommendationRefused,
        error_for: str,
    ) -> Response:
        code = problem.status_code
        if code == 403:
            raise AccessDenied(403, {"pesan": problem.pesan, "message": problem.message})
        return await page(
            request, tenant, case_id, caller, typed=typed, error=problem, error_for=error_for, status=code
        )

    # Declared before the case's pages: "rekomendasi" is not a case id.
    @router.get(QUEUE_PAGE)
    async def queue(request: Request, tenant: str, caller: MayReadCases) -> Response:
        overdue_only = request.query_params.get("terlambat") == "ya"
        queued, today = await follow_up_queue(
            tenant, officer_of(caller, request), overdue_only=overdue_only, uow=unit_of_work(), clock=clock, zone=zone
        )
        values = {
            "tenant": tenant,
            "queued": queued,
            "today": today,
            "overdue_only": overdue_only,
            "kind_labels": KIND_LABELS,
            **page_helpers(zone),
        }
        return web.render(request, "investigation/rekomendasi_antrean.html", values)

    @router.get(CASE_PAGE)
    async def show(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        return await page(request, tenant, case_id, caller)

    @router.post(CASE_PAGE)
    async def issue(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        typed = await form(request)
        try:
            draft = Draft(
                kind=typed.get("jenis", ""),
                addressed_to=typed.get("ditujukan_kepada", ""),
                text=typed.get("isi", ""),
                received_on=_day(typed, "tanggal_diterima"),
                due=_day(typed, "batas_waktu"),
            )
            issued = await issue_recommendation(
                tenant,
                case_id,
                draft,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
                zone=zone,
            )
        except RecommendationRefused as problem:
            return await refused(request, tenant, case_id, caller, typed, problem, "issue")
        if issued is None:
            raise not_found()
        return done(tenant, case_id, "diberikan", f"#r-{issued.id}")

    @router.post(CASE_PAGE + "/{recommendation_id}/catatan")
    async def note(
        request: Request, tenant: str, case_id: UUID, recommendation_id: UUID, caller: MayReadCases
    ) -> Response:
        typed = await form(request)
        try:
            recorded = await record_follow_up_note(
                tenant,
                case_id,
                recommendation_id,
                typed.get("catatan", ""),
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
            )
        except RecommendationRefused as problem:
            return await refused(request, tenant, case_id, caller, typed, problem, str(recommendation_id))
        if recorded is None:
            raise not_found()
        return done(tenant, case_id, "dicatat", f"#r-{recommendation_id}")

    @router.post(CASE_PAGE + "/{recommendation_id}/dokumen")
    async def document(
        request: Request, tenant: str, case_id: UUID, recommendation_id: UUID, caller: MayReadCases
    ) -> Response:
        await web.verify_csrf(request)  # reads the multipart form; the file is in it
        submitted = await request.form()
        typed = {name: value for name, value in submitted.items() if isinstance(value, str)}
        file = submitted.get("berkas")
        content = await file.read() if isinstance(file, UploadFile) else b""
        try:
            upload = DocumentUpload(
                kind=typed.get("jenis_dokumen", ""),
                title=typed.get("judul", "") or (file.filename if isinstance(file, UploadFile) else "") or "",
                content=content,
                reference=typed.get("nomor", ""),
                dated=_day(typed, "tanggal"),
                note=typed.get("keterangan", ""),
            )
            stored = await add_follow_up_document(
                tenant,
                case_id,
                recommendation_id,
                upload,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                vault=vault,
                clock=clock,
                zone=zone,
            )
        except RecommendationRefused as problem:
            return await refused(request, tenant, case_id, caller, typed, problem, str(recommendation_id))
        if stored is None:
            raise not_found()
        return done(tenant, case_id, "diunggah", f"#r-{recommendation_id}")

    @router.get(CASE_PAGE + "/{recommendation_id}/dokumen/{document_id}")
    async def download(
        request: Request, tenant: str, case_id: UUID, recommendation_id: UUID, document_id: UUID, caller: MayReadCases
    ) -> Response:
        try:
            found = await open_follow_up_document(
                tenant,
                case_id,
                recommendation_id,
                document_id,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                vault=vault,
            )
        except RecommendationRefused as problem:
            raise AccessDenied(problem.status_code, {"pesan": problem.pesan, "message": problem.message}) from None
        if found is None:
            raise not_found()
        return attachment(*found)

    @router.post(CASE_PAGE + "/{recommendation_id}/selesai")
    async def complete(
        request: Request, tenant: str, case_id: UUID, recommendation_id: UUID, caller: MayReadCases
    ) -> Response:
        typed = await form(request)
        try:
            completed = await complete_recommendation(
                tenant,
                case_id,
                recommendation_id,
                _day(typed, "tanggal_ditindaklanjuti"),
                typed.get("catatan_selesai", ""),
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
                zone=zone,
            )
        except RecommendationRefused as problem:
            return await refused(request, tenant, case_id, caller, typed, problem, str(recommendation_id))
        if completed is None:
            raise not_found()
        return done(tenant, case_id, "selesai", f"#r-{recommendation_id}")

    return router
