"""What investigation's use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from wbs_contracts.sealed import SealedPayload
from wbs_investigation.domain.case_file import CaseFile, CaseFileStatus
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


class InvestigationUnitOfWork(Transactional, Protocol):
    @property
    def case_files(self) -> CaseFiles: ...

    @property
    def teams(self) -> AuditTeams: ...

    @property
    def roster(self) -> Roster: ...

    @property
    def audit(self) -> AuditTrail: ...

    @property
    def outbox(self) -> EventOutbox: ...
