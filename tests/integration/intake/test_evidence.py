"""Evidence files through intake's HTTP API and page, against real PostgreSQL and a real broker:
streamed into the blob store encrypted, limited by the tenant's policy as they arrive, typed by
content, and announced sealed on evidence-added."""

from __future__ import annotations

import base64
import io
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.infrastructure import Infrastructure
from tests.support.kafka import events, read_until
from tests.support.services import migrated_database, running, settings_for, topic
from tests.support.tenants import demo_configuration, keep_in
from wbs_contracts.events.directory import EvidenceLimits
from wbs_contracts.events.intake import EvidenceKeyV1, ReportElement, ReportSubstanceV1
from wbs_contracts.registry import EVIDENCE_ADDED, REPORT_SUBMITTED
from wbs_contracts.sealed import Audience
from wbs_intake.adapters.db import SqlIntakeUnitOfWork, metadata
from wbs_intake.adapters.keyed_digest import KeyedDigests, ReporterSecretHasher
from wbs_intake.domain.evidence import StoredFile
from wbs_intake.entrypoint import PROGRAM, IntakeSettings, build
from wbs_intake.usecases import Submission, offer_tenant, submit_report
from wbs_runtime.blobs import FilesystemBlobStore, decrypt, encrypt, new_file_key
from wbs_runtime.clock import utc_now
from wbs_runtime.crypto import KeyRing, ensure_tenant_keys
from wbs_runtime.service import ServiceRuntime

LIMITS = EvidenceLimits(max_file_bytes=300_000, max_report_bytes=700_000, max_files_per_report=5)
MARKER = "PENANDA-BUKTI-7f3a9c"
REPORT = {
    "tenant": "bps-1700",
    "category": "korupsi-gratifikasi",
    "what": "Pungutan liar pada layanan data",
    "where": "Kantor BPS Provinsi Bengkulu",
    "when": "Oktober 2026",
    "who": "Petugas PST",
    "how": "Meminta uang untuk data",
}


def pdf(marker: str = MARKER, size: int = 2000) -> bytes:
    body = f"%PDF-1.7\n% {marker}\n1 0 obj << /Type /Catalog >> endobj\n".encode()
    return body + b"%" * max(0, size - len(body) - 6) + b"\n%%EOF"


PNG = b"\x89PNG\r\n\x1a\n" + bytes(5000)
PROGRAM_AS_PDF = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(4000)


