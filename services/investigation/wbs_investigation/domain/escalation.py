"""Escalation (pelimpahan): handing a case to law enforcement (APH) or the KPK, as the tenant's policy
routes it, after the approval the policy asks for.

- Routing is policy, never code: the tenant's ``escalation.rules`` map the estimated state loss to
  a target (``loss_at_least`` inclusive, ``loss_below`` exclusive). Bengkulu: below Rp 1.000.000.000
  to APH, Rp 1.000.000.000 or more to the KPK (Pergub 49/2017 Pasal 9, settled by its Lampiran BAB
  II C.5); Lebak: any suspected loss to APH (Perbup 18/2021 Pasal 7). The receiving agency is one
  of the policy's ``recipients`` of that target.
- A hand-over is proposed once the final audit report is issued with the result TPK and an exposé
  concluded (002/004 BAB II C.6), by the ketua tim (who assigns the audit) or the team's ketua.
- Only an officer holding one of the policy's ``approver_roles`` (the Gubernur, the Bupati) approves
  or rejects it, never its proposer; the approval records the policy version that applied. Nothing
  leaves before it.

Pure rules, no I/O: the use cases (``usecases/escalation.py``) fetch what they need and ask here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import ConfigDict, Field

from wbs_contracts.events.directory import (
    EscalationPolicy,
    EscalationRule,
    EscalationTarget,
    TenantConfiguredV1,
    TenantKind,
)
from wbs_contracts.events.intake import NAME_LIMIT, TEXT_LIMIT, ReportedOfficial
from wbs_contracts.events.investigation import AuditResult, EscalatedDocument, EscalationDossierV1
from wbs_contracts.roles import Role
from wbs_contracts.sealed import Audience, SealedDocument, SealedPayload
from wbs_investigation.domain.case_file import CaseFile, CaseFileStatus
from wbs_investigation.domain.refusal import Refused
from wbs_investigation.domain.team import ASSIGN_CASES, TeamSeat

#: How each target is named to officers (Bahasa Indonesia, English).
TARGET_NAMES: Mapping[EscalationTarget, tuple[str, str]] = {
    EscalationTarget.APH: ("Aparat Penegak Hukum (Kepolisian, Kejaksaan)", "law enforcement (police, prosecutors)"),
    EscalationTarget.KPK: ("Komisi Pemberantasan Korupsi (KPK)", "the Corruption Eradication Commission (KPK)"),
}


class EscalationRefused(Refused):
    """A proposal, an approval or a rejection the rules do not allow; bilingual, for the officer."""

    forbidden_fields: ClassVar[frozenset[str]] = frozenset({"approver", "officer"})
    conflict_fields: ClassVar[frozenset[str]] = frozenset({"case", "proposal", "policy", "agency_key", "escalation"})


def rupiah(amount: int) -> str:
    """``Rp 1.000.000.000``: rupiah as Indonesian documents write them."""
    return "Rp " + f"{amount:,}".replace(",", ".")


# -- routing ------------------------------------------------------------------------------------------


def rule_applies(rule: EscalationRule, loss: int) -> bool:
    """Whether ``loss`` falls in the rule's range: ``loss_at_least`` inclusive, ``loss_below`` exclusive."""
    if rule.loss_at_least is not None and loss < rule.loss_at_least:
        return False
    return rule.loss_below is None or loss < rule.loss_below


@dataclass(frozen=True)
class Explanation:
    pesan: str
    message: str


@dataclass(frozen=True)
class Routing:
    """Where the tenant's policy sends a case with this loss, and why."""

    loss: int
    target: EscalationTarget
    rule: EscalationRule
    recipients: tuple[str, ...]
    approver_roles: tuple[Role, ...]
    policy_version: int
    basis: str

    @property
    def why(self) -> Explanation:
        rule, loss = self.rule, rupiah(self.loss)
        if rule.loss_at_least is not None and rule.loss_below is not None:
            bounds = (
                f"tidak kurang dari {rupiah(rule.loss_at_least)} dan kurang dari {rupiah(rule.loss_below)}",
                f"at least {rupiah(rule.loss_at_least)} and below {rupiah(rule.loss_below)}",
            )
        elif rule.loss_at_least is not None:
            bounds = (
                f"{rupiah(rule.loss_at_least)} atau lebih",
                f"{rupiah(rule.loss_at_least)} or more",
            )
        elif rule.loss_below is not None:
            bounds = (f"kurang dari {rupiah(rule.loss_below)}", f"below {rupiah(rule.loss_below)}")
        else:
            bounds = ("berapa pun besarnya", "whatever its amount")
        target_id, target_en = TARGET_NAMES[self.target]
        basis = f"; {self.basis}" if self.basis else ""
        return Explanation(
            f"Dugaan kerugian negara {loss}: kebijakan instansi (versi {self.policy_version}{basis}) melimpahkan "
            f"kerugian {bounds[0]} kepada {target_id}.",
            f"Suspected state loss {loss}: the body's policy (version {self.policy_version}{basis}) hands a loss "
            f"{bounds[1]} to {target_en}.",
        )


