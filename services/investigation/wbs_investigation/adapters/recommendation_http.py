"""The officers' API for recommendations, under ``/api/v1/tenants/{tenant}/audits``:

- ``GET {case_id}/recommendations``: the case's recommendations (overdue first), their words,
  follow-ups and documents;
- ``POST {case_id}/recommendations``: issue one (the ketua tim or an auditor of the team, once the
  final report is out; the deadline of a sanction from the tenant's policy);
- ``POST {case_id}/recommendations/{id}/follow-up``: a note; ``POST .../documents`` (multipart):
  the copy of the SK (its number and date) or other evidence; ``GET .../documents/{document_id}``:
  download it; ``POST .../completion``: done, with its evidence;
- ``GET recommendations?overdue=true``: the tenant's follow-up queue (no words).

A case of another tenant, or none, answers 404; an officer who may not: 403 with the bilingual
reason; a case or recommendation in the wrong state: 409; bad fields: 422 (nothing changes).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, File, Form, Query, Request, UploadFile, status
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from wbs_contracts.events.investigation import RecommendationKind
from wbs_investigation.adapters.downloads import attachment_of
from wbs_investigation.adapters.officer import officer_of
from wbs_investigation.adapters.refusals import refusal
from wbs_investigation.domain.documents import CaseDocument
from wbs_investigation.domain.recommendation import (
    Draft,
    RecommendationRefused,
    limit_words,
)
from wbs_investigation.ports import Keys, RecommendationUnitOfWork, Vault
from wbs_investigation.usecases import (
    DocumentUpload,
    OpenedRecommendation,
    RecommendationsView,
    add_follow_up_document,
    complete_recommendation,
    follow_up_queue,
    issue_recommendation,
    open_follow_up_document,
    read_recommendations,
    record_follow_up_note,
)
from wbs_runtime.auth.access import Caller, not_found, require
from wbs_runtime.auth.permissions import Permission, permissions_in
from wbs_runtime.clock import Clock
from wbs_runtime.http import ErrorBody, UploadRoutes

PREFIX = "/api/v1/tenants/{tenant}/audits"
#: A copy of an SK or a scan of other evidence: generous for scans, far below the blob store's limits.
MAX_DOCUMENT_BYTES = 25 * 1024 * 1024
#: The upload routes of the API and the page, for the body size limit (``runtime.uploads``).
UPLOAD_PATHS = (
    r"/api/v1/tenants/[^/]+/audits/[^/]+/recommendations/[^/]+/documents",
    r"/audit/[^/]+/[^/]+/rekomendasi/[^/]+/dokumen",
)
#: At module level: FastAPI resolves the (postponed) annotations in the module's namespace.
MayReadCases = Annotated[Caller, require(Permission.READ_CASES, tenant="tenant", hide=True)]


def allow_uploads(uploads: UploadRoutes) -> None:
    for path in UPLOAD_PATHS:
        uploads.allow("POST", path, MAX_DOCUMENT_BYTES)


class RecommendationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: RecommendationKind
    addressed_to: str = Field(
        default="", description="The office that must act (e.g. Sekretaris Daerah); rujukan-lpsk: the LPSK's name."
    )
    text: str = Field(description="The recommendation's words; kept sealed. At most 10,000 characters.")
    received_on: date | None = Field(
        default=None, description="The day the addressee received it (default: today); the deadline counts from it."
    )
    due: date | None = Field(
        default=None, description="The deadline, for kinds whose deadline the policy does not set (then refused)."
    )


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(description="What was done about it; kept sealed.")


class CompletionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    carried_out_on: date | None = Field(
        default=None, description="The day it was carried out (default: the SK's date, else today)."
    )
    note: str = ""


class DocumentOut(BaseModel):
    document_id: UUID
    kind: str
    title: str
    media_type: str
    size: int
    sha256: str


class FollowUpOut(BaseModel):
    id: UUID
    kind: str = Field(
        description="catatan, sk, bukti, or pelimpahan (the approved hand-over that carried the recommendation "
        "out; its reference is the escalation's id)."
    )
    note: str
    reference: str
    dated: date | None
    recorded_by: str
    recorded_by_name: str
    recorded_at: datetime
    document: DocumentOut | None = None


class RecommendationOut(BaseModel):
    id: UUID
    case_id: UUID
    kind: RecommendationKind
    addressed_to: str
    agency: str | None
    text: str
    received_on: date
    due: date | None
    due_source: str | None
    due_basis: str
    policy_version: int
    issued_by: str
    issued_by_name: str
    issued_at: datetime
    overdue: bool
    overdue_noticed_at: datetime | None
    done: bool
    carried_out_on: date | None
    completed_at: datetime | None
    completed_by_name: str | None
    on_time: bool | None
    follow_ups: list[FollowUpOut]


class LimitOut(BaseModel):
    kind: RecommendationKind
    words: str
    words_en: str
    basis: str


class RecommendationsOut(BaseModel):
    case_id: UUID
    status: str
    result: str | None
    estimated_loss_idr: int | None
    report_number: str | None
    #: Whether the reader may issue and follow recommendations here.
    may_act: bool
    limits: list[LimitOut]
    recommendations: list[RecommendationOut]


class QueuedOut(BaseModel):
    id: UUID
    case_id: UUID
    agenda_number: str | None
    kind: RecommendationKind
    addressed_to: str
    received_on: date
    due: date | None
    overdue: bool


class QueueOut(BaseModel):
    tenant: str
    today: date
    recommendations: list[QueuedOut]


def recommendation_out(opened: OpenedRecommendation) -> RecommendationOut:
    r = opened.recommendation
    return RecommendationOut(
        id=r.id,
        case_id=r.case_id,
        kind=r.kind,
        addressed_to=r.addressed_to,
        agency=r.agency,
        text=opened.text,
        received_on=r.received_on,
        due=r.due,
        due_source=r.due_source.value if r.due_source else None,
        due_basis=r.due_basis,
        policy_version=r.policy_version,
        issued_by=r.issued_by,
        issued_by_name=r.issued_by_name,
        issued_at=r.issued_at,
        overdue=opened.overdue,
        overdue_noticed_at=r.overdue_noticed_at,
        done=r.done,
        carried_out_on=r.carried_out_on,
        completed_at=r.completed_at,
        completed_by_name=r.completed_by_name,
        on_time=r.on_time,
        follow_ups=[
            FollowUpOut(
                id=f.follow_up.id,
                kind=f.follow_up.kind.value,
                note=f.note,
                reference=f.follow_up.reference,
                dated=f.follow_up.dated,
                recorded_by=f.follow_up.recorded_by,
                recorded_by_name=f.follow_up.recorded_by_name,
                recorded_at=f.follow_up.recorded_at,
                document=DocumentOut(
                    document_id=f.document.document_id,
                    kind=f.document.kind.value,
                    title=f.document.title,
                    media_type=f.document.media_type,
                    size=f.document.size,
                    sha256=f.document.sha256,
                )
                if f.document
                else None,
            )
            for f in opened.follow_ups
        ],
    )


def recommendations_out(view: RecommendationsView) -> RecommendationsOut:
    case = view.case_file
    return RecommendationsOut(
        case_id=case.case_id,
        status=case.status.value,
        result=case.result.value if case.result else None,
        estimated_loss_idr=case.estimated_loss_idr,
        report_number=case.report_number,
        may_act=view.may_act,
        limits=[
            LimitOut(kind=kind, words=limit_words(limit)[0], words_en=limit_words(limit)[1], basis=limit.basis)
            for kind, limit in view.limits.items()
        ],
        recommendations=[recommendation_out(r) for r in view.recommendations],
    )


def build_router(
    *,
    unit_of_work: Callable[[], RecommendationUnitOfWork],
    keys: Keys,
    vault: Vault,
    clock: Clock,
    zone: ZoneInfo,
) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["rekomendasi / recommendations"])

    async def view(tenant: str, case_id: UUID, caller: Caller, request: Request) -> RecommendationsOut | JSONResponse:
        try:
            found = await read_recommendations(
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
            return refusal(problem)
        if found is None:
            raise not_found()
        return recommendations_out(found)

    async def single(
        tenant: str, case_id: UUID, recommendation_id: UUID, caller: Caller, request: Request
    ) -> Response | RecommendationOut:
        """One recommendation as the case's view shows it, after a change."""
        found = await view(tenant, case_id, caller, request)
        if isinstance(found, JSONResponse):
            return found
        return next(r for r in found.recommendations if r.id == recommendation_id)

    # Declared before the routes of one case: "recommendations" is not a case id.
    @router.get(
        "/recommendations",
        response_model=QueueOut,
        summary="Antrean tindak lanjut rekomendasi / the tenant's follow-up queue",
        description="Every recommendation not yet done, overdue ones first; overdue=true: only those.",
    )
    async def queue(
        tenant: str,
        request: Request,
        caller: MayReadCases,
        overdue: Annotated[bool, Query(description="Only those past their deadline.")] = False,
    ) -> QueueOut:
        queued, today = await follow_up_queue(
            tenant, officer_of(caller, request), overdue_only=overdue, uow=unit_of_work(), clock=clock, zone=zone
        )
        return QueueOut(
            tenant=tenant,
            today=today,
            recommendations=[
                QueuedOut(
                    id=q.recommendation.id,
                    case_id=q.recommendation.case_id,
                    agenda_number=q.agenda_number,
                    kind=q.recommendation.kind,
                    addressed_to=q.recommendation.addressed_to,
                    received_on=q.recommendation.received_on,
                    due=q.recommendation.due,
                    overdue=q.recommendation.overdue_on(today),
                )
                for q in queued
            ],
        )

    @router.get(
        "/{case_id}/recommendations",
        response_model=RecommendationsOut,
        responses={403: {"model": ErrorBody}},
        summary="Rekomendasi perkara / the case's recommendations",
    )
    async def recommendations(
        tenant: str, case_id: UUID, request: Request, caller: MayReadCases
    ) -> RecommendationsOut | JSONResponse:
        return await view(tenant, case_id, caller, request)

    @router.post(
        "/{case_id}/recommendations",
        response_model=RecommendationOut,
        status_code=status.HTTP_201_CREATED,
        responses={403: {"model": ErrorBody}, 409: {"model": ErrorBody}, 422: {"model": ErrorBody}},
        summary="Berikan rekomendasi / issue a recommendation",
        description="By the ketua tim or an auditor of the case's team, once the final report is issued. "
        "A disciplinary sanction is due by the tenant's policy (tindak-lanjut-disiplin), counted from receipt.",
    )
    async def issue(
        tenant: str, case_id: UUID, body: RecommendationIn, request: Request, caller: MayReadCases
    ) -> RecommendationOut | Response:
        draft = Draft(body.kind.value, body.addressed_to, body.text, body.received_on, body.due)
        try:
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
            return refusal(problem)
        if issued is None:
            raise not_found()
        return await single(tenant, case_id, issued.id, caller, request)

    @router.post(
        "/{case_id}/recommendations/{recommendation_id}/follow-up",
        response_model=RecommendationOut,
        status_code=status.HTTP_201_CREATED,
        responses={403: {"model": ErrorBody}, 409: {"model": ErrorBody}, 422: {"model": ErrorBody}},
        summary="Catatan tindak lanjut / a follow-up note",
    )
    async def follow_up(
        tenant: str, case_id: UUID, recommendation_id: UUID, body: NoteIn, request: Request, caller: MayReadCases
    ) -> RecommendationOut | Response:
        try:
            recorded = await record_follow_up_note(
                tenant,
                case_id,
                recommendation_id,
                body.note,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
            )
        except RecommendationRefused as problem:
            return refusal(problem)
        if recorded is None:
            raise not_found()
        return await single(tenant, case_id, recommendation_id, caller, request)

    @router.post(
        "/{case_id}/recommendations/{recommendation_id}/documents",
        response_model=RecommendationOut,
        status_code=status.HTTP_201_CREATED,
        responses={403: {"model": ErrorBody}, 409: {"model": ErrorBody}, 413: {"model": ErrorBody}},
        summary="Salinan SK atau bukti tindak lanjut / the copy of the SK, or other evidence",
        description="multipart/form-data: file, kind (sk or bukti), title, reference and dated (required for an "
        "SK: its number and date), note. Kept encrypted in the case's vault.",
    )
    async def document(
        tenant: str,
        case_id: UUID,
        recommendation_id: UUID,
        request: Request,
        caller: MayReadCases,
        file: Annotated[UploadFile, File(description="The document (PDF, office document, image, text).")],
        kind: Annotated[str, Form(description="sk or bukti")],
        title: Annotated[str, Form()],
        reference: Annotated[str, Form()] = "",
        dated: Annotated[date | None, Form()] = None,
        note: Annotated[str, Form()] = "",
    ) -> RecommendationOut | Response:
        upload = DocumentUpload(kind, title, await file.read(), reference, dated, note)
        try:
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
            return refusal(problem)
        if stored is None:
            raise not_found()
        return await single(tenant, case_id, recommendation_id, caller, request)

    @router.get(
        "/{case_id}/recommendations/{recommendation_id}/documents/{document_id}",
        responses={200: {"content": {"application/octet-stream": {}}}, 403: {"model": ErrorBody}},
        summary="Unduh dokumen tindak lanjut / download a follow-up document",
    )
    async def download(
        tenant: str, case_id: UUID, recommendation_id: UUID, document_id: UUID, request: Request, caller: MayReadCases
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
            return refusal(problem)
        if found is None:
            raise not_found()
        return attachment(*found)

    @router.post(
        "/{case_id}/recommendations/{recommendation_id}/completion",
        response_model=RecommendationOut,
        responses={403: {"model": ErrorBody}, 409: {"model": ErrorBody}, 422: {"model": ErrorBody}},
        summary="Selesai ditindaklanjuti / carried out, with its evidence",
        description="A sanction or an award needs the copy of its SK / decision first; others any evidence. "
        "On time when carried out by the deadline (recommendation-completed).",
    )
    async def completion(
        tenant: str, case_id: UUID, recommendation_id: UUID, body: CompletionIn, request: Request, caller: MayReadCases
    ) -> RecommendationOut | Response:
        try:
            done = await complete_recommendation(
                tenant,
                case_id,
                recommendation_id,
                body.carried_out_on,
                body.note,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
                zone=zone,
            )
        except RecommendationRefused as problem:
            return refusal(problem)
        if done is None:
            raise not_found()
        return await single(tenant, case_id, done.id, caller, request)

    return router


def attachment(document: CaseDocument, content: bytes) -> Response:
    """A stored document, to be saved (never shown inline)."""
    return attachment_of(document.title, document.media_type, content)
