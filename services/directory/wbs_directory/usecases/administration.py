"""What a tenant administrator sees and changes through directory's pages: a tenant's document
and its versions, its child tenants, and the accounts holding roles in it. Changes go through the
same use cases as ``wbs tenants import`` and ``wbs officers``, so they are versioned, audited and
announced alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from wbs_directory.domain.officer import Grant, Officer
from wbs_directory.domain.tenant import PlaceChanged, TenantDocument
from wbs_directory.ports import DirectoryUnitOfWork, StoredTenant
from wbs_directory.usecases.tenants import ImportResult, import_tenants
from wbs_runtime.clock import Clock


@dataclass(frozen=True)
class TenantView:
    current: StoredTenant
    #: Every version, newest first.
    history: list[StoredTenant]
    #: (id, name) of the tenants directly below, and of the one above.
    children: list[tuple[str, str]]
    parent: tuple[str, str] | None


@dataclass(frozen=True)
class Account:
    officer: Officer
    #: The roles the officer holds in the tenant at hand.
    roles: list[Grant]
    #: Tenants (besides the one at hand) where they hold roles.
    elsewhere: list[str]
    last_sign_in: datetime | None


async def tenant_view(uow: DirectoryUnitOfWork, tenant_id: str) -> TenantView | None:
    async with uow:
        stored = await uow.tenants.all()
        if tenant_id not in stored:
            return None
        history = await uow.tenants.history(tenant_id)
    children = sorted((s.document.id, s.document.name) for s in stored.values() if s.document.parent == tenant_id)
    parent_id = stored[tenant_id].document.parent
    parent = (parent_id, stored[parent_id].document.name) if parent_id in stored else None
    return TenantView(stored[tenant_id], list(reversed(history)), children, parent)


async def change_tenant(
    uow: DirectoryUnitOfWork, tenant_id: str, document: TenantDocument, *, actor: str, clock: Clock
) -> ImportResult:
    """A tenant administrator's change of one tenant's name and policy: a new version, audited and
    published like an import. Its id, kind, agency type, parent and active state stay (``PlaceChanged``)."""
    if document.id != tenant_id:
        raise PlaceChanged(
            f"{tenant_id}: id hanya dapat diubah oleh operator / the id can be changed by an operator only"
        )
    return await import_tenants([document], uow, clock=clock, actor=actor, keep_places=True)


async def accounts_of(uow: DirectoryUnitOfWork, tenant_id: str) -> list[Account]:
    """The officers holding a role in ``tenant_id``, by login."""
    async with uow:
        officers = await uow.officers.all()
        grants = await uow.officers.all_grants()
        holding = [o for o in officers if any(g.tenant == tenant_id for g in grants.get(o.id, []))]
        last = await uow.sessions.last_sign_ins([o.id for o in holding])
    return [
        Account(
            officer=officer,
            roles=sorted(g for g in grants[officer.id] if g.tenant == tenant_id),
            elsewhere=sorted({g.tenant for g in grants[officer.id] if g.tenant != tenant_id}),
            last_sign_in=last.get(officer.id),
        )
        for officer in holding
    ]
