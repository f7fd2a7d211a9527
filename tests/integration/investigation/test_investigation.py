"""Investigation against real PostgreSQL and a real Kafka-protocol broker: every registered case enters
the register; the telaah's audit-investigasi decision opens the audit, whichever of the two events
arrives first; the auditors' queue and case file pages show it, to that tenant's officers only."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from tests.support.events import OPAQUE, case_registered, telaah_decided
from tests.support.infrastructure import Infrastructure
from tests.support.investigation import case_in_audit
from tests.support.officers import assertion_headers
from tests.support.publish import publish
from tests.support.services import migrated_database, running, settings_for, topic
from tests.support.waiting import eventually
from wbs_contracts.events.triage import TelaahOutcome
from wbs_contracts.registry import CASE_REGISTERED, TELAAH_DECIDED
from wbs_contracts.roles import Role
from wbs_contracts.sealed import Audience
from wbs_investigation.adapters.db import SqlInvestigationUnitOfWork, case_file_table, metadata
from wbs_investigation.adapters.documents import DocumentVault
from wbs_investigation.domain.documents import DocumentKind
from wbs_investigation.entrypoint import AT_REST, PROGRAM, InvestigationSettings, build
from wbs_runtime.auth.keys import issue_assertion_keys
from wbs_runtime.blobs import FilesystemBlobStore
from wbs_runtime.crypto import KeyRing
from wbs_runtime.crypto.keystore import ensure_tenant_keys, rotate_tenant_keys
from wbs_runtime.crypto.reseal import reseal_column
from wbs_runtime.service import ServiceRuntime


@dataclass
class Investigation:
    runtime: ServiceRuntime[SqlInvestigationUnitOfWork]
    client: httpx.AsyncClient
    key_root: Path


@pytest.fixture(scope="module")
async def investigation(
    infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Investigation]:
    key_root = tmp_path_factory.mktemp("keys")
    issue_assertion_keys(key_root, ["directory", "investigation"])
    url = await migrated_database(infra, "investigation", PROGRAM.migrations, metadata)
    runtime = build(settings_for(InvestigationSettings, infra, url, key_root / "investigation"))
    async with running(runtime) as client:
        yield Investigation(runtime, client, key_root)


async def row_of(investigation: Investigation, case_id: uuid.UUID, *, status: str) -> Any:
    async def case_file() -> Any:
        async with investigation.runtime.sessionmaker() as session:
            query = select(case_file_table).where(case_file_table.c.case_id == case_id)
            row = (await session.execute(query)).first()
            return row if row is not None and row.status == status and row.agenda_number else None

    return await eventually(case_file, what=f"the case file {status}")


async def test_registered_cases_enter_the_register(infra: Infrastructure, investigation: Investigation) -> None:
    event = case_registered(tenant="pemkab-lebak", sequence=3)
    await publish(infra.bootstrap_servers, topic(infra, CASE_REGISTERED.topic), event)
    row = await row_of(investigation, event.data.case_id, status="menunggu-telaah")
    assert (row.tenant_id, row.agenda_number) == ("pemkab-lebak", event.data.agenda_number)


async def test_an_audit_decision_opens_the_audit_even_before_the_case_is_registered_here(
    infra: Infrastructure, investigation: Investigation
) -> None:
    """The two events travel on different topics, so nothing orders them."""
    body = f"inspektorat-{uuid.uuid4().hex[:6]}"
    registered = case_registered(tenant=body, sequence=7)
    case_id = registered.data.case_id
    decided = telaah_decided(body, TelaahOutcome.AUDIT_INVESTIGASI, case_id=case_id, conclusion=OPAQUE)
    await publish(infra.bootstrap_servers, topic(infra, TELAAH_DECIDED.topic), decided)
    await publish(infra.bootstrap_servers, topic(infra, CASE_REGISTERED.topic), registered)
    row = await row_of(investigation, case_id, status="perencanaan")
    assert row.agenda_number == registered.data.agenda_number
    assert row.sealed_conclusion["ciphertext"] == OPAQUE.ciphertext
    assert row.telaah_policy_version == 1

    auditor = assertion_headers(investigation.key_root, "investigation", {body: {Role.AUDITOR}})
    queue = await investigation.client.get(f"/audit/{body}", headers=auditor)
    assert queue.status_code == 200
    assert registered.data.agenda_number in queue.text
    page = await investigation.client.get(f"/audit/{body}/{case_id}", headers=auditor)
    assert page.status_code == 200
    assert 'data-status="perencanaan"' in page.text

    elsewhere = assertion_headers(investigation.key_root, "investigation", {"inspektorat-lain": {Role.AUDITOR}})
    assert (await investigation.client.get(f"/audit/{body}/{case_id}", headers=elsewhere)).status_code == 404
    assert (await investigation.client.get(f"/audit/{body}/{uuid.uuid4()}", headers=auditor)).status_code == 404


async def test_a_case_the_telaah_did_not_send_to_audit_is_not_on_the_auditors_pages(
    infra: Infrastructure, investigation: Investigation
) -> None:
    body = f"inspektorat-{uuid.uuid4().hex[:6]}"
    registered = case_registered(tenant=body, sequence=1)
    case_id = registered.data.case_id
    merged = telaah_decided(body, TelaahOutcome.DIGABUNG, case_id=case_id, merged_into=uuid.uuid4())
    await publish(infra.bootstrap_servers, topic(infra, CASE_REGISTERED.topic), registered)
    await publish(infra.bootstrap_servers, topic(infra, TELAAH_DECIDED.topic), merged)
    await row_of(investigation, case_id, status="tidak-diaudit")
    auditor = assertion_headers(investigation.key_root, "investigation", {body: {Role.AUDITOR}})
    assert (await investigation.client.get(f"/audit/{body}/{case_id}", headers=auditor)).status_code == 404
    assert registered.data.agenda_number not in (await investigation.client.get(f"/audit/{body}", headers=auditor)).text


async def test_an_audits_files_are_encrypted_at_rest_and_open_only_as_stored(
    investigation: Investigation, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The vault every step keeps its files in: the blob holds ciphertext, the key is sealed to the
    case, and bytes that do not match their digest are refused."""
    body = f"inspektorat-{uuid.uuid4().hex[:6]}"
    ensure_tenant_keys(investigation.key_root / "investigation", body)
    blobs = FilesystemBlobStore(tmp_path_factory.mktemp("blobs"))
    ring = KeyRing.load(investigation.key_root / "investigation", None, (Audience.CASE_SUBSTANCE,))
    vault = DocumentVault(blobs, ring)
    case_id = await case_in_audit(investigation.runtime, body)
    content = b"%PDF-1.4 Surat Tugas nomor 700/ST/2026 kepada tim audit"
    async with investigation.runtime.unit_of_work() as uow:
        stored = await vault.store(
            uow.documents,
            tenant=body,
            case_id=case_id,
            kind=DocumentKind.SURAT_TUGAS,
            title="Surat Tugas",
            media_type="application/pdf",
            content=content,
            added_by="ketua",
            added_at=datetime.now(UTC),
        )
        await uow.commit()
    raw = b"".join([chunk async for chunk in blobs.open(f"investigation/{stored.document_id}")])
    assert b"Surat Tugas" not in raw
    async with investigation.runtime.unit_of_work() as uow:
        found = await vault.read(uow.documents, stored.document_id)
        assert found is not None
        assert found[1] == content
        assert [d.document_id for d in await uow.documents.of_case(case_id, (DocumentKind.SURAT_TUGAS,))] == [
            stored.document_id
        ]
        assert await vault.read(uow.documents, uuid.uuid4()) is None


