"""The officers' API for the end of the telaah, under ``/api/v1/tenants/{tenant}/cases/{case_id}``:
``GET decision`` (the flag, the proposals and the links), ``POST decision`` (a penelaah proposes),
``POST decision/approval`` and ``POST decision/rejection`` (an approver the tenant's policy names,
never the proposer), ``PUT prior-audit`` (the BPK/APIP flag). A case of another tenant, or none,
answers 404; a rule that says no answers with its bilingual reason (403 for who may not, 409 for
a case or proposal in the wrong state, 422 for the fields)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from wbs_contracts.events.triage import NotProcessedReason, TelaahOutcome
from wbs_runtime.auth.access import Caller, not_found, require
from wbs_runtime.auth.permissions import Permission, permissions_in
from wbs_runtime.clock import Clock
from wbs_runtime.http import ErrorBody, FieldProblem, error_response
from wbs_triage.adapters.officer import reader_of
from wbs_triage.domain.decision import DecisionRefused, Draft, PriorAudit
from wbs_triage.ports import DecisionUnitOfWork, Keys
from wbs_triage.usecases import (
    DecisionView,
    OpenedProposal,
    PriorAuditDraft,
    RelatedReports,
    approve_decision,
    propose_decision,
    read_decisions,
    record_prior_audit,
    reject_decision,
)

#: At module level: FastAPI resolves the (postponed) annotations in the module's namespace.
MayReadCases = Annotated[Caller, require(Permission.READ_CASES, hide=True)]
MayAssessCases = Annotated[Caller, require(Permission.ASSESS_CASES, hide=True)]

#: Which answer each refused field gets: who may not (403), a state that does not allow it (409).
_FORBIDDEN_FIELDS = {"approver", "officer"}
_CONFLICT_FIELDS = {"case", "proposal", "policy"}


def refusal(problem: DecisionRefused) -> JSONResponse:
    code = 403 if problem.field in _FORBIDDEN_FIELDS else 409 if problem.field in _CONFLICT_FIELDS else 422
    body = ErrorBody(
        pesan=problem.pesan,
        message=problem.message,
        errors=[FieldProblem(field=problem.field, code="refused", pesan=problem.pesan, message=problem.message)],
    )
    return error_response(code, body)


class PriorAuditIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    audited: bool = Field(description="Whether BPK or another APIP is auditing or has audited the same matter.")
    auditor: str | None = Field(default=None, description="bpk or apip-lain.")
    state: str | None = Field(default=None, description="sedang (under way) or sudah (done).")
    auditor_name: str = Field(default="", description="The APIP's name (required for apip-lain).")
    note: str = Field(default="", description="Sealed; at most 10,000 characters.")


class PriorAuditOut(BaseModel):
    audited: bool
    auditor: str | None
    auditor_name: str
    state: str | None
    note: str
    recorded_by: str
    recorded_at: datetime


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: TelaahOutcome
    not_processed_reason: NotProcessedReason | None = None
    reason_for_reporter: str = Field(default="", description="tidak-diproses: the reason in plain words.")
    forwarded_to_tenant: str | None = Field(default=None, description="diteruskan: a body in the system.")
    forwarded_to_external: str | None = Field(default=None, description="diteruskan: e.g. SP4N-LAPOR!")
    merged_into: UUID | None = Field(default=None, description="digabung: a case of this body.")
    core_problem: str = ""
    analysis: str = ""
    conclusion: str = Field(default="", description="audit-investigasi: the conclusion and next step.")


class RejectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str


class ProposalOut(BaseModel):
    id: UUID
    outcome: TelaahOutcome
    state: str
    proposed_by: str
    proposed_by_name: str
    proposed_at: datetime
    policy_version: int
    approver_roles: list[str]
    not_processed_reason: str | None = None
    reason_for_reporter: str = ""
    forwarded_to_tenant: str | None = None
    forwarded_to_external: str | None = None
    forwarded_to_name: str | None = None
    forwarded_case_id: UUID | None = None
    merged_into: UUID | None = None
    conclusion: str = ""
    decided_by: str | None = None
    decided_as: str | None = None
    decided_at: datetime | None = None
    rejection_reason: str | None = None


class LinkOut(BaseModel):
    kind: str
    case_id: UUID
    tenant: str
    agenda_number: str
    at: datetime


class DecisionOut(BaseModel):
    status: str
    prior_audit: PriorAuditOut | None
    proposals: list[ProposalOut]
    links: list[LinkOut]
    approvers: dict[str, list[str]]
    #: False: the proposals' words, reasons and the BPK/APIP note are not opened for this officer
    #: (only the team, the ketua tim, the pimpinan satker and the policy's approvers read them).
    opened: bool = True


def _prior_audit_out(flag: PriorAudit, note: str) -> PriorAuditOut:
    return PriorAuditOut(
        audited=flag.audited,
        auditor=flag.auditor.value if flag.auditor else None,
        auditor_name=flag.auditor_name,
        state=flag.state.value if flag.state else None,
        note=note,
        recorded_by=flag.recorded_by,
        recorded_at=flag.recorded_at,
    )


def proposal_out(opened: OpenedProposal) -> ProposalOut:
    p = opened.proposal
    return ProposalOut(
        id=p.id,
        outcome=p.outcome,
        state=p.state.value,
        proposed_by=p.proposed_by,
        proposed_by_name=p.proposed_by_name,
        proposed_at=p.proposed_at,
        policy_version=p.policy_version,
        approver_roles=[r.value for r in p.approver_roles],
        not_processed_reason=p.not_processed_reason.value if p.not_processed_reason else None,
        reason_for_reporter=opened.text.reason_for_reporter,
        forwarded_to_tenant=p.forwarded_to_tenant,
        forwarded_to_external=p.forwarded_to_external,
        forwarded_to_name=p.forwarded_to_name,
        forwarded_case_id=p.forwarded_case_id,
        merged_into=p.merged_into,
        conclusion=opened.text.conclusion,
        decided_by=p.decided_by,
        decided_as=p.decided_as.value if p.decided_as else None,
        decided_at=p.decided_at,
        rejection_reason=opened.rejection,
    )


def decision_out(view: DecisionView) -> DecisionOut:
    return DecisionOut(
        status=view.case.status.value,
        prior_audit=_prior_audit_out(view.prior_audit, view.prior_audit_note) if view.prior_audit else None,
        proposals=[proposal_out(p) for p in view.proposals],
        links=[
            LinkOut(
                kind=link.kind.value,
                case_id=link.other_case_id,
                tenant=link.other_tenant,
                agenda_number=link.other_agenda,
                at=link.at,
            )
            for link in view.links
        ],
        approvers={outcome.value: [r.value for r in roles] for outcome, roles in view.approvers.items()},
        opened=view.opened,
    )


def draft_of(decision: DecisionIn) -> Draft:
    return Draft(
        outcome=decision.outcome,
        not_processed_reason=decision.not_processed_reason,
        reason_for_reporter=decision.reason_for_reporter,
        forwarded_to_tenant=decision.forwarded_to_tenant or None,
        forwarded_to_external=decision.forwarded_to_external or None,
        merged_into=decision.merged_into,
        core_problem=decision.core_problem,
        analysis=decision.analysis,
        conclusion=decision.conclusion,
    )


def build_router(
    *,
    unit_of_work: Callable[[], DecisionUnitOfWork],
    keys: Keys,
    clock: Clock,
    zone: ZoneInfo,
    related: RelatedReports,
) -> APIRouter:
    router = APIRouter(prefix="/api/v1/tenants/{tenant}/cases/{case_id}", tags=["perkara / cases"])

    async def view(tenant: str, case_id: UUID, caller: Caller, request: Request) -> DecisionOut:
        permissions = permissions_in(caller.grants, tenant)
        found = await read_decisions(
            tenant, case_id, reader_of(caller, request), permissions, uow=unit_of_work(), keys=keys
        )
        if found is None:
            raise not_found()
        return decision_out(found)

    @router.get("/decision", response_model=DecisionOut, summary="Keputusan telaah / the end of a case's telaah")
    async def decision(tenant: str, case_id: UUID, request: Request, caller: MayReadCases) -> DecisionOut:
        return await view(tenant, case_id, caller, request)

    @router.post(
        "/decision",
        response_model=DecisionOut,
        status_code=status.HTTP_201_CREATED,
        responses={403: {"model": ErrorBody}, 409: {"model": ErrorBody}, 422: {"model": ErrorBody}},
        summary="Usulkan keputusan / propose how the telaah ends",
        description="By a penelaah on the case's team (403 otherwise). With approvers in the tenant's policy "
        "the case waits for them; otherwise the decision takes effect at once (telaah-decided).",
    )
    async def propose(
        tenant: str, case_id: UUID, decision: DecisionIn, request: Request, caller: MayAssessCases
    ) -> DecisionOut | JSONResponse:
        try:
            proposal = await propose_decision(
                tenant,
                case_id,
                draft_of(decision),
                reader_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
                zone=zone,
                related=related,
            )
        except DecisionRefused as problem:
            return refusal(problem)
        if proposal is None:
            raise not_found()
        return await view(tenant, case_id, caller, request)

    @router.post(
        "/decision/approval",
        response_model=DecisionOut,
        responses={403: {"model": ErrorBody}, 409: {"model": ErrorBody}},
        summary="Setujui keputusan / approve the proposed decision",
        description="By an officer holding a role the tenant's policy names for this outcome, never its proposer.",
    )
    async def approve(tenant: str, case_id: UUID, request: Request, caller: MayReadCases) -> DecisionOut | JSONResponse:
        try:
            proposal = await approve_decision(
                tenant,
                case_id,
                reader_of(caller, request),
                caller.roles_in(tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
                zone=zone,
                related=related,
            )
        except DecisionRefused as problem:
            return refusal(problem)
        if proposal is None:
            raise not_found()
        return await view(tenant, case_id, caller, request)

    @router.post(
        "/decision/rejection",
        response_model=DecisionOut,
        responses={403: {"model": ErrorBody}, 409: {"model": ErrorBody}, 422: {"model": ErrorBody}},
        summary="Tolak usulan / send the proposal back with a reason",
    )
    async def reject(
        tenant: str, case_id: UUID, rejection: RejectionIn, request: Request, caller: MayReadCases
    ) -> DecisionOut | JSONResponse:
        try:
            proposal = await reject_decision(
                tenant,
                case_id,
                rejection.reason,
                reader_of(caller, request),
                caller.roles_in(tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
            )
        except DecisionRefused as problem:
            return refusal(problem)
        if proposal is None:
            raise not_found()
        return await view(tenant, case_id, caller, request)

    @router.put(
        "/prior-audit",
        response_model=PriorAuditOut,
        responses={403: {"model": ErrorBody}, 422: {"model": ErrorBody}},
        summary="Pemeriksaan BPK/APIP lain / whether BPK or another APIP audits the same matter",
        description="When set, an audit investigasi cannot be proposed (004 BAB II C.4).",
    )
    async def prior_audit(
        tenant: str, case_id: UUID, flag: PriorAuditIn, request: Request, caller: MayAssessCases
    ) -> PriorAuditOut | JSONResponse:
        draft = PriorAuditDraft(flag.audited, flag.auditor, flag.state, flag.auditor_name, flag.note)
        try:
            recorded = await record_prior_audit(
                tenant,
                case_id,
                draft,
                reader_of(caller, request),
                permissions_in(caller.grants, tenant),
                uow=unit_of_work(),
                keys=keys,
                clock=clock,
            )
        except DecisionRefused as problem:
            return refusal(problem)
        if recorded is None:
            raise not_found()
        return _prior_audit_out(recorded, flag.note.strip())

    return router
