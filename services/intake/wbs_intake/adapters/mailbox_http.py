"""The signed-in reporter's Kotak Komunikasi, as JSON: ``GET`` the messages both ways (opened,
oldest first) with the timeline's entries about them, ``POST`` a message, a question or more
information. Routes need the reporter's session cookie (see ``reporter_session``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from wbs_contracts.events.intake import ReporterMessageKind
from wbs_intake.adapters.http import NO_STORE
from wbs_intake.adapters.reporter_session import ReporterSessions, signed_in
from wbs_intake.domain.mailbox import MessageRefused, OpenedMessage
from wbs_intake.domain.reporter_view import TimelineEntry, message_entries
from wbs_intake.ports import IntakeUnitOfWork, Opener, Sealer
from wbs_intake.usecases import MessageDraft, read_mailbox, send_reporter_message
from wbs_runtime.auth.access import public
from wbs_runtime.clock import Clock
from wbs_runtime.http import ErrorBody, FieldProblem, InvalidInput, correlation_id

PREFIX = "/api/v1/reporter/messages"


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ReporterMessageKind = Field(description="pesan, pertanyaan (starts the body's clock), informasi-tambahan.")
    text: str = Field(description="At most 10,000 characters.")
    in_reply_to: UUID | None = Field(default=None, description="The officer's message this answers.")


class MessageOut(BaseModel):
    id: UUID
    direction: str = Field(description="dari-pelapor or dari-petugas.")
    kind: str
    text: str
    sent_at: datetime
    answer_due: datetime | None = Field(default=None, description="For a question: when the answer is due.")
    in_reply_to: UUID | None = None


class TimelineEntryOut(BaseModel):
    at: datetime
    kind: str
    pesan: str
    message: str
    message_id: UUID


class MailboxOut(BaseModel):
    messages: list[MessageOut]
    #: What the reporter's timeline says about these messages ("Petugas menjawab", ...).
    timeline: list[TimelineEntryOut]


def message_out(opened: OpenedMessage) -> MessageOut:
    m = opened.message
    return MessageOut(
        id=m.id,
        direction=m.direction.value,
        kind=m.kind,
        text=opened.text,
        sent_at=m.sent_at,
        answer_due=m.answer_due,
        in_reply_to=m.in_reply_to,
    )


def timeline_out(message_id: UUID, entry: TimelineEntry) -> TimelineEntryOut:
    return TimelineEntryOut(
        at=entry.at, kind=entry.kind, pesan=entry.title("id"), message=entry.title("en"), message_id=message_id
    )


def refused(problem: MessageRefused) -> InvalidInput:
    return InvalidInput(
        [FieldProblem(field=problem.field, code="refused", pesan=problem.pesan, message=problem.message)]
    )


def build_router(
    *,
    unit_of_work: Callable[[], IntakeUnitOfWork],
    sessions: ReporterSessions,
    sealer: Sealer,
    opener: Opener,
    clock: Clock,
    zone: ZoneInfo,
) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["pelapor / reporter"], dependencies=[public(), Depends(sessions.require)])

    @router.get(
        "",
        response_model=MailboxOut,
        responses={401: {"model": ErrorBody}},
        summary="Kotak komunikasi / the reporter's messages, both ways, oldest first",
    )
    async def mailbox(request: Request, response: Response) -> MailboxOut:
        opened = await read_mailbox(signed_in(request), uow=unit_of_work(), opener=opener)
        response.headers.update(NO_STORE)
        return MailboxOut(
            messages=[message_out(o) for o in opened],
            timeline=[timeline_out(about, e) for about, e in message_entries(o.message for o in opened)],
        )

    @router.post(
        "",
        response_model=MessageOut,
        status_code=status.HTTP_201_CREATED,
        responses={401: {"model": ErrorBody}, 422: {"model": ErrorBody}},
        summary="Kirim pesan / write to the officers",
    )
    async def write(message: MessageIn, request: Request, response: Response) -> MessageOut:
        draft = MessageDraft(kind=message.kind, text=message.text, in_reply_to=message.in_reply_to)
        try:
            sent = await send_reporter_message(
                signed_in(request),
                draft,
                uow=unit_of_work(),
                sealer=sealer,
                clock=clock,
                zone=zone,
                correlation_id=correlation_id.get(),
            )
        except MessageRefused as problem:
            raise refused(problem) from None
        response.headers.update(NO_STORE)
        return message_out(OpenedMessage(sent, message.text))

    return router
