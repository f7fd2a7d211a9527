"""Each officer's roles per tenant, published (``officer-roles``, compacted) whenever they change,
so the services that assign work (triage's disposisi, approvals) keep a roster of whom to offer.
Names and roles only: no login, e-mail or secret leaves directory this way."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import uuid4

from wbs_contracts.events.directory import OfficerRolesV1
from wbs_contracts.registry import OFFICER_ROLES
from wbs_directory.domain.officer import Grant, Officer
from wbs_directory.ports import DirectoryUnitOfWork
from wbs_runtime.clock import Clock


async def publish_roles(uow: DirectoryUnitOfWork, officer: Officer, tenants: Iterable[str], *, clock: Clock) -> None:
    """The officer's roles in each of ``tenants`` as they stand in this transaction (none left is
    published too: that is how a revocation reaches the rosters)."""
    grants = await uow.officers.grants(officer.id)
    for tenant in sorted(set(tenants)):
        await _publish(uow, officer, tenant, grants, clock)


async def publish_all_roles(uow: DirectoryUnitOfWork, *, clock: Clock) -> int:
    """Every officer's roles in every tenant they hold one in, again (a consumer rebuilt, a broker
    that forgot): how many were published."""
    count = 0
    async with uow:
        officers = await uow.officers.all()
        grants = await uow.officers.all_grants()
        for officer in officers:
            held = grants.get(officer.id, [])
            for tenant in sorted({g.tenant for g in held}):
                await _publish(uow, officer, tenant, held, clock)
                count += 1
        await uow.commit()
    return count


async def _publish(uow: DirectoryUnitOfWork, officer: Officer, tenant: str, grants: list[Grant], clock: Clock) -> None:
    now = clock()
    data = OfficerRolesV1(
        tenant_id=tenant,
        officer_id=str(officer.id),
        name=officer.display_name,
        roles=tuple(sorted({g.role for g in grants if g.tenant == tenant})),
        active=officer.active,
        changed_at=now,
    )
    envelope = OFFICER_ROLES.envelope(
        data, tenant=tenant, subject=f"{tenant}/{officer.id}", time=now, correlation_id=str(uuid4())
    )
    await uow.outbox.add(OFFICER_ROLES, envelope)
