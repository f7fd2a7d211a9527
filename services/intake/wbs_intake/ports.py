"""What intake's use cases need from the outside world; adapters and test fakes provide it."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from wbs_contracts.sealed import SealedDocument, SealedPayload
from wbs_intake.domain.report import Report, StatusChange
from wbs_intake.domain.tenant import Tenant
from wbs_runtime.unit_of_work import EventOutbox, Transactional


class ReportRepository(Protocol):
    async def add(self, report: Report) -> None: ...
    async def get(self, report_id: UUID, *, for_update: bool = False) -> Report | None: ...
    async def credentials(self, registration_number: str) -> tuple[UUID, str] | None:
        """The report's id and secret hash, and nothing else."""
        ...

    async def append_status(self, report_id: UUID, change: StatusChange) -> None: ...


class TenantRepository(Protocol):
    async def all(self) -> list[Tenant]: ...
    async def get(self, tenant_id: str) -> Tenant | None: ...
    async def save(self, tenant: Tenant) -> None: ...


class IntakeUnitOfWork(Transactional, Protocol):
    @property
    def reports(self) -> ReportRepository: ...
    @property
    def tenants(self) -> TenantRepository: ...
    @property
    def outbox(self) -> EventOutbox: ...


class Sealer(Protocol):
    def seal(self, tenant: str, audience: str, document: SealedDocument, *, case: UUID) -> SealedPayload:
        """``document`` sealed to the tenant's current key of ``audience``, bound to ``case``."""
        ...


class SecretHasher(Protocol):
    async def hash(self, secret: str) -> str: ...
    async def verify(self, secret_hash: str | None, secret: str) -> bool:
        """False for ``None`` too, after the same work, so timing does not reveal which reports exist."""
        ...