def route(loss: int, policy: EscalationPolicy, *, policy_version: int) -> Routing:
    """The target the policy's first matching rule names, its recipients and approvers; refused when
    no rule matches, no agency receives that target, or nobody is named to approve."""
    rule = next((r for r in policy.rules if rule_applies(r, loss)), None)
    if rule is None:
        raise EscalationRefused(
            "policy",
            f"Kebijakan instansi tidak mengatur pelimpahan untuk dugaan kerugian {rupiah(loss)}: "
            "hubungi administrator instansi.",
            f"The body's policy does not route a suspected loss of {rupiah(loss)}: ask the body's administrator.",
        )
    recipients = tuple(policy.recipients.get(rule.target, ()))
    if not recipients:
        raise EscalationRefused(
            "policy",
            f"Kebijakan instansi belum menunjuk instansi penerima untuk {TARGET_NAMES[rule.target][0]}.",
            f"The body's policy names no receiving agency for {TARGET_NAMES[rule.target][1]}.",
        )
    if not policy.approver_roles:
        raise EscalationRefused(
            "policy",
            "Kebijakan instansi belum menunjuk pejabat yang menyetujui pelimpahan: tanpa persetujuan tidak ada "
            "yang dapat dilimpahkan.",
            "The body's policy names nobody to approve a hand-over: without an approval nothing can leave.",
        )
    return Routing(
        loss=loss,
        target=rule.target,
        rule=rule,
        recipients=recipients,
        approver_roles=tuple(policy.approver_roles),
        policy_version=policy_version,
        basis=policy.basis,
    )


# -- proposing -----------------------------------------------------------------------------------------


def check_ready(case_file: CaseFile) -> int:
    """A hand-over is proposed only for a case whose final report is issued with the result TPK and
    whose exposé concluded; the estimated loss, for routing."""
    if case_file.status is CaseFileStatus.DISERAHKAN:
        raise EscalationRefused("case", "Perkara ini sudah dilimpahkan.", "This case has been handed over already.")
    if case_file.status is not CaseFileStatus.LAPORAN_TERBIT or case_file.report_issued_at is None:
        raise EscalationRefused(
            "case",
            "Pelimpahan hanya dapat diusulkan setelah laporan hasil audit terbit.",
            "A hand-over can be proposed only once the final audit report is issued.",
        )
    if case_file.result is not AuditResult.TPK:
        raise EscalationRefused(
            "case",
            "Hanya hasil audit yang berindikasi tindak pidana korupsi (TPK) yang dilimpahkan kepada APH atau KPK.",
            "Only an audit that indicates a corruption offence (TPK) is handed to law enforcement or the KPK.",
        )
    if case_file.estimated_loss_idr is None:
        raise EscalationRefused(
            "case",
            "Laporan hasil audit belum mencatat nilai dugaan kerugian negara.",
            "The final audit report records no estimated state loss.",
        )
    if case_file.ekspose_concluded_at is None:
        raise EscalationRefused(
            "case",
            "Hasil audit harus dibahas dalam ekspose lebih dahulu (Peraturan BAB II C.6): ekspose belum disimpulkan.",
            "The audit's result must be discussed in an exposé first (the regulation's BAB II C.6): "
            "no exposé has concluded.",
        )
    return case_file.estimated_loss_idr


def may_propose(permissions: Collection[str], seat: TeamSeat | None) -> bool:
    """The ketua tim who assigns audits (Inspektur), or the ketua of the case's own team."""
    return ASSIGN_CASES in permissions or seat is TeamSeat.KETUA_TIM


def check_may_propose(permissions: Collection[str], seat: TeamSeat | None) -> None:
    if not may_propose(permissions, seat):
        raise EscalationRefused(
            "officer",
            "Pelimpahan diusulkan oleh ketua tim audit perkara ini atau Inspektur.",
            "A hand-over is proposed by the case's audit team leader or the Inspektur.",
        )


