"""Events produced by triage (penelaahan)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from wbs_contracts.envelope import TENANT_PATTERN, EventData
from wbs_contracts.events.directory import Decision
from wbs_contracts.events.intake import NAME_LIMIT, TEXT_LIMIT
from wbs_contracts.roles import Role
from wbs_contracts.sealed import Audience, SealedDocument, SealedPayload


class CaseRegisteredV1(EventData):
    """The case was recorded in the tenant's agenda (pencatatan); status ``terdaftar``."""

    case_id: UUID
    agenda_number: str = Field(max_length=64, description="Nomor agenda, unique per tenant per year.")
    agenda_year: int = Field(ge=2000, le=9999)
    agenda_sequence: int = Field(ge=1)
    registered_on: date = Field(description="Tanggal agenda, in the tenant's calendar.")
    registered_at: AwareDatetime
    forwarded_from: UUID | None = Field(
        default=None,
        description="The case another body's telaah forwarded here (diteruskan): this case is new, its report "
        "was received there, so intake has no report of this id.",
    )


class OfficerMessageKind(StrEnum):
    #: An answer to the reporter (to a question, or news of progress).
    JAWABAN = "jawaban"
    #: A request for more information: the case waits while the reporter answers.
    PERMINTAAN_INFORMASI = "permintaan-informasi"


class OfficerMessageSentV1(EventData):
    """An officer wrote to the reporter through the Kotak Komunikasi. The envelope's subject is the case id.
    The officer's name is not in it: the reporter sees the body, not the person."""

    case_id: UUID
    message_id: UUID
    kind: OfficerMessageKind
    sent_at: AwareDatetime
    body: SealedPayload = Field(description="MailboxMessageV1, sealed to reporter-mailbox (intake shows it).")
    in_reply_to: UUID | None = Field(default=None, description="The reporter's message this answers.")


# -- disposisi -----------------------------------------------------------------------------------


class DispositionInstructionV1(SealedDocument):
    """The pimpinan satker's instruction on a disposition (it may name the matter), sealed to
    case-substance."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "disposition-instruction"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.CASE_SUBSTANCE
    padded_to_at_least: ClassVar[int] = 1024

    text: str = Field(min_length=1, max_length=TEXT_LIMIT)


class TeamRole(StrEnum):
    KETUA = "ketua"
    ANGGOTA = "anggota"


class TeamMember(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    officer_id: str = Field(min_length=1, max_length=100)
    role: TeamRole = TeamRole.ANGGOTA


class CaseDisposedV1(EventData):
    """The pimpinan satker disposed the case to a team for telaah (disposisi, seed 001 Gambar 8);
    status ``ditelaah``. A later disposition of the same case replaces the team."""

    case_id: UUID
    disposed_at: AwareDatetime
    disposed_by: str = Field(min_length=1, max_length=100, description="The pimpinan's officer id.")
    team: tuple[TeamMember, ...] = Field(min_length=1, max_length=50)
    instruction: SealedPayload = Field(description="DispositionInstructionV1, sealed to case-substance.")
    follow_up_due: date = Field(description="The team's follow-up limit, in the tenant's working days.")
    policy_version: int = Field(ge=1)


# -- the end of the telaah -------------------------------------------------------------------------


class TelaahOutcome(StrEnum):
    """How an assessment ends (002/004 BAB II C.2; seed 001 for forwarding)."""

    #: Not logical, or cannot be met under the rules: not processed further.
    TIDAK_DIPROSES = "tidak-diproses"
    #: For another body: forwarded to the competent one (in the system, or outside it).
    DITERUSKAN = "diteruskan"
    #: The same matter as a case already here: merged into it.
    DIGABUNG = "digabung"
    #: Indicates TPK: proceed to audit investigasi.
    AUDIT_INVESTIGASI = "audit-investigasi"


class NotProcessedReason(StrEnum):
    TIDAK_LOGIS = "tidak-logis"
    TIDAK_DAPAT_DIPENUHI = "tidak-dapat-dipenuhi"


class TelaahConclusionV1(SealedDocument):
    """What the telaah found, for the audit team: sealed to case-substance."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "telaah-conclusion"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.CASE_SUBSTANCE
    padded_to_at_least: ClassVar[int] = 4096

    core_problem: str = Field(default="", max_length=TEXT_LIMIT, description="Pokok masalah.")
    analysis: str = Field(default="", max_length=TEXT_LIMIT, description="Analisis terhadap peraturan.")
    conclusion: str = Field(min_length=1, max_length=TEXT_LIMIT, description="Simpulan dan langkah berikutnya.")


