"""What investigation's use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any, Protocol, TypeVar
from uuid import UUID

from wbs_contracts.events.directory import TenantConfiguredV1
from wbs_contracts.sealed import SealedDocument, SealedPayload
from wbs_investigation.domain.case_file import CaseFile, CaseFileStatus
from wbs_investigation.domain.documents import CaseDocument, DocumentKind
from wbs_investigation.domain.recommendation import FollowUp, QueuedRecommendation, Recommendation
from wbs_investigation.domain.team import TeamMember
from wbs_runtime.audit.trail import AuditTrail
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


class InvestigationUnitOfWork(Transactional, Protocol):
    @property
    def case_files(self) -> CaseFiles: ...

    @property
    def teams(self) -> AuditTeams: ...

    @property
    def audit(self) -> AuditTrail: ...

    @property
    def outbox(self) -> EventOutbox: ...


# -- recommendations (rekomendasi) ----------------------------------------------------------------------

D = TypeVar("D", bound=SealedDocument)


class Keys(Protocol):
    """Seals to a tenant's case-substance and opens it (investigation holds that private key)."""

    def seal(self, tenant: str, audience: str, document: SealedDocument, *, case: UUID) -> SealedPayload: ...

    def open(self, sealed: SealedPayload, *, tenant: str, case: UUID, model: type[D]) -> D: ...


class TenantConfigurations(Protocol):
    """The tenants' configurations kept from directory (``wbs_runtime.tenancy``)."""

    async def get(self, tenant_id: str) -> TenantConfiguredV1 | None: ...


class CaseDocuments(Protocol):
    async def of_case(self, case_id: UUID, kinds: tuple[DocumentKind, ...] = ()) -> list[CaseDocument]: ...


class Vault(Protocol):
    """The audit's files, encrypted at rest (``adapters.documents.DocumentVault``); ``documents`` is
    the unit of work's register, so a file is registered in the caller's transaction."""

    async def store(
        self,
        documents: Any,
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

    async def read(self, documents: Any, document_id: UUID) -> tuple[CaseDocument, bytes] | None: ...


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
    def tenants(self) -> TenantConfigurations: ...
