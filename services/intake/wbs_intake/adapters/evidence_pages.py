"""The signed-in reporter's evidence page, ``/pantau/bukti``: the files they sent (names opened
from their own receipts) and a form to add more (``multipart/form-data``, CSRF field first).
Without a session the page sends the reporter to ``/pantau`` to sign in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from wbs_intake.adapters.evidence_http import EvidenceDesk
from wbs_intake.adapters.reporter_session import ReporterSessions
from wbs_intake.adapters.uploads import MalformedUpload, csrf_check
from wbs_intake.domain.evidence import EvidenceRefused
from wbs_intake.ports import IntakeUnitOfWork, Opener
from wbs_intake.usecases import EvidenceShown, evidence_allowance, reporters_evidence
from wbs_runtime.auth.access import public
from wbs_runtime.web.pages import WebPages

PATH = "/pantau/bukti"
SIGN_IN = "/pantau"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention: marks a msgid for the catalogue
    return message


#: Notices a redirect may ask the page to show (a fixed list: nothing from the URL is shown as is).
NOTICES = {"tersimpan": N_("Berkas bukti tersimpan terenkripsi. Petugas yang menangani laporan Anda dapat membukanya.")}


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MiB"
    if size >= 1024:
        return f"{size / 1024:.0f} KiB"
    return f"{size} B"


def build_router(
    *,
    web: WebPages,
    desk: EvidenceDesk,
    sessions: ReporterSessions,
    opener: Opener,
    unit_of_work: Callable[[], IntakeUnitOfWork],
    zone: ZoneInfo,
) -> APIRouter:
    router = web.router(dependencies=[public()])

    def when(at: datetime) -> str:
        return at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")

    async def page(request: Request, report_id: UUID, *, error: EvidenceRefused | None = None) -> Response:
        files: list[EvidenceShown] = await reporters_evidence(report_id, uow=unit_of_work(), opener=opener)
        allowance = await evidence_allowance(report_id, uow=unit_of_work())
        english = web.language(request) == "en"
        notice = NOTICES.get(request.query_params.get("pesan", ""))
        values = {
            "reporter_signed_in": True,
            "notice": web.gettext(request)(notice) if notice else None,
            "error": (error.message if english else error.pesan) if error is not None else None,
            "files": [
                {
                    "name": f.file_name,
                    "type": f.content_type.split(";")[0],
                    "size": size_text(f.size_bytes),
                    "added_at": when(f.added_at),
                    "late": f.late,
                }
                for f in files
            ],
            "max_file": size_text(allowance.max_file_bytes),
            "room": size_text(allowance.bytes_left),
            "files_left": allowance.files_left,
        }
        return web.render(request, "intake/bukti.html", values, status_code=error.status if error else 200)

    @router.get(PATH)
    async def show(request: Request) -> Response:
        report_id = await sessions.current(request)
        if report_id is None:
            return web.redirect(SIGN_IN)
        return await page(request, report_id)

    @router.post(PATH)
    async def add(request: Request) -> Response:
        report_id = await sessions.current(request)
        if report_id is None:
            return web.redirect(SIGN_IN)
        try:
            received = await desk.receive(request, report_id, csrf=csrf_check(request, web))
        except MalformedUpload as malformed:
            return await page(request, report_id, error=EvidenceRefused("", malformed.pesan, malformed.message))
        if received.refused is not None:
            return await page(request, report_id, error=received.refused)
        return web.redirect(f"{PATH}?pesan=tersimpan")

    return router
