"""Escalation (pelimpahan) to APH or the KPK: routed by the tenant's policy, proposed by the ketua
tim, approved by whom the policy names (never the proposer); on approval, in one transaction, the
dossier sealed to the agency, ``EscalationV1`` on the agency's own topic, ``CASE_HANDED_OVER``, the
case file ``diserahkan``, and the open penyerahan-aph/kpk recommendation for that target completed.
Nothing leaves before the approval. Every step is on the tenant's audit trail.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from wbs_contracts.events.approvals import ApprovalRequestedV1
from wbs_contracts.events.directory import Decision
from wbs_contracts.events.intake import NAME_LIMIT, TEXT_LIMIT
from wbs_contracts.events.investigation import CaseHandedOverV1, EscalatedDocument, EscalationV1
from wbs_contracts.registry import CASE_HANDED_OVER, ESCALATION_APPROVAL_REQUESTED, escalations_to
from wbs_contracts.roles import Role
from wbs_contracts.sealed import Audience
from wbs_investigation.domain.case_file import CaseFile
from wbs_investigation.domain.documents import DocumentKind
from wbs_investigation.domain.escalation import (
    Escalation,
    EscalationProposalTextV1,
    EscalationRefused,
    EscalationRejectionV1,
    EscalationState,
    Routing,
    check_case_unchanged,
    check_may_decide,
    check_may_propose,
    check_no_pending,
    check_ready,
    check_routing_unchanged,
    checked_text,
    choose_agency,
    default_perihal,
    dossier,
    may_propose,
    route,
)
from wbs_investigation.domain.team import TeamSeat, may_open_audit
from wbs_investigation.ports import AgencyTopics, EscalationUnitOfWork, Keys
from wbs_investigation.usecases.case_files import Officer, entry
from wbs_investigation.usecases.dossier import dossier_sources
from wbs_investigation.usecases.hand_over import complete_recommendations_handed_over
from wbs_runtime.clock import Clock

log = logging.getLogger(__name__)

POLICY_NOT_ARRIVED = EscalationRefused(
    "policy",
    "Kebijakan instansi ini belum diterima dari direktori; coba lagi sebentar lagi.",
    "This body's policy has not arrived from the directory yet; try again shortly.",
)


@dataclass(frozen=True)
class EscalationDraft:
    """A hand-over as the ketua tim proposes it."""

    #: One of the policy's recipients for the target (may be left out when the policy names one).
    agency: str | None = None
    #: The hand-over letter's subject (default: the final report's number in words).
    perihal: str = ""
    recommendation: str = ""


@dataclass(frozen=True)
class OpenedEscalation:
    escalation: Escalation
    #: None when this officer may not read the proposal's words.
    text: EscalationProposalTextV1 | None
    rejection: str | None


@dataclass(frozen=True)
class EscalationView:
    """The pelimpahan of one case: where the policy routes it and why, and the proposals so far."""

    case_file: CaseFile
    #: None when the case has no loss to route yet, or the policy routes nothing.
    routing: Routing | None
    #: Why nothing can be proposed now (None: it can).
    not_ready: EscalationRefused | None
    #: The policy's recipients of the target: (tenant id, name).
    agencies: tuple[tuple[str, str], ...]
    escalations: tuple[OpenedEscalation, ...]
    #: The roles the policy names now to approve a hand-over.
    approver_roles: tuple[Role, ...]
    may_propose: bool
    #: Whether the proposals' words are opened for this officer.
    opened: bool

    @property
    def pending(self) -> OpenedEscalation | None:
        return next((e for e in self.escalations if e.escalation.pending), None)


async def _case_file(uow: EscalationUnitOfWork, tenant: str, case_id: UUID, *, lock: bool = False) -> CaseFile | None:
    case_file = await (uow.case_files.lock(case_id) if lock else uow.case_files.get(case_id))
    if case_file is None or case_file.tenant != tenant or not case_file.status.in_audit:
        return None
    return case_file


async def _seat(uow: EscalationUnitOfWork, case_id: UUID, officer_id: str) -> TeamSeat | None:
    return next((m.seat for m in await uow.teams.of_case(case_id) if m.officer_id == officer_id), None)


async def read_escalation(
    tenant: str,
    case_id: UUID,
    reader: Officer,
    permissions: Collection[str],
    held_roles: Iterable[Role],
    *,
    uow: EscalationUnitOfWork,
    keys: Keys,
) -> EscalationView | None:
    """The case's pelimpahan for the officers of its tenant (None: not the tenant's case under audit).
    The proposals' words open for the audit's readers (``may_open_audit``) and the policy's approvers."""
    async with uow:
        case_file = await _case_file(uow, tenant, case_id)
        if case_file is None:
            return None
        configuration = await uow.tenants.get(tenant)
        not_ready: EscalationRefused | None = None
        routing: Routing | None = None
        try:
            check_ready(case_file)
        except EscalationRefused as refused:
            not_ready = refused
        if configuration is None:
            not_ready = not_ready or POLICY_NOT_ARRIVED
        elif case_file.estimated_loss_idr is not None:
            try:
                routing = route(
                    case_file.estimated_loss_idr,
                    configuration.policy.escalation,
                    policy_version=configuration.policy_version,
                )
            except EscalationRefused as refused:
                not_ready = not_ready or refused
        approvers = tuple(configuration.policy.escalation.approver_roles) if configuration else ()
        seat = await _seat(uow, case_id, reader.officer_id)
        held = set(held_roles)
        opened = may_open_audit(permissions, on_team=seat is not None) or any(r in held for r in approvers)
        names = await uow.tenants.several(routing.recipients) if routing else {}
        agencies = tuple((a, names[a].name if a in names else a) for a in (routing.recipients if routing else ()))
        escalations = await uow.escalations.of_case(case_id)
        await uow.audit.append(entry(tenant, case_id, reader, "escalation.read", opened=opened))
        await uow.commit()
    return EscalationView(
        case_file=case_file,
        routing=routing,
        not_ready=not_ready,
        agencies=agencies,
        escalations=tuple(_opened(e, keys, opened=opened) for e in escalations),
        approver_roles=approvers,
        may_propose=may_propose(permissions, seat),
        opened=opened,
    )