def test_reseal_covers_every_column_investigation_keeps_sealed() -> None:
    """A sealed column left out of AT_REST would keep its documents under a retired key forever."""
    sealed = {
        f"{table.name}.{column.name}"
        for table in metadata.tables.values()
        for column in table.columns
        if column.name.startswith("sealed")
    }
    assert {target.name for target in AT_REST} == sealed


async def test_after_a_key_rotation_reseal_moves_an_audits_files_to_the_new_key(
    investigation: Investigation, tmp_path_factory: pytest.TempPathFactory
) -> None:
    body = f"inspektorat-{uuid.uuid4().hex[:6]}"
    key_dir = investigation.key_root / "investigation"
    ensure_tenant_keys(key_dir, body)
    blobs = FilesystemBlobStore(tmp_path_factory.mktemp("blobs"))
    before = KeyRing.load(key_dir, None, (Audience.CASE_SUBSTANCE,))
    case_id = await case_in_audit(investigation.runtime, body)
    async with investigation.runtime.unit_of_work() as uow:
        stored = await DocumentVault(blobs, before).store(
            uow.documents,
            tenant=body,
            case_id=case_id,
            kind=DocumentKind.BUKTI,
            title="Kuitansi",
            media_type="application/pdf",
            content=b"%PDF-1.4 kuitansi",
            added_by="auditor",
            added_at=datetime.now(UTC),
        )
        await uow.commit()
    [new_kid] = rotate_tenant_keys(key_dir, body, [Audience.CASE_SUBSTANCE])
    after = KeyRing.load(key_dir, None, (Audience.CASE_SUBSTANCE,))
    counts = [await reseal_column(investigation.runtime.sessionmaker, after, target, body) for target in AT_REST]
    assert sum(c.resealed for c in counts) == 1
    assert sum(c.failed for c in counts) == 0
    async with investigation.runtime.unit_of_work() as uow:
        located = await uow.documents.locate(stored.document_id)
        assert located is not None
        assert located[2].kid == new_kid
        found = await DocumentVault(blobs, after).read(uow.documents, stored.document_id)
        assert found is not None
        assert found[1] == b"%PDF-1.4 kuitansi"
