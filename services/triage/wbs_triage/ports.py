"""What triage's use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, TypeVar
from uuid import UUID

from wbs_contracts.events.directory import TenantConfiguredV1
from wbs_contracts.sealed import SealedDocument, SealedPayload
from wbs_runtime.audit import AuditRecorder, ChainedEntry
from wbs_runtime.unit_of_work import EventOutbox, Transactional
from wbs_triage.domain.case import Case
from wbs_triage.domain.disposition import Disposition, RosterEntry, TeamSeat
from wbs_triage.domain.evidence import CaseEvidence
from wbs_triage.domain.messages import CaseMessage
from wbs_triage.domain.queue import Lateness, OpenQuestion, QueueQuery


class CaseRepository(Protocol):
    async def add(self, case: Case) -> None: ...
    async def get(self, case_id: UUID) -> Case | None: ...
    async def in_tenant(self, tenant: str, *, limit: int = 200) -> list[Case]:
        """The tenant's cases, newest first."""
        ...


class EvidenceRepository(Protocol):
    async def add(self, evidence: CaseEvidence) -> None:
        """Keep it, unless a file of that id is kept already (a redelivered event)."""
        ...

    async def of_case(self, case_id: UUID) -> list[CaseEvidence]:
        """Oldest first."""
        ...

    async def get(self, evidence_id: UUID) -> CaseEvidence | None: ...


D = TypeVar("D", bound=SealedDocument)


class Opener(Protocol):
    def open(self, sealed: SealedPayload, *, tenant: str, case: UUID, model: type[D]) -> D: ...


class Agenda(Protocol):
    async def next_sequence(self, tenant: str, year: int) -> int:
        """The next number in the tenant's agenda for ``year``; held until the transaction ends."""
        ...


class MessageRepository(Protocol):
    """The Kotak Komunikasi of each case, sealed to case-substance."""

    async def add(self, message: CaseMessage) -> bool:
        """Keep ``message``; False (and nothing changes) if a message with its id is kept already."""
        ...

    async def of_case(self, case_id: UUID) -> list[CaseMessage]:
        """The case's messages, both ways, oldest first."""
        ...


class Keys(Opener, Protocol):
    """Seals to any audience of a tenant; opens what triage is entitled to (case-substance)."""

    def seal(self, tenant: str, audience: str, document: SealedDocument, *, case: UUID) -> SealedPayload: ...


class TriageUnitOfWork(Transactional, Protocol):
    @property
    def cases(self) -> CaseRepository: ...
    @property
    def agenda(self) -> Agenda: ...
    @property
    def evidence(self) -> EvidenceRepository: ...
    @property
    def messages(self) -> MessageRepository: ...
    @property
    def outbox(self) -> EventOutbox: ...
    @property
    def audit(self) -> CaseTrail: ...
    @property
    def dispositions(self) -> Dispositions: ...
    @property
    def tenants(self) -> TenantConfigurations: ...


class Dispositions(Protocol):
    """Each disposition of a case (kept), its current team, and the case's clock columns."""

    async def record(self, disposition: Disposition, *, waiting_on_reporter_since: datetime | None) -> None:
        """Keep ``disposition``, make its team the case's, and the case ditelaah with its due time."""
        ...

    async def of_case(self, case_id: UUID) -> list[Disposition]:
        """Oldest first."""
        ...

    async def teams(self, case_ids: Sequence[UUID]) -> dict[UUID, list[TeamSeat]]:
        """The current team of each case that has one, the ketua first."""
        ...

    async def wait_on_reporter(self, case_id: UUID, since: datetime) -> None:
        """The case waits on the reporter from ``since`` (unless it waits already)."""
        ...

    async def resume(self, case_id: UUID, follow_up_due: datetime | None) -> None:
        """The reporter wrote: the case no longer waits; the team's due time moved on."""
        ...


class Roster(Protocol):
    async def keep(self, entry: RosterEntry) -> bool:
        """Keep ``entry`` unless a later announcement is kept; whether it was kept."""
        ...

    async def get(self, tenant: str, officer_id: str) -> RosterEntry | None: ...

    async def of_tenant(self, tenant: str) -> list[RosterEntry]: ...


class CaseTrail(AuditRecorder, Protocol):
    async def history(self, tenant_id: str, object_type: str, object_id: str) -> list[ChainedEntry]:
        """One object's entries in the tenant's chain, oldest first."""
        ...


# -- the officers' queue -------------------------------------------------------------------------


class QueueCases(CaseRepository, Protocol):
    async def queue(self, tenant: str, query: QueueQuery, lateness: Lateness) -> tuple[list[Case], int]:
        """One page of the tenant's cases that ``query`` asks for, newest first, and how many there are."""
        ...


class OpenQuestions(Protocol):
    async def of_cases(self, tenant: str, case_ids: Sequence[UUID]) -> list[OpenQuestion]:
        """The reporter's questions of these cases that no officer answered, oldest first."""
        ...


class TenantConfigurations(Protocol):
    async def get(self, tenant_id: str) -> TenantConfiguredV1 | None:
        """The tenant's configuration as directory last published it, if triage keeps it."""
        ...


class QueueUnitOfWork(TriageUnitOfWork, Protocol):
    @property
    def cases(self) -> QueueCases: ...
    @property
    def open_questions(self) -> OpenQuestions: ...
    @property
    def roster(self) -> Roster: ...
