"""Evidence from the reporter to the officer: uploaded to intake over HTTP, announced on the
broker, kept by triage, and downloaded by an officer of the case's tenant, decrypted as it is
sent. Real PostgreSQL, a real broker, one blob store shared by both services, as under make run."""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from tests.support.infrastructure import Infrastructure
from tests.support.officers import assertion_headers, officer_headers
from tests.support.services import migrated_database, running, settings_for
from tests.support.teams import dispose, staff
from tests.support.tenants import demo_configuration, keep_in
from tests.support.waiting import eventually
from wbs_contracts.roles import Role
from wbs_intake.adapters import db as intake_db
from wbs_intake.entrypoint import PROGRAM as INTAKE
from wbs_intake.entrypoint import IntakeSettings
from wbs_intake.entrypoint import build as build_intake
from wbs_intake.usecases import offer_tenant
from wbs_runtime.audit.tables import audit_entry
from wbs_runtime.auth.keys import issue_assertion_keys
from wbs_runtime.crypto import ensure_tenant_keys
from wbs_runtime.service import ServiceRuntime
from wbs_triage.adapters import db as triage_db
from wbs_triage.adapters.db import SqlTriageUnitOfWork
from wbs_triage.entrypoint import PROGRAM as TRIAGE
from wbs_triage.entrypoint import TriageSettings
from wbs_triage.entrypoint import build as build_triage

MARKER = b"PENANDA-UNDUH-91c2e4"
#: Who the pimpinan disposes cases to (``officer-1`` is :meth:`Stack.officer`).
ROSTER = {
    "officer-1": [Role.PENELAAH],
    "penelaah-2": [Role.PENELAAH],
    "ketua-1": [Role.KETUA_TIM],
    "pimpinan-1": [Role.PIMPINAN_SATKER],
}
REPORT = {
    "tenant": "bps-1700",
    "category": "korupsi-gratifikasi",
    "what": "Pungutan liar pada layanan data",
    "where": "Kantor BPS Provinsi Bengkulu",
    "when": "Oktober 2026",
    "who": "Petugas PST",
    "how": "Meminta uang untuk data",
}


@dataclass
class Stack:
    intake: httpx.AsyncClient
    triage: httpx.AsyncClient
    key_root: Path
    blobs: Path
    triage_runtime: ServiceRuntime[SqlTriageUnitOfWork]

    def officer(self, tenant: str, role: Role = Role.PENELAAH) -> dict[str, str]:
        """``officer-1``, on the team of each case :func:`a_case_with_evidence` makes."""
        return assertion_headers(self.key_root, "triage", {tenant: (role,)})

    def named(self, officer: str, role: Role, tenant: str = "bps-1700") -> dict[str, str]:
        return officer_headers(self.key_root, "triage", {tenant: (role,)}, officer=officer, name=officer.title())


