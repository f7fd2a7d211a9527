"""Investigation running in-process for the audit's tests: a tenant with its keys and configuration,
its roster announced, and a case decided for audit with the report and the telaah's conclusion
sealed as triage seals them; officers' headers by role."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from tests.support.events import case_registered, telaah_decided
from tests.support.infrastructure import Infrastructure
from tests.support.officers import officer_headers
from tests.support.publish import publish
from tests.support.services import migrated_database, running, settings_for, topic
from tests.support.teams import staff
from tests.support.tenants import demo_configuration, keep_in
from tests.support.waiting import eventually
from wbs_contracts.events.intake import ReportedOfficial, ReportSubstanceV1
from wbs_contracts.events.triage import TelaahConclusionV1, TelaahOutcome
from wbs_contracts.registry import CASE_REGISTERED, TELAAH_DECIDED
from wbs_contracts.roles import Role
from wbs_contracts.sealed import Audience
from wbs_investigation.adapters.db import SqlInvestigationUnitOfWork, case_file_table, metadata
from wbs_investigation.entrypoint import PROGRAM, InvestigationSettings, build
from wbs_runtime.auth.keys import issue_assertion_keys
from wbs_runtime.crypto import KeyRing
from wbs_runtime.crypto.keystore import ensure_tenant_keys
from wbs_runtime.service import ServiceRuntime

BODY = "inspektorat-bengkulu"
OTHER_BODY = "inspektorat-lebak"
#: Bengkulu's officers as directory announces them: the Inspektur, three auditors, a penelaah.
ROSTER: Mapping[str, Sequence[Role]] = {
    "inspektur": [Role.KETUA_TIM],
    "dewi": [Role.AUDITOR],
    "eko": [Role.AUDITOR],
    "fajar": [Role.AUDITOR],
    "gita": [Role.PENELAAH],
}
REPORT = ReportSubstanceV1(
    what="Pengadaan alat kesehatan fiktif di Dinas Kesehatan",
    where="Dinas Kesehatan Provinsi Bengkulu",
    when="Maret 2026",
    who="PPK pengadaan",
    how="Pembayaran tanpa barang diterima",
    amount_idr=1_200_000_000,
    terlapor=(ReportedOfficial(nama="Budi Santoso", nip="198001012005011001", jabatan="PPK"),),
)
CONCLUSION = TelaahConclusionV1(
    core_problem="Pembayaran alat kesehatan tanpa barang",
    analysis="Bertentangan dengan Perpres 16/2018",
    conclusion="Berindikasi TPK; dilanjutkan audit investigasi.",
)


@dataclass
class Audits:
    runtime: ServiceRuntime[SqlInvestigationUnitOfWork]
    client: httpx.AsyncClient
    key_root: Path
    infra: Infrastructure
    blobs: Path

    @property
    def keys(self) -> Path:
        return self.key_root / "investigation"

    def officer(self, officer: str, *roles: Role, tenant: str = BODY) -> dict[str, str]:
        return officer_headers(self.key_root, "investigation", {tenant: roles}, officer=officer, name=officer.title())

    @property
    def inspektur(self) -> dict[str, str]:
        return self.officer("inspektur", Role.KETUA_TIM)

    def auditor(self, officer: str) -> dict[str, str]:
        return self.officer(officer, Role.AUDITOR)

    def api(self, case_id: uuid.UUID, step: str, tenant: str = BODY) -> str:
        return f"/api/v1/tenants/{tenant}/audits/{case_id}/{step}"

    async def decided_case(self, tenant: str = BODY, *, sequence: int = 1) -> uuid.UUID:
        """A case registered and decided for audit, with the report and the conclusion sealed to the
        tenant's case-substance as triage seals them; waits until investigation has it in planning."""
        case_id = uuid.uuid4()
        registered = case_registered(tenant=tenant, case_id=case_id, sequence=sequence)
        ring = KeyRing.from_directory(self.keys)
        decided = telaah_decided(
            tenant,
            TelaahOutcome.AUDIT_INVESTIGASI,
            case_id=case_id,
            conclusion=ring.seal(tenant, Audience.CASE_SUBSTANCE, CONCLUSION, case=case_id),
            report_substance=ring.seal(tenant, Audience.CASE_SUBSTANCE, REPORT, case=case_id),
        )
        await publish(self.infra.bootstrap_servers, topic(self.infra, CASE_REGISTERED.topic), registered)
        await publish(self.infra.bootstrap_servers, topic(self.infra, TELAAH_DECIDED.topic), decided)

        async def planned() -> bool:
            async with self.runtime.sessionmaker() as session:
                statement = select(case_file_table.c.status, case_file_table.c.agenda_number).where(
                    case_file_table.c.case_id == case_id
                )
                row = (await session.execute(statement)).first()
                return row is not None and row.status == "perencanaan" and row.agenda_number is not None

        await eventually(planned, what="the case in planning")
        return case_id

    async def assigned_case(self, *team: str, tenant: str = BODY, sequence: int = 1) -> uuid.UUID:
        """A case whose Surat Tugas names ``team`` (ketua tim, pengendali teknis, anggota...)."""
        case_id = await self.decided_case(tenant, sequence=sequence)
        ketua, pengendali, *anggota = team or ("dewi", "inspektur", "eko")
        issued = await self.client.post(
            self.api(case_id, "plan", tenant),
            json=surat_tugas(ketua, pengendali, *anggota, number=f"ST-{case_id.hex[:8]}"),
            headers=self.officer("inspektur", Role.KETUA_TIM, tenant=tenant),
        )
        assert issued.status_code == 201, issued.text
        return case_id


def surat_tugas(ketua: str, pengendali: str, *anggota: str, number: str = "700/ST-01/ITPROV/2026") -> dict[str, Any]:
    return {
        "number": number,
        "issued_on": "2026-11-02",
        "ketua_tim": ketua,
        "pengendali_teknis": pengendali,
        "anggota": list(anggota),
        "starts_on": "2026-11-03",
        "ends_on": "2026-11-30",
        "budget": "Rp 25.000.000",
        "resources": "Kendaraan dinas dan dua laptop",
    }


async def running_audits(infra: Infrastructure, key_root: Path, blobs: Path, label: str) -> AsyncIterator[Audits]:
    """Investigation on a database of its own (``label``), the demo bodies' keys and configurations
    kept, their rosters announced."""
    issue_assertion_keys(key_root, ["directory", "investigation"])
    keys = key_root / "investigation"
    for tenant in (BODY, OTHER_BODY):  # before the service loads its keys
        ensure_tenant_keys(keys, tenant)
    url = await migrated_database(infra, "investigation", PROGRAM.migrations, metadata, label=label)
    runtime = build(settings_for(InvestigationSettings, infra, url, keys, blob_dir=blobs, insecure_cookies=True))
    async with running(runtime) as client:
        for tenant in (BODY, OTHER_BODY):
            await keep_in(runtime, demo_configuration(tenant))
        for tenant in (BODY, OTHER_BODY):
            await staff(infra, runtime, tenant, ROSTER)
        yield Audits(runtime, client, key_root, infra, blobs)
