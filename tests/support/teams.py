"""Disposing a case to a team in tests, as the pimpinan satker does: the officers announced on the
roster (``officer-roles``, as directory publishes them), then ``POST .../disposition``. Only the
case's team (besides its ketua tim and the pimpinan) opens the report and its evidence."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from tests.support.infrastructure import Infrastructure
from tests.support.publish import publish
from tests.support.services import topic
from tests.support.waiting import eventually
from wbs_contracts.events.directory import OfficerRolesV1
from wbs_contracts.registry import OFFICER_ROLES
from wbs_contracts.roles import Role


async def staff(infra: Infrastructure, runtime: Any, tenant: str, officers: Mapping[str, Sequence[Role]]) -> None:
    """Announce ``officers`` (id: roles) in ``tenant`` and wait until triage's roster keeps them."""
    at = datetime.now(UTC)
    for officer, roles in officers.items():
        data = OfficerRolesV1(
            tenant_id=tenant, officer_id=officer, name=officer.title(), roles=tuple(roles), active=True, changed_at=at
        )
        envelope = OFFICER_ROLES.envelope(
            data, tenant=tenant, subject=f"{tenant}/{officer}", time=at, correlation_id=str(uuid.uuid4())
        )
        await publish(infra.bootstrap_servers, topic(infra, OFFICER_ROLES.topic), envelope)

    async def kept() -> bool:
        async with runtime.unit_of_work() as uow:
            return all([await uow.roster.get(tenant, officer) is not None for officer in officers])

    await eventually(kept, what="the officers on triage's roster")


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
