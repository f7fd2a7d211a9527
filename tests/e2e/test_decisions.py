"""Each way a telaah ends, over the running system behind the gateway: a report submitted through
intake's API is registered by triage; the body's penelaah proposes a decision through the officers'
API and, where BPS Bengkulu's policy asks (tidak-diproses, audit investigasi: the ketua tim), another
officer approves it; then ``telaah-decided`` is on its topic, the reporter's timeline (after signing
in) says what became of the report in plain words, and reporting counts the decision. Forwarding to
BPS Kabupaten Tangerang registers exactly one case there, which its penelaah reads; a redelivered
``report-submitted`` registers no second case."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import httpx
import pytest

from tests.e2e.test_kotak import TENANT, officer_signed_in, report_id, reporter_signed_in
from tests.e2e.test_report_flow import statistics
from tests.support.kafka import events, read_until
from tests.support.publish import publish
from tests.support.teams import dispose_by_name
from tests.support.waiting import eventually
from wbs_contracts.events.intake import MailboxMessageV1, ReportSubstanceV1
from wbs_contracts.events.triage import TelaahConclusionV1
from wbs_contracts.registry import CASE_REGISTERED, REPORT_SUBMITTED, TELAAH_DECIDED
from wbs_contracts.sealed import Audience, SealedPayload
from wbs_launcher.stack import Stack
from wbs_runtime.crypto import KeyRing

pytestmark = pytest.mark.e2e
RECEIVER = "bps-3603"
REASON = (
    "Yang Anda laporkan adalah keluhan layanan, bukan pelanggaran; silakan sampaikan melalui kanal pengaduan layanan."
)


async def fetch(stack: Stack, service: str, query: str, *args: Any) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(stack.database_urls[service])
    try:
        return list(await connection.fetch(query, *args))
    finally:
        await connection.close()


async def registered_report(stack: Stack, penelaah: httpx.AsyncClient) -> tuple[httpx.AsyncClient, uuid.UUID]:
    """A report submitted through intake's API, registered by triage (the penelaah reads it), and
    disposed by the body's pimpinan to the ketua tim and the penelaah: only then does the
    penelaah open it and work it to a decision."""
    reporter, receipt = await reporter_signed_in(stack)
    case = await report_id(stack, receipt["registration_number"])

    async def registered() -> bool:
        return (await penelaah.get(f"/api/v1/tenants/{TENANT}/cases/{case}")).status_code == 200

    await eventually(registered, within=60, what="the report registered by triage")
    assert (await penelaah.get(f"/api/v1/tenants/{TENANT}/cases/{case}/telaah")).status_code == 403
    pimpinan = await officer_signed_in(stack, f"pimpinan.{TENANT}")
    await dispose_by_name(pimpinan, TENANT, case)
    await pimpinan.aclose()
    assert (await penelaah.get(f"/api/v1/tenants/{TENANT}/cases/{case}/telaah")).status_code == 200
    return reporter, case


async def decided_event(stack: Stack, case: uuid.UUID) -> Any:
    records = await read_until(
        stack.bootstrap_servers,
        f"{stack.config.topic_prefix}{TELAAH_DECIDED.topic}",
        lambda rs: any(e.data.case_id == case for e in events(rs)),
        within=60,
    )
    [event] = [e for e in events(records) if e.data.case_id == case]
    return event


async def reporter_sees(reporter: httpx.AsyncClient, status: str) -> dict[str, Any]:
    async def shown() -> dict[str, Any] | None:
        body: dict[str, Any] = (await reporter.get("/api/v1/reporter/report")).json()
        return body if body["status"] == status else None

    return await eventually(shown, within=60, what=f"{status} on the reporter's timeline")


async def counted(stack: Stack, outcome: str, before: dict[str, Any]) -> None:
    wanted = before["decisions"]["by_outcome"][outcome] + 1

    async def done() -> bool:
        return bool((await statistics(stack))["decisions"]["by_outcome"][outcome] == wanted)

    await eventually(done, within=60, what=f"the {outcome} decision counted")


async def decide(
    stack: Stack, decision: dict[str, Any], *, approved_by: str | None
) -> tuple[httpx.AsyncClient, uuid.UUID, Any]:
    """Propose ``decision`` as BPS Bengkulu's penelaah; approve it as ``approved_by`` when the
    policy asks; the reporter's client, the case and the event."""
    penelaah = await officer_signed_in(stack, f"penelaah.{TENANT}")
    reporter, case = await registered_report(stack, penelaah)
    url = f"/api/v1/tenants/{TENANT}/cases/{case}/decision"
    proposed = await penelaah.post(url, json=decision)
    assert proposed.status_code == 201, proposed.text
    if approved_by is None:
        assert proposed.json()["status"] == decision["outcome"]
    else:
        assert proposed.json()["status"] == "menunggu-persetujuan"
        assert (await penelaah.post(url + "/approval")).status_code == 403  # not by the proposer
        approver = await officer_signed_in(stack, approved_by)
        approved = await approver.post(url + "/approval")
        assert approved.status_code == 200, approved.text
        assert approved.json()["status"] == decision["outcome"]
        await approver.aclose()
    await penelaah.aclose()
    return reporter, case, await decided_event(stack, case)


