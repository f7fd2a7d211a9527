"""The officers' side of the Kotak Komunikasi: a case's messages (opened for an officer who may read
the case; ``case.messages-read`` on the trail), and writing to the reporter (an officer who may
answer reporters; ``case.message-sent``). A case of another tenant, or none, answers 404."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, ConfigDict, Field

from wbs_contracts.events.triage import OfficerMessageKind
from wbs_runtime.auth.access import Caller, not_found, require
from wbs_runtime.auth.permissions import Permission
from wbs_runtime.clock import Clock
from wbs_runtime.http import ErrorBody, FieldProblem, InvalidInput
from wbs_triage.adapters.officer import reader_of
from wbs_triage.domain.messages import MessageRefused
from wbs_triage.ports import Keys, TriageUnitOfWork
from wbs_triage.usecases import OfficerDraft, OpenedCaseMessage, read_messages, send_officer_message

#: At module level: FastAPI resolves the (postponed) annotations in the module's namespace.
MayReadCases = Annotated[Caller, require(Permission.READ_CASES, hide=True)]
MayAnswerReporters = Annotated[Caller, require(Permission.ANSWER_REPORTERS, hide=True)]


class OfficerMessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: OfficerMessageKind = Field(description="jawaban, or permintaan-informasi (the case waits for the reporter).")
    text: str = Field(description="At most 10,000 characters.")
    in_reply_to: UUID | None = Field(default=None, description="The reporter's message this answers.")


class CaseMessageOut(BaseModel):
    id: UUID
    author: str = Field(description="pelapor or petugas.")
    kind: str
    text: str
    sent_at: datetime
    in_reply_to: UUID | None = None
    answer_due: datetime | None = Field(default=None, description="A reporter's question: when the answer is due.")
    answered_by: UUID | None = Field(default=None, description="A reporter's question: the officer's answer.")


def message_out(opened: OpenedCaseMessage) -> CaseMessageOut:
    m = opened.message
    return CaseMessageOut(
        id=m.id,
        author=m.author.value,
        kind=m.kind,
        text=opened.text,
        sent_at=m.sent_at,
        in_reply_to=m.in_reply_to,
        answer_due=m.answer_due,
        answered_by=opened.answered_by,
    )


def build_router(*, unit_of_work: Callable[[], TriageUnitOfWork], keys: Keys, clock: Clock) -> APIRouter:
    router = APIRouter(prefix="/api/v1/tenants/{tenant}/cases/{case_id}/messages", tags=["perkara / cases"])

    @router.get(
        "",
        response_model=list[CaseMessageOut],
        summary="Kotak komunikasi perkara / a case's messages with its reporter, oldest first",
    )
    async def messages(tenant: str, case_id: UUID, request: Request, caller: MayReadCases) -> list[CaseMessageOut]:
        opened = await read_messages(tenant, case_id, reader_of(caller, request), uow=unit_of_work(), keys=keys)
        if opened is None:
            raise not_found()
        return [message_out(o) for o in opened]

    @router.post(
        "",
        response_model=CaseMessageOut,
        status_code=status.HTTP_201_CREATED,
        responses={422: {"model": ErrorBody}},
        summary="Tulis kepada pelapor / answer the reporter or ask for more information",
    )
    async def write(
        tenant: str, case_id: UUID, message: OfficerMessageIn, request: Request, caller: MayAnswerReporters
    ) -> CaseMessageOut:
        draft = OfficerDraft(kind=message.kind, text=message.text, in_reply_to=message.in_reply_to)
        try:
            sent = await send_officer_message(
                tenant, case_id, draft, reader_of(caller, request), uow=unit_of_work(), keys=keys, clock=clock
            )
        except MessageRefused as problem:
            raise InvalidInput(
                [FieldProblem(field=problem.field, code="refused", pesan=problem.pesan, message=problem.message)]
            ) from None
        if sent is None:
            raise not_found()
        return message_out(OpenedCaseMessage(sent, message.text))

    return router