@dataclass
class Intake:
    runtime: ServiceRuntime[SqlIntakeUnitOfWork]
    client: httpx.AsyncClient
    keys: Path
    blobs: Path
    infra: Infrastructure

    async def new_reporter(self) -> tuple[httpx.AsyncClient, str]:
        """A report submitted and its reporter signed in (the session cookie on a client of its own)."""
        receipt = (await self.client.post("/api/v1/reports", json=REPORT)).json()
        transport = self.client._transport  # the same app in-process
        reporter = httpx.AsyncClient(transport=transport, base_url="http://wbs.test")
        signed_in = await reporter.post(
            "/api/v1/reporter/session",
            json={"registration_number": receipt["registration_number"], "secret": receipt["secret"]},
        )
        assert signed_in.status_code == 200
        return reporter, receipt["registration_number"]

    def blob_files(self) -> list[Path]:
        return sorted(p for p in self.blobs.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
async def intake(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Intake]:
    keys = tmp_path_factory.mktemp("keys")
    blobs = tmp_path_factory.mktemp("blobs")
    ensure_tenant_keys(keys, "bps-1700")
    url = await migrated_database(infra, "intake", PROGRAM.migrations, metadata, label="_evidence")
    runtime = build(
        settings_for(
            IntakeSettings, infra, url, keys, blob_dir=blobs, max_upload_bytes=1_000_000, insecure_cookies=True
        )
    )
    configuration = demo_configuration("bps-1700")
    configuration = configuration.model_copy(
        update={"policy": configuration.policy.model_copy(update={"evidence": LIMITS})}
    )
    async with running(runtime) as client:
        await keep_in(runtime, configuration, then=offer_tenant)
        yield Intake(runtime, client, keys, blobs, infra)


def files(*named: tuple[str, bytes, str]) -> list[tuple[str, tuple[str, io.BytesIO, str]]]:
    return [("berkas", (name, io.BytesIO(content), declared)) for name, content, declared in named]


def officers_keyring(keys: Path) -> KeyRing:
    return KeyRing.from_directory(keys, Audience.ALL)


async def plaintext_of(intake: Intake, blob: str, sealed_key: Any, report_id: uuid.UUID) -> tuple[bytes, EvidenceKeyV1]:
    key = officers_keyring(intake.keys).open(sealed_key, tenant="bps-1700", case=report_id, model=EvidenceKeyV1)
    store = FilesystemBlobStore(intake.blobs)
    chunks = [c async for c in decrypt(store.open(blob), base64.b64decode(key.file_key))]
    return b"".join(chunks), key


async def test_files_are_stored_encrypted_and_announced_with_their_key_sealed(intake: Intake) -> None:
    reporter, _ = await intake.new_reporter()
    document = pdf()
    response = await reporter.post(
        "/api/v1/reporter/evidence",
        files=files(("kuitansi pungli.pdf", document, "application/pdf"), ("foto.jpg", PNG, "image/jpeg")),
    )
    assert response.status_code == 201, response.text
    stored = response.json()["stored"]
    assert [(s["file_name"], s["content_type"], s["size_bytes"], s["late"]) for s in stored] == [
        ("kuitansi pungli.pdf", "application/pdf", len(document), True),
        ("foto.jpg", "image/png", len(PNG), True),  # by its content, not its name or declared type
    ]
    listed = (await reporter.get("/api/v1/reporter/evidence")).json()
    assert [f["file_name"] for f in listed] == ["kuitansi pungli.pdf", "foto.jpg"]

    # The blob store holds ciphertext only.
    for path in intake.blob_files():
        assert MARKER.encode() not in path.read_bytes()

    wanted = {uuid.UUID(s["id"]) for s in stored}
    records = await read_until(
        intake.infra.bootstrap_servers,
        topic(intake.infra, EVIDENCE_ADDED.topic),
        lambda rs: wanted <= {e.data.evidence_id for e in events(rs)},
    )
    added = {e.data.evidence_id: e for e in events(records) if e.data.evidence_id in wanted}
    first = added[uuid.UUID(stored[0]["id"])]
    assert first.subject == str(first.data.report_id)
    assert first.tenant == "bps-1700"
    assert first.data.late is True
    assert first.data.size_bytes == len(document)
    assert MARKER not in first.model_dump_json()
    plaintext, key = await plaintext_of(intake, first.data.blob, first.data.key, first.data.report_id)
    assert plaintext == document
    assert (key.file_name, key.content_type) == ("kuitansi pungli.pdf", "application/pdf")


async def test_a_file_too_large_is_refused_and_the_files_before_it_stay(intake: Intake) -> None:
    reporter, _ = await intake.new_reporter()
    before = intake.blob_files()
    response = await reporter.post(
        "/api/v1/reporter/evidence",
        files=files(
            ("surat.pdf", pdf(size=3000), "application/pdf"),
            ("rekaman.pdf", pdf(size=LIMITS.max_file_bytes + 1), "application/pdf"),
            ("setelahnya.pdf", pdf(size=3000), "application/pdf"),
        ),
    )
    assert response.status_code == 413
    body = response.json()
    assert "terlalu besar" in body["pesan"]
    assert "too large" in body["message"]
    assert "rekaman.pdf" in body["message"]
    assert [s["file_name"] for s in body["stored"]] == ["surat.pdf"]
    listed = (await reporter.get("/api/v1/reporter/evidence")).json()
    assert [f["file_name"] for f in listed] == ["surat.pdf"]
    # One new blob, whole; nothing half-written of the refused file, nothing of the file after it.
    new = [p for p in intake.blob_files() if p not in before]
    assert len(new) == 1
    assert ".incomplete" not in str(new[0])


async def test_the_report_as_a_whole_and_the_number_of_files_are_limited(intake: Intake) -> None:
    reporter, _ = await intake.new_reporter()
    big = pdf(size=250_000)
    first = await reporter.post(
        "/api/v1/reporter/evidence", files=files(("a.pdf", big, "application/pdf"), ("b.pdf", big, "application/pdf"))
    )
    assert first.status_code == 201
    beyond = await reporter.post("/api/v1/reporter/evidence", files=files(("c.pdf", big, "application/pdf")))
    assert beyond.status_code == 413
    assert "satu laporan" in beyond.json()["pesan"]
    small = [(f"{n}.txt", f"catatan {n}\n".encode(), "text/plain") for n in range(4)]
    counted = await reporter.post("/api/v1/reporter/evidence", files=files(*small))
    assert counted.status_code == 413
    assert [s["file_name"] for s in counted.json()["stored"]] == ["0.txt", "1.txt", "2.txt"]
    assert len((await reporter.get("/api/v1/reporter/evidence")).json()) == LIMITS.max_files_per_report


async def test_a_program_dressed_as_a_pdf_is_refused_with_415(intake: Intake) -> None:
    reporter, _ = await intake.new_reporter()
    before = intake.blob_files()
    response = await reporter.post(
        "/api/v1/reporter/evidence", files=files(("laporan.pdf", PROGRAM_AS_PDF, "application/pdf"))
    )
    assert response.status_code == 415
    assert "isinya" in response.json()["pesan"]
    assert "content" in response.json()["message"]
    assert response.json()["stored"] == []
    assert intake.blob_files() == before
    assert (await reporter.get("/api/v1/reporter/evidence")).json() == []


async def test_only_a_signed_in_reporter_adds_evidence(intake: Intake) -> None:
    response = await intake.client.post("/api/v1/reporter/evidence", files=files(("a.pdf", pdf(), "application/pdf")))
    assert response.status_code == 401
    page = await intake.client.get("/pantau/bukti")
    assert page.status_code == 303
    assert page.headers["location"] == "/pantau"


async def test_the_page_lists_the_reporters_files_and_its_form_needs_the_csrf_token(intake: Intake) -> None:
    reporter, _ = await intake.new_reporter()
    page = await reporter.get("/pantau/bukti")
    assert page.status_code == 200
    assert "Belum ada berkas bukti." in page.text
    forged = await reporter.post("/pantau/bukti", files=files(("a.pdf", pdf(), "application/pdf")))
    assert forged.status_code == 403
    assert (await reporter.get("/api/v1/reporter/evidence")).json() == []
    token = page.text.split('name="csrf" value="')[1].split('"')[0]
    sent = await reporter.post(
        "/pantau/bukti", data={"csrf": token}, files=files(("bukti-akhir.pdf", pdf(), "application/pdf"))
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == "/pantau/bukti?pesan=tersimpan"
    shown = await reporter.get(sent.headers["location"])
    assert "bukti-akhir.pdf" in shown.text
    assert "setelah laporan dikirim" in shown.text


async def test_a_report_and_the_files_sent_with_it_commit_together(intake: Intake) -> None:
    store = FilesystemBlobStore(intake.blobs)
    key = new_file_key()
    evidence_id = uuid.uuid4()

    async def content() -> AsyncIterator[bytes]:
        yield pdf()

    size = len(pdf())
    await store.put(f"evidence/{evidence_id}", encrypt(content(), key))
    stored = StoredFile(evidence_id, f"evidence/{evidence_id}", key, "bukti.pdf", "application/pdf", size)
    substance = ReportSubstanceV1(what="Pungli", where="", when="", who="", how="")
    runtime = intake.runtime
    hasher = ReporterSecretHasher(KeyedDigests(b"k" * 32))
    receipt = await submit_report(
        Submission(
            tenant="bps-1700", category="korupsi-gratifikasi", channel="web", substance=substance, evidence=(stored,)
        ),
        uow=runtime.unit_of_work(),
        sealer=runtime.keyring,
        hasher=hasher,
        digests=KeyedDigests(b"k" * 32),
        clock=utc_now,
        correlation_id="test-evidence-with-report",
    )
    submitted = await read_until(
        intake.infra.bootstrap_servers,
        topic(intake.infra, REPORT_SUBMITTED.topic),
        lambda rs: any(e.data.report_id == receipt.report_id for e in events(rs)),
    )
    report = next(e for e in events(submitted) if e.data.report_id == receipt.report_id)
    assert ReportElement.EVIDENCE not in report.data.completeness.missing
    added = await read_until(
        intake.infra.bootstrap_servers,
        topic(intake.infra, EVIDENCE_ADDED.topic),
        lambda rs: any(e.data.evidence_id == evidence_id for e in events(rs)),
    )
    event = next(e for e in events(added) if e.data.evidence_id == evidence_id)
    assert event.data.late is False
    assert event.data.report_id == receipt.report_id
    assert (await plaintext_of(intake, event.data.blob, event.data.key, receipt.report_id))[0] == pdf()