def choose_agency(routing: Routing, agency: str | None, known: Mapping[str, TenantConfiguredV1]) -> str:
    """The receiving agency: one of the policy's recipients of the target (the only one when the
    policy names one and none was chosen), configured in the system as an active agency."""
    if not agency and len(routing.recipients) == 1:
        agency = routing.recipients[0]
    if not agency or agency not in routing.recipients:
        names = ", ".join(routing.recipients)
        raise EscalationRefused(
            "agency",
            f"Pilih instansi penerima yang ditunjuk kebijakan untuk {TARGET_NAMES[routing.target][0]}: {names}.",
            f"Choose a receiving agency the policy names for {TARGET_NAMES[routing.target][1]}: {names}.",
        )
    configuration = known.get(agency)
    if configuration is None or configuration.kind is not TenantKind.AGENCY or not configuration.active:
        raise EscalationRefused(
            "agency",
            "Instansi penerima belum terdaftar atau tidak aktif dalam sistem.",
            "The receiving agency is not registered or not active in the system.",
        )
    return agency


def checked_text(value: str, field: str, *, limit: int, required: bool = False) -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise EscalationRefused(field, "Wajib diisi.", "Required.")
    if len(cleaned) > limit:
        raise EscalationRefused(
            field,
            f"Terlalu panjang (paling banyak {limit} karakter).",
            f"Too long ({limit} characters at most).",
        )
    return cleaned


def default_perihal(case_file: CaseFile) -> str:
    """The hand-over letter's subject when the proposer writes none: words of the case file only,
    never the report's own (which the reporter wrote)."""
    return f"Penyampaian hasil audit investigasi nomor {case_file.report_number or case_file.agenda_number or '-'}"


# -- the proposal and its decision -------------------------------------------------------------------


class EscalationState(StrEnum):
    MENUNGGU = "menunggu"
    DISETUJUI = "disetujui"
    DITOLAK = "ditolak"


class EscalationProposalTextV1(SealedDocument):
    """What the proposer writes (the letter's subject, the recommendation), sealed to case-substance."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "escalation-proposal-text"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.CASE_SUBSTANCE

    perihal: str = Field(min_length=1, max_length=NAME_LIMIT)
    recommendation: str = Field(default="", max_length=TEXT_LIMIT)


class EscalationRejectionV1(SealedDocument):
    """Why the approver sent a proposed hand-over back, sealed to case-substance."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "escalation-rejection-reason"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.CASE_SUBSTANCE

    text: str = Field(min_length=1, max_length=TEXT_LIMIT)


