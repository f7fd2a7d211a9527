"""How notify reaches each officer by e-mail, published (``officer-contact``, compacted, keyed by
officer id) when an officer is created or deactivated, and again by ``wbs officers publish``.
Notify alone consumes it; the roster (``officer-roles``) carries names only."""

from __future__ import annotations

import re
from uuid import uuid4

from wbs_contracts.events.directory import OfficerContactV1
from wbs_contracts.registry import OFFICER_CONTACT
from wbs_directory.domain.officer import Officer
from wbs_directory.ports import DirectoryUnitOfWork
from wbs_runtime.clock import Clock

#: The envelope's tenant: an officer's contact belongs to no one tenant (they may serve several).
CONTACT_TENANT = "wbs"
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+$")


def contact_of(officer: Officer, *, at: Clock) -> OfficerContactV1:
    """An address the contract would refuse (typed before addresses were checked) is sent as none."""
    email = officer.email if officer.email and len(officer.email) <= 320 and _ADDRESS.match(officer.email) else None
    return OfficerContactV1(officer_id=str(officer.id), email=email, active=officer.active, changed_at=at())


async def publish_contact(uow: DirectoryUnitOfWork, officer: Officer, *, clock: Clock) -> None:
    data = contact_of(officer, at=clock)
    envelope = OFFICER_CONTACT.envelope(
        data, tenant=CONTACT_TENANT, subject=str(officer.id), time=data.changed_at, correlation_id=str(uuid4())
    )
    await uow.outbox.add(OFFICER_CONTACT, envelope)


async def publish_all_contacts(uow: DirectoryUnitOfWork, *, clock: Clock) -> int:
    """Every officer's contact again (notify rebuilt, a broker that forgot): how many were published."""
    async with uow:
        officers = await uow.officers.all()
        for officer in officers:
            await publish_contact(uow, officer, clock=clock)
        await uow.commit()
    return len(officers)
