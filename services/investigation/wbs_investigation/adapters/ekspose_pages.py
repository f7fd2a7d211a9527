"""The exposé page of a case, ``/audit/{tenant}/{case_id}/ekspose``: the case's exposés with their
invitation and minutes, the form that schedules one (refused, with the earliest allowed date, when
less than 3 days ahead), the minutes form, the leaders' meeting after a disagreement, and the result
sent to the head of region. It goes through the same use cases as the API, so everything is on the
tenant's audit trail; a refused form is shown again with what was typed and the reason."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime, time
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from wbs_investigation.adapters.ekspose_http import pdf_response
from wbs_investigation.adapters.officer import officer_of
from wbs_investigation.adapters.pages import page_helpers
from wbs_investigation.domain.ekspose import (
    EksposeKind,
    EksposeRefused,
    EksposeState,
    LeadersDecision,
    LeadersMeetingDraft,
    MinutesConclusion,
    MinutesDraft,
    PersonDraft,
    PresenterDraft,
    PresenterSeat,
    ResultSentDraft,
    ScheduleDraft,
    check_case_allows_ekspose,
    earliest_day,
    tanggal,
)
from wbs_investigation.domain.messages import N_
from wbs_investigation.ports import InvestigationUnitOfWork
from wbs_investigation.usecases import (
    EksposeTools,
    open_ekspose_document,
    read_eksposes,
    record_leaders_meeting,
    record_minutes,
    record_result_sent,
    schedule_ekspose,
)
from wbs_runtime.auth.access import AccessDenied, Caller, not_found, require
from wbs_runtime.auth.permissions import Permission, permissions_in
from wbs_runtime.web.pages import WebPages

PREFIX = "/audit/{tenant}/{case_id}/ekspose"
MayReadCases = Annotated[Caller, require(Permission.READ_CASES, tenant="tenant", hide=True)]
#: Empty rows each form offers (more are a second visit away).
ATTENDEE_ROWS = 5
SIGNATORY_ROWS = 3
LEADER_ROWS = 4

KIND_LABELS = {EksposeKind.INTERNAL.value: N_("Ekspose internal"), EksposeKind.EKSTERNAL.value: N_("Ekspose eksternal")}
KIND_HINTS = {
    EksposeKind.INTERNAL.value: N_("dengan pihak terkait (Inspektur, Sekretaris Daerah, pejabat terkait)"),
    EksposeKind.EKSTERNAL.value: N_("dengan penyidik atau ahli"),
}
STATE_LABELS = {
    EksposeState.DIJADWALKAN.value: N_("Dijadwalkan"),
    EksposeState.SEPAKAT.value: N_("Sepakat"),
    EksposeState.MENUNGGU_RAPAT_PIMPINAN.value: N_("Tidak sepakat: menunggu rapat antar pimpinan"),
    EksposeState.DISEPAKATI_PIMPINAN.value: N_("Diputuskan dalam rapat antar pimpinan"),
    EksposeState.PENGUJIAN_ULANG.value: N_("Bukti baru: pengujian ulang"),
}
SEAT_LABELS = {
    PresenterSeat.PENYAJI.value: N_("Penyaji"),
    PresenterSeat.NOTULEN.value: N_("Notulen"),
    PresenterSeat.MODERATOR.value: N_("Moderator"),
}
CONCLUSION_LABELS = {
    MinutesConclusion.SEPAKAT.value: N_("Sepakat"),
    MinutesConclusion.TIDAK_SEPAKAT.value: N_("Tidak sepakat (dibahas dalam rapat antar pimpinan)"),
    MinutesConclusion.BUKTI_BARU.value: N_("Ada bukti baru yang mengubah nilai kerugian (pengujian ulang)"),
}
DECISION_LABELS = {
    LeadersDecision.DISEPAKATI.value: N_("Disepakati"),
    LeadersDecision.PENGUJIAN_ULANG.value: N_("Bukti diuji ulang"),
}
NOTICES = {
    "dijadwalkan": N_("Ekspose dijadwalkan dan undangannya dibuat."),
    "notulen": N_("Notulen ekspose dicatat."),
    "rapat": N_("Hasil rapat antar pimpinan dicatat."),
    "hasil": N_("Penyampaian hasil ekspose kepada kepala daerah dicatat."),
}
#: Functions offered for the minutes' signatories, as the regulations name them (data, in Indonesian).
SIGNATORY_FUNCTIONS = ("Notulis", "Ketua Tim", "")


class Typed:
    """What an officer typed into one form, to show it again after a refusal."""

    def __init__(self, values: Mapping[str, list[str]] | None = None) -> None:
        self._values = values or {}

    def get(self, name: str, default: str = "") -> str:
        found = self._values.get(name)
        return found[0] if found else default

    def at(self, name: str, index: int, default: str = "") -> str:
        found = self._values.get(name, [])
        return found[index] if index < len(found) else default


async def _form(web: WebPages, request: Request) -> dict[str, list[str]]:
    await web.verify_csrf(request)
    values: dict[str, list[str]] = {}
    for name, value in (await request.form()).multi_items():
        if isinstance(value, str):
            values.setdefault(name, []).append(value)
    return values


def _one(values: Mapping[str, list[str]], name: str) -> str:
    found = values.get(name)
    return found[0] if found else ""


def _rows(values: Mapping[str, list[str]], *names: str) -> list[tuple[str, ...]]:
    columns = [values.get(name, []) for name in names]
    length = max((len(c) for c in columns), default=0)
    return [tuple(c[i] if i < len(c) else "" for c in columns) for i in range(length)]


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def _moment(day: str, hour: str) -> datetime | None:
    found = _date(day)
    if found is None:
        return None
    try:
        at = time.fromisoformat(hour.strip() or "")
    except ValueError:
        return None
    return datetime.combine(found, at)  # naive: the domain takes it in the service's zone


def schedule_from(values: Mapping[str, list[str]]) -> ScheduleDraft:
    return ScheduleDraft(
        kind=_one(values, "jenis"),
        scheduled_at=_moment(_one(values, "tanggal"), _one(values, "jam")),
        place=_one(values, "tempat"),
        topic=_one(values, "perihal"),
        presenters=[
            PresenterDraft(
                seat.value,
                officer_id=_one(values, f"{seat.value}_petugas"),
                name=_one(values, f"{seat.value}_nama"),
                position=_one(values, f"{seat.value}_jabatan"),
            )
            for seat in PresenterSeat
        ],
        attendees=[
            PersonDraft(*row) for row in _rows(values, "undangan_nama", "undangan_instansi", "undangan_jabatan")
        ],
        letter_number=_one(values, "nomor_surat"),
    )


def minutes_from(values: Mapping[str, list[str]]) -> MinutesDraft:
    return MinutesDraft(
        conclusion=_one(values, "hasil"),
        discussion=_one(values, "diskusi"),
        chaired_by=_one(values, "dipimpin_oleh"),
        agreed=_one(values, "kesepakatan"),
        disagreement=_one(values, "alasan_tidak_sepakat"),
        new_evidence=_one(values, "bukti_baru"),
        signatories=[
            (name, function) for name, function in _rows(values, "penandatangan_nama", "penandatangan_jabatan")
        ],
    )


def leaders_from(values: Mapping[str, list[str]]) -> LeadersMeetingDraft:
    return LeadersMeetingDraft(
        held_on=_date(_one(values, "tanggal_rapat")),
        decision=_one(values, "keputusan"),
        text=_one(values, "isi_keputusan"),
        participants=[
            PersonDraft(name, "", position) for name, position in _rows(values, "pimpinan_nama", "pimpinan_jabatan")
        ],
    )


def result_from(values: Mapping[str, list[str]]) -> ResultSentDraft:
    return ResultSentDraft(
        sent_to=_one(values, "kepada"),
        sent_on=_date(_one(values, "tanggal_kirim")),
        letter_number=_one(values, "nomor_surat_hasil"),
    )


def build_router(
    web: WebPages, *, unit_of_work: Callable[[], InvestigationUnitOfWork], tools: EksposeTools
) -> APIRouter:
    router = web.router()

    async def page(
        request: Request,
        tenant: str,
        case_id: UUID,
        caller: Caller,
        *,
        form: str = "",
        typed: Mapping[str, list[str]] | None = None,
        error: EksposeRefused | None = None,
        status: int = 200,
    ) -> Response:
        try:
            view = await read_eksposes(
                tenant,
                case_id,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=tools.keys,
            )
        except EksposeRefused as problem:
            raise AccessDenied(403, {"pesan": problem.pesan, "message": problem.message}) from None
        if view is None:
            raise not_found()
        try:
            check_case_allows_ekspose(view.case)
            closed_reason = None
        except EksposeRefused as problem:
            closed_reason = problem
        english = web.language(request) == "en"
        earliest = earliest_day(tools.clock(), tools.zone)

        def typed_for(name: str) -> Typed:
            return Typed(typed) if name == form else Typed()

        values: dict[str, Any] = {
            "tenant": tenant,
            "case": view.case,
            "view": view,
            "may_schedule": view.may_work and closed_reason is None,
            "closed_reason": (closed_reason.message if english else closed_reason.pesan) if closed_reason else None,
            "earliest": earliest.isoformat(),
            "earliest_label": tanggal(earliest),
            "today": tools.clock().astimezone(tools.zone).date().isoformat(),
            "summary": view.conclusion.summary(tools.zone) if view.conclusion else None,
            "typed_for": typed_for,
            "error": (error.message if english else error.pesan) if error else None,
            "error_form": form if error else "",
            "notice": NOTICES.get(request.query_params.get("pesan", "")),
            "kind_labels": KIND_LABELS,
            "kind_hints": KIND_HINTS,
            "state_labels": STATE_LABELS,
            "seat_labels": SEAT_LABELS,
            "conclusion_labels": CONCLUSION_LABELS,
            "decision_labels": DECISION_LABELS,
            "signatory_functions": SIGNATORY_FUNCTIONS,
            "attendee_rows": ATTENDEE_ROWS,
            "signatory_rows": SIGNATORY_ROWS,
            "leader_rows": LEADER_ROWS,
            **page_helpers(tools.zone),
        }
        return web.render(request, "investigation/ekspose.html", values, status_code=status)

    def done(tenant: str, case_id: UUID, notice: str, anchor: str) -> Response:
        return web.redirect(f"/audit/{tenant}/{case_id}/ekspose?pesan={notice}#{anchor}")

    async def act(
        request: Request,
        tenant: str,
        case_id: UUID,
        caller: Caller,
        form: str,
        values: Mapping[str, list[str]],
        work: Callable[[], Awaitable[Any]],
        notice: str,
        anchor: str,
    ) -> Response:
        try:
            found = await work()
        except EksposeRefused as problem:
            return await page(
                request, tenant, case_id, caller, form=form, typed=values, error=problem, status=problem.status_code
            )
        if found is None:
            raise not_found()
        return done(tenant, case_id, notice, anchor)

    @router.get(PREFIX)
    async def show(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        return await page(request, tenant, case_id, caller)

    @router.post(PREFIX + "/jadwal")
    async def schedule(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        values = await _form(web, request)
        officer, permissions = officer_of(caller, request), permissions_in(caller.grants, tenant)

        async def work() -> Any:
            return await schedule_ekspose(
                tenant, case_id, schedule_from(values), officer, permissions, uow=unit_of_work(), tools=tools
            )

        return await act(request, tenant, case_id, caller, "jadwal", values, work, "dijadwalkan", "daftar")

    @router.post(PREFIX + "/{ekspose_id}/notulen")
    async def minutes(request: Request, tenant: str, case_id: UUID, ekspose_id: UUID, caller: MayReadCases) -> Response:
        values = await _form(web, request)
        officer, permissions = officer_of(caller, request), permissions_in(caller.grants, tenant)

        async def work() -> Any:
            return await record_minutes(
                tenant, case_id, ekspose_id, minutes_from(values), officer, permissions, uow=unit_of_work(), tools=tools
            )

        form = f"notulen-{ekspose_id}"
        return await act(request, tenant, case_id, caller, form, values, work, "notulen", f"ekspose-{ekspose_id}")

    @router.post(PREFIX + "/{ekspose_id}/rapat-pimpinan")
    async def leaders(request: Request, tenant: str, case_id: UUID, ekspose_id: UUID, caller: MayReadCases) -> Response:
        values = await _form(web, request)
        officer, permissions = officer_of(caller, request), permissions_in(caller.grants, tenant)

        async def work() -> Any:
            return await record_leaders_meeting(
                tenant, case_id, ekspose_id, leaders_from(values), officer, permissions, uow=unit_of_work(), tools=tools
            )

        form = f"rapat-{ekspose_id}"
        return await act(request, tenant, case_id, caller, form, values, work, "rapat", f"ekspose-{ekspose_id}")

    @router.post(PREFIX + "/{ekspose_id}/hasil")
    async def result(request: Request, tenant: str, case_id: UUID, ekspose_id: UUID, caller: MayReadCases) -> Response:
        values = await _form(web, request)
        officer, permissions = officer_of(caller, request), permissions_in(caller.grants, tenant)

        async def work() -> Any:
            return await record_result_sent(
                tenant, case_id, ekspose_id, result_from(values), officer, permissions, uow=unit_of_work(), tools=tools
            )

        form = f"hasil-{ekspose_id}"
        return await act(request, tenant, case_id, caller, form, values, work, "hasil", f"ekspose-{ekspose_id}")

    @router.get(PREFIX + "/{ekspose_id}/dokumen/{document_id}")
    async def document(
        request: Request, tenant: str, case_id: UUID, ekspose_id: UUID, document_id: UUID, caller: MayReadCases
    ) -> Response:
        try:
            found = await open_ekspose_document(
                tenant,
                case_id,
                ekspose_id,
                document_id,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                vault=tools.vault,
            )
        except EksposeRefused as problem:
            raise AccessDenied(403, {"pesan": problem.pesan, "message": problem.message}) from None
        if found is None:
            raise not_found()
        return pdf_response(*found)

    return router