async def test_not_processed_after_approval_reaches_the_reporter_with_the_reason(stack: Stack) -> None:
    before = await statistics(stack)
    decision = {
        "outcome": "tidak-diproses",
        "not_processed_reason": "tidak-dapat-dipenuhi",
        "reason_for_reporter": REASON,
    }
    reporter, case, event = await decide(stack, decision, approved_by=f"ketua.{TENANT}")
    assert (event.tenant, event.data.outcome.value, event.data.approved_as.value) == (
        TENANT,
        "tidak-diproses",
        "ketua-tim",
    )
    intake_keys = KeyRing.from_directory(stack.key_dir("intake"), {Audience.REPORTER_MAILBOX})
    assert (
        intake_keys.open(event.data.reason_for_reporter, tenant=TENANT, case=case, model=MailboxMessageV1).text
        == REASON
    )
    shown = await reporter_sees(reporter, "tidak-diproses")
    assert shown["timeline"][-1]["pesan"].endswith("Alasannya: " + REASON)
    assert "ketua" not in shown["timeline"][-1]["pesan"].lower()  # which body, never who
    await counted(stack, "tidak-diproses", before)
    await reporter.aclose()


async def test_audit_investigasi_after_approval_is_followed_up_for_the_reporter(stack: Stack) -> None:
    before = await statistics(stack)
    decision = {"outcome": "audit-investigasi", "conclusion": "Indikasi pungutan liar; lanjut audit investigasi."}
    reporter, case, event = await decide(stack, decision, approved_by=f"ketua.{TENANT}")
    triage_keys = KeyRing.from_directory(stack.key_dir("triage"), {Audience.CASE_SUBSTANCE})
    conclusion = triage_keys.open(event.data.conclusion, tenant=TENANT, case=case, model=TelaahConclusionV1)
    assert conclusion.conclusion.startswith("Indikasi pungutan liar")
    shown = await reporter_sees(reporter, "ditindaklanjuti")
    assert "audit investigasi" in shown["timeline"][-1]["pesan"]
    await counted(stack, "audit-investigasi", before)
    await reporter.aclose()


async def test_a_merge_takes_effect_at_once_and_links_both_cases(stack: Stack) -> None:
    before = await statistics(stack)
    penelaah = await officer_signed_in(stack, f"penelaah.{TENANT}")
    first_reporter, target = await registered_report(stack, penelaah)
    reporter, case, event = await decide(stack, {"outcome": "digabung", "merged_into": str(target)}, approved_by=None)
    assert event.data.merged_into == target
    assert (event.data.approved_by, event.data.approved_as) == (None, None)
    there = (await penelaah.get(f"/api/v1/tenants/{TENANT}/cases/{target}/decision")).json()
    assert [(link["kind"], link["case_id"]) for link in there["links"]] == [("menerima-gabungan", str(case))]
    shown = await reporter_sees(reporter, "digabung")
    assert "ditangani bersama" in shown["timeline"][-1]["pesan"]
    await counted(stack, "digabung", before)
    for client in (penelaah, reporter, first_reporter):
        await client.aclose()


