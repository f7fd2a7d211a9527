"""Directory's tables: tenants (current version) and every version of every tenant."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, DateTime, ForeignKey, Integer, MetaData, Table, Text, select
from sqlalchemy.dialects.postgresql import JSONB, insert

from wbs_directory.domain.tenant import TenantDocument
from wbs_directory.ports import StoredTenant
from wbs_runtime.unit_of_work import Repository, UnitOfWork

metadata = MetaData()

tenant_table = Table(
    "tenant",
    metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("parent_id", Text, ForeignKey("tenant.id"), nullable=True),
    Column("version", Integer, nullable=False),
    Column("document", JSONB, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("changed_by", Text, nullable=False),
)

tenant_version_table = Table(
    "tenant_version",
    metadata,
    Column("tenant_id", Text, ForeignKey("tenant.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("document", JSONB, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("changed_by", Text, nullable=False),
)


def _stored(row: Any) -> StoredTenant:
    return StoredTenant(
        document=TenantDocument.model_validate(row.document),
        version=row.version,
        changed_at=row.changed_at,
        changed_by=row.changed_by,
    )


class SqlTenants(Repository):
    async def all(self) -> dict[str, StoredTenant]:
        # The whole directory is checked as one (parents, recipients): lock it against a concurrent import.
        rows = await self._session.execute(select(tenant_table).order_by(tenant_table.c.id).with_for_update())
        return {row.id: _stored(row) for row in rows}

    async def save(self, stored: StoredTenant) -> None:
        document = stored.document
        values = {
            "id": document.id,
            "name": document.name,
            "kind": document.kind.value,
            "parent_id": document.parent,
            "version": stored.version,
            "document": document.model_dump(mode="json"),
            "changed_at": stored.changed_at,
            "changed_by": stored.changed_by,
        }
        upsert = insert(tenant_table).values(values)
        await self._session.execute(
            upsert.on_conflict_do_update(index_elements=[tenant_table.c.id], set_=dict(upsert.excluded))
        )
        await self._session.execute(
            insert(tenant_version_table).values(
                tenant_id=document.id,
                version=stored.version,
                document=values["document"],
                changed_at=stored.changed_at,
                changed_by=stored.changed_by,
            )
        )

    async def history(self, tenant_id: str) -> list[StoredTenant]:
        rows = await self._session.execute(
            select(tenant_version_table)
            .where(tenant_version_table.c.tenant_id == tenant_id)
            .order_by(tenant_version_table.c.version)
        )
        return [_stored(row) for row in rows]


class SqlDirectoryUnitOfWork(UnitOfWork):
    tenants: SqlTenants
