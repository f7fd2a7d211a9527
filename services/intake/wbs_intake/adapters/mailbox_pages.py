"""The Kotak Komunikasi page, ``/pantau/kotak``: the signed-in reporter reads the messages both
ways and writes one (a message, a question about progress, more information), with the CSRF
token. Without a session the page sends the reporter to ``/pantau`` to sign in; a message the
server cannot take is shown again with the reason, the text as typed kept in the form."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from wbs_contracts.events.intake import TEXT_LIMIT, ReporterMessageKind
from wbs_intake.adapters.reporter_session import ReporterSessions
from wbs_intake.domain.mailbox import Direction, MessageRefused, OpenedMessage
from wbs_intake.domain.reporter_view import message_entries
from wbs_intake.ports import IntakeUnitOfWork, Opener, Sealer
from wbs_intake.usecases import MessageDraft, read_mailbox, send_reporter_message
from wbs_runtime.auth.access import public
from wbs_runtime.clock import Clock
from wbs_runtime.http import correlation_id
from wbs_runtime.web.pages import WebPages

KOTAK = "/pantau/kotak"
SIGN_IN = "/pantau"
TEMPLATE = "intake/kotak.html"
CHOOSE_A_KIND = MessageRefused("kind", "Pilih jenis pesan.", "Choose what kind of message this is.")
UNKNOWN_REPLY = MessageRefused(
    "in_reply_to",
    "Pesan yang Anda balas tidak ditemukan di kotak komunikasi Anda.",
    "The message you are answering is not in your message box.",
)
SIGNED_OUT = MessageRefused(
    "session",
    "Sesi Anda telah berakhir dan pesan belum terkirim. Salin teks Anda, masuk lagi, lalu kirim ulang.",
    "Your session has ended and the message was not sent. Copy your text, sign in again, then send it again.",
)


def build_router(
    web: WebPages,
    *,
    unit_of_work: Callable[[], IntakeUnitOfWork],
    sessions: ReporterSessions,
    sealer: Sealer,
    opener: Opener,
    clock: Clock,
    zone: ZoneInfo,
) -> APIRouter:
    router = web.router(dependencies=[public()])

    def moment(at: datetime | None) -> str:
        return at.astimezone(zone).strftime("%d-%m-%Y %H:%M %Z") if at is not None else ""

    def shown(opened: Sequence[OpenedMessage]) -> list[dict[str, Any]]:
        return [
            {
                "id": str(o.message.id),
                "from_officer": o.message.direction is Direction.DARI_PETUGAS,
                "kind": o.message.kind,
                "lines": o.text.splitlines() or [""],
                "sent_at": moment(o.message.sent_at),
                "answer_due": moment(o.message.answer_due),
                "in_reply_to": str(o.message.in_reply_to) if o.message.in_reply_to else "",
            }
            for o in opened
        ]

    async def page(
        request: Request,
        report_id: UUID | None,
        *,
        status: int = 200,
        problem: MessageRefused | None = None,
        typed: dict[str, str] | None = None,
    ) -> Response:
        opened = await read_mailbox(report_id, uow=unit_of_work(), opener=opener) if report_id else []
        english = web.language(request) == "en"
        values = {
            "messages": shown(opened),
            "timeline": [
                {"at": moment(e.at), "kind": e.kind, "text": e.title("en" if english else "id")}
                for _, e in message_entries(o.message for o in opened)
            ],
            "replies": [
                {"id": str(o.message.id), "sent_at": moment(o.message.sent_at)}
                for o in opened
                if o.message.direction is Direction.DARI_PETUGAS
            ],
            "kinds": [k.value for k in ReporterMessageKind],
            "typed": typed or {"kind": ReporterMessageKind.PESAN.value, "text": "", "in_reply_to": ""},
            "error": (problem.message if english else problem.pesan) if problem else None,
            "error_field": problem.field if problem else None,
            "sent": request.query_params.get("pesan") == "terkirim",
            "text_limit": TEXT_LIMIT,
            "reporter_signed_in": report_id is not None,
        }
        return web.render(request, TEMPLATE, values, status_code=status)

    @router.get(KOTAK)
    async def show(request: Request) -> Response:
        report_id = await sessions.current(request)
        if report_id is None:
            return web.redirect(SIGN_IN)
        return await page(request, report_id)

    @router.post(KOTAK, dependencies=[Depends(web.verify_csrf)])
    async def send(
        request: Request,
        kind: Annotated[str, Form(alias="jenis")] = "",
        text: Annotated[str, Form(alias="teks")] = "",
        in_reply_to: Annotated[str, Form(alias="balasan")] = "",
    ) -> Response:
        typed = {"kind": kind, "text": text, "in_reply_to": in_reply_to}
        report_id = await sessions.current(request)
        if report_id is None:
            # Not a redirect: the reporter would lose what they typed.
            return await page(request, None, status=401, problem=SIGNED_OUT, typed=typed)
        try:
            draft = MessageDraft(kind=_kind(kind), text=text, in_reply_to=_reply(in_reply_to))
            await send_reporter_message(
                report_id,
                draft,
                uow=unit_of_work(),
                sealer=sealer,
                clock=clock,
                zone=zone,
                correlation_id=correlation_id.get(),
            )
        except MessageRefused as problem:
            return await page(request, report_id, status=422, problem=problem, typed=typed)
        return web.redirect(f"{KOTAK}?pesan=terkirim")

    return router


def _kind(value: str) -> ReporterMessageKind:
    try:
        return ReporterMessageKind(value)
    except ValueError:
        raise CHOOSE_A_KIND from None


def _reply(value: str) -> UUID | None:
    if not value:
        return None
    try:
        return UUID(value)
    except ValueError:
        raise UNKNOWN_REPLY from None
