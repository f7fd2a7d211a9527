"""Intake's officer API: reports recorded from other channels (and forwarded down the hierarchy),
and the disclosure of a reporter's identity.

``POST /api/v1/tenants/{tenant}/reports`` (record-reports): a report that arrived by letter,
e-mail, suggestion box, in person, WBS Pusat, SP4N-LAPOR!, ... with the date received; optionally
forwarded to an active body below. Answers the number and secret to hand to the reporter.

``/api/v1/tenants/{tenant}/cases/{case_id}/identity-disclosures``: ``POST`` asks (with a written
reason), ``GET`` lists the case's requests (request-identity-disclosure);
``.../identity-disclosures/{id}/decision`` (decide-identity-disclosure): a custodian who did not
ask approves or refuses, with a reason; ``.../identity`` (request-identity-disclosure): the
identity, for the officer whose request was approved, until it expires.
``GET /api/v1/tenants/{tenant}/identity-disclosures`` (decide-identity-disclosure): the tenant's
requests, for its custodians. Every step is on the case's audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Literal
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from wbs_contracts.channels import SLUG_PATTERN
from wbs_contracts.envelope import TENANT_PATTERN
from wbs_contracts.events.intake import (
    SHORT_TEXT_LIMIT,
    TEXT_LIMIT,
    ReportedOfficial,
    ReporterIdentityV1,
    ReportSubstanceV1,
)
from wbs_intake.domain.disclosure import DisclosureRefused, DisclosureState, IdentityDisclosure
from wbs_intake.domain.recording import Arrival, RecordingRefused
from wbs_intake.domain.tenant import UnknownCategory, UnknownTenant
from wbs_intake.ports import IntakeUnitOfWork, Opener, Sealer, SecretHasher
from wbs_intake.usecases import (
    CaseNotFound,
    Officer,
    RecordedReport,
    Submission,
    case_disclosures,
    decide_disclosure,
    read_disclosed_identity,
    record_report,
    request_disclosure,
    tenant_disclosures,
)
from wbs_runtime.auth.access import Caller, not_found, require
from wbs_runtime.auth.permissions import Permission
from wbs_runtime.clock import Clock
from wbs_runtime.crypto import MissingKey
from wbs_runtime.http import ErrorBody, FieldProblem, InvalidInput, error_response

NO_STORE = {"Cache-Control": "no-store"}
NOT_READY = ErrorBody(
    pesan="Instansi ini belum siap menerima laporan (kunci enkripsi belum tersedia). Coba lagi nanti.",
    message="This body cannot take reports yet (its encryption keys are missing). Try again later.",
)

#: At module level: FastAPI resolves the (postponed) annotations in the module's namespace.
MayRecord = Annotated[Caller, require(Permission.RECORD_REPORTS)]
MayRequest = Annotated[Caller, require(Permission.REQUEST_IDENTITY_DISCLOSURE, hide=True)]
MayDecide = Annotated[Caller, require(Permission.DECIDE_IDENTITY_DISCLOSURE, hide=True)]

Element = Annotated[str, Field(max_length=TEXT_LIMIT)]
ShortElement = Annotated[str, Field(max_length=SHORT_TEXT_LIMIT)]


class RecordedReportForm(BaseModel):
    """A report as the petugas took it down: the channel and the day it arrived, 4W1H (only What is
    required: a letter often lacks the rest, and the queue flags what is missing), the terlapor,
    and, if the reporter gave them, their identity (kept sealed) and a contact."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    channel: str = Field(pattern=SLUG_PATTERN, description="Saluran: surat, email, kotak-saran, lisan, sp4n-lapor, ...")
    received_on: date = Field(description="Tanggal diterima (not in the future).")
    forward_to: str | None = Field(
        default=None, pattern=TENANT_PATTERN, description="Teruskan ke: an active body below this one."
    )
    category: str = Field(pattern=SLUG_PATTERN)
    what: Annotated[str, Field(min_length=1, max_length=TEXT_LIMIT)]
    where: ShortElement = ""
    when: ShortElement = ""
    who: Element = ""
    how: Element = ""
    amount_idr: int | None = Field(default=None, ge=0, le=10**16)
    terlapor: list[ReportedOfficial] = Field(default_factory=list, max_length=20)
    identity: ReporterIdentityV1 | None = Field(default=None, description="Identitas pelapor; stays sealed.")
    contact: str | None = Field(default=None, max_length=SHORT_TEXT_LIMIT, description="Kontak; stays sealed.")


RECORDED_PESAN = (
    "Laporan dicatat. Serahkan nomor registrasi dan kode rahasia ini kepada pelapor (misalnya tercetak): "
    "kode rahasia hanya ditampilkan sekali dan tidak disimpan oleh sistem."
)
RECORDED_MESSAGE = (
    "Report recorded. Hand this registration number and secret to the reporter (printed, for instance): "
    "the secret is shown only once and is not kept by the system."
)


class BodyOut(BaseModel):
    id: str
    name: str


