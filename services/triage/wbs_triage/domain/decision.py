"""How a telaah ends: a decision proposed by a penelaah, approved as the tenant's policy asks
(four eyes: never by its proposer), and the rules each outcome obeys (002/004 BAB II C.2; seed
001 for forwarding; 004 BAB II C.4: no audit investigasi of a matter BPK or another APIP audits).

Pure rules, no I/O: the use cases (``usecases/decisions.py``) fetch what they need and ask here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import ConfigDict, Field

from wbs_contracts.events.directory import TenantConfiguredV1, TenantKind, TenantPolicy
from wbs_contracts.events.intake import NAME_LIMIT, TEXT_LIMIT
from wbs_contracts.events.triage import OUTCOME_DECISIONS, NotProcessedReason, TelaahOutcome
from wbs_contracts.roles import Role
from wbs_contracts.sealed import Audience, SealedDocument, SealedPayload
from wbs_triage.domain.case import Case, CaseStatus
from wbs_triage.domain.telaah import may_open_substance

#: Where a body outside the system is named by its usual name.
SP4N_LAPOR = "SP4N-LAPOR!"


class DecisionRefused(ValueError):
    """A decision, an approval or a flag the rules do not allow; bilingual, for the officer."""

    def __init__(self, field: str, pesan: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.pesan = pesan
        self.message = message


# -- the BPK / APIP flag (004 BAB II C.4) ------------------------------------------------------------


class Auditor(StrEnum):
    BPK = "bpk"
    #: Another APIP: an inspectorate, BPKP, ...
    APIP_LAIN = "apip-lain"


class AuditState(StrEnum):
    SEDANG = "sedang"
    SUDAH = "sudah"


class PriorAuditNoteV1(SealedDocument):
    """The officer's note on the other audit (it may name the matter), sealed to case-substance."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "prior-audit-note"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.CASE_SUBSTANCE

    text: str = Field(default="", max_length=TEXT_LIMIT)


@dataclass(frozen=True)
class PriorAudit:
    """Whether the same matter is being or has been audited by BPK or another APIP."""

    case_id: UUID
    tenant: str
    audited: bool
    recorded_by: str
    recorded_at: datetime
    auditor: Auditor | None = None
    auditor_name: str = ""
    state: AuditState | None = None
    sealed_note: SealedPayload | None = None

    @property
    def bars_audit(self) -> bool:
        return self.audited


def checked_prior_audit(
    audited: bool, auditor: str | None, state: str | None, auditor_name: str
) -> tuple[Auditor | None, AuditState | None, str]:
    """The flag's fields as the rules want them: an audit names its auditor and whether it is under way."""
    if not audited:
        return None, None, ""
    try:
        which = Auditor(auditor or "")
    except ValueError:
        raise DecisionRefused(
            "auditor", "Pilih pemeriksa: BPK atau APIP lain.", "Choose the auditor: BPK or another APIP."
        ) from None
    try:
        when = AuditState(state or "")
    except ValueError:
        raise DecisionRefused(
            "state",
            "Pilih apakah pemeriksaan sedang atau sudah dilakukan.",
            "Choose whether the audit is under way or done.",
        ) from None
    name = auditor_name.strip()
    if which is Auditor.APIP_LAIN and not name:
        raise DecisionRefused(
            "auditor_name", "Sebutkan nama APIP yang memeriksa.", "Name the APIP that audits the matter."
        )
    if len(name) > NAME_LIMIT:
        raise DecisionRefused("auditor_name", "Nama APIP terlalu panjang.", "The APIP's name is too long.")
    return which, when, name


AUDIT_BARRED = DecisionRefused(
    "outcome",
    "Audit investigasi tidak dapat diusulkan: perkara yang sama sedang atau sudah diperiksa oleh BPK atau APIP lain "
    "(Peraturan BAB II C.4). Pilih keputusan lain, misalnya meneruskan kepada pemeriksa tersebut.",
    "An audit investigasi cannot be proposed: the same matter is being or has been audited by BPK or another APIP "
    "(the regulation's BAB II C.4). Choose another decision, for instance forwarding it to that auditor.",
)


# -- the proposal -------------------------------------------------------------------------------------


class ProposalTextV1(SealedDocument):
    """What a proposal says in words, sealed to case-substance until it takes effect: the reason
    the reporter will read, the conclusion for the audit team, the proposer's note."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "telaah-proposal-text"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.CASE_SUBSTANCE
    padded_to_at_least: ClassVar[int] = 1024

    reason_for_reporter: str = Field(default="", max_length=TEXT_LIMIT)
    core_problem: str = Field(default="", max_length=TEXT_LIMIT)
    analysis: str = Field(default="", max_length=TEXT_LIMIT)
    conclusion: str = Field(default="", max_length=TEXT_LIMIT)


class RejectionReasonV1(SealedDocument):
    """Why an approver sent a proposal back (it may speak of the matter), sealed to case-substance."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "telaah-rejection-reason"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.CASE_SUBSTANCE

    text: str = Field(min_length=1, max_length=TEXT_LIMIT)


