"""Escalation (pelimpahan) over the running system, behind the gateway, on the real broker.

Each case starts as a report a reporter submits with their name and contact, registered by triage,
disposed by the inspectorate's pimpinan to the Inspektur and the penelaah, and decided as audit
investigasi (the penelaah proposes, the Inspektur approves), which opens the case file in
investigation. The steps between (Surat Tugas, result, final report, exposé) have no API in this
branch yet: the case file is brought to ``laporan-terbit`` (result TPK, the loss, the final report,
the exposé concluded) directly in investigation's database (``final_report_issued``).

Then, through the officers' API: Bengkulu cases below, at and above Rp 1.000.000.000 are routed to
APH, the KPK and the KPK as its policy says, and nothing is on any agency's topic until the
Gubernur approves; a Lebak case goes to APH. confluent-kafka (librdkafka, not the services' client)
reads each escalation from the agency's own topic and opens the dossier with the agency's private
key (the stack's master key directory) using PyNaCl and the framing the AsyncAPI description
gives; neither the event nor the dossier holds the reporter's name or contact. An agency's
subscriber sees only its own escalations, downloads what was sent and acknowledges one; the case
records the acknowledgement.
"""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition
from nacl.public import PrivateKey, SealedBox

from tests.e2e.test_kotak import officer_signed_in, report_id
from tests.support.teams import dispose_by_name
from tests.support.waiting import eventually
from wbs_contracts.events.investigation import EscalationDossierV1, EscalationV1
from wbs_contracts.registry import escalations_to
from wbs_contracts.sealed import Audience
from wbs_investigation.adapters.db import SqlInvestigationUnitOfWork
from wbs_investigation.adapters.documents import DocumentVault
from wbs_investigation.domain.documents import DocumentKind
from wbs_launcher.stack import Stack
from wbs_runtime.blobs import FilesystemBlobStore
from wbs_runtime.crypto import KeyRing
from wbs_runtime.crypto.keystore import MASTER
from wbs_runtime.db import create_engine, create_sessionmaker

pytestmark = pytest.mark.e2e
BILLION = 1_000_000_000
BENGKULU, LEBAK = "inspektorat-bengkulu", "inspektorat-lebak"
#: Whom each inspectorate's pimpinan disposes the telaah to: the Inspektur (ketua) and the penelaah.
TEAM = {
    BENGKULU: ("Inspektur Provinsi Bengkulu", "Penelaah Inspektorat Bengkulu"),
    LEBAK: ("Inspektur Kabupaten Lebak", "Penelaah Inspektorat Lebak"),
}
HEAD_OF_REGION = {BENGKULU: f"gubernur.{BENGKULU}", LEBAK: f"bupati.{LEBAK}"}
RUN = uuid.uuid4().hex[:10]
#: Who the reporter is and how to reach them: never in an escalation.
REPORTER = {
    "nama": f"Siti Pelapor {RUN}",
    "telepon": f"0812{RUN[:8]}",
    "email": f"siti.{RUN}@contoh.id",
}
CONTACT = f"kontak.{RUN}@contoh.id"
TERLAPOR = {"nama": "Budi Santoso", "nip": "197801012005011001", "jabatan": "PPK", "unit_kerja": "Dinas PUPR"}

_signed_in: dict[str, httpx.AsyncClient] = {}


@pytest.fixture(scope="module", autouse=True)
async def sign_out_at_the_end() -> AsyncIterator[None]:
    yield
    for client in _signed_in.values():
        await client.aclose()
    _signed_in.clear()


async def officer(stack: Stack, login: str) -> httpx.AsyncClient:
    """The demonstration officer signed in at the gateway (once per run)."""
    if login not in _signed_in:
        _signed_in[login] = await officer_signed_in(stack, login)
    return _signed_in[login]


async def investigation_db(stack: Stack, query: str, *args: Any) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(stack.database_urls["investigation"])
    try:
        return list(await connection.fetch(query, *args))
    finally:
        await connection.close()