class TelaahDecidedV1(EventData):
    """The telaah ended with a decision, approved as the tenant's policy asks (``policy_version``).

    Exactly the fields of its outcome are set: ``not_processed_reason`` and ``reason_for_reporter``
    for tidak-diproses; ``forwarded_to_name`` and either ``forwarded_to_tenant`` with
    ``forwarded_case_id`` (a body in the system: triage registered the report there as a new case,
    in the same transaction) or ``forwarded_to_external`` (e.g. SP4N-LAPOR!) for diteruskan;
    ``merged_into`` for digabung; ``conclusion`` for audit-investigasi."""

    case_id: UUID
    outcome: TelaahOutcome
    decided_at: AwareDatetime
    policy_version: int = Field(ge=1)
    proposed_by: str = Field(min_length=1, max_length=100)
    #: None when the policy asks for no approval of this outcome.
    approved_by: str | None = Field(default=None, max_length=100)
    approved_as: Role | None = None
    not_processed_reason: NotProcessedReason | None = None
    reason_for_reporter: SealedPayload | None = Field(
        default=None, description="MailboxMessageV1 in plain words, sealed to reporter-mailbox."
    )
    forwarded_to_name: str | None = Field(default=None, max_length=NAME_LIMIT)
    forwarded_to_tenant: str | None = Field(default=None, pattern=TENANT_PATTERN)
    forwarded_to_external: str | None = Field(default=None, max_length=NAME_LIMIT)
    forwarded_case_id: UUID | None = Field(default=None, description="The receiving body's new case.")
    merged_into: UUID | None = None
    merged_into_agenda: str | None = Field(default=None, max_length=64)
    conclusion: SealedPayload | None = Field(default=None, description="TelaahConclusionV1, sealed to case-substance.")
    report_substance: SealedPayload | None = Field(
        default=None,
        description="audit-investigasi only: the report (ReportSubstanceV1, sealed to case-substance), for auditors.",
    )

    @model_validator(mode="after")
    def _fields_of_its_outcome(self) -> TelaahDecidedV1:
        given = {name for name in _OUTCOME_FIELDS_ALL if getattr(self, name) is not None}
        required, allowed = _OUTCOME_FIELDS[self.outcome]
        if not required <= given:
            raise ValueError(f"{self.outcome.value} needs {sorted(required - given)}")
        if not given <= allowed:
            raise ValueError(f"{self.outcome.value} does not carry {sorted(given - allowed)}")
        if self.outcome is TelaahOutcome.DITERUSKAN:
            if (self.forwarded_to_tenant is None) == (self.forwarded_to_external is None):
                raise ValueError("diteruskan goes either to a tenant or outside the system")
            if (self.forwarded_to_tenant is None) != (self.forwarded_case_id is None):
                raise ValueError("a report forwarded to a tenant names the case it became there")
        if (self.approved_by is None) != (self.approved_as is None):
            raise ValueError("an approval names the approver and the role they approved as")
        return self


_FORWARDING = frozenset({"forwarded_to_name", "forwarded_to_tenant", "forwarded_to_external", "forwarded_case_id"})
_OUTCOME_FIELDS: dict[TelaahOutcome, tuple[frozenset[str], frozenset[str]]] = {
    TelaahOutcome.TIDAK_DIPROSES: (
        frozenset({"not_processed_reason", "reason_for_reporter"}),
        frozenset({"not_processed_reason", "reason_for_reporter"}),
    ),
    TelaahOutcome.DITERUSKAN: (frozenset({"forwarded_to_name"}), _FORWARDING),
    TelaahOutcome.DIGABUNG: (frozenset({"merged_into"}), frozenset({"merged_into", "merged_into_agenda"})),
    TelaahOutcome.AUDIT_INVESTIGASI: (frozenset({"conclusion"}), frozenset({"conclusion", "report_substance"})),
}
_OUTCOME_FIELDS_ALL = frozenset().union(*(allowed for _, allowed in _OUTCOME_FIELDS.values()))

#: The policy decision (directory's ``Decision``) whose approval each outcome needs.
OUTCOME_DECISIONS: dict[TelaahOutcome, Decision] = {
    TelaahOutcome.TIDAK_DIPROSES: Decision.TELAAH_NOT_PROCESSED,
    TelaahOutcome.DITERUSKAN: Decision.TELAAH_FORWARDED,
    TelaahOutcome.DIGABUNG: Decision.TELAAH_MERGED,
    TelaahOutcome.AUDIT_INVESTIGASI: Decision.TELAAH_AUDIT,
}

SEALED_DOCUMENTS: tuple[type[SealedDocument], ...] = (DispositionInstructionV1, TelaahConclusionV1)
