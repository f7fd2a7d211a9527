"""The tenants' configurations investigation keeps from directory (``wbs_runtime.tenancy``)."""

from __future__ import annotations

from wbs_contracts.events.directory import TenantConfiguredV1
from wbs_runtime.tenancy import TenantDirectory
from wbs_runtime.unit_of_work import Repository


class SqlTenantConfigurations(Repository):
    async def get(self, tenant_id: str) -> TenantConfiguredV1 | None:
        return await TenantDirectory(self._session).get(tenant_id)