@pytest.fixture(scope="module")
async def stack(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    key_root = tmp_path_factory.mktemp("keys")
    blobs = tmp_path_factory.mktemp("blobs")
    issue_assertion_keys(key_root, ["directory", "triage"])
    keys = key_root / "triage"
    for tenant in ("bps-1700", "bps-3600"):
        ensure_tenant_keys(keys, tenant)
    intake_url = await migrated_database(infra, "intake", INTAKE.migrations, intake_db.metadata, label="_bukti")
    triage_url = await migrated_database(infra, "triage", TRIAGE.migrations, triage_db.metadata, label="_bukti")
    intake = build_intake(settings_for(IntakeSettings, infra, intake_url, keys, blob_dir=blobs, insecure_cookies=True))
    triage = build_triage(settings_for(TriageSettings, infra, triage_url, keys, blob_dir=blobs))
    async with running(intake) as intake_client, running(triage) as triage_client:
        await keep_in(intake, demo_configuration("bps-1700"), then=offer_tenant)
        await keep_in(triage, demo_configuration("bps-1700"))
        await staff(infra, triage, "bps-1700", ROSTER)
        yield Stack(intake_client, triage_client, key_root, blobs, triage)


def multipart(*named: tuple[str, bytes]) -> list[tuple[str, tuple[str, io.BytesIO, str]]]:
    return [("berkas", (name, io.BytesIO(content), "application/octet-stream")) for name, content in named]


async def a_case_with_evidence(stack: Stack, *named: tuple[str, bytes]) -> tuple[uuid.UUID, list[dict[str, Any]]]:
    receipt = (await stack.intake.post("/api/v1/reports", json=REPORT)).json()
    reporter = httpx.AsyncClient(transport=stack.intake._transport, base_url="http://wbs.test")
    signed_in = await reporter.post(
        "/api/v1/reporter/session",
        json={"registration_number": receipt["registration_number"], "secret": receipt["secret"]},
    )
    assert signed_in.status_code == 200
    sent = await reporter.post("/api/v1/reporter/evidence", files=multipart(*named))
    assert sent.status_code == 201, sent.text
    stored = sent.json()["stored"]
    case_id = await _case_of(stack, uuid.UUID(stored[0]["id"]))
    pimpinan = stack.named("pimpinan-1", Role.PIMPINAN_SATKER)

    async def registered_with_files() -> list[dict[str, Any]] | None:
        listed = await stack.triage.get(f"/api/v1/tenants/bps-1700/cases/{case_id}/evidence", headers=pimpinan)
        return listed.json() if listed.status_code == 200 and len(listed.json()) == len(named) else None

    listed = await eventually(registered_with_files, what="the case registered with its files")
    await dispose(stack.triage, pimpinan, "bps-1700", case_id, "ketua-1", "officer-1")
    return case_id, listed


async def _case_of(stack: Stack, evidence_id: uuid.UUID) -> uuid.UUID:
    async def kept() -> uuid.UUID | None:
        async with stack.triage_runtime.sessionmaker() as session:
            query = select(triage_db.evidence_table.c.case_id).where(triage_db.evidence_table.c.id == evidence_id)
            found: uuid.UUID | None = (await session.execute(query)).scalar()
            return found

    return await eventually(kept, what="triage kept the evidence")


async def test_an_officer_downloads_exactly_the_bytes_the_reporter_sent(stack: Stack) -> None:
    document = b"%PDF-1.7\n% " + MARKER + b"\n" + os.urandom(200_000) + b"\n%%EOF"
    case_id, listed = await a_case_with_evidence(
        stack, ("Kuitansi — pungli.pdf", document), ("catatan.txt", b"Saksi: A\n")
    )
    assert [(f["name"], f["content_type"], f["size_bytes"], f["late"]) for f in listed] == [
        ("Kuitansi — pungli.pdf", "application/pdf", len(document), True),
        ("catatan.txt", "text/plain; charset=utf-8", 9, True),
    ]
    officer = stack.officer("bps-1700")
    path = f"/api/v1/tenants/bps-1700/cases/{case_id}/evidence/{listed[0]['id']}"
    download = await stack.triage.get(path, headers=officer)
    assert download.status_code == 200
    assert download.content == document
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Kuitansi%20%E2%80%94%20pungli.pdf" in download.headers["content-disposition"]
    assert download.headers["x-content-type-options"] == "nosniff"

    # Only ciphertext in the blob store, and every read is on the tenant's audit trail.
    for blob in (p for p in stack.blobs.rglob("*") if p.is_file()):
        assert MARKER not in blob.read_bytes()
    async with stack.triage_runtime.sessionmaker() as session:
        query = select(audit_entry.c.action, audit_entry.c.details).where(audit_entry.c.object_id == str(case_id))
        entries = (await session.execute(query)).all()
    assert ("evidence.read", {"evidence_id": listed[0]["id"]}) in [(a, d) for a, d in entries]
    assert "evidence.list" in [a for a, _ in entries]


async def test_nobody_outside_the_cases_tenant_opens_its_files(stack: Stack) -> None:
    case_id, listed = await a_case_with_evidence(stack, ("foto.png", b"\x89PNG\r\n\x1a\n" + bytes(3000)))
    path = f"/api/v1/tenants/bps-1700/cases/{case_id}/evidence/{listed[0]['id']}"
    elsewhere = stack.officer("bps-3600")
    assert (await stack.triage.get(path, headers=elsewhere)).status_code == 404
    other_tenant_path = f"/api/v1/tenants/bps-3600/cases/{case_id}/evidence/{listed[0]['id']}"
    assert (await stack.triage.get(other_tenant_path, headers=elsewhere)).status_code == 404
    assert (
        await stack.triage.get(f"/api/v1/tenants/bps-3600/cases/{case_id}/evidence", headers=elsewhere)
    ).status_code == 404
    assert (await stack.triage.get(path)).status_code == 401
    unknown = f"/api/v1/tenants/bps-1700/cases/{case_id}/evidence/{uuid.uuid4()}"
    assert (await stack.triage.get(unknown, headers=stack.officer("bps-1700"))).status_code == 404


async def test_a_damaged_blob_is_refused_not_served(stack: Stack) -> None:
    case_id, listed = await a_case_with_evidence(stack, ("rusak.txt", b"isi yang akan dirusak\n" * 10))
    blob = next(p for p in stack.blobs.rglob("*") if p.name == listed[0]["id"])
    damaged = bytearray(blob.read_bytes())
    damaged[-5] ^= 0xFF
    blob.write_bytes(bytes(damaged))
    path = f"/api/v1/tenants/bps-1700/cases/{case_id}/evidence/{listed[0]['id']}"
    response = await stack.triage.get(path, headers=stack.officer("bps-1700"))
    assert response.status_code == 500
    assert "rusak" in response.json()["pesan"]


async def test_only_the_cases_team_its_ketua_and_the_pimpinan_open_its_files(stack: Stack) -> None:
    case_id, listed = await a_case_with_evidence(stack, ("saksi.txt", b"Keterangan saksi\n"))
    files = f"/api/v1/tenants/bps-1700/cases/{case_id}/evidence"
    path = f"{files}/{listed[0]['id']}"
    not_on_team = stack.named("penelaah-2", Role.PENELAAH)
    for url in (files, path):
        refused = await stack.triage.get(url, headers=not_on_team)
        assert refused.status_code == 403
        assert "disposisi" in refused.json()["pesan"]
        assert "disposed" in refused.json()["message"]
    assert (await stack.triage.get(path, headers=stack.officer("bps-1700"))).status_code == 200  # on the team
    # The ketua tim and the pimpinan satker open it without being on the team.
    for outsider in (stack.named("ketua-2", Role.KETUA_TIM), stack.named("pimpinan-1", Role.PIMPINAN_SATKER)):
        assert (await stack.triage.get(path, headers=outsider)).status_code == 200
    # The case's page says the files exist to one who may not open them, never their names.
    page = await stack.triage.get(f"/perkara/bps-1700/{case_id}", headers=not_on_team)
    assert page.status_code == 200
    assert 'id="evidence-count"' in page.text
    assert "saksi.txt" not in page.text
    assert listed[0]["id"] not in page.text

    # Disposed again to penelaah-2: officer-1, taken off the team, is refused from then on.
    await dispose(
        stack.triage, stack.named("pimpinan-1", Role.PIMPINAN_SATKER), "bps-1700", case_id, "ketua-1", "penelaah-2"
    )
    assert (await stack.triage.get(path, headers=stack.officer("bps-1700"))).status_code == 403
    download = await stack.triage.get(path, headers=not_on_team)
    assert download.status_code == 200
    assert download.content == b"Keterangan saksi\n"
    shown = await stack.triage.get(f"/perkara/bps-1700/{case_id}", headers=not_on_team)
    assert "saksi.txt" in shown.text
    async with stack.triage_runtime.sessionmaker() as session:
        query = select(audit_entry.c.actor).where(
            audit_entry.c.object_id == str(case_id), audit_entry.c.action == "evidence.read"
        )
        readers = [row.actor for row in (await session.execute(query)).all()]
    assert sorted(readers) == ["ketua-2", "officer-1", "penelaah-2", "pimpinan-1"]  # refusals opened nothing
