"""Every service's local copy of the tenants' configurations, kept from ``tenant-configured``.

Directory publishes a tenant's whole configuration whenever it changes; each service keeps the
latest version in its own database, so no service asks directory anything while it handles a
request or an event. A service subscribes with ``ServiceRuntime.keep_tenants()`` and reads the copy
through :class:`TenantDirectory` (``TenantDirectory(uow.session)``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import any_, literal, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.directory import TenantConfiguredV1, TenantKind
from wbs_runtime.messaging.tables import tenant_configuration as table
from wbs_runtime.unit_of_work import UnitOfWork

_UPSERT = insert(table)
#: Versions only move forward; the same version again (ancestors changed) replaces it.
_KEEP = _UPSERT.on_conflict_do_update(
    index_elements=[table.c.tenant_id],
    set_={c: _UPSERT.excluded[c] for c in ("version", "kind", "parent_id", "ancestors", "active", "configuration")}
    | {"received_at": _UPSERT.excluded.received_at},
    where=table.c.version <= _UPSERT.excluded.version,
).returning(table.c.tenant_id)


class TenantDirectory:
    """Reads the local copy; the ``TenantAncestry`` that authorisation needs."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, tenant_id: str) -> TenantConfiguredV1 | None:
        row = (await self._session.execute(select(table.c.configuration).where(table.c.tenant_id == tenant_id))).first()
        return None if row is None else TenantConfiguredV1.model_validate(row.configuration)

    async def ancestors(self, tenant_id: str) -> tuple[str, ...]:
        row = (await self._session.execute(select(table.c.ancestors).where(table.c.tenant_id == tenant_id))).first()
        return () if row is None else tuple(row.ancestors)

    async def descendants(self, tenant_id: str, *, active_bodies_only: bool = True) -> list[TenantConfiguredV1]:
        """The tenants below ``tenant_id`` at any depth (by name), from their kept ancestors: by
        default only active bodies, the ones that take reports (where a report may be forwarded)."""
        query = select(table.c.configuration).where(literal(tenant_id) == any_(table.c.ancestors))
        if active_bodies_only:
            query = query.where(table.c.active, table.c.kind == TenantKind.BODY.value)
        found = [TenantConfiguredV1.model_validate(row.configuration) for row in await self._session.execute(query)]
        return sorted(found, key=lambda c: (c.name, c.tenant_id))


class StoredAncestry:
    """``TenantAncestry`` for authorisation, read from the local copy on each ask (one indexed
    lookup; a copy held in memory would go stale on the other replicas)."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def ancestors(self, tenant_id: str) -> tuple[str, ...]:
        async with self._sessionmaker() as session:
            return await TenantDirectory(session).ancestors(tenant_id)


async def keep(session: AsyncSession, configuration: TenantConfiguredV1) -> bool:
    """Store ``configuration`` unless a later version is kept already; True when it was stored."""
    result = await session.execute(
        _KEEP,
        {
            "tenant_id": configuration.tenant_id,
            "version": configuration.policy_version,
            "kind": configuration.kind.value,
            "parent_id": configuration.parent_id,
            "ancestors": list(configuration.ancestors),
            "active": configuration.active,
            "configuration": configuration.model_dump(mode="json"),
        },
    )
    return result.first() is not None


#: What a service does with a configuration it stored, besides storing it (intake's categories).
AfterKept = Callable[[TenantConfiguredV1, Any], Awaitable[None]]


def keeper(then: AfterKept | None = None) -> Callable[[Envelope[Any], UnitOfWork], Awaitable[None]]:
    """The handler of ``tenant-configured``: keep the copy, then let the service react."""

    async def handle(event: Envelope[Any], uow: UnitOfWork) -> None:
        configuration: TenantConfiguredV1 = event.data
        if await keep(uow.session, configuration) and then is not None:
            await then(configuration, uow)

    return handle