async def test_forwarding_registers_exactly_one_case_at_the_receiving_body_which_its_penelaah_reads(
    stack: Stack,
) -> None:
    before = await statistics(stack)
    decision = {"outcome": "diteruskan", "forwarded_to_tenant": RECEIVER}
    reporter, case, event = await decide(stack, decision, approved_by=None)
    new_case = event.data.forwarded_case_id
    assert (event.data.forwarded_to_tenant, event.data.forwarded_to_name) == (RECEIVER, "BPS Kabupaten Tangerang")
    records = await read_until(
        stack.bootstrap_servers,
        f"{stack.config.topic_prefix}{CASE_REGISTERED.topic}",
        lambda rs: any(e.data.case_id == new_case for e in events(rs)),
        within=60,
    )
    [registered] = [e for e in events(records) if e.data.case_id == new_case]
    assert (registered.tenant, registered.data.forwarded_from) == (RECEIVER, case)

    rows = await fetch(
        stack, "triage", 'SELECT * FROM "case" WHERE received_by = $1 AND tenant_id = $2', TENANT, RECEIVER
    )
    forwarded_here = [row for row in rows if row["id"] == new_case]
    assert len(forwarded_here) == 1
    there = await officer_signed_in(stack, f"penelaah.{RECEIVER}")
    read = await there.get(f"/api/v1/tenants/{RECEIVER}/cases/{new_case}")
    assert read.status_code == 200, read.text
    triage_keys = KeyRing.from_directory(stack.key_dir("triage"), {Audience.CASE_SUBSTANCE})
    sealed = SealedPayload.model_validate_json(forwarded_here[0]["sealed_substance"])
    substance = triage_keys.open(sealed, tenant=RECEIVER, case=new_case, model=ReportSubstanceV1)
    assert substance.what == "Pegawai meminta imbalan untuk data mikro"
    links = (await there.get(f"/api/v1/tenants/{RECEIVER}/cases/{new_case}/decision")).json()["links"]
    assert [(link["kind"], link["case_id"], link["tenant"]) for link in links] == [
        ("diteruskan-dari", str(case), TENANT)
    ]

    shown = await reporter_sees(reporter, "dilimpahkan")
    assert "BPS Kabupaten Tangerang" in shown["timeline"][-1]["pesan"]
    await counted(stack, "diteruskan", before)
    await there.aclose()
    await reporter.aclose()


async def test_a_redelivered_report_submitted_registers_no_second_case(stack: Stack) -> None:
    reporter, receipt = await reporter_signed_in(stack)
    case = await report_id(stack, receipt["registration_number"])
    topic = f"{stack.config.topic_prefix}{REPORT_SUBMITTED.topic}"
    records = await read_until(
        stack.bootstrap_servers, topic, lambda rs: any(e.data.report_id == case for e in events(rs)), within=60
    )
    [submitted] = [e for e in events(records) if e.data.report_id == case]
    # Delivered again as a producer retry would (same event) and as a replay would (a new event id).
    again = submitted.model_copy(update={"id": uuid.uuid4()})
    counter = "SELECT last_sequence FROM agenda_counter WHERE tenant_id = $1"
    numbers_before = await fetch(stack, "triage", counter, TENANT)
    await publish(stack.bootstrap_servers, topic, submitted)
    await publish(stack.bootstrap_servers, topic, again)

    async def applied() -> bool:
        rows = await fetch(stack, "triage", "SELECT 1 FROM inbox WHERE event_id = $1", again.id)
        return bool(rows)

    await eventually(applied, within=60, what="the replayed event handled by triage")
    cases = await fetch(stack, "triage", 'SELECT agenda_number FROM "case" WHERE id = $1', case)
    assert len(cases) == 1
    assert await fetch(stack, "triage", counter, TENANT) == numbers_before  # no agenda number taken again
    registrations = await read_until(
        stack.bootstrap_servers,
        f"{stack.config.topic_prefix}{CASE_REGISTERED.topic}",
        lambda rs: any(e.data.case_id == case for e in events(rs)),
        within=60,
    )
    assert len([e for e in events(registrations) if e.data.case_id == case]) == 1
    await reporter.aclose()
