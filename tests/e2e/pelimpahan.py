"""Escalation (pelimpahan) over the running system, the steps shared by its end-to-end tests.

A report an identified reporter submits to an inspectorate (with the terlapor), registered by
triage, disposed by the pimpinan to the Inspektur and the penelaah, decided as audit investigasi
(the penelaah proposes, the Inspektur approves), which opens the case file in investigation; then
the audit to its final report and an exposé concluded, through investigation's API
(``audit_steps``). The proposal by the Inspektur and the approval by the head of region.

And reading as an agency would, with confluent-kafka (librdkafka, not the services' client) from
the agency's own topic, opening the dossier with the agency's private key (the stack's master key
directory) using PyNaCl and the framing the AsyncAPI description gives."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from collections.abc import AsyncIterator, Iterable
from typing import Any

import httpx
import pytest
from nacl.public import PrivateKey, SealedBox

from tests.e2e.audit_steps import ekspose_concluded, final_report_issued, investigation_db
from tests.e2e.test_kotak import officer_signed_in, report_id
from tests.support.confluent import outside_consumer, records_from_start
from tests.support.teams import dispose_by_name
from tests.support.waiting import eventually
from wbs_contracts.registry import escalations_to
from wbs_contracts.sealed import Audience
from wbs_launcher.stack import Stack
from wbs_runtime.crypto.keystore import MASTER

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
#: What the auditors found, in their words (the dossier carries it to the agency).
FINDINGS = "Harga satuan alat berat dinaikkan di atas harga pasar; selisihnya dibayarkan kepada penyedia."
AGREED = "Unsur tindak pidana korupsi terpenuhi; hasil audit dilimpahkan sesuai kebijakan."

_signed_in: dict[str, httpx.AsyncClient] = {}


@pytest.fixture(scope="module", autouse=True)
async def sign_out_at_the_end() -> AsyncIterator[None]:
    """Import into a test module that signs in with ``officer``: its clients close at the module's end."""
    yield
    for client in _signed_in.values():
        await client.aclose()
    _signed_in.clear()


async def officer(stack: Stack, login: str) -> httpx.AsyncClient:
    """The demonstration officer signed in at the gateway (once per module)."""
    if login not in _signed_in:
        _signed_in[login] = await officer_signed_in(stack, login)
    return _signed_in[login]


async def report_with_identity(stack: Stack, tenant: str, loss: int) -> dict[str, Any]:
    """A report to ``tenant`` naming the terlapor, with the reporter's identity and contact: its receipt."""
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
    found: dict[str, Any] = receipt.json()
    return found


async def audit_decided(stack: Stack, tenant: str, receipt: dict[str, Any]) -> uuid.UUID:
    """The report walked through the telaah (triage's API) to an approved audit-investigasi decision;
    the case file open in investigation."""
    case = await report_id(stack, receipt["registration_number"])
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


async def ready_case(stack: Stack, tenant: str, loss: int) -> uuid.UUID:
    """A case decided for audit whose final report says TPK with ``loss`` and whose exposé concluded
    in agreement, every step through the APIs (but the exposé's time, see ``audit_steps``)."""
    case = await audit_decided(stack, tenant, await report_with_identity(stack, tenant, loss))
    inspektur = await officer(stack, f"inspektur.{tenant}")
    await final_report_issued(inspektur, tenant, case, loss=loss, findings=FINDINGS)
    await ekspose_concluded(stack, inspektur, tenant, case, agreed=AGREED)
    return case


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
    consumer = outside_consumer(stack.bootstrap_servers, "agency")
    try:
        return list(records_from_start(consumer, topic))
    finally:
        consumer.close()


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
