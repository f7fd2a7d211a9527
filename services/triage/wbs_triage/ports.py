"""What triage's use cases need from the outside world."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from wbs_runtime.audit import AuditRecorder, ChainedEntry
from wbs_runtime.unit_of_work import EventOutbox, Transactional
from wbs_triage.domain.case import Case


class CaseRepository(Protocol):
    async def add(self, case: Case) -> None: ...
    async def get(self, case_id: UUID) -> Case | None: ...
    async def in_tenant(self, tenant: str, *, limit: int = 200) -> list[Case]:
        """The tenant's cases, newest first."""
        ...


class Agenda(Protocol):
    async def next_sequence(self, tenant: str, year: int) -> int:
        """The next number in the tenant's agenda for ``year``; held until the transaction ends."""
        ...


class TriageUnitOfWork(Transactional, Protocol):
    @property
    def cases(self) -> CaseRepository: ...
    @property
    def agenda(self) -> Agenda: ...
    @property
    def outbox(self) -> EventOutbox: ...
    @property
    def audit(self) -> CaseTrail: ...


class CaseTrail(AuditRecorder, Protocol):
    async def history(self, tenant_id: str, object_type: str, object_id: str) -> list[ChainedEntry]:
        """One object's entries in the tenant's chain, oldest first."""
        ...