def _opened(escalation: Escalation, keys: Keys, *, opened: bool) -> OpenedEscalation:
    if not opened:
        return OpenedEscalation(escalation, None, None)
    tenant, case = escalation.tenant, escalation.case_id
    text = keys.open(escalation.sealed_text, tenant=tenant, case=case, model=EscalationProposalTextV1)
    rejection = (
        keys.open(escalation.sealed_rejection, tenant=tenant, case=case, model=EscalationRejectionV1).text
        if escalation.sealed_rejection
        else None
    )
    return OpenedEscalation(escalation, text, rejection)


async def propose_escalation(
    tenant: str,
    case_id: UUID,
    draft: EscalationDraft,
    proposer: Officer,
    permissions: Collection[str],
    *,
    uow: EscalationUnitOfWork,
    keys: Keys,
    clock: Clock,
) -> Escalation | None:
    """The ketua tim proposes handing the case over to an agency the policy's routing names. None:
    not the tenant's case under audit; ``EscalationRefused``: a rule says no, and nothing is stored."""
    async with uow:
        case_file = await _case_file(uow, tenant, case_id, lock=True)
        if case_file is None:
            return None
        check_may_propose(permissions, await _seat(uow, case_id, proposer.officer_id))
        loss = check_ready(case_file)
        configuration = await uow.tenants.get(tenant)
        if configuration is None:
            raise POLICY_NOT_ARRIVED
        routing = route(loss, configuration.policy.escalation, policy_version=configuration.policy_version)
        known = await uow.tenants.several(routing.recipients)
        agency = choose_agency(routing, draft.agency, known)
        check_no_pending(await uow.escalations.of_case(case_id))
        text = EscalationProposalTextV1(
            perihal=checked_text(draft.perihal or default_perihal(case_file), "perihal", limit=NAME_LIMIT),
            recommendation=checked_text(draft.recommendation, "recommendation", limit=TEXT_LIMIT),
        )
        assert case_file.result is not None  # check_ready: tpk
        escalation = Escalation(
            id=uuid4(),
            case_id=case_id,
            tenant=tenant,
            target=routing.target,
            agency=agency,
            agency_name=known[agency].name,
            result=case_file.result,
            estimated_loss_idr=loss,
            report_number=case_file.report_number,
            proposed_by=proposer.officer_id,
            proposed_by_name=proposer.name,
            proposed_at=clock(),
            proposal_policy_version=routing.policy_version,
            approver_roles=routing.approver_roles,
            sealed_text=keys.seal(tenant, Audience.CASE_SUBSTANCE, text, case=case_id),
        )
        await uow.escalations.save(escalation)
        details = {
            "escalation_id": str(escalation.id),
            "target": routing.target.value,
            "agency": agency,
            "policy_version": routing.policy_version,
        }
        await uow.audit.append(entry(tenant, case_id, proposer, "escalation.proposed", **details))
        if escalation.approver_roles:
            await _request_approval(escalation, proposer, uow=uow)  # notify tells the approvers
        await uow.commit()
        return escalation


