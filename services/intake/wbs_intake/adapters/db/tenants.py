"""The bodies intake offers, as kept from directory's configurations."""

from __future__ import annotations

from sqlalchemy import (
    delete,
    insert,
    select,
)
from sqlalchemy.dialects.postgresql import insert as upsert

from wbs_contracts.events.directory import TenantConfiguredV1
from wbs_intake.adapters.db.tables import category_table, tenant_table
from wbs_intake.domain.tenant import Category, Tenant
from wbs_intake.ports import OfferedBody
from wbs_runtime.messaging.tables import tenant_configuration
from wbs_runtime.tenancy import TenantDirectory
from wbs_runtime.unit_of_work import Repository

_TENANT_WITH_CATEGORY = """
    SELECT tenant.id, tenant.name, tenant_category.slug, tenant_category.label_id, tenant_category.label_en
    FROM tenant LEFT JOIN tenant_category ON tenant_category.tenant_id = tenant.id AND tenant_category.slug = $2
    WHERE tenant.id = $1 AND tenant.offered
"""


class SqlBodyDirectory(Repository):
    """Bodies as the reporter's pages show them: intake's offered tenants, placed in the hierarchy
    by the runtime's kept configurations."""

    async def offered(self) -> list[OfferedBody]:
        query = (
            select(tenant_table.c.id, tenant_table.c.name, tenant_configuration.c.ancestors)
            .select_from(
                tenant_table.outerjoin(tenant_configuration, tenant_configuration.c.tenant_id == tenant_table.c.id)
            )
            .where(tenant_table.c.offered)
            .order_by(tenant_table.c.name)
        )
        return [OfferedBody(row.id, row.name, tuple(row.ancestors or ())) for row in await self._session.execute(query)]

    async def names(self, tenant_ids: list[str]) -> dict[str, str]:
        if not tenant_ids:
            return {}
        query = select(tenant_configuration.c.tenant_id, tenant_configuration.c.configuration["name"].astext).where(
            tenant_configuration.c.tenant_id.in_(tenant_ids)
        )
        return {row[0]: row[1] for row in await self._session.execute(query)}

    async def configuration(self, tenant_id: str) -> TenantConfiguredV1 | None:
        return await TenantDirectory(self._session).get(tenant_id)


class SqlTenantRepository(Repository):
    async def all(self) -> list[Tenant]:
        return await self._load()

    async def get(self, tenant_id: str) -> Tenant | None:
        found = await self._load(tenant_id)
        return found[0] if found else None

    async def with_category(self, tenant_id: str, slug: str) -> Tenant | None:
        row = await (await self._driver()).fetchrow(_TENANT_WITH_CATEGORY, tenant_id, slug)
        if row is None:
            return None
        categories = (Category(row["slug"], row["label_id"], row["label_en"]),) if row["slug"] is not None else ()
        return Tenant(id=row["id"], name=row["name"], categories=categories)

    async def _load(self, tenant_id: str | None = None) -> list[Tenant]:
        """Tenants (one, or all by name) with their categories: two queries, however many tenants."""
        tenants = select(tenant_table).where(tenant_table.c.offered).order_by(tenant_table.c.name)
        categories = select(category_table).order_by(category_table.c.tenant_id, category_table.c.position)
        if tenant_id is not None:
            tenants = tenants.where(tenant_table.c.id == tenant_id)
            categories = categories.where(category_table.c.tenant_id == tenant_id)
        by_tenant: dict[str, list[Category]] = {}
        for c in await self._session.execute(categories):
            by_tenant.setdefault(c.tenant_id, []).append(Category(c.slug, c.label_id, c.label_en))
        return [
            Tenant(id=row.id, name=row.name, categories=tuple(by_tenant.get(row.id, ())))
            for row in await self._session.execute(tenants)
        ]

    async def save(self, tenant: Tenant, *, policy_version: int) -> None:
        values = {"id": tenant.id, "name": tenant.name, "offered": True, "policy_version": policy_version}
        statement = upsert(tenant_table).values(values)
        await self._session.execute(statement.on_conflict_do_update(index_elements=[tenant_table.c.id], set_=values))
        await self._session.execute(delete(category_table).where(category_table.c.tenant_id == tenant.id))
        if tenant.categories:
            await self._session.execute(
                insert(category_table),
                [
                    {
                        "tenant_id": tenant.id,
                        "slug": category.slug,
                        "label_id": category.label_id,
                        "label_en": category.label_en,
                        "position": position,
                    }
                    for position, category in enumerate(tenant.categories)
                ],
            )

    async def withdraw(self, tenant_id: str) -> None:
        await self._session.execute(tenant_table.update().where(tenant_table.c.id == tenant_id).values(offered=False))


class SqlTenantConfigurations(Repository):
    """The tenants' configurations kept from directory (``wbs_runtime.tenancy``)."""

    async def get(self, tenant_id: str) -> TenantConfiguredV1 | None:
        return await TenantDirectory(self._session).get(tenant_id)

    async def descendants(self, tenant_id: str) -> list[TenantConfiguredV1]:
        return await TenantDirectory(self._session).descendants(tenant_id)