class RecordedOut(BaseModel):
    registration_number: str
    secret: str | None
    status: str = "diterima"
    handled_by: BodyOut
    forwarded: bool
    pesan: str = RECORDED_PESAN
    message: str = RECORDED_MESSAGE


class DisclosureRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=4000, description="Alasan tertulis: the investigation or court it is needed for.")


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["disetujui", "ditolak"]
    reason: str = Field(max_length=4000)


class DisclosureOut(BaseModel):
    id: UUID
    case_id: UUID
    state: str
    requested_by: str
    requested_by_name: str
    reason: str
    requested_at: datetime
    decided_by: str | None
    decided_by_name: str | None
    decision_reason: str | None
    decided_at: datetime | None
    expires_at: datetime | None


class IdentityOut(BaseModel):
    identity: ReporterIdentityV1 | None
    expires_at: datetime | None
    pesan: str
    message: str


def disclosure_out(disclosure: IdentityDisclosure) -> DisclosureOut:
    return DisclosureOut(
        id=disclosure.id,
        case_id=disclosure.report_id,
        state=disclosure.state.value,
        requested_by=disclosure.requested_by,
        requested_by_name=disclosure.requested_by_name,
        reason=disclosure.reason,
        requested_at=disclosure.requested_at,
        decided_by=disclosure.decided_by,
        decided_by_name=disclosure.decided_by_name,
        decision_reason=disclosure.decision_reason,
        decided_at=disclosure.decided_at,
        expires_at=disclosure.expires_at,
    )


def acting(caller: Caller, request: Request) -> Officer:
    return Officer(
        officer_id=caller.officer_id,
        name=caller.name,
        roles=tuple(sorted(caller.acting_roles)),
        session_id=caller.session_id,
        correlation_id=request.headers.get("x-correlation-id"),
    )


def refused(problem: DisclosureRefused) -> JSONResponse:
    return JSONResponse(
        status_code=problem.status,
        content=ErrorBody(
            pesan=problem.pesan,
            message=problem.message,
            errors=[FieldProblem(field="reason", code=problem.code, pesan=problem.pesan, message=problem.message)],
        ).model_dump(),
        headers=NO_STORE,
    )


def recording_problem(problem: Exception) -> InvalidInput:
    if isinstance(problem, RecordingRefused):
        return InvalidInput(
            [FieldProblem(field=problem.field, code=problem.code, pesan=problem.pesan, message=problem.message)]
        )
    if isinstance(problem, UnknownCategory):
        return InvalidInput(
            [
                FieldProblem(
                    field="category",
                    code="unknown",
                    pesan="Kategori ini tidak tersedia di instansi yang menangani laporan.",
                    message="The body that handles the report has no such category.",
                )
            ]
        )
    return InvalidInput(
        [
            FieldProblem(
                field="forward_to",
                code="unknown",
                pesan="Instansi tujuan tidak menerima laporan.",
                message="The body addressed takes no reports.",
            )
        ]
    )


def submission_of(form: RecordedReportForm, tenant: str) -> tuple[Submission, Arrival]:
    substance = ReportSubstanceV1(
        what=form.what,
        where=form.where,
        when=form.when,
        who=form.who,
        how=form.how,
        amount_idr=form.amount_idr,
        terlapor=tuple(form.terlapor),
    )
    identity = form.identity if form.identity is not None and any(form.identity.model_dump().values()) else None
    arrival = Arrival(
        received_by=tenant, channel=form.channel, received_on=form.received_on, forward_to=form.forward_to
    )
    submission = Submission(
        tenant=arrival.handled_by,
        category=form.category,
        channel=form.channel,
        substance=substance,
        contact=form.contact or None,
        identity=identity,
    )
    return submission, arrival


@dataclass(frozen=True)
class OfficerDesk:
    """What the officers' API and pages share: the collaborators, and recording from a form."""

    unit_of_work: Callable[[], IntakeUnitOfWork]
    sealer: Sealer
    opener: Opener
    hasher: SecretHasher
    clock: Clock
    timezone: ZoneInfo
    disclosure_validity: timedelta

    async def record(self, tenant: str, form: RecordedReportForm, caller: Caller, request: Request) -> RecordedReport:
        """Raises ``InvalidInput`` for what the domain refuses, the 404 for a body taking no reports."""
        submission, arrival = submission_of(form, tenant)
        try:
            return await record_report(
                submission,
                arrival,
                acting(caller, request),
                uow=self.unit_of_work(),
                sealer=self.sealer,
                hasher=self.hasher,
                clock=self.clock,
                timezone=self.timezone,
            )
        except (RecordingRefused, UnknownCategory, UnknownTenant) as problem:
            if isinstance(problem, UnknownTenant) and problem.args and problem.args[0] == tenant:
                raise not_found() from None
            raise recording_problem(problem) from None