async def _request_approval(escalation: Escalation, proposer: Officer, *, uow: EscalationUnitOfWork) -> None:
    """``approval-requested``: a hand-over waits, and where it is approved; never what it is about."""
    requested = ApprovalRequestedV1(
        request_id=escalation.id,
        case_id=escalation.case_id,
        decision=Decision.ESCALATION,
        approver_roles=escalation.approver_roles,
        requested_by=escalation.proposed_by,
        requested_at=escalation.proposed_at,
        page=f"/audit/{escalation.tenant}/{escalation.case_id}/pelimpahan",
    )
    await uow.outbox.add(
        ESCALATION_APPROVAL_REQUESTED,
        ESCALATION_APPROVAL_REQUESTED.envelope(
            requested,
            tenant=escalation.tenant,
            subject=str(escalation.case_id),
            time=escalation.proposed_at,
            correlation_id=proposer.correlation_id or str(uuid4()),
        ),
    )


async def _pending(uow: EscalationUnitOfWork, case_id: UUID) -> Escalation:
    pending = next((e for e in await uow.escalations.of_case(case_id) if e.pending), None)
    if pending is None:
        raise EscalationRefused(
            "proposal",
            "Tidak ada usulan pelimpahan yang menunggu persetujuan pada perkara ini.",
            "No proposed hand-over of this case waits for approval.",
        )
    locked = await uow.escalations.get(pending.id, for_update=True)
    assert locked is not None
    return locked


async def _ensure_topic(topics: AgencyTopics, agency: str) -> None:
    """Before the first publish to an agency its topic is made; if the broker cannot be reached now,
    the event waits in the outbox and the background round makes the topic later."""
    try:
        await topics.ensure([agency])
    except Exception:
        log.warning("the topic of %s could not be made now; the background round will make it", agency, exc_info=True)


