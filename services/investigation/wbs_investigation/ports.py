"""What investigation's use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol, TypeVar
from uuid import UUID

from wbs_contracts.events.directory import TenantConfiguredV1
from wbs_contracts.sealed import SealedDocument, SealedPayload
from wbs_investigation.domain.audit import Clarification, CustodyEntry, EvidenceItem, ProgrammeRecord
from wbs_investigation.domain.audit_result import AuditeeResponse, AuditeeResponseV1, FinalReport, RecordedResult
from wbs_investigation.domain.case_file import CaseFile, CaseFileStatus
from wbs_investigation.domain.documents import CaseDocument, DocumentKind
from wbs_investigation.domain.surat_tugas import SuratTugas
from wbs_investigation.domain.team import TeamMember
from wbs_runtime.audit.trail import AuditTrail
from wbs_runtime.roster import RosterEntry
from wbs_runtime.unit_of_work import EventOutbox, Transactional


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


D = TypeVar("D", bound=SealedDocument)


class Keys(Protocol):
    """Sealing to and opening case-substance (the runtime's key ring)."""

    def seal(self, tenant: str, audience: str, document: SealedDocument, *, case: UUID) -> SealedPayload: ...

    def open(self, sealed: SealedPayload, *, tenant: str, case: UUID, model: type[D]) -> D: ...


class CaseDocuments(Protocol):
    """The register of an audit's files (the bytes are in the blob store)."""

    async def add(self, document: CaseDocument, *, blob: str, sealed_key: SealedPayload) -> None: ...

    async def of_case(self, case_id: UUID, kinds: tuple[DocumentKind, ...] = ()) -> list[CaseDocument]: ...

    async def locate(self, document_id: UUID) -> tuple[CaseDocument, str, SealedPayload] | None: ...


class Vault(Protocol):
    """Where every file of an audit is kept, encrypted (``adapters.documents.DocumentVault``)."""

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


class Tenants(Protocol):
    async def get(self, tenant: str) -> TenantConfiguredV1 | None: ...


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
    def roster(self) -> Roster: ...

    @property
    def documents(self) -> CaseDocuments: ...

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
