"""The end of the telaah: the BPK/APIP flag, proposing a decision, approving or rejecting it, and
its effect (``telaah-decided``; for a report forwarded to a body in the system, its new case
there and that case's ``case-registered``), each on the tenant's audit trail in the same
transaction as what it records."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from wbs_contracts.events.approvals import ApprovalRequestedV1
from wbs_contracts.events.intake import EvidenceKeyV1, MailboxMessageV1, ReportSubstanceV1
from wbs_contracts.events.triage import (
    OUTCOME_DECISIONS,
    CaseRegisteredV1,
    TelaahConclusionV1,
    TelaahDecidedV1,
    TelaahOutcome,
)
from wbs_contracts.registry import CASE_REGISTERED, TELAAH_APPROVAL_REQUESTED, TELAAH_DECIDED
from wbs_contracts.roles import Role
from wbs_contracts.sealed import Audience, SealedPayload
from wbs_runtime.clock import Clock
from wbs_triage.domain.agenda import agenda_entry, agenda_year
from wbs_triage.domain.case import Case, CaseStatus
from wbs_triage.domain.decision import (
    CaseLink,
    DecisionRefused,
    Draft,
    LinkKind,
    PriorAudit,
    PriorAuditNoteV1,
    Proposal,
    ProposalState,
    ProposalTextV1,
    RejectionReasonV1,
    approver_roles,
    check_may_decide,
    check_may_propose,
    check_may_work,
    checked_draft,
    checked_prior_audit,
    effect_status,
)
from wbs_triage.domain.disposition import TeamSeat
from wbs_triage.domain.evidence import CaseEvidence
from wbs_triage.domain.telaah import may_open_substance, sits_on_team
from wbs_triage.ports import DecisionUnitOfWork, Keys
from wbs_triage.usecases.cases import Reader, _entry
from wbs_triage.usecases.entitlement import on_team
from wbs_triage.usecases.related import RelatedReports

#: How many of the tenant's latest cases the decision page offers to merge into.
MERGE_CANDIDATES = 200


@dataclass(frozen=True)
class PriorAuditDraft:
    audited: bool
    auditor: str | None = None
    state: str | None = None
    auditor_name: str = ""
    note: str = ""


async def _case_of(uow: DecisionUnitOfWork, tenant: str, case_id: UUID) -> Case | None:
    case = await uow.cases.get(case_id)
    return case if case is not None and case.tenant == tenant else None


async def record_prior_audit(
    tenant: str,
    case_id: UUID,
    draft: PriorAuditDraft,
    officer: Reader,
    permissions: Collection[str],
    *,
    uow: DecisionUnitOfWork,
    keys: Keys,
    clock: Clock,
) -> PriorAudit | None:
    """Record whether BPK or another APIP is auditing or has audited the same matter (it bars an
    audit investigasi); ``case.prior-audit-recorded`` on the trail. None: not the tenant's case;
    ``DecisionRefused`` (field ``officer``) for an officer not on its team (``check_may_work``)."""
    auditor, state, name = checked_prior_audit(draft.audited, draft.auditor, draft.state, draft.auditor_name)
    if len(draft.note) > 10_000:
        raise DecisionRefused("note", "Catatan terlalu panjang.", "The note is too long.")
    async with uow:
        case = await _case_of(uow, tenant, case_id)
        if case is None:
            return None
        check_may_work(permissions, on_team=await on_team(case, officer.officer_id, uow))
        note = draft.note.strip()
        flag = PriorAudit(
            case_id=case_id,
            tenant=tenant,
            audited=draft.audited,
            recorded_by=officer.officer_id,
            recorded_at=clock(),
            auditor=auditor,
            auditor_name=name,
            state=state,
            sealed_note=keys.seal(tenant, Audience.CASE_SUBSTANCE, PriorAuditNoteV1(text=note), case=case_id)
            if note
            else None,
        )
        await uow.prior_audits.save(flag)
        details = {
            "audited": draft.audited,
            "auditor": auditor.value if auditor else None,
            "state": state.value if state else None,
        }
        await uow.audit.append(_entry(tenant, case_id, officer, "case.prior-audit-recorded", details))
        await uow.commit()
        return flag


@dataclass(frozen=True)
class OpenedProposal:
    proposal: Proposal
    text: ProposalTextV1
    rejection: str | None


@dataclass(frozen=True)
class DecisionView:
    """What the decision page and API show of a case's end of telaah."""

    case: Case
    prior_audit: PriorAudit | None
    prior_audit_note: str
    proposals: list[OpenedProposal]
    links: list[CaseLink]
    bodies: list[tuple[str, str]]
    #: The roles the tenant's policy names for each outcome (empty: no approval asked).
    approvers: dict[TelaahOutcome, tuple[Role, ...]]
    #: The tenant's latest cases this one may be merged into (id, agenda number).
    merge_candidates: list[tuple[UUID, str]]
    #: The case's current team (none before its disposition): who works it to a decision.
    team: tuple[TeamSeat, ...] = ()
    #: Whether the words (proposals, rejections, the BPK/APIP note) were opened for the reader: only
    #: for those who may open the case, and for those the policy names to approve a decision.
    opened: bool = True

    @property
    def pending(self) -> OpenedProposal | None:
        return next((p for p in self.proposals if p.proposal.pending), None)