@dataclass(frozen=True)
class Draft:
    """A decision as the penelaah writes it, before any check."""

    outcome: TelaahOutcome
    not_processed_reason: NotProcessedReason | None = None
    reason_for_reporter: str = ""
    forwarded_to_tenant: str | None = None
    forwarded_to_external: str | None = None
    merged_into: UUID | None = None
    core_problem: str = ""
    analysis: str = ""
    conclusion: str = ""


class ProposalState(StrEnum):
    MENUNGGU = "menunggu"
    DISETUJUI = "disetujui"
    DITOLAK = "ditolak"
    #: The policy asked no approval: it took effect when proposed.
    LANGSUNG = "langsung"


@dataclass
class Proposal:
    id: UUID
    case_id: UUID
    tenant: str
    outcome: TelaahOutcome
    #: Where the case was when proposed: a rejection returns it there.
    status_before: CaseStatus
    proposed_by: str
    proposed_by_name: str
    proposed_at: datetime
    policy_version: int
    #: The roles the policy named for approving this outcome when it was proposed (empty: none asked).
    approver_roles: tuple[Role, ...]
    sealed_text: SealedPayload
    state: ProposalState = ProposalState.MENUNGGU
    not_processed_reason: NotProcessedReason | None = None
    forwarded_to_tenant: str | None = None
    forwarded_to_external: str | None = None
    forwarded_to_name: str | None = None
    merged_into: UUID | None = None
    decided_by: str | None = None
    decided_by_name: str | None = None
    decided_as: Role | None = None
    decided_at: datetime | None = None
    sealed_rejection: SealedPayload | None = None
    #: The receiving body's new case, for a report forwarded to a tenant in the system.
    forwarded_case_id: UUID | None = None

    @property
    def pending(self) -> bool:
        return self.state is ProposalState.MENUNGGU


def approver_roles(policy: TenantPolicy, outcome: TelaahOutcome) -> tuple[Role, ...]:
    """The roles the tenant's policy names to approve ``outcome`` (empty: it needs no approval)."""
    wanted = OUTCOME_DECISIONS[outcome]
    return tuple(
        role for approval in policy.approvals if approval.decision == wanted for role in approval.approver_roles
    )


def check_may_work(permissions: Collection[str], *, on_team: bool) -> None:
    """Only the case's team works its telaah to a decision (proposing it, recording the BPK/APIP
    flag), besides the pimpinan satker and the ketua tim (``may_open_substance``)."""
    if not may_open_substance(permissions, on_team=on_team):
        raise DecisionRefused(
            "officer",
            "Hanya tim yang ditunjuk dalam disposisi perkara ini, ketua tim, atau pimpinan satker yang dapat "
            "mengerjakan telaahnya.",
            "Only the team this case was disposed to, a ketua tim, or the pimpinan satker may work its telaah.",
        )


def check_may_propose(case: Case) -> None:
    """Only an open telaah (terdaftar or ditelaah) is decided; one proposal at a time."""
    if case.status is CaseStatus.MENUNGGU_PERSETUJUAN:
        raise DecisionRefused(
            "case",
            "Perkara ini sudah memiliki usulan keputusan yang menunggu persetujuan.",
            "This case already has a proposed decision waiting for approval.",
        )
    if case.status not in (CaseStatus.TERDAFTAR, CaseStatus.DITELAAH):
        raise DecisionRefused(
            "case",
            "Telaah perkara ini sudah selesai dengan sebuah keputusan.",
            "This case's assessment already ended with a decision.",
        )


def _text(value: str, field_name: str, pesan: str, message: str) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise DecisionRefused(field_name, pesan, message)
    if len(cleaned) > TEXT_LIMIT:
        raise DecisionRefused(
            field_name,
            "Teks terlalu panjang (paling banyak 10.000 karakter).",
            "The text is too long (10,000 at most).",
        )
    return cleaned