async def audit_decided(stack: Stack, tenant: str, loss: int) -> uuid.UUID:
    """A report with the reporter's identity and contact, walked through the telaah to an approved
    audit-investigasi decision; the case file open in investigation."""
    report = {
        "tenant": tenant,
        "category": "tindak-pidana-korupsi",
        "what": f"Penggelembungan harga pengadaan alat berat, perkara {RUN}",
        "where": "Dinas PUPR",
        "when": "Agustus 2026",
        "who": "Pejabat pembuat komitmen",
        "how": "Harga satuan dinaikkan dari harga pasar",
        "amount_idr": loss,
        "terlapor": [TERLAPOR],
        "identity": REPORTER,
        "contact": CONTACT,
    }
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as reporter:
        receipt = await reporter.post("/api/v1/reports", json=report)
        assert receipt.status_code == 201, receipt.text
    case = await report_id(stack, receipt.json()["registration_number"])
    penelaah = await officer(stack, f"penelaah.{tenant}")

    async def registered() -> bool:
        return (await penelaah.get(f"/api/v1/tenants/{tenant}/cases/{case}")).status_code == 200

    await eventually(registered, within=60, what="the report registered by triage")
    await dispose_by_name(await officer(stack, f"sekretaris.{tenant}"), tenant, case, *TEAM[tenant])
    decision = f"/api/v1/tenants/{tenant}/cases/{case}/decision"
    proposed = await penelaah.post(
        decision, json={"outcome": "audit-investigasi", "conclusion": "Indikasi TPK; lanjut audit investigasi."}
    )
    assert proposed.status_code == 201, proposed.text
    approved = await (await officer(stack, f"inspektur.{tenant}")).post(decision + "/approval")
    assert approved.status_code == 200, approved.text

    async def opened() -> bool:
        rows = await investigation_db(stack, "SELECT status FROM case_file WHERE case_id = $1", case)
        return bool(rows) and rows[0]["status"] == "perencanaan"

    await eventually(opened, within=60, what="the case file opened in investigation")
    return case


async def final_report_issued(stack: Stack, case: uuid.UUID, loss: int) -> None:
    """The audit's steps up to the final report and the exposé, as they would leave the case file
    (their own APIs are not in this branch): result TPK, the loss, the report, the exposé concluded."""
    await investigation_db(
        stack,
        "UPDATE case_file SET status = 'laporan-terbit', result = 'tpk', estimated_loss_idr = $2,"
        " report_number = $3, report_issued_at = now(), ekspose_concluded_at = now() WHERE case_id = $1",
        case,
        loss,
        f"LHA-{RUN}-{str(case)[:4]}",
    )


async def ready_case(stack: Stack, tenant: str, loss: int) -> uuid.UUID:
    case = await audit_decided(stack, tenant, loss)
    await final_report_issued(stack, case, loss)
    return case


async def store_final_report(stack: Stack, tenant: str, case: uuid.UUID, content: bytes) -> uuid.UUID:
    """The final report's PDF in investigation's vault (what the audit step generates)."""
    keys = KeyRing.from_directory(stack.key_dir("investigation"), {Audience.CASE_SUBSTANCE})
    vault = DocumentVault(FilesystemBlobStore(stack.blob_dir), keys)
    engine = create_engine(stack.database_urls["investigation"])
    try:
        async with SqlInvestigationUnitOfWork(create_sessionmaker(engine), "e2e") as uow:
            stored = await vault.store(
                uow.documents,
                tenant=tenant,
                case_id=case,
                kind=DocumentKind.LAPORAN_HASIL_AUDIT,
                title="Laporan Hasil Audit Investigasi",
                media_type="application/pdf",
                content=content,
                added_by="e2e",
                added_at=datetime.now(UTC),
            )
            await uow.commit()
    finally:
        await engine.dispose()
    return stored.document_id


def escalation_url(tenant: str, case: uuid.UUID, step: str = "") -> str:
    return f"/api/v1/tenants/{tenant}/audits/{case}/escalation{step}"


async def propose(stack: Stack, tenant: str, case: uuid.UUID, **body: Any) -> dict[str, Any]:
    answer = await (await officer(stack, f"inspektur.{tenant}")).post(escalation_url(tenant, case), json=body)
    assert answer.status_code == 201, answer.text
    found: dict[str, Any] = answer.json()
    return found


async def approve(stack: Stack, tenant: str, case: uuid.UUID) -> dict[str, Any]:
    answer = await (await officer(stack, HEAD_OF_REGION[tenant])).post(escalation_url(tenant, case, "/approval"))
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


# -- reading as an agency would, with confluent-kafka --------------------------------------------


def agency_topic(stack: Stack, agency: str) -> str:
    return f"{stack.config.topic_prefix}{escalations_to(agency).topic}"