class DossierCopyV1(SealedDocument):
    """Investigation's own copy of what it sealed to the agency (the same fields as
    ``EscalationDossierV1``), sealed to the sending body's case-substance so that investigation can
    show the agency's subscribers, on their page, exactly what was sent. No service of ours opens
    the agency's own key."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "escalation-dossier-copy"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.CASE_SUBSTANCE
    padded_to_at_least: ClassVar[int] = 8192

    perihal: str = Field(min_length=1, max_length=NAME_LIMIT)
    terlapor: tuple[ReportedOfficial, ...] = Field(default=(), max_length=20)
    findings: str = Field(min_length=1, max_length=TEXT_LIMIT)
    recommendation: str = Field(default="", max_length=TEXT_LIMIT)
    ekspose_summary: str = Field(default="", max_length=TEXT_LIMIT)

    def for_agency(self) -> EscalationDossierV1:
        return EscalationDossierV1.model_validate(self.model_dump())


@dataclass
class Escalation:
    """A proposed hand-over of one case to one agency, and what became of it."""

    id: UUID
    case_id: UUID
    tenant: str
    target: EscalationTarget
    agency: str
    agency_name: str
    #: The case file as it stood when proposed: an approval applies to exactly this.
    result: AuditResult
    estimated_loss_idr: int
    report_number: str | None
    proposed_by: str
    proposed_by_name: str
    proposed_at: datetime
    #: The policy version that routed the proposal, and the roles it named to approve.
    proposal_policy_version: int
    approver_roles: tuple[Role, ...]
    sealed_text: SealedPayload
    state: EscalationState = EscalationState.MENUNGGU
    decided_by: str | None = None
    decided_by_name: str | None = None
    decided_as: Role | None = None
    decided_at: datetime | None = None
    #: The policy version that applied at the approval (recorded with it), and its basis.
    policy_version: int | None = None
    policy_basis: str = ""
    sealed_rejection: SealedPayload | None = None
    #: Set on approval: the sending body's name, the dossier's copy, the documents sent.
    from_name: str | None = None
    sealed_dossier: SealedPayload | None = None
    documents: tuple[EscalatedDocument, ...] = ()
    #: Set when the agency's acknowledgement arrives (from its page or its own systems).
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    agency_reference: str | None = None

    @property
    def pending(self) -> bool:
        return self.state is EscalationState.MENUNGGU

    @property
    def sent(self) -> bool:
        return self.state is EscalationState.DISETUJUI


def check_no_pending(escalations: Iterable[Escalation]) -> None:
    if any(e.pending for e in escalations):
        raise EscalationRefused(
            "proposal",
            "Perkara ini sudah memiliki usulan pelimpahan yang menunggu persetujuan.",
            "This case already has a proposed hand-over waiting for approval.",
        )


def check_may_decide(escalation: Escalation, officer_id: str, held: Iterable[Role], approvers: Iterable[Role]) -> Role:
    """The role the officer approves or rejects as: one the policy names now, held in the tenant,
    never by the proposer (four eyes)."""
    if not escalation.pending:
        raise EscalationRefused("proposal", "Usulan ini sudah diputuskan.", "This proposal has been decided already.")
    if officer_id == escalation.proposed_by:
        raise EscalationRefused(
            "approver",
            "Pengusul tidak dapat menyetujui atau menolak usulannya sendiri.",
            "The proposer cannot approve or reject their own proposal.",
        )
    roles = set(held)
    for role in approvers:
        if role in roles:
            return role
    raise EscalationRefused(
        "approver",
        "Pelimpahan disetujui oleh pejabat yang ditunjuk kebijakan instansi (Gubernur, Bupati): Anda tidak "
        "memegang peran tersebut.",
        "A hand-over is approved by whom the body's policy names (the Governor, the Regent): you hold no such role.",
    )


def check_case_unchanged(escalation: Escalation, case_file: CaseFile) -> None:
    """An approval applies to the audit's result as proposed: if it changed since (an exposé sent
    the case back for testing, a revised report), the proposal is rejected and proposed again."""
    if (
        case_file.status is not CaseFileStatus.LAPORAN_TERBIT
        or case_file.result is not escalation.result
        or case_file.estimated_loss_idr != escalation.estimated_loss_idr
        or case_file.report_number != escalation.report_number
    ):
        raise EscalationRefused(
            "proposal",
            "Hasil audit berubah sejak pelimpahan diusulkan: tolak usulan ini, lalu usulkan kembali.",
            "The audit's result changed since the hand-over was proposed: reject this proposal and propose again.",
        )


def check_routing_unchanged(escalation: Escalation, routing: Routing) -> None:
    """An approval applies the policy in force: if it now routes the case elsewhere, the proposal
    is rejected and proposed again."""
    if routing.target is not escalation.target or escalation.agency not in routing.recipients:
        raise EscalationRefused(
            "proposal",
            "Kebijakan instansi kini melimpahkan perkara ini ke tujuan lain: tolak usulan ini, lalu usulkan kembali.",
            "The body's policy now routes this case elsewhere: reject this proposal and propose again.",
        )


# -- the dossier -------------------------------------------------------------------------------------


def findings_from_case_file(case_file: CaseFile) -> str:
    """The audit's conclusion in the words the case file holds (result, loss, final report): the
    dossier's findings open with it, so that they name the report they come from."""
    loss = rupiah(case_file.estimated_loss_idr or 0)
    issued = case_file.report_issued_at.date().isoformat() if case_file.report_issued_at else "-"
    return (
        "Audit investigasi menyimpulkan adanya indikasi tindak pidana korupsi dengan dugaan kerugian keuangan "
        f"negara/daerah sebesar {loss}, sebagaimana laporan hasil audit nomor {case_file.report_number or '-'} "
        f"tanggal {issued}."
    )


def dossier(
    case_file: CaseFile,
    text: EscalationProposalTextV1,
    *,
    terlapor: Iterable[ReportedOfficial],
    findings: str | None,
    ekspose_summary: str,
) -> DossierCopyV1:
    """What the agency is entitled to read: the matter, the terlapor, the findings (the final
    report's conclusion in words, then the auditors' own summary of findings when there is one),
    the recommendation and the exposé's conclusion. Never the reporter's identity or contact:
    nothing here comes from them."""
    conclusion = findings_from_case_file(case_file)
    summary = (findings or "").strip()
    return DossierCopyV1(
        perihal=text.perihal,
        terlapor=tuple(terlapor)[:20],
        findings=(f"{conclusion}\n\nRingkasan temuan: {summary}" if summary else conclusion)[:TEXT_LIMIT],
        recommendation=text.recommendation,
        ekspose_summary=ekspose_summary.strip()[:TEXT_LIMIT],
    )