def checked_draft(
    draft: Draft,
    case: Case,
    *,
    prior_audit: PriorAudit | None,
    bodies: Iterable[TenantConfiguredV1],
    merge_target: Case | None,
) -> tuple[Draft, str | None]:
    """The draft as it will be kept, and the name of the body it forwards to; ``DecisionRefused``
    when an outcome's rule is broken. ``bodies``: the tenants triage knows (to forward to one);
    ``merge_target``: the case named by ``merged_into``, if it exists."""
    outcome = draft.outcome
    if outcome is TelaahOutcome.TIDAK_DIPROSES:
        if draft.not_processed_reason is None:
            raise DecisionRefused(
                "not_processed_reason",
                "Pilih alasannya: tidak logis, atau tidak dapat dipenuhi menurut peraturan.",
                "Choose the reason: not logical, or cannot be met under the rules.",
            )
        reason = _text(
            draft.reason_for_reporter,
            "reason_for_reporter",
            "Tuliskan alasan untuk pelapor dengan kata-kata yang mudah dipahami.",
            "Write the reason for the reporter in plain words.",
        )
        return Draft(outcome, draft.not_processed_reason, reason_for_reporter=reason), None
    if outcome is TelaahOutcome.DITERUSKAN:
        return _forwarding(draft, case, bodies)
    if outcome is TelaahOutcome.DIGABUNG:
        if draft.merged_into is None or merge_target is None or merge_target.tenant != case.tenant:
            raise DecisionRefused(
                "merged_into",
                "Pilih perkara instansi ini yang menjadi tujuan penggabungan.",
                "Choose the case of this body to merge into.",
            )
        if merge_target.id == case.id:
            raise DecisionRefused(
                "merged_into", "Perkara tidak dapat digabungkan ke dirinya sendiri.", "A case cannot merge into itself."
            )
        if merge_target.status is CaseStatus.DIGABUNG:
            raise DecisionRefused(
                "merged_into",
                "Perkara tujuan sudah digabungkan ke perkara lain: gabungkan ke perkara tersebut.",
                "The chosen case was merged into another one: merge into that one instead.",
            )
        return Draft(outcome, merged_into=merge_target.id), None
    # audit investigasi
    if prior_audit is not None and prior_audit.bars_audit:
        raise AUDIT_BARRED
    conclusion = _text(
        draft.conclusion,
        "conclusion",
        "Tuliskan simpulan telaah dan langkah berikutnya.",
        "Write the assessment's conclusion and the next step.",
    )
    return (
        Draft(outcome, core_problem=draft.core_problem.strip(), analysis=draft.analysis.strip(), conclusion=conclusion),
        None,
    )


def _forwarding(draft: Draft, case: Case, bodies: Iterable[TenantConfiguredV1]) -> tuple[Draft, str]:
    if (draft.forwarded_to_tenant is None) == (not (draft.forwarded_to_external or "").strip()):
        raise DecisionRefused(
            "forwarded_to",
            "Pilih satu tujuan: instansi dalam sistem, atau instansi di luar sistem (misalnya SP4N-LAPOR!).",
            "Choose one destination: a body in the system, or one outside it (SP4N-LAPOR!, for instance).",
        )
    if draft.forwarded_to_tenant is not None:
        if draft.forwarded_to_tenant == case.tenant:
            raise DecisionRefused(
                "forwarded_to_tenant",
                "Laporan tidak dapat diteruskan kepada instansi ini sendiri.",
                "A report cannot be forwarded to this body itself.",
            )
        body = next(
            (b for b in bodies if b.tenant_id == draft.forwarded_to_tenant and b.kind is TenantKind.BODY and b.active),
            None,
        )
        if body is None:
            raise DecisionRefused(
                "forwarded_to_tenant",
                "Instansi tujuan tidak dikenal atau tidak aktif dalam sistem.",
                "The receiving body is unknown or inactive in the system.",
            )
        return Draft(draft.outcome, forwarded_to_tenant=body.tenant_id), body.name
    name = (draft.forwarded_to_external or "").strip()
    if len(name) > NAME_LIMIT:
        raise DecisionRefused("forwarded_to_external", "Nama instansi terlalu panjang.", "The body's name is too long.")
    return Draft(draft.outcome, forwarded_to_external=name), name


def check_may_decide(proposal: Proposal, officer_id: str, held_roles: Iterable[Role]) -> Role:
    """The role the officer approves or rejects as: one the policy named, held in the tenant, and
    never by the proposer (four eyes)."""
    if not proposal.pending:
        raise DecisionRefused("proposal", "Usulan ini sudah diputuskan.", "This proposal has been decided already.")
    if officer_id == proposal.proposed_by:
        raise DecisionRefused(
            "approver",
            "Pengusul tidak dapat menyetujui atau menolak usulannya sendiri: diperlukan pejabat lain.",
            "The proposer cannot approve or reject their own proposal: another officer must.",
        )
    held = set(held_roles)
    for role in proposal.approver_roles:
        if role in held:
            return role
    raise DecisionRefused(
        "approver",
        "Anda tidak memegang peran yang menurut kebijakan instansi menyetujui keputusan ini.",
        "You hold none of the roles the body's policy names to approve this decision.",
    )


def effect_status(outcome: TelaahOutcome) -> CaseStatus:
    return CaseStatus(outcome.value)


class LinkKind(StrEnum):
    """How two cases are tied by a decision; each link is kept on both cases."""

    DITERUSKAN_KE = "diteruskan-ke"
    DITERUSKAN_DARI = "diteruskan-dari"
    DIGABUNG_KE = "digabung-ke"
    MENERIMA_GABUNGAN = "menerima-gabungan"


@dataclass(frozen=True)
class CaseLink:
    case_id: UUID
    tenant: str
    kind: LinkKind
    other_case_id: UUID
    other_tenant: str
    other_agenda: str
    at: datetime
