"""What triage's use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, TypeVar
from uuid import UUID

from wbs_contracts.events.directory import TenantConfiguredV1
from wbs_contracts.sealed import SealedDocument, SealedPayload
from wbs_runtime.audit import AuditRecorder, ChainedEntry
from wbs_runtime.roster import RosterEntry
from wbs_runtime.unit_of_work import EventOutbox, Transactional
from wbs_triage.domain.case import Case, CaseStatus
from wbs_triage.domain.decision import CaseLink, PriorAudit, Proposal
from wbs_triage.domain.disposition import Disposition, TeamSeat
from wbs_triage.domain.evidence import CaseEvidence
from wbs_triage.domain.messages import CaseMessage
from wbs_triage.domain.queue import Lateness, OpenQuestion, QueueQuery
from wbs_triage.domain.related import Candidate, RelatedIndexEntry
from wbs_triage.domain.telaah import TelaahNote


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


class RegistrationRepository(Protocol):
    """The registration record (pencatatan) the officers completed, sealed to case-substance."""

    async def get(self, case_id: UUID) -> SealedPayload | None: ...
    async def put(self, case_id: UUID, tenant: str, sealed: SealedPayload, *, at: datetime, by: str) -> None: ...


class TelaahRepository(Protocol):
    """A case's telaah: its checklist (one sealed document) and its free notes (append-only)."""

    async def checklist(self, case_id: UUID, *, for_update: bool = False) -> SealedPayload | None:
        """With ``for_update``, the row is held until the transaction ends (two officers ticking
        steps at once both keep their step)."""
        ...

    async def put_checklist(self, case_id: UUID, tenant: str, sealed: SealedPayload, *, at: datetime) -> None: ...
    async def add_note(self, note: TelaahNote) -> None: ...
    async def notes(self, case_id: UUID) -> list[TelaahNote]:
        """Oldest first."""
        ...


class RelatedIndex(Protocol):
    """Keyed digests and signatures of each case, to find related ones (no plaintext)."""

    async def replace(self, case_id: UUID, tenant: str, entry: RelatedIndexEntry) -> None:
        """What is kept for the case from now on (anything kept before goes)."""
        ...

    async def signature(self, case_id: UUID) -> tuple[int, ...] | None: ...
    async def unindexed(self, *, tenant: str | None = None, limit: int) -> list[UUID]:
        """Cases (of ``tenant``, or any) the index does not hold yet, oldest first, held until the
        transaction ends (another indexer skips them)."""
        ...

    async def cases_after(self, tenant: str, after: UUID | None, *, limit: int) -> list[UUID]:
        """The tenant's cases in id order, after ``after``: to index them all, a page at a time."""
        ...

    async def candidates(self, case_id: UUID, tenant: str, *, limit: int = 50) -> list[Candidate]:
        """The tenant's other cases sharing a digest with this one, with the labels they share."""
        ...


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
    def registrations(self) -> RegistrationRepository: ...
    @property
    def telaah(self) -> TelaahRepository: ...
    @property
    def related(self) -> RelatedIndex: ...
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
    """The runtime's roster (``wbs_runtime.roster.OfficerRoster``), kept from directory's officer-roles."""

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
    @property
    def proposals(self) -> Proposals: ...


# -- the end of the telaah: decisions ----------------------------------------------------------------


class PriorAudits(Protocol):
    async def save(self, flag: PriorAudit) -> None: ...
    async def of_case(self, case_id: UUID) -> PriorAudit | None: ...


class Proposals(Protocol):
    async def save(self, proposal: Proposal) -> None:
        """Keep it, or its new state."""
        ...

    async def of_case(self, case_id: UUID) -> list[Proposal]:
        """Oldest first."""
        ...

    async def pending_of_case(self, case_id: UUID, *, for_update: bool = False) -> Proposal | None: ...

    async def pending_of_cases(self, case_ids: Sequence[UUID]) -> dict[UUID, Proposal]:
        """The pending proposal of each of these cases that has one."""
        ...


class CaseLinks(Protocol):
    async def add(self, link: CaseLink) -> None: ...
    async def of_case(self, case_id: UUID) -> list[CaseLink]: ...


class CaseStatuses(Protocol):
    async def lock(self, case_id: UUID) -> CaseStatus | None:
        """The case's status, its row locked until the transaction ends (None: no such case)."""
        ...

    async def set(self, case_id: UUID, status: CaseStatus) -> None: ...


class Bodies(Protocol):
    async def active(self) -> list[TenantConfiguredV1]:
        """The active bodies triage knows from directory, by name."""
        ...


class DecisionUnitOfWork(TriageUnitOfWork, Protocol):
    @property
    def prior_audits(self) -> PriorAudits: ...
    @property
    def proposals(self) -> Proposals: ...
    @property
    def links(self) -> CaseLinks: ...
    @property
    def statuses(self) -> CaseStatuses: ...
    @property
    def bodies(self) -> Bodies: ...
