"""The exposé over the running system, behind the gateway: a report is submitted, registered,
disposed and decided for audit investigasi (BPS Bengkulu's penelaah proposes, its ketua tim
approves); investigation hears the decision from the broker and opens the case file; the ketua tim
takes the audit to its final report through investigation's API (Surat Tugas, result TPK, the
auditee's response, the report: ``audit_steps``). Then the ketua tim schedules an exposé through the
officers' API: less than 3 days ahead it is refused with the earliest allowed date in both languages
and nothing is stored (no exposé, no invitation, no audit entry); 3 days ahead it is scheduled and
its invitation is a PDF."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.audit_steps import final_report_issued, investigation_db
from tests.e2e.test_decisions import decide
from tests.e2e.test_kotak import TENANT, officer_signed_in
from tests.support.waiting import eventually
from wbs_investigation.domain.ekspose import day_in_english, tanggal
from wbs_launcher.stack import Stack

pytestmark = pytest.mark.e2e
WIB = ZoneInfo("Asia/Jakarta")


async def case_in_audit(stack: Stack) -> uuid.UUID:
    """A BPS Bengkulu case the telaah sent to audit (walked through triage's API and the broker), open
    in investigation."""
    decision = {"outcome": "audit-investigasi", "conclusion": "Indikasi pungutan liar; lanjut audit investigasi."}
    reporter, case, _ = await decide(stack, decision, approved_by=f"ketua.{TENANT}")
    await reporter.aclose()
    ketua = await officer_signed_in(stack, f"ketua.{TENANT}")

    async def opened() -> bool:
        return (await ketua.get(f"/audit/{TENANT}/{case}")).status_code == 200

    await eventually(opened, within=60, what="the case file opened by investigation")
    await ketua.aclose()
    return case


async def case_with_final_report(stack: Stack) -> uuid.UUID:
    """That case taken by the ketua tim (the auditor on the team) to its final report, result TPK."""
    case = await case_in_audit(stack)
    ketua = await officer_signed_in(stack, f"ketua.{TENANT}")
    await final_report_issued(ketua, TENANT, case, loss=450_000_000, findings="Pungutan atas layanan data mikro.")
    await ketua.aclose()
    return case


def body(at: datetime) -> dict[str, Any]:
    return {
        "kind": "internal",
        "scheduled_at": at.isoformat(),
        "place": "Ruang Rapat BPS Provinsi Bengkulu",
        "topic": "Ekspose internal hasil audit investigasi pungutan liar layanan data",
        "penyaji": {"name": "Ketua Tim WBS BPS Bengkulu"},
        "notulen": {"name": "Sekretaris Tim WBS"},
        "moderator": {"name": "Kepala Bagian Umum"},
        "attendees": [{"name": "Inspektur Wilayah I", "institution": "Inspektorat Utama BPS"}],
    }


async def test_an_invitation_less_than_3_days_ahead_is_refused_with_the_earliest_date_and_nothing_is_stored(
    stack: Stack,
) -> None:
    case = await case_with_final_report(stack)
    ketua = await officer_signed_in(stack, f"ketua.{TENANT}")
    url = f"/api/v1/tenants/{TENANT}/audits/{case}/ekspose"
    now = datetime.now(WIB)
    earliest = (now + timedelta(days=3)).date()
    refused = await ketua.post(url, json=body((now + timedelta(days=2)).replace(hour=16, minute=0)))
    assert refused.status_code == 422, refused.text
    answer = refused.json()
    assert answer["errors"][0]["field"] == "scheduled_at"
    assert "3 (tiga) hari" in answer["pesan"]
    assert f"paling cepat pada {tanggal(earliest)}" in answer["pesan"]
    assert f"{day_in_english(earliest)} at the earliest" in answer["message"]

    assert await investigation_db(stack, "SELECT id FROM ekspose WHERE case_id = $1", case) == []
    invitations = "SELECT id FROM case_document WHERE case_id = $1 AND kind = 'undangan-ekspose'"
    assert await investigation_db(stack, invitations, case) == []
    audited = await investigation_db(stack, "SELECT action FROM audit_entry WHERE object_id = $1", str(case))
    assert "ekspose.scheduled" not in [row["action"] for row in audited]
    listed = (await ketua.get(url)).json()
    assert listed["eksposes"] == []

    accepted = await ketua.post(url, json=body(datetime.combine(earliest, datetime.min.time(), tzinfo=WIB)))
    assert accepted.status_code == 201, accepted.text
    ekspose = accepted.json()
    invitation = await ketua.get(f"{url}/{ekspose['id']}/documents/{ekspose['invitation_document_id']}")
    assert invitation.status_code == 200
    assert invitation.content.startswith(b"%PDF")
    assert len(await investigation_db(stack, "SELECT id FROM ekspose WHERE case_id = $1", case)) == 1
    await ketua.aclose()


async def test_an_auditor_off_the_team_is_refused_with_the_reason(stack: Stack) -> None:
    case = await case_in_audit(stack)  # no Surat Tugas yet: the body's auditor is on no team of it
    auditor = await officer_signed_in(stack, f"auditor.{TENANT}")
    answer = await auditor.get(f"/api/v1/tenants/{TENANT}/audits/{case}/ekspose")
    assert answer.status_code == 403
    assert "Surat Tugas" in answer.json()["pesan"]
    await auditor.aclose()
    another = await officer_signed_in(stack, "auditor.inspektorat-bengkulu")
    elsewhere = await another.get(f"/api/v1/tenants/{TENANT}/audits/{case}/ekspose")
    assert elsewhere.status_code == 404
    await another.aclose()
