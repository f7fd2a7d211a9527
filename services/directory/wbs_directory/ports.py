"""What directory's use cases need from the outside world."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from wbs_directory.domain.tenant import TenantDocument
from wbs_runtime.unit_of_work import EventOutbox, Transactional


@dataclass(frozen=True)
class StoredTenant:
    document: TenantDocument
    version: int
    changed_at: datetime
    changed_by: str


class Tenants(Protocol):
    async def all(self) -> dict[str, StoredTenant]:
        """Every tenant's current version, by id (locked against concurrent changes)."""
        ...

    async def save(self, stored: StoredTenant) -> None:
        """Store a new current version and keep it in the tenant's history."""
        ...

    async def history(self, tenant_id: str) -> list[StoredTenant]: ...


class DirectoryUnitOfWork(Transactional, Protocol):
    @property
    def tenants(self) -> Tenants: ...

    @property
    def outbox(self) -> EventOutbox: ...
