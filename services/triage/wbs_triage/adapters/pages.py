"""The officers' pages of triage, behind their sign-in (the gateway turns the session into an
assertion): ``/perkara/{tenant}`` (the queue: what each case waits for, since when, and when it is
due; filters and pages in the query string) and ``/perkara/{tenant}/{case_id}`` (a case's
registration, its disposition (with the pimpinan's form), its evidence files and its Kotak
Komunikasi, with a form to write to the reporter).

Every page reads through the same use cases as the API, so each reading is on the tenant's audit
trail. A tenant the officer holds nothing in, and a case of another tenant, answer 404.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from wbs_contracts.channels import KNOWN_CHANNELS
from wbs_contracts.events.triage import OfficerMessageKind
from wbs_contracts.roles import ROLE_LABELS, Role
from wbs_runtime.auth.access import Caller, not_found, require
from wbs_runtime.auth.permissions import Permission, permissions_in
from wbs_runtime.clock import Clock
from wbs_runtime.web.pages import WebPages
from wbs_runtime.working_days import last_day_before
from wbs_triage.adapters.officer import reader_of
from wbs_triage.domain.case import CaseStatus
from wbs_triage.domain.disposition import DISPOSABLE, DispositionDraft, DispositionRefused
from wbs_triage.domain.messages import MessageRefused
from wbs_triage.domain.queue import QueueQuery
from wbs_triage.ports import Keys, QueueUnitOfWork
from wbs_triage.usecases import (
    EvidenceShown,
    OfficerDraft,
    categories_of,
    dispose_case,
    read_case,
    read_dispositions,
    read_messages,
    read_queue,
    send_officer_message,
    show_evidence,
    team_candidates,
)

PREFIX = "/perkara/{tenant}"
PER_PAGE = 50
#: At module level: FastAPI resolves the (postponed) annotations in the module's namespace.
MayReadCases = Annotated[Caller, require(Permission.READ_CASES, tenant="tenant", hide=True)]
MayAnswerReporters = Annotated[Caller, require(Permission.ANSWER_REPORTERS, tenant="tenant", hide=True)]
MayDispose = Annotated[Caller, require(Permission.DISPOSE_CASES, tenant="tenant", hide=True)]


def N_(message: str) -> str:  # noqa: N802 - the name gettext's tools look for
    """Marks a message for the catalogue; the template translates it where it is shown."""
    return message


STATUS_LABELS = {
    CaseStatus.TERDAFTAR.value: N_("Terdaftar, menunggu disposisi"),
    CaseStatus.DITELAAH.value: N_("Ditelaah tim"),
    CaseStatus.MENUNGGU_PERSETUJUAN.value: N_("Menunggu persetujuan keputusan"),
    CaseStatus.TIDAK_DIPROSES.value: N_("Tidak diproses lebih lanjut"),
    CaseStatus.DITERUSKAN.value: N_("Diteruskan ke instansi berwenang"),
    CaseStatus.DIGABUNG.value: N_("Digabung dengan perkara lain"),
    CaseStatus.AUDIT_INVESTIGASI.value: N_("Ditindaklanjuti dengan audit investigasi"),
}
WAITING_LABELS = {
    "disposisi": N_("Disposisi pimpinan satker"),
    "tindak-lanjut": N_("Tindak lanjut tim"),
    "informasi-pelapor": N_("Informasi dari pelapor"),
    "persetujuan": N_("Persetujuan keputusan"),
    "jawaban-pelapor": N_("Jawaban atas pertanyaan pelapor"),
}
TEAM_ROLE_LABELS = {"ketua": N_("Ketua tim"), "anggota": N_("Anggota")}
#: The officer filter's value for the caller's own cases ("Perkara saya").
MINE = "saya"
KIND_LABELS = {
    "pesan": N_("Pesan"),
    "pertanyaan": N_("Pertanyaan"),
    "informasi-tambahan": N_("Informasi tambahan"),
    "jawaban": N_("Jawaban"),
    "permintaan-informasi": N_("Permintaan informasi"),
}
NOTICES = {
    "terkirim": N_("Pesan Anda telah dikirim kepada pelapor."),
    "didisposisikan": N_("Perkara telah didisposisikan kepada tim."),
}


def queue_query(params: Mapping[str, str], caller: Caller | None = None) -> QueueQuery:
    """The filters of the query string; a value that means nothing is no filter. ``petugas=saya``
    is the caller's own cases ("Perkara saya")."""
    officer = params.get("petugas") or None
    if officer == MINE:
        officer = caller.officer_id if caller is not None else None
    late = {"ya": True, "tidak": False}.get(params.get("terlambat", ""))
    try:
        page = max(1, int(params.get("halaman", "1")))
    except ValueError:
        page = 1
    return QueueQuery(
        status=params.get("status") or None,
        category=params.get("kategori") or None,
        channel=params.get("saluran") or None,
        officer=officer,
        late=late,
        page=page,
        per_page=PER_PAGE,
    )


