"""How an audit ends, against real PostgreSQL and a real broker: the result with its estimated loss,
the auditee's response recorded before the final report (refused otherwise, in both languages), the
final report by the team's ketua tim (not a member), generated as a PDF in the vault; the case file
``laporan-terbit`` with the report's number, result and loss, and ``audit-report-issued`` on its
topic. After an exposé sends the case back for testing (``pengujian-ulang``) a revised result needs
its own response, and a revised final report publishes the event again."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from tests.integration.investigation.test_audit_plan import pdf_text
from tests.support.audits import BODY, Audits, running_audits
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import events, read_until
from tests.support.services import topic
from wbs_contracts.registry import AUDIT_REPORT_ISSUED
from wbs_investigation.adapters.db import case_file_table
from wbs_investigation.domain.case_file import CaseFileStatus

pytestmark = pytest.mark.integration

RESPONSE = {
    "responded_on": "2026-11-25",
    "responder_name": "Budi Santoso",
    "responder_position": "Pejabat Pembuat Komitmen",
    "response": "Mengakui pembayaran sebelum barang diterima; bersedia mengembalikan kerugian.",
    "agrees": True,
}


@pytest.fixture(scope="module")
async def audits(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Audits]:
    key_root = tmp_path_factory.mktemp("keys")
    async for running in running_audits(infra, key_root, tmp_path_factory.mktemp("blobs"), "_audit_result"):
        yield running


async def case_file(audits: Audits, case_id: uuid.UUID) -> Any:
    async with audits.runtime.sessionmaker() as session:
        return (await session.execute(select(case_file_table).where(case_file_table.c.case_id == case_id))).one()


async def issued_events(audits: Audits, case_id: uuid.UUID, count: int) -> list[Any]:
    records = await read_until(
        audits.infra.bootstrap_servers,
        topic(audits.infra, AUDIT_REPORT_ISSUED.topic),
        lambda rs: len([e for e in events(rs) if e.data.case_id == case_id]) >= count,
    )
    return [e for e in events(records) if e.data.case_id == case_id]


async def test_the_final_report_follows_the_result_and_the_auditees_response(audits: Audits) -> None:
    case_id = await audits.assigned_case("dewi", "inspektur", "eko", sequence=41)
    result, response, report = (audits.api(case_id, step) for step in ("result", "auditee-response", "final-report"))
    eko, dewi = audits.auditor("eko"), audits.auditor("dewi")

    no_result = await audits.client.post(response, json=RESPONSE, headers=eko)
    assert no_result.status_code == 409
    for wrong, field in (
        ({"result": "tidak-ada-penyimpangan", "estimated_loss": "Rp 5.000.000", "findings": "x"}, "estimated_loss"),
        ({"result": "tpk", "estimated_loss": "1,25 miliar", "findings": "x"}, "estimated_loss"),
        ({"result": "tpk", "findings": "x"}, "estimated_loss"),
        ({"result": "korupsi", "estimated_loss": 1, "findings": "x"}, "result"),
    ):
        refused = await audits.client.post(result, json=wrong, headers=eko)
        assert (refused.status_code, refused.json()["errors"][0]["field"]) == (422, field)
    findings = "Pembayaran Rp 1,25 miliar atas alat kesehatan yang tidak pernah diterima."
    recorded = await audits.client.post(
        result, json={"result": "tpk", "estimated_loss": "Rp 1.250.000.000", "findings": findings}, headers=eko
    )
    assert recorded.status_code == 201, recorded.text
    assert (recorded.json()["version"], recorded.json()["estimated_loss_idr"]) == (1, 1_250_000_000)

    # Not before the auditee responded to the result: refused in both languages, nothing issued.
    early = await audits.client.post(report, json={"number": "LHA-41/ITPROV/2026"}, headers=dewi)
    assert early.status_code == 409
    assert "tanggapan" in early.json()["pesan"]
    assert "response" in early.json()["message"]
    assert (await case_file(audits, case_id)).status == "pelaksanaan"

    answered = await audits.client.post(response, json=RESPONSE, headers=eko)
    assert answered.status_code == 201, answered.text
    assert answered.json()["result_id"] == recorded.json()["id"]
    by_member = await audits.client.post(report, json={"number": "LHA-41/ITPROV/2026"}, headers=eko)
    assert by_member.status_code == 403  # an anggota does not issue the report; the ketua tim does
    issued = await audits.client.post(
        report,
        json={"number": "LHA-41/ITPROV/2026", "issued_on": "2026-11-28"},
        headers={**dewi, "X-Correlation-ID": "lha-41"},
    )
    assert issued.status_code == 201, issued.text
    assert issued.json()["revision"] == 1

    row = await case_file(audits, case_id)
    assert (row.status, row.result, row.estimated_loss_idr, row.report_number) == (
        "laporan-terbit",
        "tpk",
        1_250_000_000,
        "LHA-41/ITPROV/2026",
    )
    [event] = await issued_events(audits, case_id, 1)
    assert (event.tenant, event.subject, event.correlationid) == (BODY, str(case_id), "lha-41")
    assert (event.data.report_number, event.data.result.value, event.data.estimated_loss_idr) == (
        "LHA-41/ITPROV/2026",
        "tpk",
        1_250_000_000,
    )
    assert event.data.issued_at == row.report_issued_at

    pdf = await audits.client.get(audits.api(case_id, f"documents/{issued.json()['document_id']}"), headers=eko)
    printed = pdf_text(pdf.content)
    for expected in (
        "LAPORAN HASIL AUDIT",
        "LHA-41/ITPROV/2026",
        "tindak pidana korupsi",
        "Rp 1.250.000.000",
        "Budi Santoso",
    ):
        assert expected in printed
    # Issued: the audit's records no longer change, and no second report without a retest.
    assert (
        await audits.client.post(result, json={"result": "tpk", "estimated_loss": 1, "findings": "x"}, headers=eko)
    ).status_code == 409
    assert (await audits.client.post(report, json={"number": "LHA-41b"}, headers=dewi)).status_code == 409
    shown = (await audits.client.get(result, headers=audits.inspektur)).json()
    assert (shown["status"], [r["number"] for r in shown["reports"]]) == ("laporan-terbit", ["LHA-41/ITPROV/2026"])
    page = await audits.client.get(f"/audit/{BODY}/{case_id}/hasil", headers=dewi)
    assert 'data-status="laporan-terbit"' in page.text
    assert "Rp 1.250.000.000" in page.text
    async with audits.runtime.unit_of_work() as uow:
        actions = [e.action for e in await uow.audit.history(BODY, "case", str(case_id))]
    assert {"audit.result-recorded", "audit.auditee-response-recorded", "audit.final-report-issued"} <= set(actions)


async def test_a_retest_needs_a_revised_result_its_own_response_and_a_revised_report(audits: Audits) -> None:
    case_id = await audits.assigned_case("dewi", "inspektur", sequence=42)
    result, response, report = (audits.api(case_id, step) for step in ("result", "auditee-response", "final-report"))
    dewi = audits.auditor("dewi")
    first = {"result": "tpk", "estimated_loss": "Rp 1.100.000.000", "findings": "Kemahalan harga."}
    assert (await audits.client.post(result, json=first, headers=dewi)).status_code == 201
    assert (await audits.client.post(response, json=RESPONSE, headers=dewi)).status_code == 201
    assert (await audits.client.post(report, json={"number": "LHA-42/1"}, headers=dewi)).status_code == 201

    # An exposé found new evidence that changes the loss (part C sets this status).
    async with audits.runtime.unit_of_work() as uow:
        await uow.case_files.set_status(case_id, CaseFileStatus.PENGUJIAN_ULANG)
        await uow.commit()
    revised = {"result": "tpk", "estimated_loss": "Rp 900.000.000", "findings": "Sebagian barang ternyata diterima."}
    recorded = await audits.client.post(result, json=revised, headers=dewi)
    assert (recorded.status_code, recorded.json()["version"]) == (201, 2)
    stale = await audits.client.post(report, json={"number": "LHA-42/2"}, headers=dewi)
    assert stale.status_code == 409  # the response answered the first result, not this one
    assert (await audits.client.post(response, json=RESPONSE, headers=dewi)).status_code == 201
    again = await audits.client.post(report, json={"number": "LHA-42/2"}, headers=audits.inspektur)
    assert (again.status_code, again.json()["revision"]) == (201, 2)

    row = await case_file(audits, case_id)
    assert (row.status, row.estimated_loss_idr, row.report_number) == ("laporan-terbit", 900_000_000, "LHA-42/2")
    published = await issued_events(audits, case_id, 2)
    assert [(e.data.report_number, e.data.estimated_loss_idr) for e in published] == [
        ("LHA-42/1", 1_100_000_000),
        ("LHA-42/2", 900_000_000),
    ]
    shown = (await audits.client.get(result, headers=dewi)).json()
    assert [r["version"] for r in shown["results"]] == [2, 1]
    assert [r["revision"] for r in shown["reports"]] == [2, 1]


async def test_the_result_page_takes_the_response_and_issues_the_report_from_its_forms(audits: Audits) -> None:
    case_id = await audits.assigned_case("dewi", "inspektur", "eko", sequence=43)
    dewi, page = audits.auditor("dewi"), f"/audit/{BODY}/{case_id}/hasil"
    shown = await audits.client.get(page, headers=dewi)
    token = re.search(r'name="csrf" value="([^"]+)"', shown.text)
    assert token is not None
    csrf = {"csrf": token.group(1)}
    result = {"result": "pelanggaran-administratif", "estimated_loss": "Rp 12.500.000", "findings": "SPJ fiktif."}
    assert (await audits.client.post(page, data={**result, **csrf}, headers=dewi)).status_code == 303
    early = await audits.client.post(f"{page}/laporan", data={"number": "LHA-43", **csrf}, headers=dewi)
    assert early.status_code == 409
    assert "tanggapan" in early.text
    assert 'value="LHA-43"' in early.text  # what was typed comes back
    response = {k: str(v) for k, v in RESPONSE.items() if k != "agrees"} | {"agrees": "ya"}
    answered = await audits.client.post(f"{page}/tanggapan", data={**response, **csrf}, headers=dewi)
    assert answered.status_code == 303, answered.text
    eko = await audits.client.post(f"{page}/laporan", data={"number": "LHA-43", **csrf}, headers=audits.auditor("eko"))
    assert eko.status_code == 403
    issued = await audits.client.post(f"{page}/laporan", data={"number": "LHA-43", **csrf}, headers=dewi)
    assert (issued.status_code, issued.headers["location"]) == (303, f"{page}?pesan=laporan#notice")
    after = await audits.client.get(page, headers=dewi)
    assert "Laporan hasil audit telah diterbitkan." not in after.text  # the notice comes with the redirect only
    assert "LHA-43" in after.text
    assert 'id="report-form"' not in after.text  # issued: no second report without a retest
    row = await case_file(audits, case_id)
    assert (row.status, row.result, row.estimated_loss_idr) == (
        "laporan-terbit",
        "pelanggaran-administratif",
        12_500_000,
    )