async def read_decisions(
    tenant: str,
    case_id: UUID,
    reader: Reader,
    permissions: Collection[str],
    *,
    uow: DecisionUnitOfWork,
    keys: Keys,
) -> DecisionView | None:
    """The case's flag, proposals and links; their words opened only for an officer who may open
    the case or whom the policy names to approve a decision (others see outcomes and states);
    ``case.decisions-read`` on the trail."""
    async with uow:
        case = await _case_of(uow, tenant, case_id)
        if case is None:
            return None
        flag = await uow.prior_audits.of_case(case_id)
        proposals = await uow.proposals.of_case(case_id)
        links = await uow.links.of_case(case_id)
        configuration = await uow.tenants.get(tenant)
        bodies = [(b.tenant_id, b.name) for b in await uow.bodies.active() if b.tenant_id != tenant]
        candidates = [
            (c.id, c.agenda.number)
            for c in await uow.cases.in_tenant(tenant, limit=MERGE_CANDIDATES)
            if c.id != case_id and c.status is not CaseStatus.DIGABUNG
        ]
        team = tuple((await uow.dispositions.teams([case_id])).get(case_id, ()))
        approvers = {
            outcome: approver_roles(configuration.policy, outcome) if configuration else () for outcome in TelaahOutcome
        }
        approving = {role.value for roles in approvers.values() for role in roles} & set(reader.roles)
        entitled = bool(approving) or may_open_substance(permissions, on_team=sits_on_team(reader.officer_id, team))
        await uow.audit.append(_entry(tenant, case_id, reader, "case.decisions-read", {"opened": entitled}))
        await uow.commit()
    opened = [
        OpenedProposal(
            p,
            keys.open(p.sealed_text, tenant=tenant, case=case_id, model=ProposalTextV1)
            if entitled
            else ProposalTextV1(),
            keys.open(p.sealed_rejection, tenant=tenant, case=case_id, model=RejectionReasonV1).text
            if p.sealed_rejection and entitled
            else None,
        )
        for p in proposals
    ]
    note = ""
    if flag is not None and flag.sealed_note is not None and entitled:
        note = keys.open(flag.sealed_note, tenant=tenant, case=case_id, model=PriorAuditNoteV1).text
    return DecisionView(case, flag, note, opened, links, bodies, approvers, candidates, team, opened=entitled)


