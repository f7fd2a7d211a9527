"""The officers' API for the exposé before a hand-over, under
``/api/v1/tenants/{tenant}/audits/{case_id}/ekspose``: ``GET`` (the case's exposés), ``POST`` (schedule
one: its invitation goes out now, so it must be at least 3 days ahead), ``POST {id}/minutes``,
``POST {id}/leaders-meeting``, ``POST {id}/result-sent`` and ``GET {id}/documents/{document_id}``
(the invitation or the minutes as PDF). A case of another tenant, not under audit, or none answers
404; a rule that says no answers with its bilingual reason (403 for who may not, 409 for a case or
exposé in the wrong state, 422 for the fields) and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from wbs_investigation.adapters.downloads import attachment_of
from wbs_investigation.adapters.officer import officer_of
from wbs_investigation.adapters.refusals import refusal
from wbs_investigation.domain.documents import CaseDocument
from wbs_investigation.domain.ekspose import (
    EksposeKind,
    EksposeRefused,
    LeadersDecision,
    LeadersMeetingDraft,
    MinutesConclusion,
    MinutesDraft,
    PersonDraft,
    PresenterDraft,
    PresenterSeat,
    ResultSentDraft,
    ScheduleDraft,
)
from wbs_investigation.ports import InvestigationUnitOfWork
from wbs_investigation.usecases import (
    EksposeTools,
    EksposeView,
    OpenedEkspose,
    open_ekspose_document,
    read_eksposes,
    record_leaders_meeting,
    record_minutes,
    record_result_sent,
    schedule_ekspose,
)
from wbs_runtime.auth.access import Caller, not_found, require
from wbs_runtime.auth.permissions import Permission, permissions_in
from wbs_runtime.http import ErrorBody

#: At module level: FastAPI resolves the (postponed) annotations in the module's namespace.
MayReadCases = Annotated[Caller, require(Permission.READ_CASES, tenant="tenant", hide=True)]


# -- what comes in ----------------------------------------------------------------------------------


class PresenterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    officer_id: str = Field(default="", description="An officer of the case's audit team (the team's name is used).")
    name: str = Field(default="", description="Or a person named here.")
    position: str = ""


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    institution: str = ""
    position: str = ""


class ScheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: EksposeKind
    scheduled_at: datetime = Field(
        description="When the exposé is held; without an offset, in the service's zone. At least the third "
        "calendar day after today (the invitation goes out now)."
    )
    place: str
    topic: str = Field(description="The invitation's subject (perihal). Sealed.")
    penyaji: PresenterIn
    notulen: PresenterIn
    moderator: PresenterIn
    attendees: list[PersonIn] = Field(description="The parties invited (name, institution). Sealed.")
    letter_number: str = Field(default="", description="The invitation's letter number, as the body numbers them.")


class SignatoryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    function: str = Field(default="", description="Notulis, Ketua Tim, Sekretaris Inspektorat, Inspektur, ...")


class MinutesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conclusion: MinutesConclusion
    discussion: str
    chaired_by: str = ""
    agreed: str = Field(default="", description="sepakat: what was agreed.")
    disagreement: str = Field(default="", description="tidak-sepakat: the reasons.")
    new_evidence: str = Field(default="", description="bukti-baru: the evidence and how it changes the loss.")
    signatories: list[SignatoryIn]


class LeadersMeetingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    held_on: date
    decision: LeadersDecision
    decision_text: str = Field(description="What the leaders decided. Sealed.")
    participants: list[PersonIn]


class ResultSentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sent_to: str = Field(description="The head of region (Gubernur, Bupati) the result was sent to.")
    sent_on: date
    letter_number: str = ""


# -- what goes out ----------------------------------------------------------------------------------


class PersonOut(BaseModel):
    name: str
    institution: str
    position: str


class PresenterOut(BaseModel):
    seat: PresenterSeat
    name: str
    officer_id: str | None
    position: str


class SignatoryOut(BaseModel):
    name: str
    function: str


class MinutesOut(BaseModel):
    conclusion: MinutesConclusion
    chaired_by: str
    discussion: str
    agreed: str
    disagreement: str
    new_evidence: str
    signatories: list[SignatoryOut]
    recorded_by: str
    recorded_by_name: str
    recorded_at: datetime
    document_id: UUID | None


class LeadersMeetingOut(BaseModel):
    held_on: date
    decision: LeadersDecision
    decision_text: str
    participants: list[PersonOut]
    recorded_by: str
    recorded_at: datetime


class ResultSentOut(BaseModel):
    sent_to: str
    sent_on: date
    letter_number: str
    recorded_by: str
    recorded_at: datetime


class EksposeOut(BaseModel):
    id: UUID
    kind: EksposeKind
    state: str
    scheduled_at: datetime
    place: str
    letter_number: str
    invited_at: datetime
    invited_by: str
    invited_by_name: str
    topic: str
    presenters: list[PresenterOut]
    attendees: list[PersonOut]
    invitation_document_id: UUID | None
    minutes: MinutesOut | None = None
    leaders_meeting: LeadersMeetingOut | None = None
    result_sent: ResultSentOut | None = None


class EksposeListOut(BaseModel):
    case_status: str
    #: Whether the caller may schedule and record (the case's audit team or a ketua tim).
    may_work: bool
    #: The conclusion a hand-over rests on (the latest exposé agreed or settled by the leaders).
    conclusion_summary: str | None
    eksposes: list[EksposeOut]


def _people(people: list[PersonIn]) -> list[PersonDraft]:
    return [PersonDraft(p.name, p.institution, p.position) for p in people]


def ekspose_out(opened: OpenedEkspose) -> EksposeOut:
    e, invitation = opened.ekspose, opened.invitation
    minutes = leaders = result = None
    if e.minutes and opened.minutes:
        m = opened.minutes
        minutes = MinutesOut(
            conclusion=e.minutes.conclusion,
            chaired_by=m.chaired_by,
            discussion=m.discussion,
            agreed=m.conclusion,
            disagreement=m.disagreement,
            new_evidence=m.new_evidence,
            signatories=[SignatoryOut(name=s.name, function=s.function) for s in m.signatories],
            recorded_by=e.minutes.recorded_by,
            recorded_by_name=e.minutes.recorded_by_name,
            recorded_at=e.minutes.recorded_at,
            document_id=e.minutes.document_id,
        )
    if e.leaders_meeting and opened.leaders_meeting:
        leaders = LeadersMeetingOut(
            held_on=e.leaders_meeting.held_on,
            decision=e.leaders_meeting.decision,
            decision_text=opened.leaders_meeting.decision,
            participants=[PersonOut(**p.model_dump()) for p in opened.leaders_meeting.participants],
            recorded_by=e.leaders_meeting.recorded_by,
            recorded_at=e.leaders_meeting.recorded_at,
        )
    if e.result_sent:
        r = e.result_sent
        result = ResultSentOut(
            sent_to=r.sent_to,
            sent_on=r.sent_on,
            letter_number=r.letter_number,
            recorded_by=r.recorded_by,
            recorded_at=r.recorded_at,
        )
    return EksposeOut(
        id=e.id,
        kind=e.kind,
        state=e.state.value,
        scheduled_at=e.scheduled_at,
        place=e.place,
        letter_number=e.letter_number,
        invited_at=e.invited_at,
        invited_by=e.invited_by,
        invited_by_name=e.invited_by_name,
        topic=invitation.topic,
        presenters=[PresenterOut(**p.model_dump()) for p in invitation.presenters],
        attendees=[PersonOut(**p.model_dump()) for p in invitation.attendees],
        invitation_document_id=e.invitation_document_id,
        minutes=minutes,
        leaders_meeting=leaders,
        result_sent=result,
    )


def build_router(*, unit_of_work: Callable[[], InvestigationUnitOfWork], tools: EksposeTools) -> APIRouter:
    router = APIRouter(prefix="/api/v1/tenants/{tenant}/audits/{case_id}/ekspose", tags=["ekspose"])
    failures: dict[int | str, dict[str, Any]] = {
        403: {"model": ErrorBody},
        409: {"model": ErrorBody},
        422: {"model": ErrorBody},
    }

    async def view(tenant: str, case_id: UUID, caller: Caller, request: Request) -> EksposeView:
        found = await read_eksposes(
            tenant,
            case_id,
            officer_of(caller, request),
            permissions_in(caller.grants, tenant),
            uow=unit_of_work(),
            keys=tools.keys,
        )
        if found is None:
            raise not_found()
        return found

    async def one(tenant: str, case_id: UUID, ekspose_id: UUID, caller: Caller, request: Request) -> EksposeOut:
        found = await view(tenant, case_id, caller, request)
        return ekspose_out(next(e for e in found.eksposes if e.ekspose.id == ekspose_id))

    @router.get(
        "",
        response_model=EksposeListOut,
        responses={403: {"model": ErrorBody}},
        summary="Ekspose perkara / the case's exposés",
    )
    async def eksposes(
        tenant: str, case_id: UUID, request: Request, caller: MayReadCases
    ) -> EksposeListOut | JSONResponse:
        try:
            found = await view(tenant, case_id, caller, request)
        except EksposeRefused as problem:
            return refusal(problem)
        return EksposeListOut(
            case_status=found.case.status.value,
            may_work=found.may_work,
            conclusion_summary=found.conclusion.summary(tools.zone) if found.conclusion else None,
            eksposes=[ekspose_out(e) for e in found.eksposes],
        )

    @router.post(
        "",
        response_model=EksposeOut,
        status_code=status.HTTP_201_CREATED,
        responses=failures,
        summary="Jadwalkan ekspose / schedule an exposé",
        description="By the case's audit team or a ketua tim, after a final report with the result TPK. The "
        "invitation goes out now (a PDF in the vault), so the exposé must be held on the third calendar day "
        "after today or later: otherwise 422 naming the earliest allowed date, and nothing is kept.",
    )
    async def schedule(
        tenant: str, case_id: UUID, body: ScheduleIn, request: Request, caller: MayReadCases
    ) -> EksposeOut | JSONResponse:
        draft = ScheduleDraft(
            kind=body.kind.value,
            scheduled_at=body.scheduled_at,
            place=body.place,
            topic=body.topic,
            presenters=[
                PresenterDraft(seat.value, given.officer_id, given.name, given.position)
                for seat, given in (
                    (PresenterSeat.PENYAJI, body.penyaji),
                    (PresenterSeat.NOTULEN, body.notulen),
                    (PresenterSeat.MODERATOR, body.moderator),
                )
            ],
            attendees=_people(body.attendees),
            letter_number=body.letter_number,
        )
        officer = officer_of(caller, request)
        try:
            ekspose = await schedule_ekspose(
                tenant, case_id, draft, officer, permissions_in(caller.grants, tenant), uow=unit_of_work(), tools=tools
            )
        except EksposeRefused as problem:
            return refusal(problem)
        if ekspose is None:
            raise not_found()
        return await one(tenant, case_id, ekspose.id, caller, request)

    @router.post(
        "/{ekspose_id}/minutes",
        response_model=EksposeOut,
        responses=failures,
        summary="Notulen ekspose / the exposé's minutes",
        description="After the exposé. sepakat concludes it (the case file keeps the conclusion for a hand-over); "
        "tidak-sepakat waits for the leaders' meeting; bukti-baru sends the case back for testing "
        "(pengujian-ulang).",
    )
    async def minutes(
        tenant: str, case_id: UUID, ekspose_id: UUID, body: MinutesIn, request: Request, caller: MayReadCases
    ) -> EksposeOut | JSONResponse:
        draft = MinutesDraft(
            conclusion=body.conclusion.value,
            discussion=body.discussion,
            chaired_by=body.chaired_by,
            agreed=body.agreed,
            disagreement=body.disagreement,
            new_evidence=body.new_evidence,
            signatories=[(s.name, s.function) for s in body.signatories],
        )
        try:
            ekspose = await record_minutes(
                tenant,
                case_id,
                ekspose_id,
                draft,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                tools=tools,
            )
        except EksposeRefused as problem:
            return refusal(problem)
        if ekspose is None:
            raise not_found()
        return await one(tenant, case_id, ekspose_id, caller, request)

    @router.post(
        "/{ekspose_id}/leaders-meeting",
        response_model=EksposeOut,
        responses=failures,
        summary="Rapat antar pimpinan / the leaders' meeting on a disagreement",
    )
    async def leaders_meeting(
        tenant: str, case_id: UUID, ekspose_id: UUID, body: LeadersMeetingIn, request: Request, caller: MayReadCases
    ) -> EksposeOut | JSONResponse:
        draft = LeadersMeetingDraft(
            held_on=body.held_on,
            decision=body.decision.value,
            text=body.decision_text,
            participants=_people(body.participants),
        )
        try:
            ekspose = await record_leaders_meeting(
                tenant,
                case_id,
                ekspose_id,
                draft,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                tools=tools,
            )
        except EksposeRefused as problem:
            return refusal(problem)
        if ekspose is None:
            raise not_found()
        return await one(tenant, case_id, ekspose_id, caller, request)

    @router.post(
        "/{ekspose_id}/result-sent",
        response_model=EksposeOut,
        responses=failures,
        summary="Hasil ekspose kepada kepala daerah / the result sent to the head of region",
    )
    async def result_sent(
        tenant: str, case_id: UUID, ekspose_id: UUID, body: ResultSentIn, request: Request, caller: MayReadCases
    ) -> EksposeOut | JSONResponse:
        draft = ResultSentDraft(sent_to=body.sent_to, sent_on=body.sent_on, letter_number=body.letter_number)
        try:
            ekspose = await record_result_sent(
                tenant,
                case_id,
                ekspose_id,
                draft,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                tools=tools,
            )
        except EksposeRefused as problem:
            return refusal(problem)
        if ekspose is None:
            raise not_found()
        return await one(tenant, case_id, ekspose_id, caller, request)

    @router.get(
        "/{ekspose_id}/documents/{document_id}",
        responses={200: {"content": {"application/pdf": {}}}, 403: {"model": ErrorBody}},
        summary="Undangan atau notulen / the invitation or the minutes (PDF)",
    )
    async def document(
        tenant: str, case_id: UUID, ekspose_id: UUID, document_id: UUID, request: Request, caller: MayReadCases
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
            return refusal(problem)
        if found is None:
            raise not_found()
        return pdf_response(*found)

    return router


def pdf_response(document: CaseDocument, content: bytes) -> Response:
    """A stored PDF as a download (never shown inline: it is the audit's record, not a page)."""
    return attachment_of(document.title, "application/pdf", content)
