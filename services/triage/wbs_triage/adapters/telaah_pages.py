"""The telaah's pages: ``/perkara/{tenant}/{case_id}/telaah`` (the penelaah's workspace: the report
opened for the entitled, its evidence, the checklist of the five minimum steps with their notes,
free notes, related reports, and the way to the Kotak Komunikasi and to the decision) and
``/perkara/{tenant}/{case_id}/pencatatan`` (the registration record, completed by the petugas or
the penelaah). They read and write through the same use cases as the API, so each is audited."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from wbs_runtime.auth.access import AccessDenied, Caller, not_found, require
from wbs_runtime.auth.permissions import Permission, permissions_in
from wbs_runtime.clock import Clock
from wbs_runtime.web.pages import WebPages
from wbs_triage.adapters.officer import reader_of
from wbs_triage.domain.registration import (
    RegistrationDetailsV1,
    RegistrationRefused,
    TerlaporRecord,
)
from wbs_triage.domain.telaah import TelaahRefused, TelaahStep, checked_step, may_work_the_checklist
from wbs_triage.ports import Keys, TriageUnitOfWork
from wbs_triage.usecases import (
    NotEntitled,
    RelatedReports,
    add_note,
    open_workspace,
    read_registration,
    record_step,
    show_evidence,
    update_registration,
)

PREFIX = "/perkara/{tenant}/{case_id}"
#: At module level: FastAPI resolves the (postponed) annotations in the module's namespace.
MayReadCases = Annotated[Caller, require(Permission.READ_CASES, tenant="tenant", hide=True)]
NOT_ENTITLED = {
    "pesan": "Anda tidak berhak melakukan ini pada perkara ini. Laporan dan buktinya dibuka hanya oleh tim yang "
    "ditunjuk dalam disposisinya, ketua tim, dan pimpinan satker.",
    "message": "You are not entitled to do this with this case. The report and its evidence are opened only by the "
    "team it was disposed to, a ketua tim and the pimpinan satker.",
}
TERLAPOR_FIELDS = ("nama", "nip", "alamat", "jabatan", "instansi")


def N_(message: str) -> str:  # noqa: N802 - the name gettext's tools look for
    """Marks a message for the catalogue; the template translates it where it is shown."""
    return message


#: The steps in the regulation's words (``STEP_WORDING``), literal here so the catalogue finds them.
STEP_LABELS = {
    TelaahStep.POKOK_MASALAH.value: N_("Merumuskan pokok permasalahan"),
    TelaahStep.KELENGKAPAN_BUKTI.value: N_("Meneliti kelengkapan dokumen bukti permulaan"),
    TelaahStep.PENGUMPULAN_DATA.value: N_("Mengumpulkan dan melengkapi data sebagai informasi pendukung"),
    TelaahStep.ANALISIS_PERATURAN.value: N_("Melakukan analisis berdasarkan ketentuan peraturan perundang-undangan"),
    TelaahStep.SIMPULAN.value: N_("Menyimpulkan hasil penelaahan dan memutuskan penanganan selanjutnya"),
}
REASON_LABELS = {
    "nip-sama": N_("NIP/NRP terlapor sama"),
    "nama-sama": N_("Nama terlapor sama"),
    "unit-sama": N_("Unit terlapor sama"),
    "teks-mirip": N_("Uraian mirip"),
}
NOTICES = {
    "langkah": N_("Langkah telaah disimpan."),
    "catatan": N_("Catatan ditambahkan."),
    "pencatatan": N_("Pencatatan disimpan."),
}


def details_from_form(form: Mapping[str, str]) -> RegistrationDetailsV1:
    """The record as typed; a date that is not one is refused with the field named."""
    typed_date = form.get("tanggal_surat", "").strip()
    try:
        tanggal = date.fromisoformat(typed_date) if typed_date else None
    except ValueError:
        raise RegistrationRefused(
            "tanggal_surat",
            "Tanggal surat tidak dikenali (TTTT-BB-HH).",
            "The letter's date is not a date (YYYY-MM-DD).",
        ) from None
    try:
        rows = []
        index = 0
        while any(f"{name}-{index}" in form for name in TERLAPOR_FIELDS):
            rows.append(TerlaporRecord(**{name: form.get(f"{name}-{index}", "") for name in TERLAPOR_FIELDS}))
            index += 1
        return RegistrationDetailsV1(
            tanggal_surat=tanggal,
            perihal=form.get("perihal", ""),
            unit_terlapor=form.get("unit_terlapor", ""),
            terlapor=tuple(rows),
        )
    except ValueError:
        raise RegistrationRefused("perihal", "Isian terlalu panjang.", "A field is too long.") from None


def build_router(
    web: WebPages,
    *,
    unit_of_work: Callable[[], TriageUnitOfWork],
    keys: Keys,
    related: RelatedReports,
    clock: Clock,
    zone: ZoneInfo,
) -> APIRouter:
    router = web.router()

    def english(request: Request) -> bool:
        return web.language(request) == "en"

    def moment(at: datetime | None) -> str:
        return "" if at is None else at.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    async def form_of(request: Request) -> dict[str, str]:
        await web.verify_csrf(request)
        return {name: value for name, value in (await request.form()).items() if isinstance(value, str)}

    async def workspace_page(
        request: Request, tenant: str, case_id: UUID, caller: Caller, *, error: str | None = None, status: int = 200
    ) -> Response:
        reader = reader_of(caller, request)
        permissions = permissions_in(caller.grants, tenant)
        try:
            opened = await open_workspace(
                tenant, case_id, reader, permissions, uow=unit_of_work(), keys=keys, related=related
            )
        except NotEntitled:
            raise AccessDenied(403, NOT_ENTITLED) from None
        if opened is None:
            raise not_found()
        shown = await show_evidence(tenant, case_id, reader, permissions, unit_of_work(), keys)
        evidence = shown.files if shown is not None else []
        values = {
            "tenant": tenant,
            "case": opened.case,
            "workspace": opened,
            "evidence": evidence,
            "steps": [(step.value, opened.checklist.step(step)) for step in TelaahStep],
            "step_labels": STEP_LABELS,
            "reason_labels": REASON_LABELS,
            "may_work": may_work_the_checklist(permissions, on_team=opened.on_team),
            "moment": moment,
            "error": error,
            "notice": NOTICES.get(request.query_params.get("disimpan", "")),
        }
        return web.render(request, "triage/telaah.html", values, status_code=status)

    @router.get(PREFIX + "/telaah")
    async def workspace(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        return await workspace_page(request, tenant, case_id, caller)

    @router.post(PREFIX + "/telaah/langkah")
    async def save_step(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        form = await form_of(request)
        try:
            step = checked_step(form.get("langkah", ""))
            saved = await record_step(
                tenant,
                case_id,
                step,
                done=form.get("selesai") == "ya",
                note=form.get("catatan", ""),
                officer=reader_of(caller, request),
                permissions=permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
            )
        except NotEntitled:
            raise AccessDenied(403, NOT_ENTITLED) from None
        except TelaahRefused as refused:
            problem = refused.message if english(request) else refused.pesan
            return await workspace_page(request, tenant, case_id, caller, error=problem, status=422)
        if saved is None:
            raise not_found()
        return web.redirect(f"/perkara/{tenant}/{case_id}/telaah?disimpan=langkah#langkah-{step.value}")

    @router.post(PREFIX + "/telaah/catatan")
    async def save_note(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        form = await form_of(request)
        try:
            added = await add_note(
                tenant,
                case_id,
                form.get("teks", ""),
                author=reader_of(caller, request),
                permissions=permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
            )
        except NotEntitled:
            raise AccessDenied(403, NOT_ENTITLED) from None
        except TelaahRefused as refused:
            problem = refused.message if english(request) else refused.pesan
            return await workspace_page(request, tenant, case_id, caller, error=problem, status=422)
        if added is None:
            raise not_found()
        return web.redirect(f"/perkara/{tenant}/{case_id}/telaah?disimpan=catatan#catatan")

    async def registration_page(
        request: Request,
        tenant: str,
        case_id: UUID,
        caller: Caller,
        *,
        typed: RegistrationDetailsV1 | None = None,
        error: str | None = None,
        status: int = 200,
    ) -> Response:
        permissions = permissions_in(caller.grants, tenant)
        try:
            view = await read_registration(
                tenant, case_id, reader_of(caller, request), permissions, uow=unit_of_work(), keys=keys, related=related
            )
        except NotEntitled:
            raise AccessDenied(403, NOT_ENTITLED) from None
        if view is None:
            raise not_found()
        details = typed or view.details
        values: dict[str, Any] = {
            "tenant": tenant,
            "case": view.case,
            "details": details,
            "recorded": view.recorded,
            # One blank row more than kept, to add a terlapor.
            "rows": [*details.terlapor, TerlaporRecord()],
            "may_edit": view.editable,
            "error": error,
            "notice": NOTICES.get(request.query_params.get("disimpan", "")),
        }
        return web.render(request, "triage/pencatatan.html", values, status_code=status)

    @router.get(PREFIX + "/pencatatan")
    async def registration(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        return await registration_page(request, tenant, case_id, caller)

    @router.post(PREFIX + "/pencatatan")
    async def save_registration(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        form = await form_of(request)
        typed: RegistrationDetailsV1 | None = None
        try:
            typed = details_from_form(form)
            saved = await update_registration(
                tenant,
                case_id,
                typed,
                reader_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                related=related,
                clock=clock,
                zone=zone,
            )
        except NotEntitled:
            raise AccessDenied(403, NOT_ENTITLED) from None
        except RegistrationRefused as refused:
            problem = refused.message if english(request) else refused.pesan
            return await registration_page(request, tenant, case_id, caller, typed=typed, error=problem, status=422)
        if saved is None:
            raise not_found()
        return web.redirect(f"/perkara/{tenant}/{case_id}/pencatatan?disimpan=pencatatan")

    return router