async def propose_decision(
    tenant: str,
    case_id: UUID,
    draft: Draft,
    proposer: Reader,
    permissions: Collection[str],
    *,
    uow: DecisionUnitOfWork,
    keys: Keys,
    clock: Clock,
    zone: ZoneInfo,
    related: RelatedReports,
) -> Proposal | None:
    """A penelaah of the case's team proposes how the telaah ends. With approvers in the tenant's
    policy the case waits for them (menunggu-persetujuan); without, the decision takes effect at
    once. None: not the tenant's case; ``DecisionRefused``: a rule says no (field ``officer``:
    the proposer is not on the case's team, ``check_may_work``)."""
    async with uow:
        case = await _case_of(uow, tenant, case_id)
        status = await uow.statuses.lock(case_id) if case is not None else None
        if case is None or status is None:
            return None
        case = replace(case, status=status)
        check_may_work(permissions, on_team=await on_team(case, proposer.officer_id, uow))
        check_may_propose(case)
        configuration = await uow.tenants.get(tenant)
        if configuration is None:
            raise DecisionRefused(
                "policy",
                "Kebijakan instansi ini belum diterima dari direktori; coba lagi sebentar lagi.",
                "This body's policy has not arrived from the directory yet; try again shortly.",
            )
        merge_target = await uow.cases.get(draft.merged_into) if draft.merged_into else None
        bodies = await uow.bodies.active() if draft.forwarded_to_tenant else []
        checked, body_name = checked_draft(
            draft,
            case,
            prior_audit=await uow.prior_audits.of_case(case_id),
            bodies=bodies,
            merge_target=merge_target,
        )
        text = ProposalTextV1(
            reason_for_reporter=checked.reason_for_reporter,
            core_problem=checked.core_problem,
            analysis=checked.analysis,
            conclusion=checked.conclusion,
        )
        now = clock()
        proposal = Proposal(
            id=uuid4(),
            case_id=case_id,
            tenant=tenant,
            outcome=checked.outcome,
            status_before=status,
            proposed_by=proposer.officer_id,
            proposed_by_name=proposer.name,
            proposed_at=now,
            policy_version=configuration.policy_version,
            approver_roles=approver_roles(configuration.policy, checked.outcome),
            sealed_text=keys.seal(tenant, Audience.CASE_SUBSTANCE, text, case=case_id),
            not_processed_reason=checked.not_processed_reason,
            forwarded_to_tenant=checked.forwarded_to_tenant,
            forwarded_to_external=checked.forwarded_to_external,
            forwarded_to_name=body_name,
            merged_into=checked.merged_into,
        )
        details = {"proposal_id": str(proposal.id), "outcome": proposal.outcome.value}
        await uow.audit.append(_entry(tenant, case_id, proposer, "case.decision-proposed", details))
        if proposal.approver_roles:
            await uow.statuses.set(case_id, CaseStatus.MENUNGGU_PERSETUJUAN)
            await _request_approval(proposal, proposer, uow=uow)  # notify tells the approvers
        else:
            proposal.state = ProposalState.LANGSUNG
            proposal.decided_at = now
            await _take_effect(proposal, case, text, proposer, uow=uow, keys=keys, now=now, zone=zone, related=related)
        await uow.proposals.save(proposal)
        await uow.commit()
        return proposal


async def _request_approval(proposal: Proposal, proposer: Reader, *, uow: DecisionUnitOfWork) -> None:
    """``approval-requested``: which decision waits and where it is approved, never what it says."""
    requested = ApprovalRequestedV1(
        request_id=proposal.id,
        case_id=proposal.case_id,
        decision=OUTCOME_DECISIONS[proposal.outcome],
        approver_roles=proposal.approver_roles,
        requested_by=proposal.proposed_by,
        requested_at=proposal.proposed_at,
        page=f"/perkara/{proposal.tenant}/{proposal.case_id}/keputusan",
    )
    await uow.outbox.add(
        TELAAH_APPROVAL_REQUESTED,
        TELAAH_APPROVAL_REQUESTED.envelope(
            requested,
            tenant=proposal.tenant,
            subject=str(proposal.case_id),
            time=proposal.proposed_at,
            correlation_id=proposer.correlation_id or str(uuid4()),
        ),
    )


async def approve_decision(
    tenant: str,
    case_id: UUID,
    approver: Reader,
    held_roles: Iterable[Role],
    *,
    uow: DecisionUnitOfWork,
    keys: Keys,
    clock: Clock,
    zone: ZoneInfo,
    related: RelatedReports,
) -> Proposal | None:
    """An approver the policy names (never the proposer) approves the pending proposal: it takes
    effect. ``held_roles``: the approver's roles in the tenant, from their grants."""
    async with uow:
        case = await _case_of(uow, tenant, case_id)
        if case is None or await uow.statuses.lock(case_id) is None:
            return None
        proposal = await _pending(uow, case_id)
        role = check_may_decide(proposal, approver.officer_id, held_roles)
        now = clock()
        proposal.state = ProposalState.DISETUJUI
        proposal.decided_by, proposal.decided_by_name, proposal.decided_as = approver.officer_id, approver.name, role
        proposal.decided_at = now
        text = keys.open(proposal.sealed_text, tenant=tenant, case=case_id, model=ProposalTextV1)
        details = {"proposal_id": str(proposal.id), "outcome": proposal.outcome.value, "approved_as": role.value}
        await uow.audit.append(_entry(tenant, case_id, approver, "case.decision-approved", details))
        await _take_effect(proposal, case, text, approver, uow=uow, keys=keys, now=now, zone=zone, related=related)
        await uow.proposals.save(proposal)
        await uow.commit()
        return proposal


