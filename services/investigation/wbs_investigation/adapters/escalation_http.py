"""The officers' API for a case's hand-over, under ``/api/v1/tenants/{tenant}/audits/{case_id}``:
``GET escalation`` (where the policy routes the case and why, the proposals), ``POST escalation``
(the ketua tim proposes), ``POST escalation/approval`` and ``POST escalation/rejection`` (whom the
tenant's policy names, never the proposer). A case of another tenant, or not under audit, answers
404; a rule that says no answers with its bilingual reason (403 who may not, 409 a case or proposal
in the wrong state or a policy that routes nothing, 422 the fields)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from wbs_investigation.adapters.officer import officer_of
from wbs_investigation.adapters.refusals import refusal
from wbs_investigation.domain.escalation import EscalationRefused
from wbs_investigation.ports import AgencyTopics, EscalationUnitOfWork, Keys
from wbs_investigation.usecases import (
    EscalationDraft,
    EscalationView,
    approve_escalation,
    propose_escalation,
    read_escalation,
    reject_escalation,
)
from wbs_investigation.usecases.escalation import OpenedEscalation
from wbs_runtime.auth.access import Caller, not_found, require
from wbs_runtime.auth.permissions import Permission, permissions_in
from wbs_runtime.clock import Clock
from wbs_runtime.http import ErrorBody

#: At module level: FastAPI resolves the (postponed) annotations in the module's namespace.
MayReadCases = Annotated[Caller, require(Permission.READ_CASES, hide=True)]


class EscalationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agency: str | None = Field(
        default=None, description="The receiving agency (tenant id): one the policy names for the target."
    )
    perihal: str = Field(default="", description="The hand-over letter's subject (default: the final report).")
    recommendation: str = Field(default="", description="Sealed; at most 10,000 characters.")


class RejectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str


class RoutingOut(BaseModel):
    loss_idr: int
    target: str
    recipients: list[str]
    approver_roles: list[str]
    policy_version: int
    basis: str
    pesan: str
    message: str


class EscalationOut(BaseModel):
    id: UUID
    state: str
    target: str
    agency: str
    agency_name: str
    estimated_loss_idr: int
    proposed_by: str
    proposed_by_name: str
    proposed_at: datetime
    proposal_policy_version: int
    approver_roles: list[str]
    perihal: str = ""
    recommendation: str = ""
    decided_by: str | None = None
    decided_by_name: str | None = None
    decided_as: str | None = None
    decided_at: datetime | None = None
    policy_version: int | None = None
    policy_basis: str = ""
    rejection_reason: str | None = None
    documents: list[UUID] = []
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    agency_reference: str | None = None


class CaseEscalationOut(BaseModel):
    status: str
    routing: RoutingOut | None
    #: Why a hand-over cannot be proposed now (None: it can).
    not_ready: ErrorBody | None
    agencies: dict[str, str]
    approver_roles: list[str]
    escalations: list[EscalationOut]
    may_propose: bool
    opened: bool


def escalation_out(opened: OpenedEscalation) -> EscalationOut:
    e = opened.escalation
    return EscalationOut(
        id=e.id,
        state=e.state.value,
        target=e.target.value,
        agency=e.agency,
        agency_name=e.agency_name,
        estimated_loss_idr=e.estimated_loss_idr,
        proposed_by=e.proposed_by,
        proposed_by_name=e.proposed_by_name,
        proposed_at=e.proposed_at,
        proposal_policy_version=e.proposal_policy_version,
        approver_roles=[r.value for r in e.approver_roles],
        perihal=opened.text.perihal if opened.text else "",
        recommendation=opened.text.recommendation if opened.text else "",
        decided_by=e.decided_by,
        decided_by_name=e.decided_by_name,
        decided_as=e.decided_as.value if e.decided_as else None,
        decided_at=e.decided_at,
        policy_version=e.policy_version,
        policy_basis=e.policy_basis,
        rejection_reason=opened.rejection,
        documents=[d.document_id for d in e.documents],
        acknowledged_at=e.acknowledged_at,
        acknowledged_by=e.acknowledged_by,
        agency_reference=e.agency_reference,
    )


def view_out(view: EscalationView) -> CaseEscalationOut:
    routing = view.routing
    return CaseEscalationOut(
        status=view.case_file.status.value,
        routing=RoutingOut(
            loss_idr=routing.loss,
            target=routing.target.value,
            recipients=list(routing.recipients),
            approver_roles=[r.value for r in routing.approver_roles],
            policy_version=routing.policy_version,
            basis=routing.basis,
            pesan=routing.why.pesan,
            message=routing.why.message,
        )
        if routing
        else None,
        not_ready=ErrorBody(pesan=view.not_ready.pesan, message=view.not_ready.message) if view.not_ready else None,
        agencies=dict(view.agencies),
        approver_roles=[r.value for r in view.approver_roles],
        escalations=[escalation_out(e) for e in view.escalations],
        may_propose=view.may_propose,
        opened=view.opened,
    )


def build_router(
    *,
    unit_of_work: Callable[[], EscalationUnitOfWork],
    keys: Keys,
    clock: Clock,
    topics: AgencyTopics,
    zone: ZoneInfo,
) -> APIRouter:
    router = APIRouter(prefix="/api/v1/tenants/{tenant}/audits/{case_id}", tags=["pelimpahan / escalation"])

    async def view(tenant: str, case_id: UUID, caller: Caller, request: Request) -> CaseEscalationOut:
        found = await read_escalation(
            tenant,
            case_id,
            officer_of(caller, request),
            permissions_in(caller.grants, tenant),
            caller.roles_in(tenant),
            uow=unit_of_work(),
            keys=keys,
        )
        if found is None:
            raise not_found()
        return view_out(found)

    @router.get(
        "/escalation",
        response_model=CaseEscalationOut,
        summary="Pelimpahan / where the policy routes the case, and the proposed hand-overs",
    )
    async def escalation(tenant: str, case_id: UUID, request: Request, caller: MayReadCases) -> CaseEscalationOut:
        return await view(tenant, case_id, caller, request)

    @router.post(
        "/escalation",
        response_model=CaseEscalationOut,
        status_code=status.HTTP_201_CREATED,
        responses={403: {"model": ErrorBody}, 409: {"model": ErrorBody}, 422: {"model": ErrorBody}},
        summary="Usulkan pelimpahan / propose handing the case to APH or the KPK",
        description="By the ketua tim (or the case team's ketua), once the final report is issued with the "
        "result TPK and an exposé concluded. Nothing leaves before the approval the policy asks for.",
    )
    async def propose(
        tenant: str, case_id: UUID, proposal: EscalationIn, request: Request, caller: MayReadCases
    ) -> CaseEscalationOut | JSONResponse:
        draft = EscalationDraft(
            agency=proposal.agency or None, perihal=proposal.perihal, recommendation=proposal.recommendation
        )
        try:
            proposed = await propose_escalation(
                tenant,
                case_id,
                draft,
                officer_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
            )
        except EscalationRefused as problem:
            return refusal(problem)
        if proposed is None:
            raise not_found()
        return await view(tenant, case_id, caller, request)

    @router.post(
        "/escalation/approval",
        response_model=CaseEscalationOut,
        responses={403: {"model": ErrorBody}, 409: {"model": ErrorBody}},
        summary="Setujui pelimpahan / approve the proposed hand-over",
        description="By an officer holding a role the tenant's policy names (the Governor, the Regent), never "
        "the proposer. The approval records the policy version that applied; the escalation goes to the "
        "agency's own topic and the case is diserahkan.",
    )
    async def approve(
        tenant: str, case_id: UUID, request: Request, caller: MayReadCases
    ) -> CaseEscalationOut | JSONResponse:
        try:
            approved = await approve_escalation(
                tenant,
                case_id,
                officer_of(caller, request),
                caller.roles_in(tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
                topics=topics,
                zone=zone,
            )
        except EscalationRefused as problem:
            return refusal(problem)
        if approved is None:
            raise not_found()
        return await view(tenant, case_id, caller, request)

    @router.post(
        "/escalation/rejection",
        response_model=CaseEscalationOut,
        responses={403: {"model": ErrorBody}, 409: {"model": ErrorBody}, 422: {"model": ErrorBody}},
        summary="Tolak pelimpahan / send the proposed hand-over back with a reason",
    )
    async def reject(
        tenant: str, case_id: UUID, rejection: RejectionIn, request: Request, caller: MayReadCases
    ) -> CaseEscalationOut | JSONResponse:
        try:
            rejected = await reject_escalation(
                tenant,
                case_id,
                rejection.reason,
                officer_of(caller, request),
                caller.roles_in(tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
            )
        except EscalationRefused as problem:
            return refusal(problem)
        if rejected is None:
            raise not_found()
        return await view(tenant, case_id, caller, request)

    return router