def read_topic(stack: Stack, topic: str) -> list[Any]:
    """Every record on ``topic`` up to its end now, from the beginning (none if it does not exist)."""
    consumer = Consumer(
        {
            "bootstrap.servers": stack.bootstrap_servers,
            "group.id": f"agency-{uuid.uuid4()}",
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
        }
    )
    records: list[Any] = []
    try:
        metadata = consumer.list_topics(topic, timeout=10).topics.get(topic)
        if metadata is None or metadata.error is not None:
            return []
        for partition in metadata.partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
            if high <= low:
                continue
            consumer.assign([TopicPartition(topic, partition, OFFSET_BEGINNING)])
            seen = 0
            while seen < high - low:
                message = consumer.poll(5)
                assert message is not None, f"{topic}[{partition}]: {seen} of {high - low} records read"
                error = message.error()
                if error is not None:
                    assert error.code() == KafkaError._PARTITION_EOF, error
                    continue
                seen += 1
                records.append(message)
    finally:
        consumer.close()
    return records


async def on_agency_topic(stack: Stack, agency: str) -> dict[uuid.UUID, Any]:
    """The agency's topic as confluent-kafka reads it, by case (the record key)."""
    records = await asyncio.to_thread(read_topic, stack, agency_topic(stack, agency))
    return {uuid.UUID(record.key().decode()): record for record in records}


async def sent_to(stack: Stack, agency: str, cases: Iterable[uuid.UUID]) -> dict[uuid.UUID, Any]:
    wanted = set(cases)

    async def arrived() -> dict[uuid.UUID, Any] | None:
        found = {case: record for case, record in (await on_agency_topic(stack, agency)).items() if case in wanted}
        return found if set(found) == wanted else None

    return await eventually(arrived, within=60, interval=0.5, what=f"the escalations on {agency}'s topic")


def open_dossier(stack: Stack, agency: str, case: uuid.UUID, dossier: dict[str, Any]) -> dict[str, Any]:
    """As the agency opens it, with its own private key and PyNaCl: the sealed box, then the framing
    the AsyncAPI description gives (WBS\\x02, length, header, newline, document, zero padding)."""
    fingerprint = dossier["kid"].rsplit("/", 1)[-1]
    key_file = stack.key_root / MASTER / agency / f"{Audience.AGENCY_DOSSIER}-{fingerprint}.key"
    private_key = PrivateKey(base64.b64decode(key_file.read_text().strip()))
    plaintext = SealedBox(private_key).decrypt(base64.b64decode(dossier["ciphertext"]))
    assert plaintext[:4] == b"WBS\x02"
    length = int.from_bytes(plaintext[4:8], "big")
    header, _, document = plaintext[8 : 8 + length].partition(b"\n")
    assert not plaintext[8 + length :].strip(b"\x00")
    bound = json.loads(header)
    assert (bound["tenant"], bound["case"], bound["audience"], bound["type"]) == (
        agency,
        str(case),
        "agency-dossier",
        "escalation-dossier",
    )
    opened: dict[str, Any] = json.loads(document)
    return opened


def no_reporter_identity(*texts: str) -> None:
    for text in texts:
        for value in (*REPORTER.values(), CONTACT, "Siti Pelapor"):
            assert value not in text, f"{value!r} reached an agency"