def build_router(desk: OfficerDesk) -> APIRouter:
    router = APIRouter(prefix="/api/v1/tenants/{tenant}", tags=["petugas / officers"])
    unit_of_work, clock = desk.unit_of_work, desk.clock

    @router.post(
        "/reports",
        status_code=status.HTTP_201_CREATED,
        response_model=RecordedOut,
        responses={404: {"model": ErrorBody}, 422: {"model": ErrorBody}, 503: {"model": ErrorBody}},
        summary="Catat laporan dari saluran lain / record a report from another channel",
    )
    async def record_from_channel(
        tenant: str, form: RecordedReportForm, request: Request, response: Response, caller: MayRecord
    ) -> RecordedOut | JSONResponse:
        try:
            recorded = await desk.record(tenant, form, caller, request)
        except MissingKey:
            return error_response(503, NOT_READY)
        response.headers.update(NO_STORE)
        return RecordedOut(
            registration_number=recorded.receipt.registration_number,
            secret=recorded.receipt.secret,
            handled_by=BodyOut(id=recorded.handled_by.id, name=recorded.handled_by.name),
            forwarded=recorded.forwarded,
        )

    disclosures = "/cases/{case_id}/identity-disclosures"

    @router.post(
        disclosures,
        status_code=status.HTTP_201_CREATED,
        response_model=DisclosureOut,
        responses={404: {"model": ErrorBody}, 409: {"model": ErrorBody}, 422: {"model": ErrorBody}},
        summary="Minta pembukaan identitas pelapor / ask for the reporter's identity",
    )
    async def ask(
        tenant: str, case_id: UUID, body: DisclosureRequestIn, request: Request, caller: MayRequest
    ) -> DisclosureOut | JSONResponse:
        try:
            disclosure = await request_disclosure(
                tenant, case_id, acting(caller, request), body.reason, uow=unit_of_work(), clock=clock
            )
        except CaseNotFound:
            raise not_found() from None
        except DisclosureRefused as problem:
            return refused(problem)
        return disclosure_out(disclosure)

    @router.get(
        disclosures,
        response_model=list[DisclosureOut],
        summary="Permintaan pembukaan identitas untuk perkara ini / the case's disclosure requests",
    )
    async def case_requests(tenant: str, case_id: UUID, request: Request, caller: MayRequest) -> list[DisclosureOut]:
        try:
            found = await case_disclosures(tenant, case_id, acting(caller, request), uow=unit_of_work())
        except CaseNotFound:
            raise not_found() from None
        return [disclosure_out(d) for d in found]

    @router.post(
        disclosures + "/{disclosure_id}/decision",
        response_model=DisclosureOut,
        responses={403: {"model": ErrorBody}, 404: {"model": ErrorBody}, 409: {"model": ErrorBody}},
        summary="Putuskan permintaan / approve or refuse a disclosure request",
    )
    async def decide(
        tenant: str, case_id: UUID, disclosure_id: UUID, body: DecisionIn, request: Request, caller: MayDecide
    ) -> DisclosureOut | JSONResponse:
        try:
            decided = await decide_disclosure(
                tenant,
                case_id,
                disclosure_id,
                acting(caller, request),
                approve=body.decision == DisclosureState.DISETUJUI.value,
                reason=body.reason,
                uow=unit_of_work(),
                clock=clock,
                validity=desk.disclosure_validity,
            )
        except CaseNotFound:
            raise not_found() from None
        except DisclosureRefused as problem:
            return refused(problem)
        return disclosure_out(decided)

    @router.get(
        "/cases/{case_id}/identity",
        response_model=IdentityOut,
        responses={403: {"model": ErrorBody}, 404: {"model": ErrorBody}},
        summary="Identitas pelapor (setelah disetujui) / the reporter's identity, once approved",
    )
    async def identity(
        tenant: str, case_id: UUID, request: Request, response: Response, caller: MayRequest
    ) -> IdentityOut | JSONResponse:
        try:
            disclosed = await read_disclosed_identity(
                tenant, case_id, acting(caller, request), uow=unit_of_work(), opener=desk.opener, clock=clock
            )
        except CaseNotFound:
            raise not_found() from None
        except DisclosureRefused as problem:
            return refused(problem)
        response.headers.update(NO_STORE)
        if disclosed.identity is None:
            pesan, message = "Pelapor tidak memberikan identitasnya.", "The reporter gave no identity."
        else:
            pesan = "Identitas pelapor bersifat rahasia: gunakan hanya untuk pemeriksaan atau peradilan."
            message = "The reporter's identity is confidential: use it only for the investigation or the court."
        return IdentityOut(
            identity=disclosed.identity, expires_at=disclosed.disclosure.expires_at, pesan=pesan, message=message
        )

    @router.get(
        "/identity-disclosures",
        response_model=list[DisclosureOut],
        summary="Permintaan pembukaan identitas di instansi ini / the tenant's disclosure requests",
    )
    async def tenant_requests(
        tenant: str,
        caller: MayDecide,
        state: Annotated[DisclosureState | None, Query(alias="status")] = None,
    ) -> list[DisclosureOut]:
        return [disclosure_out(d) for d in await tenant_disclosures(tenant, uow=unit_of_work(), state=state)]

    return router