async def reject_decision(
    tenant: str,
    case_id: UUID,
    reason: str,
    approver: Reader,
    held_roles: Iterable[Role],
    *,
    uow: DecisionUnitOfWork,
    keys: Keys,
    clock: Clock,
) -> Proposal | None:
    """An approver sends the proposal back with a reason: the case returns to where it was."""
    cleaned = reason.strip()
    if not cleaned or len(cleaned) > 10_000:
        raise DecisionRefused(
            "reason",
            "Tuliskan alasan penolakan untuk pengusul (paling banyak 10.000 karakter).",
            "Write why the proposal is sent back, for its proposer (10,000 characters at most).",
        )
    async with uow:
        case = await _case_of(uow, tenant, case_id)
        if case is None or await uow.statuses.lock(case_id) is None:
            return None
        proposal = await _pending(uow, case_id)
        role = check_may_decide(proposal, approver.officer_id, held_roles)
        proposal.state = ProposalState.DITOLAK
        proposal.decided_by, proposal.decided_by_name, proposal.decided_as = approver.officer_id, approver.name, role
        proposal.decided_at = clock()
        proposal.sealed_rejection = keys.seal(
            tenant, Audience.CASE_SUBSTANCE, RejectionReasonV1(text=cleaned), case=case_id
        )
        await uow.statuses.set(case_id, proposal.status_before)
        details = {"proposal_id": str(proposal.id), "outcome": proposal.outcome.value, "rejected_as": role.value}
        await uow.audit.append(_entry(tenant, case_id, approver, "case.decision-rejected", details))
        await uow.proposals.save(proposal)
        await uow.commit()
        return proposal


async def _pending(uow: DecisionUnitOfWork, case_id: UUID) -> Proposal:
    proposal = await uow.proposals.pending_of_case(case_id, for_update=True)
    if proposal is None:
        raise DecisionRefused(
            "proposal",
            "Tidak ada usulan keputusan yang menunggu persetujuan pada perkara ini.",
            "No proposed decision of this case waits for approval.",
        )
    return proposal


async def _take_effect(
    proposal: Proposal,
    case: Case,
    text: ProposalTextV1,
    actor: Reader,
    *,
    uow: DecisionUnitOfWork,
    keys: Keys,
    now: datetime,
    zone: ZoneInfo,
    related: RelatedReports,
) -> None:
    """The decision takes effect: the case's new status, what its outcome does, ``telaah-decided``
    and ``case.decision-effective`` on the trail."""
    tenant, case_id = case.tenant, case.id
    fields: dict[str, object] = {}
    if proposal.outcome is TelaahOutcome.TIDAK_DIPROSES:
        fields = {
            "not_processed_reason": proposal.not_processed_reason,
            "reason_for_reporter": keys.seal(
                tenant, Audience.REPORTER_MAILBOX, MailboxMessageV1(text=text.reason_for_reporter), case=case_id
            ),
        }
    elif proposal.outcome is TelaahOutcome.DITERUSKAN:
        fields = {"forwarded_to_name": proposal.forwarded_to_name}
        if proposal.forwarded_to_tenant is not None:
            forwarded = await _forward(
                case, proposal.forwarded_to_tenant, actor, uow=uow, keys=keys, now=now, zone=zone, related=related
            )
            proposal.forwarded_case_id = forwarded.id
            fields |= {"forwarded_to_tenant": proposal.forwarded_to_tenant, "forwarded_case_id": forwarded.id}
        else:
            fields |= {"forwarded_to_external": proposal.forwarded_to_external}
    elif proposal.outcome is TelaahOutcome.DIGABUNG:
        assert proposal.merged_into is not None
        target = await uow.cases.get(proposal.merged_into)
        if target is None or target.tenant != tenant or target.status is CaseStatus.DIGABUNG:
            raise DecisionRefused(
                "merged_into",
                "Perkara tujuan tidak lagi dapat menerima penggabungan.",
                "The chosen case can no longer take a merge.",
            )
        fields = {"merged_into": target.id, "merged_into_agenda": target.agenda.number}
        await uow.links.add(
            CaseLink(case_id, tenant, LinkKind.DIGABUNG_KE, target.id, tenant, target.agenda.number, now)
        )
        await uow.links.add(
            CaseLink(target.id, tenant, LinkKind.MENERIMA_GABUNGAN, case_id, tenant, case.agenda.number, now)
        )
    else:
        conclusion = TelaahConclusionV1(
            core_problem=text.core_problem, analysis=text.analysis, conclusion=text.conclusion
        )
        fields = {
            "conclusion": keys.seal(tenant, Audience.CASE_SUBSTANCE, conclusion, case=case_id),
            # The auditors read the report itself: as it is kept, sealed to this body's case-substance.
            "report_substance": SealedPayload.model_validate(case.sealed_substance),
        }
    await uow.statuses.set(case_id, effect_status(proposal.outcome))
    decided = TelaahDecidedV1(
        case_id=case_id,
        outcome=proposal.outcome,
        decided_at=now,
        policy_version=proposal.policy_version,
        proposed_by=proposal.proposed_by,
        approved_by=proposal.decided_by if proposal.state is ProposalState.DISETUJUI else None,
        approved_as=proposal.decided_as if proposal.state is ProposalState.DISETUJUI else None,
        **fields,
    )
    await uow.outbox.add(
        TELAAH_DECIDED,
        TELAAH_DECIDED.envelope(
            decided, tenant=tenant, subject=str(case_id), time=now, correlation_id=actor.correlation_id or str(uuid4())
        ),
    )
    details = {"proposal_id": str(proposal.id), "outcome": proposal.outcome.value}
    if proposal.forwarded_case_id:
        details["forwarded_case_id"] = str(proposal.forwarded_case_id)
    await uow.audit.append(_entry(tenant, case_id, actor, "case.decision-effective", details))


