"""What investigation's use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Protocol, TypeVar
from uuid import UUID

from wbs_contracts.events.directory import TenantConfiguredV1
from wbs_contracts.sealed import SealedDocument, SealedPayload
from wbs_investigation.domain.audit import Clarification, CustodyEntry, EvidenceItem, ProgrammeRecord
from wbs_investigation.domain.audit_result import AuditeeResponse, AuditeeResponseV1, FinalReport, RecordedResult
from wbs_investigation.domain.case_file import CaseFile, CaseFileStatus
from wbs_investigation.domain.documents import CaseDocument, DocumentKind
from wbs_investigation.domain.ekspose import (
    Ekspose,
    EksposeInvitationV1,
    EksposeMinutesV1,
    LeadersMeeting,
    Minutes,
    MinutesConclusion,
    ResultSent,
)
from wbs_investigation.domain.escalation import Escalation
from wbs_investigation.domain.recommendation import FollowUp, QueuedRecommendation, Recommendation
from wbs_investigation.domain.surat_tugas import SuratTugas
from wbs_investigation.domain.team import TeamMember
from wbs_runtime.audit.trail import AuditTrail
from wbs_runtime.roster import RosterEntry
from wbs_runtime.unit_of_work import EventOutbox, Transactional

D = TypeVar("D", bound=SealedDocument)


class CaseFiles(Protocol):
    async def open(self, case_file: CaseFile) -> None: ...

    async def record_telaah(
        self,
        case_id: UUID,
        tenant: str,
        *,
        status: CaseFileStatus,
        decided_at: datetime,
        policy_version: int,
        conclusion: SealedPayload | None,
        report_substance: SealedPayload | None,
    ) -> None: ...

    async def get(self, case_id: UUID) -> CaseFile | None: ...

    async def lock(self, case_id: UUID) -> CaseFile | None: ...

    async def sealed(self, case_id: UUID) -> tuple[SealedPayload | None, SealedPayload | None]: ...

    async def in_tenant(
        self, tenant: str, statuses: Collection[CaseFileStatus], *, limit: int = 200
    ) -> list[CaseFile]: ...

    async def set_status(self, case_id: UUID, status: CaseFileStatus) -> None: ...


class AuditTeams(Protocol):
    async def replace(self, case_id: UUID, members: Sequence[TeamMember]) -> None: ...

    async def of_case(self, case_id: UUID) -> list[TeamMember]: ...

    async def on_team(self, case_id: UUID, officer_id: str) -> bool: ...


class Roster(Protocol):
    """The runtime's roster (``wbs_runtime.roster.OfficerRoster``): each officer's roles per tenant."""

    async def get(self, tenant: str, officer_id: str) -> RosterEntry | None: ...

    async def of_tenant(self, tenant: str) -> list[RosterEntry]: ...


class CaseDocuments(Protocol):
    """The register of an audit's files (the bytes are in the blob store)."""

    async def add(self, document: CaseDocument, *, blob: str, sealed_key: SealedPayload) -> None: ...

    async def of_case(self, case_id: UUID, kinds: tuple[DocumentKind, ...] = ()) -> list[CaseDocument]: ...

    async def locate(self, document_id: UUID) -> tuple[CaseDocument, str, SealedPayload] | None: ...


class Vault(Protocol):
    """Keeps an audit's files encrypted, registered in the caller's transaction (``DocumentVault``)."""

    async def store(
        self,
        documents: CaseDocuments,
        *,
        tenant: str,
        case_id: UUID,
        kind: DocumentKind,
        title: str,
        media_type: str,
        content: bytes,
        added_by: str,
        added_at: datetime,
    ) -> CaseDocument: ...

    async def read(self, documents: CaseDocuments, document_id: UUID) -> tuple[CaseDocument, bytes] | None: ...


