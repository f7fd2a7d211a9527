"""One report travels through every service: intake, triage, then intake, investigation, notify
and reporting, over the broker, each service a process with its own database."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.kafka import events, read_until
from tests.support.officers import assertion_headers
from tests.support.reports import check_status
from tests.support.waiting import eventually
from wbs_contracts.events.intake import ReporterContactV2, ReportSubstanceV1
from wbs_contracts.registry import CASE_REGISTERED, REPORT_SUBMITTED
from wbs_contracts.roles import Role
from wbs_contracts.sealed import Audience, SealedPayload
from wbs_launcher.stack import Stack
from wbs_runtime.crypto import KeyRing

REPORT = {
    "tenant": "bps-1700",
    "category": "etika-pegawai",
    "what": "Pegawai menerima hadiah dari rekanan pengadaan",
    "where": "BPS Provinsi Bengkulu, Jl. Adam Malik Km. 8",
    "when": "September 2026",
    "who": "Pejabat pengadaan",
    "how": "Hadiah diantar ke rumah setelah kontrak ditandatangani",
    "amount_idr": 12_000_000,
    "contact": "0812-0000-1700",
}


async def row(stack: Stack, service: str, query: str, *args: Any) -> asyncpg.Record | None:
    connection = await asyncpg.connect(stack.database_urls[service])
    try:
        return await connection.fetchrow(query, *args)
    finally:
        await connection.close()


async def statistics(stack: Stack, tenant: str = "bps-1700") -> dict[str, Any]:
    """Live statistics are for the body's officers: asked of reporting with an assertion signed
    by the stack's directory key, as the gateway forwards one for a signed-in penelaah."""
    penelaah = assertion_headers(stack.key_root, "reporting", {tenant: {Role.PENELAAH}})
    async with httpx.AsyncClient(base_url=stack.service_url("reporting"), timeout=10) as internal:
        body: dict[str, Any] = (await internal.get(f"/api/v1/tenants/{tenant}/statistics", headers=penelaah)).json()
    return body


async def test_a_report_is_received_registered_acknowledged_counted_and_filed(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as client:
        before = await statistics(stack)
        response = await client.post("/api/v1/reports", json=REPORT, headers={"X-Correlation-ID": "chosen-by-me"})
        assert response.status_code == 201, response.text
        receipt = response.json()
        correlation = response.headers["X-Correlation-ID"]
        assert correlation != "chosen-by-me"  # made by the gateway, whatever the client sends

        async def registered() -> dict[str, Any] | None:
            body: dict[str, Any] = (await check_status(client, receipt)).json()
            return body if body["status"] == "terdaftar" else None

        status = await eventually(registered, what="terdaftar", within=60)
        assert [step["status"] for step in status["timeline"]] == ["diterima", "terdaftar"]
        wrong = await check_status(client, {**receipt, "secret": "0000-0000"})
        unknown = await check_status(client, {**receipt, "registration_number": "WBS-ZZZZ-ZZZZ-ZZZZ"})
        assert wrong.status_code == unknown.status_code == 404
        assert wrong.json() == unknown.json()
        assert (await client.get("/api/v1/tenants/bps-1700/statistics")).status_code == 401  # officers only

        case = await row(
            stack, "intake", "SELECT id FROM report WHERE registration_number = $1", receipt["registration_number"]
        )
        assert case is not None
        case_id = case["id"]

        triage = await row(stack, "triage", 'SELECT * FROM "case" WHERE id = $1', case_id)
        assert triage is not None
        assert triage["agenda_number"].startswith("WBS/BPS-1700/")
        sealed = SealedPayload.model_validate_json(triage["sealed_substance"])
        own_keys = KeyRing.from_directory(stack.key_dir("triage"), Audience.readable_by("triage"))
        assert own_keys.open(sealed, tenant="bps-1700", case=case_id, model=ReportSubstanceV1).what == REPORT["what"]

        kept = await eventually(
            lambda: row(stack, "notify", "SELECT * FROM reporter_contact WHERE case_id = $1", case_id),
            what="the reporter's contact, kept by notify",
        )
        contact = SealedPayload.model_validate_json(kept["sealed_contact"])
        notify_keys = KeyRing.from_directory(stack.key_dir("notify"), Audience.readable_by("notify"))
        opened = notify_keys.open(contact, tenant="bps-1700", case=case_id, model=ReporterContactV2)
        assert opened.contact == REPORT["contact"]

        # The officers' ``perhatian`` rows for the same case may be written first: ask for the reporter's by kind.
        acknowledgement = await eventually(
            lambda: row(
                stack, "notify", "SELECT * FROM notification WHERE case_id = $1 AND kind = 'tanda-terima'", case_id
            ),
            what="the acknowledgement",
        )
        assert acknowledgement["status"] == "antre"
        assert (acknowledgement["recipient_kind"], acknowledgement["recipient"]) == ("pelapor", None)

        case_file = await eventually(
            lambda: row(stack, "investigation", "SELECT * FROM case_file WHERE case_id = $1", case_id),
            what="the case file",
        )
        assert case_file["agenda_number"] == triage["agenda_number"]

        async def counted() -> dict[str, Any] | None:
            after = await statistics(stack)
            done = after["total"]["registered"] == before["total"]["registered"] + 1
            return after if done else None

        after = await eventually(counted, what="the report counted", within=60)
        assert after["total"]["received"] == before["total"]["received"] + 1
        assert (
            after["by_category"]["etika-pegawai"]["received"]
            == before["by_category"].get("etika-pegawai", {"received": 0})["received"] + 1
        )
        assert after["by_channel"]["web"]["registered"] >= 1


@pytest.mark.parametrize("event", [REPORT_SUBMITTED, CASE_REGISTERED], ids=lambda e: e.topic)
async def test_no_plaintext_identity_or_substance_crosses_the_bus(stack: Stack, event: Any) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as client:
        marker = f"penanda-{uuid.uuid4().hex}"
        form = {**REPORT, "what": f"{REPORT['what']} {marker}", "contact": f"{marker}@example.org"}
        response = await client.post("/api/v1/reports", json=form)
        assert response.status_code == 201
        correlation = response.headers["X-Correlation-ID"]
    records = await read_until(
        stack.bootstrap_servers,
        f"{stack.config.topic_prefix}{event.topic}",
        lambda rs: any(e.correlationid == correlation for e in events(rs)),
        within=60,
    )
    everything = b"".join(r.value + b"".join(v for _, v in r.headers) for r in records)
    assert marker.encode() not in everything


async def test_a_retry_after_a_lost_answer_gets_the_receipt_and_no_second_case(stack: Stack) -> None:
    """The page's retry: same Idempotency-Key and the secret it drew itself, through the gateway."""
    key, secret = str(uuid.uuid4()), "7KQ3M-9XD2P-4THZQ-8K2M9-DWB5V"
    before = await row(stack, "intake", "SELECT count(*) AS n FROM report")
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as client:
        form, headers = {**REPORT, "secret": secret}, {"Idempotency-Key": key}
        first = await client.post("/api/v1/reports", json=form, headers=headers)
        again = await client.post("/api/v1/reports", json=form, headers=headers)
    after = await row(stack, "intake", "SELECT count(*) AS n FROM report")
    assert first.status_code == again.status_code == 201
    assert again.json()["registration_number"] == first.json()["registration_number"]
    assert again.json()["secret"] == secret
    assert before is not None
    assert after is not None
    assert after["n"] == before["n"] + 1