async def approve_escalation(
    tenant: str,
    case_id: UUID,
    approver: Officer,
    held_roles: Iterable[Role],
    *,
    uow: EscalationUnitOfWork,
    keys: Keys,
    clock: Clock,
    topics: AgencyTopics,
    zone: ZoneInfo,
) -> Escalation | None:
    """The policy's approver (never the proposer) approves the pending hand-over under the policy in
    force, which it records; in the same transaction the dossier is sealed to the agency and the
    escalation, the hand-over and the case file's new status are recorded (the outbox sends), and
    the case's open recommendation to hand it to this target is done with it (``hand_over``).
    ``zone``: the body's, for the dates the dossier and the recommendation's completion write."""
    async with uow:
        case_file = await _case_file(uow, tenant, case_id, lock=True)
        if case_file is None:
            return None
        escalation = await _pending(uow, case_id)
        configuration = await uow.tenants.get(tenant)
        if configuration is None:
            raise POLICY_NOT_ARRIVED
        policy = configuration.policy.escalation
        role = check_may_decide(escalation, approver.officer_id, held_roles, policy.approver_roles)
        check_case_unchanged(escalation, case_file)
        check_routing_unchanged(
            escalation, route(check_ready(case_file), policy, policy_version=configuration.policy_version)
        )
        agency = escalation.agency
        if not keys.can_seal(agency, Audience.AGENCY_DOSSIER):
            raise EscalationRefused(
                "agency_key",
                "Kunci instansi penerima belum tersedia, sehingga berkas tidak dapat disegel untuknya: hubungi "
                "operator sistem.",
                "The receiving agency's key is not available, so its dossier cannot be sealed: ask the operator.",
            )
        await _ensure_topic(topics, agency)
        now = clock()
        text = keys.open(escalation.sealed_text, tenant=tenant, case=case_id, model=EscalationProposalTextV1)
        sources = await dossier_sources(case_file, uow, keys, zone)
        copy = dossier(
            case_file,
            text,
            terlapor=sources.terlapor,
            findings=sources.findings,
            ekspose_summary=sources.ekspose_summary,
        )
        documents = tuple(
            EscalatedDocument(
                document_id=d.document_id, title=d.title, media_type=d.media_type, size=d.size, sha256=d.sha256
            )
            for d in await uow.documents.of_case(case_id, (DocumentKind.LAPORAN_HASIL_AUDIT,))
        )
        approved = replace(
            escalation,
            state=EscalationState.DISETUJUI,
            decided_by=approver.officer_id,
            decided_by_name=approver.name,
            decided_as=role,
            decided_at=now,
            policy_version=configuration.policy_version,
            policy_basis=policy.basis,
            from_name=configuration.name,
            sealed_dossier=keys.seal(tenant, Audience.CASE_SUBSTANCE, copy, case=case_id),
            documents=documents,
        )
        await uow.escalations.save(approved)
        await uow.escalations.hand_over_case(case_id, at=now)
        correlation = approver.correlation_id or str(uuid4())
        sent = EscalationV1(
            escalation_id=approved.id,
            case_id=case_id,
            agenda_number=case_file.agenda_number or "",
            from_tenant=tenant,
            from_name=configuration.name,
            agency=agency,
            target=approved.target,
            result=approved.result,
            estimated_loss_idr=approved.estimated_loss_idr,
            approved_at=now,
            approved_as=role,
            policy_version=configuration.policy_version,
            policy_basis=policy.basis[:300],
            dossier=keys.seal(agency, Audience.AGENCY_DOSSIER, copy.for_agency(), case=case_id),
            documents=documents,
        )
        to_agency = escalations_to(agency)
        await uow.outbox.add(
            to_agency,
            to_agency.envelope(sent, tenant=tenant, subject=str(case_id), time=now, correlation_id=correlation),
        )
        handed = CaseHandedOverV1(
            case_id=case_id,
            escalation_id=approved.id,
            target=approved.target,
            agency=agency,
            approved_at=now,
            policy_version=configuration.policy_version,
        )
        await uow.outbox.add(
            CASE_HANDED_OVER,
            CASE_HANDED_OVER.envelope(
                handed, tenant=tenant, subject=str(case_id), time=now, correlation_id=correlation
            ),
        )
        details = {
            "escalation_id": str(approved.id),
            "target": approved.target.value,
            "agency": agency,
            "approved_as": role.value,
            "policy_version": configuration.policy_version,
        }
        await uow.audit.append(entry(tenant, case_id, approver, "escalation.approved", **details))
        # The recommendation to hand the case to this target, if one is open, is done with this hand-over.
        await complete_recommendations_handed_over(
            approved, approver, uow=uow, keys=keys, now=now, zone=zone, correlation_id=correlation
        )
        await uow.commit()
        return approved


async def reject_escalation(
    tenant: str,
    case_id: UUID,
    reason: str,
    approver: Officer,
    held_roles: Iterable[Role],
    *,
    uow: EscalationUnitOfWork,
    keys: Keys,
    clock: Clock,
) -> Escalation | None:
    """The policy's approver sends the proposal back with a reason; nothing leaves, and the ketua tim
    may propose again."""
    cleaned = reason.strip()
    if not cleaned or len(cleaned) > TEXT_LIMIT:
        raise EscalationRefused(
            "reason",
            "Tuliskan alasan penolakan untuk pengusul (paling banyak 10.000 karakter).",
            "Write why the hand-over is sent back, for its proposer (10,000 characters at most).",
        )
    async with uow:
        case_file = await _case_file(uow, tenant, case_id, lock=True)
        if case_file is None:
            return None
        escalation = await _pending(uow, case_id)
        configuration = await uow.tenants.get(tenant)
        if configuration is None:
            raise POLICY_NOT_ARRIVED
        role = check_may_decide(
            escalation, approver.officer_id, held_roles, configuration.policy.escalation.approver_roles
        )
        rejected = replace(
            escalation,
            state=EscalationState.DITOLAK,
            decided_by=approver.officer_id,
            decided_by_name=approver.name,
            decided_as=role,
            decided_at=clock(),
            policy_version=configuration.policy_version,
            sealed_rejection=keys.seal(
                tenant, Audience.CASE_SUBSTANCE, EscalationRejectionV1(text=cleaned), case=case_id
            ),
        )
        await uow.escalations.save(rejected)
        details = {"escalation_id": str(rejected.id), "rejected_as": role.value}
        await uow.audit.append(entry(tenant, case_id, approver, "escalation.rejected", **details))
        await uow.commit()
        return rejected