class Eksposes(Protocol):
    """The exposés of each case, and what a concluded one leaves on the case file."""

    async def add(self, ekspose: Ekspose) -> None: ...

    async def of_case(self, case_id: UUID) -> list[Ekspose]: ...

    async def lock(self, ekspose_id: UUID) -> Ekspose | None: ...

    async def record_minutes(self, ekspose_id: UUID, minutes: Minutes) -> None: ...

    async def record_leaders_meeting(self, ekspose_id: UUID, meeting: LeadersMeeting) -> None: ...

    async def record_result_sent(self, ekspose_id: UUID, result: ResultSent) -> None: ...

    async def conclude_case(self, case_id: UUID, at: datetime | None, conclusion: SealedPayload | None) -> None:
        """Set (or, with None, clear) ``case_file.ekspose_concluded_at`` and its sealed conclusion."""
        ...

    async def case_conclusion(self, case_id: UUID) -> SealedPayload | None: ...

    async def body_name(self, tenant: str) -> str | None:
        """The body's name, from the tenants' configuration kept from directory."""
        ...


class EksposeSheets(Protocol):
    """Makes an exposé's documents (the invitation, the minutes) as PDF bytes."""

    def invitation(
        self, ekspose: Ekspose, invitation: EksposeInvitationV1, *, body: str, agenda_number: str
    ) -> bytes: ...

    def minutes(
        self,
        ekspose: Ekspose,
        invitation: EksposeInvitationV1,
        minutes: EksposeMinutesV1,
        conclusion: MinutesConclusion,
        *,
        body: str,
        agenda_number: str,
    ) -> bytes: ...


class AuditDocuments(Protocol):
    """Makes the audit's documents (``adapters.audit_pdf.AuditLetters``)."""

    def surat_tugas(self, letter: SuratTugas, *, body_name: str, agenda_number: str | None) -> bytes: ...

    def final_report(
        self,
        report: FinalReport,
        *,
        body_name: str,
        agenda_number: str | None,
        result: RecordedResult,
        findings: str,
        response: AuditeeResponseV1,
        team: Sequence[TeamMember],
    ) -> bytes: ...


class SuratTugasRegister(Protocol):
    async def number_in_use(self, tenant: str, number: str) -> bool: ...

    async def add(self, letter: SuratTugas) -> bool:
        """False (nothing kept) when the number is already the tenant's."""
        ...

    async def of_case(self, case_id: UUID) -> list[SuratTugas]:
        """Newest first: the first is in force."""
        ...


class AuditRecords(Protocol):
    async def programme(self, case_id: UUID) -> ProgrammeRecord | None: ...

    async def save_programme(self, record: ProgrammeRecord) -> None: ...

    async def add_clarification(self, clarification: Clarification) -> None: ...

    async def clarifications(self, case_id: UUID) -> list[Clarification]: ...

    async def next_evidence_number(self, case_id: UUID) -> int: ...

    async def add_evidence(self, item: EvidenceItem) -> None: ...

    async def evidence(self, case_id: UUID) -> list[EvidenceItem]: ...

    async def evidence_item(self, evidence_id: UUID) -> EvidenceItem | None: ...

    async def evidence_of_document(self, document_id: UUID) -> EvidenceItem | None: ...

    async def add_custody(self, entry: CustodyEntry) -> None: ...

    async def custody(self, case_id: UUID) -> list[CustodyEntry]: ...


class AuditResults(Protocol):
    async def add_result(self, result: RecordedResult) -> None: ...

    async def results(self, case_id: UUID) -> list[RecordedResult]:
        """Every version, the one in force first."""
        ...

    async def add_response(self, response: AuditeeResponse) -> None: ...

    async def responses(self, case_id: UUID) -> list[AuditeeResponse]:
        """Newest first."""
        ...

    async def report_number_in_use(self, tenant: str, number: str) -> bool: ...

    async def add_report(self, report: FinalReport) -> bool: ...

    async def reports(self, case_id: UUID) -> list[FinalReport]:
        """Newest revision first."""
        ...

    async def mark_issued(self, report: FinalReport, result: RecordedResult) -> None: ...