async def _forward(
    case: Case,
    receiver: str,
    actor: Reader,
    *,
    uow: DecisionUnitOfWork,
    keys: Keys,
    now: datetime,
    zone: ZoneInfo,
    related: RelatedReports,
) -> Case:
    """Register the report at the receiving body as its new case: its own agenda number, the
    substance and each evidence key resealed to that body's case-substance (bound to the new
    case), ``received_by`` this body, indexed for related reports there (as ``register_case``
    does); ``case-registered`` for it; links both ways."""
    new_id = uuid4()
    substance = keys.open(
        SealedPayload.model_validate(case.sealed_substance), tenant=case.tenant, case=case.id, model=ReportSubstanceV1
    )
    sequence = await uow.agenda.next_sequence(receiver, agenda_year(now, zone))
    entry = agenda_entry(receiver, sequence, now, zone)
    forwarded = Case(
        id=new_id,
        tenant=receiver,
        category=case.category,
        channel=case.channel,
        received_at=case.received_at,
        agenda=entry,
        sealed_substance=keys.seal(receiver, Audience.CASE_SUBSTANCE, substance, case=new_id).model_dump(mode="json"),
        received_by=case.tenant,
        received_on=case.received_on,
    )
    await uow.cases.add(forwarded)
    await related.index(forwarded, uow, substance=substance)
    for evidence in await uow.evidence.of_case(case.id):
        if evidence.tenant != case.tenant:
            continue
        key = keys.open(
            SealedPayload.model_validate(evidence.sealed_key), tenant=case.tenant, case=case.id, model=EvidenceKeyV1
        )
        await uow.evidence.add(
            CaseEvidence(
                id=uuid4(),
                case_id=new_id,
                tenant=receiver,
                blob=evidence.blob,
                size_bytes=evidence.size_bytes,
                added_at=evidence.added_at,
                late=evidence.late,
                sealed_key=keys.seal(receiver, Audience.CASE_SUBSTANCE, key, case=new_id).model_dump(mode="json"),
            )
        )
    await uow.links.add(CaseLink(case.id, case.tenant, LinkKind.DITERUSKAN_KE, new_id, receiver, entry.number, now))
    await uow.links.add(
        CaseLink(new_id, receiver, LinkKind.DITERUSKAN_DARI, case.id, case.tenant, case.agenda.number, now)
    )
    registered = CaseRegisteredV1(
        case_id=new_id,
        agenda_number=entry.number,
        agenda_year=entry.year,
        agenda_sequence=entry.sequence,
        registered_on=entry.registered_on,
        registered_at=entry.registered_at,
        forwarded_from=case.id,
    )
    await uow.outbox.add(
        CASE_REGISTERED,
        CASE_REGISTERED.envelope(
            registered,
            tenant=receiver,
            subject=str(new_id),
            time=now,
            correlation_id=actor.correlation_id or str(uuid4()),
        ),
    )
    await uow.audit.append(_entry(receiver, new_id, actor, "case.received-forwarded", {"from_tenant": case.tenant}))
    return forwarded