async def test_bengkulu_cases_go_by_its_threshold_only_after_approval_and_an_outside_client_opens_them(
    stack: Stack,
) -> None:
    losses = (BILLION - 1, BILLION, BILLION + 1)
    below, at, above = [await ready_case(stack, BENGKULU, loss) for loss in losses]
    loss_of = dict(zip((below, at, above), losses, strict=True))
    proposals = {
        below: await propose(stack, BENGKULU, below, agency="kejati-bengkulu"),
        at: await propose(stack, BENGKULU, at),
        above: await propose(stack, BENGKULU, above, agency="kpk", recommendation="Mohon ditindaklanjuti."),
    }
    assert {case: p["routing"]["target"] for case, p in proposals.items()} == {below: "aph", at: "kpk", above: "kpk"}
    assert "Pergub Bengkulu 49/2017" in proposals[at]["routing"]["pesan"]

    # Proposed, not approved: nothing on any agency's topic.
    for agency in ("kpk", "kejati-bengkulu", "polda-bengkulu"):
        assert not set(await on_agency_topic(stack, agency)) & {below, at, above}
    proposer = await officer(stack, f"inspektur.{BENGKULU}")
    assert (await proposer.post(escalation_url(BENGKULU, at, "/approval"))).status_code == 403

    for case in (below, at, above):
        approved = await approve(stack, BENGKULU, case)
        assert approved["status"] == "diserahkan"
        assert approved["escalations"][0]["decided_as"] == "pimpinan-daerah"

    records = await sent_to(stack, "kpk", {at, above}) | await sent_to(stack, "kejati-bengkulu", {below})
    for case, record in records.items():
        agency = "kejati-bengkulu" if case == below else "kpk"
        headers = {name: value.decode() for name, value in record.headers() or []}
        assert (headers["ce_type"], headers["ce_tenant"]) == ("wbs.investigation.escalation", BENGKULU)
        event = json.loads(record.value())
        assert (event["case_id"], event["agency"], event["target"]) == (
            str(case),
            agency,
            "aph" if case == below else "kpk",
        )
        assert event["policy_version"] >= 1
        EscalationV1.model_validate(event)
        dossier = open_dossier(stack, agency, case, event["dossier"])
        EscalationDossierV1.model_validate(dossier)
        # The terlapor come from the report once triage hands it to the audit; never anyone else.
        assert all(official == TERLAPOR for official in dossier["terlapor"])
        assert f"Rp {loss_of[case]:,}".replace(",", ".") in dossier["findings"]
        no_reporter_identity(record.value().decode(), json.dumps(dossier), json.dumps(headers))
    assert not set(await on_agency_topic(stack, "polda-bengkulu")) & {below, at, above}
    rows = await investigation_db(
        stack, "SELECT status FROM case_file WHERE case_id = ANY($1::uuid[])", [below, at, above]
    )
    assert [row["status"] for row in rows] == ["diserahkan"] * 3


async def test_a_lebak_case_goes_to_aph_and_only_its_agency_sees_it_and_acknowledges_it(stack: Stack) -> None:
    case = await ready_case(stack, LEBAK, 40 * BILLION)
    content = f"%PDF-1.4 Laporan hasil audit {RUN}".encode()
    document = await store_final_report(stack, LEBAK, case, content)
    proposal = await propose(stack, LEBAK, case, agency="kejari-lebak")
    assert proposal["routing"]["target"] == "aph"
    assert "Perbup Lebak 18/2021" in proposal["routing"]["pesan"]
    assert not set(await on_agency_topic(stack, "kejari-lebak")) & {case}
    [escalation] = (await approve(stack, LEBAK, case))["escalations"]
    record = (await sent_to(stack, "kejari-lebak", {case}))[case]
    event = json.loads(record.value())
    assert (event["target"], event["estimated_loss_idr"]) == ("aph", 40 * BILLION)
    assert [d["document_id"] for d in event["documents"]] == [str(document)]
    no_reporter_identity(
        record.value().decode(), json.dumps(open_dossier(stack, "kejari-lebak", case, event["dossier"]))
    )

    kejari, polres = await officer(stack, "kejari-lebak"), await officer(stack, "polres-lebak")
    inbox = (await kejari.get("/api/v1/agencies/kejari-lebak/escalations")).json()
    assert escalation["id"] in [e["id"] for e in inbox]
    assert escalation["id"] not in [
        e["id"] for e in (await polres.get("/api/v1/agencies/polres-lebak/escalations")).json()
    ]
    item = f"/api/v1/agencies/kejari-lebak/escalations/{escalation['id']}"
    assert (await polres.get(item)).status_code == 404
    assert (await polres.get(f"/api/v1/agencies/polres-lebak/escalations/{escalation['id']}")).status_code == 404
    assert (await polres.get("/api/v1/agencies/kejari-lebak/escalations")).status_code == 404
    shown = (await kejari.get(item)).json()
    assert (shown["from_tenant"], shown["target"]) == (LEBAK, "aph")
    no_reporter_identity(json.dumps(shown))
    downloaded = await kejari.get(f"{item}/documents/{document}")
    assert (downloaded.status_code, downloaded.content) == (200, content)

    acknowledged = await kejari.post(f"{item}/acknowledgement", json={"name": "Kasi Pidsus", "reference": "B-1/2026"})
    assert acknowledged.status_code == 202, acknowledged.text
    inspektur = await officer(stack, f"inspektur.{LEBAK}")

    async def recorded() -> dict[str, Any] | None:
        [shown] = (await inspektur.get(escalation_url(LEBAK, case))).json()["escalations"]
        return shown if shown["acknowledged_at"] else None

    recorded_on_case = await eventually(recorded, within=60, what="the acknowledgement recorded on the case")
    assert (recorded_on_case["acknowledged_by"], recorded_on_case["agency_reference"]) == ("Kasi Pidsus", "B-1/2026")
