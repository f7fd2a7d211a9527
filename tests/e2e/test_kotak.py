"""The Kotak Komunikasi over the running system, behind the gateway: a reporter asks about progress;
the body's penelaah, signed in at /masuk, sees the question with its due time in the tenant's
working days, and answers; the reporter reads the answer and the timeline says an officer answered."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

import asyncpg
import httpx
import pytest

from tests.e2e.test_admin_browser import demo_password
from tests.support.waiting import eventually
from wbs_contracts.events.directory import TenantConfiguredV1, TimeLimit
from wbs_launcher.stack import Stack
from wbs_runtime.working_days import due

pytestmark = pytest.mark.e2e
TENANT = "bps-1700"
REPORT = {
    "tenant": TENANT,
    "category": "etika-pegawai",
    "what": "Pegawai meminta imbalan untuk data mikro",
    "where": "Kantor BPS Provinsi Bengkulu",
    "when": "November 2026",
    "who": "Petugas layanan",
    "how": "Meminta transfer ke rekening pribadi",
}


async def kept_configuration(stack: Stack) -> TenantConfiguredV1:
    """The tenant's configuration as intake keeps it (directory announced it)."""
    connection = await asyncpg.connect(stack.database_urls["intake"])
    try:
        document = await connection.fetchval(
            "SELECT configuration::text FROM tenant_configuration WHERE tenant_id = $1", TENANT
        )
    finally:
        await connection.close()
    return TenantConfiguredV1.model_validate_json(document)


async def reporter_signed_in(stack: Stack) -> tuple[httpx.AsyncClient, dict[str, Any]]:
    reporter = httpx.AsyncClient(base_url=stack.gateway_url, timeout=10)
    receipt = (await reporter.post("/api/v1/reports", json=REPORT)).json()
    await sign_in_reporter(reporter, receipt)
    return reporter, receipt


async def sign_in_reporter(reporter: httpx.AsyncClient, receipt: dict[str, Any]) -> httpx.AsyncClient:
    """The reporter signs in with the receipt of their report (registration number and secret)."""
    signed_in = await reporter.post(
        "/api/v1/reporter/session",
        json={"registration_number": receipt["registration_number"], "secret": receipt["secret"]},
    )
    assert signed_in.status_code == 200, signed_in.text
    return reporter


async def officer_signed_in(stack: Stack, login: str) -> httpx.AsyncClient:
    """An officer signed in at the gateway's /masuk, as a browser would (the session cookie kept)."""
    officer = httpx.AsyncClient(base_url=stack.gateway_url, timeout=10)
    form = await officer.get("/masuk")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token is not None
    signed_in = await officer.post(
        "/masuk",
        data={"csrf": token.group(1), "nama_pengguna": login, "kata_sandi": demo_password(stack, login)},
    )
    assert (signed_in.status_code, signed_in.headers.get("location")) == (303, "/akun"), signed_in.text
    return officer


async def report_id(stack: Stack, registration_number: str) -> uuid.UUID:
    connection = await asyncpg.connect(stack.database_urls["intake"])
    try:
        found: uuid.UUID = await connection.fetchval(
            "SELECT id FROM report WHERE registration_number = $1", registration_number
        )
    finally:
        await connection.close()
    return found


async def test_a_question_reaches_the_officer_with_its_due_time_and_the_answer_reaches_the_reporter(
    stack: Stack,
) -> None:
    reporter, receipt = await reporter_signed_in(stack)
    question = f"Bagaimana perkembangan laporan saya? {uuid.uuid4().hex[:8]}"
    asked = await reporter.post("/api/v1/reporter/messages", json={"kind": "pertanyaan", "text": question})
    assert asked.status_code == 201, asked.text
    answer_due = datetime.fromisoformat(asked.json()["answer_due"])
    # No jawaban-pelapor in the demo policy: 5 working days of BPS Bengkulu's calendar.
    configuration = await kept_configuration(stack)
    sent_at = datetime.fromisoformat(asked.json()["sent_at"])
    assert answer_due == due(configuration.policy.calendar, TimeLimit(working_days=5), sent_at)

    penelaah = await officer_signed_in(stack, f"penelaah.{TENANT}")
    case = await report_id(stack, receipt["registration_number"])
    messages = f"/api/v1/tenants/{TENANT}/cases/{case}/messages"

    async def question_shown() -> list[dict[str, Any]] | None:
        response = await penelaah.get(messages)
        return response.json() if response.status_code == 200 and response.json() else None

    [seen] = await eventually(question_shown, within=60, what="the question in the officer's case")
    assert (seen["author"], seen["kind"], seen["text"]) == ("pelapor", "pertanyaan", question)
    assert datetime.fromisoformat(seen["answer_due"]) == answer_due

    answer = "Laporan Anda sedang ditelaah oleh tim."
    answered = await penelaah.post(messages, json={"kind": "jawaban", "text": answer, "in_reply_to": seen["id"]})
    assert answered.status_code == 201, answered.text
    # Outside the gateway's officer session nobody answers: the reporter's cookie is not an officer's.
    assert (await reporter.post(messages, json={"kind": "jawaban", "text": "x"})).status_code == 401

    async def answer_shown() -> dict[str, Any] | None:
        mailbox: dict[str, Any] = (await reporter.get("/api/v1/reporter/messages")).json()
        return mailbox if len(mailbox["messages"]) == 2 else None

    mailbox = await eventually(answer_shown, within=60, what="the answer in the reporter's message box")
    assert [(m["direction"], m["text"]) for m in mailbox["messages"]] == [
        ("dari-pelapor", question),
        ("dari-petugas", answer),
    ]
    assert mailbox["messages"][1]["in_reply_to"] == asked.json()["id"]
    assert [(t["kind"], t["pesan"]) for t in mailbox["timeline"]] == [("petugas-menjawab", "Petugas menjawab")]
    shown_to_officer = (await penelaah.get(messages)).json()
    assert shown_to_officer[0]["answered_by"] == answered.json()["id"]
    await reporter.aclose()
    await penelaah.aclose()