class InvestigationUnitOfWork(Transactional, Protocol):
    @property
    def case_files(self) -> CaseFiles: ...

    @property
    def teams(self) -> AuditTeams: ...

    @property
    def documents(self) -> CaseDocuments: ...

    @property
    def eksposes(self) -> Eksposes: ...

    @property
    def roster(self) -> Roster: ...

    @property
    def tenants(self) -> Tenants: ...

    @property
    def surat_tugas(self) -> SuratTugasRegister: ...

    @property
    def audit_records(self) -> AuditRecords: ...

    @property
    def audit_results(self) -> AuditResults: ...

    @property
    def audit(self) -> AuditTrail: ...

    @property
    def outbox(self) -> EventOutbox: ...


# -- escalation (pelimpahan) and the agencies ---------------------------------------------------------


class Escalations(Protocol):
    async def save(self, escalation: Escalation) -> None: ...

    async def of_case(self, case_id: UUID) -> list[Escalation]: ...

    async def get(self, escalation_id: UUID, *, for_update: bool = False) -> Escalation | None: ...

    async def sent_to(self, agency: str, *, limit: int = 200) -> list[Escalation]: ...

    async def acknowledge(self, escalation_id: UUID, *, at: datetime, by: str, reference: str) -> bool: ...

    async def hand_over_case(self, case_id: UUID, *, at: datetime) -> None: ...


class Tenants(Protocol):
    """The tenants' configurations as investigation keeps them."""

    async def get(self, tenant: str) -> TenantConfiguredV1 | None: ...

    async def several(self, tenants: Collection[str]) -> dict[str, TenantConfiguredV1]: ...


class Keys(Protocol):
    """Sealing to any tenant's public key; opening what investigation is entitled to (case-substance)."""

    def seal(self, tenant: str, audience: str, document: SealedDocument, *, case: UUID) -> SealedPayload: ...

    def open(self, sealed: SealedPayload, *, tenant: str, case: UUID, model: type[D]) -> D: ...

    def can_seal(self, tenant: str, audience: str) -> bool: ...


class AgencyTopics(Protocol):
    """Each receiving agency's own topic (``wbs.escalations.{agency}.v1``), made on the broker."""

    async def ensure(self, agencies: Collection[str]) -> int: ...


class EscalationUnitOfWork(InvestigationUnitOfWork, Protocol):
    @property
    def escalations(self) -> Escalations: ...

    @property
    def recommendations(self) -> Recommendations:
        """An approved hand-over completes the case's recommendation to hand it over."""
        ...

    @property
    def tenants(self) -> Tenants: ...

    @property
    def documents(self) -> CaseDocuments: ...


# -- recommendations (rekomendasi) ---------------------------------------------------------------


class Recommendations(Protocol):
    async def add(self, recommendation: Recommendation) -> None: ...

    async def get(self, recommendation_id: UUID, *, for_update: bool = False) -> Recommendation | None: ...

    async def of_case(self, case_id: UUID) -> list[Recommendation]: ...

    async def complete(self, recommendation: Recommendation) -> None:
        """Record that it was carried out (``carried_out_on``, ``completed_*``, ``on_time``)."""
        ...

    async def add_follow_up(self, follow_up: FollowUp) -> None: ...

    async def follow_ups(self, case_id: UUID) -> list[FollowUp]: ...

    async def open_in_tenant(
        self, tenant: str, *, overdue_on: date | None = None, limit: int = 500
    ) -> list[QueuedRecommendation]:
        """The tenant's recommendations not yet done (with ``overdue_on``: only those past their
        deadline on that day), each with its case's agenda number."""
        ...

    async def due_for_notice(self, today: date, *, limit: int) -> list[Recommendation]:
        """Those overdue on ``today`` whose deadline was not announced yet, locked (others skipped)."""
        ...

    async def mark_overdue(self, recommendation_id: UUID, due: date, at: datetime) -> None: ...


class RecommendationUnitOfWork(InvestigationUnitOfWork, Protocol):
    @property
    def recommendations(self) -> Recommendations: ...

    @property
    def documents(self) -> CaseDocuments: ...

    @property
    def tenants(self) -> Tenants: ...