def build_router(
    web: WebPages,
    *,
    unit_of_work: Callable[[], QueueUnitOfWork],
    keys: Keys,
    clock: Clock,
    zone: ZoneInfo,
) -> APIRouter:
    router = web.router()

    def english(request: Request) -> bool:
        return web.language(request) == "en"

    def moment(at: datetime | None) -> str:
        return "" if at is None else at.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    def due_day(at: datetime | None) -> str:
        return "" if at is None else last_day_before(at, zone).isoformat()

    def channel_label(request: Request) -> Callable[[str], str]:
        def label(slug: str) -> str:
            indonesian, in_english = KNOWN_CHANNELS.get(slug, (slug, slug))
            return in_english if english(request) else indonesian

        return label

    def role_label(request: Request) -> Callable[[Role], str]:
        def label(role: Role) -> str:
            indonesian, in_english = ROLE_LABELS.get(role, (role.value, role.value))
            return in_english if english(request) else indonesian

        return label

    def common(request: Request, tenant: str) -> dict[str, Any]:
        return {
            "tenant": tenant,
            "moment": moment,
            "due_day": due_day,
            "channel_label": channel_label(request),
            "status_labels": STATUS_LABELS,
            "waiting_labels": WAITING_LABELS,
            "team_role_labels": TEAM_ROLE_LABELS,
            "role_label": role_label(request),
            "kind_labels": KIND_LABELS,
            "zone": str(zone),
        }

    @router.get(PREFIX)
    async def queue(request: Request, tenant: str, caller: MayReadCases) -> Response:
        query = queue_query(request.query_params, caller)
        page = await read_queue(tenant, query, reader_of(caller, request), unit_of_work(), clock=clock, zone=zone)
        categories = {c.slug: (c.label_en if english(request) else c.label_id) for c in page.categories}

        def page_link(number: int) -> str:
            kept = {k: v for k, v in request.query_params.items() if k != "halaman" and v}
            kept["halaman"] = str(number)
            return request.url.path + "?" + urlencode(kept)

        values = {
            **common(request, tenant),
            "page": page,
            "now": clock(),
            "categories": categories,
            "channels": sorted(KNOWN_CHANNELS),
            "filters": request.query_params,
            "page_link": page_link,
            "mine": MINE,
        }
        return web.render(request, "triage/antrean.html", values)

    async def case_page(
        request: Request,
        tenant: str,
        case_id: UUID,
        caller: Caller,
        *,
        typed: Mapping[str, str] | None = None,
        error: str | None = None,
        disposition_typed: Mapping[str, Any] | None = None,
        disposition_error: str | None = None,
        status: int = 200,
    ) -> Response:
        reader = reader_of(caller, request)
        case = await read_case(tenant, case_id, reader, unit_of_work())
        if case is None:
            raise not_found()
        permissions = permissions_in(caller.grants, tenant)
        evidence = await show_evidence(tenant, case_id, reader, permissions, unit_of_work(), keys)
        messages = await read_messages(tenant, case_id, reader, uow=unit_of_work(), keys=keys) or []
        questions = [o for o in messages if o.message.kind == "pertanyaan" and o.answered_by is None]
        dispositions = await read_dispositions(tenant, case_id, reader, permissions, uow=unit_of_work(), opener=keys)
        dispositions = dispositions or []
        may_dispose = Permission.DISPOSE_CASES in permissions_in(caller.grants, tenant)
        labels = {
            c.slug: (c.label_en if english(request) else c.label_id)
            for c in await categories_of(tenant, unit_of_work())
        }
        values = {
            **common(request, tenant),
            "case": case,
            "category_label": labels.get(case.category, case.category),
            "evidence": evidence or EvidenceShown(0, opened=False, files=[]),
            "messages": messages,
            "open_questions": questions,
            "may_answer": Permission.ANSWER_REPORTERS in permissions_in(caller.grants, tenant),
            "typed": typed or {},
            "error": error,
            "notice": NOTICES.get(request.query_params.get("pesan", "")),
            "kinds": [k.value for k in OfficerMessageKind],
            "dispositions": dispositions,
            "may_dispose": may_dispose and case.status.value in DISPOSABLE,
            "candidates": await team_candidates(tenant, unit_of_work()) if may_dispose else [],
            "disposition_typed": disposition_typed or {},
            "disposition_error": disposition_error,
        }
        return web.render(request, "triage/perkara.html", values, status_code=status)

    @router.get(PREFIX + "/{case_id}")
    async def show_case(request: Request, tenant: str, case_id: UUID, caller: MayReadCases) -> Response:
        return await case_page(request, tenant, case_id, caller)

    @router.post(PREFIX + "/{case_id}/pesan")
    async def write_to_reporter(request: Request, tenant: str, case_id: UUID, caller: MayAnswerReporters) -> Response:
        await web.verify_csrf(request)
        form = await request.form()
        typed = {name: value for name, value in form.items() if isinstance(value, str)}
        try:
            kind = OfficerMessageKind(typed.get("jenis", ""))
        except ValueError:
            kind = OfficerMessageKind.JAWABAN
        try:
            in_reply_to = UUID(typed["balasan"]) if typed.get("balasan") else None
        except ValueError:
            in_reply_to = None
        draft = OfficerDraft(kind=kind, text=typed.get("teks", ""), in_reply_to=in_reply_to)
        try:
            sent = await send_officer_message(
                tenant, case_id, draft, reader_of(caller, request), uow=unit_of_work(), keys=keys, clock=clock
            )
        except MessageRefused as refused:
            problem = refused.message if english(request) else refused.pesan
            return await case_page(request, tenant, case_id, caller, typed=typed, error=problem, status=422)
        if sent is None:
            raise not_found()
        return web.redirect(f"/perkara/{tenant}/{case_id}?pesan=terkirim#kotak")

    @router.post(PREFIX + "/{case_id}/disposisi")
    async def dispose(request: Request, tenant: str, case_id: UUID, caller: MayDispose) -> Response:
        await web.verify_csrf(request)
        form = await request.form()
        typed: dict[str, Any] = {
            "ketua": str(form.get("ketua", "")),
            "anggota": [v for v in form.getlist("anggota") if isinstance(v, str)],
            "instruksi": str(form.get("instruksi", "")),
        }
        draft = DispositionDraft(ketua=typed["ketua"], anggota=tuple(typed["anggota"]), instruction=typed["instruksi"])
        try:
            disposed = await dispose_case(
                tenant,
                case_id,
                draft,
                reader_of(caller, request),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
                zone=zone,
            )
        except DispositionRefused as refused:
            problem = refused.message if english(request) else refused.pesan
            return await case_page(
                request, tenant, case_id, caller, disposition_typed=typed, disposition_error=problem, status=422
            )
        if disposed is None:
            raise not_found()
        return web.redirect(f"/perkara/{tenant}/{case_id}?pesan=didisposisikan#disposisi")

    return router
