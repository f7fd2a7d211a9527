"""Disposing a case to a team in tests, as the pimpinan satker does: the officers announced on the
roster (``officer-roles``, as directory publishes them), then ``POST .../disposition``. Only the
case's team (besides its ketua tim and the pimpinan) opens the report and its evidence."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from tests.support.infrastructure import Infrastructure
from tests.support.publish import publish
from tests.support.services import topic
from tests.support.waiting import eventually
from wbs_contracts.events.directory import OfficerContactV1, OfficerRolesV1
from wbs_contracts.registry import OFFICER_CONTACT, OFFICER_ROLES
from wbs_contracts.roles import Role


async def staff(
    infra: Infrastructure,
    runtime: Any,
    tenant: str,
    officers: Mapping[str, Sequence[Role]],
    *,
    on: str | None = None,
    at: datetime | None = None,
) -> None:
    """Announce ``officers`` (id: roles) in ``tenant`` and wait until ``runtime``'s roster keeps
    them; on the session's ``officer-roles`` topic, or the topic ``on`` (a test's own)."""
    at = at or datetime.now(UTC)
    for officer, roles in officers.items():
        data = OfficerRolesV1(
            tenant_id=tenant, officer_id=officer, name=officer.title(), roles=tuple(roles), active=True, changed_at=at
        )
        envelope = OFFICER_ROLES.envelope(
            data, tenant=tenant, subject=f"{tenant}/{officer}", time=at, correlation_id=str(uuid.uuid4())
        )
        await publish(infra.bootstrap_servers, on or topic(infra, OFFICER_ROLES.topic), envelope)

    async def kept() -> bool:
        async with runtime.unit_of_work() as uow:
            return all([await uow.roster.get(tenant, officer) is not None for officer in officers])

    await eventually(kept, what="the officers on the roster")


async def known_addresses(
    infra: Infrastructure,
    runtime: Any,
    addresses: Mapping[str, str | None],
    *,
    on: str,
    at: datetime,
    active: bool = True,
) -> None:
    """Directory's ``officer-contact`` for each officer (id: e-mail address) on the topic ``on``,
    and wait until notify (``runtime``) keeps them."""
    for officer, address in addresses.items():
        data = OfficerContactV1(officer_id=officer, email=address, active=active, changed_at=at)
        event = OFFICER_CONTACT.envelope(data, tenant="wbs", subject=officer, time=at, correlation_id="c")
        await publish(infra.bootstrap_servers, on, event)

    async def kept() -> bool:
        async with runtime.unit_of_work() as uow:
            return all([await uow.officer_contacts.get(officer) is not None for officer in addresses])

    await eventually(kept, what="the officers' addresses kept")


async def dispose(
    client: httpx.AsyncClient,
    pimpinan: Mapping[str, str],
    tenant: str,
    case: uuid.UUID | str,
    ketua: str,
    *anggota: str,
    instruksi: str = "Telaah laporan ini.",
) -> httpx.Response:
    """The pimpinan disposes ``case`` to ``ketua`` and ``anggota`` (a re-disposition replaces the team)."""
    answer = await client.post(
        f"/api/v1/tenants/{tenant}/cases/{case}/disposition",
        json={"ketua": ketua, "anggota": list(anggota), "instruksi": instruksi},
        headers=dict(pimpinan),
    )
    assert answer.status_code == 201, answer.text
    return answer


#: Whom the demonstration pimpinan of bps-1700 disposes to in end-to-end tests (their names on the form).
DEMO_KETUA = "Ketua Tim WBS BPS Bengkulu"
DEMO_PENELAAH = "Penelaah BPS Bengkulu"


async def dispose_by_name(
    pimpinan: httpx.AsyncClient,
    tenant: str,
    case: uuid.UUID | str,
    ketua: str = DEMO_KETUA,
    *anggota: str,
    within: float = 60,
) -> httpx.Response:
    """As a pimpinan signed in at the gateway: find the officers by name among those the case
    page's form offers (once the roster reached triage from directory), then dispose through the
    API. ``anggota`` defaults to the demonstration penelaah."""
    wanted = (ketua, *(anggota or (DEMO_PENELAAH,)))

    last: list[str] = []

    async def offered() -> dict[str, str] | None:
        page = await pimpinan.get(f"/perkara/{tenant}/{case}")
        options = re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', page.text)
        shown = {html.unescape(name).strip(): value for value, name in options}
        last[:] = [f"{page.status_code}: {sorted(shown)}"]
        # As shown on the form (the demonstration accounts' names end in "(demo)").
        found = {w: value for w in wanted for name, value in shown.items() if name == w or name.startswith(w + " ")}
        return found if len(found) == len(wanted) else None

    try:
        found = await eventually(offered, within=within, interval=0.5, what="the team's officers on the form")
    except AssertionError as timed_out:
        raise AssertionError(f"{timed_out}; the form offered {last}") from None
    return await dispose(pimpinan, {}, tenant, case, found[wanted[0]], *(found[name] for name in wanted[1:]))
