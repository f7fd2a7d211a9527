"""The tenants' configurations investigation keeps (``runtime.keep_tenants()``), read in the unit of
work's transaction: the escalation policy of a body, the agencies that receive hand-overs."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select

from wbs_contracts.events.directory import TenantConfiguredV1, TenantKind
from wbs_runtime.messaging.tables import tenant_configuration
from wbs_runtime.tenancy import TenantDirectory
from wbs_runtime.unit_of_work import Repository


class SqlTenants(Repository):
    async def get(self, tenant: str) -> TenantConfiguredV1 | None:
        return await TenantDirectory(self._session).get(tenant)

    async def several(self, tenants: Collection[str]) -> dict[str, TenantConfiguredV1]:
        statement = select(tenant_configuration.c.configuration).where(
            tenant_configuration.c.tenant_id.in_(list(tenants))
        )
        found = [TenantConfiguredV1.model_validate(row.configuration) for row in await self._session.execute(statement)]
        return {c.tenant_id: c for c in found}

    async def agencies(self) -> list[str]:
        """Every agency tenant kept (active or not: an inactive one keeps its topic)."""
        statement = select(tenant_configuration.c.tenant_id).where(
            tenant_configuration.c.kind == TenantKind.AGENCY.value
        )
        return sorted(row.tenant_id for row in await self._session.execute(statement))
