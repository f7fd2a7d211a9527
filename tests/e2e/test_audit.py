"""An audit investigasi over the running system behind the gateway: BPS Bengkulu's telaah decides on
an audit (proposed by the penelaah, approved by the ketua tim); investigation opens it; the ketua tim
issues the Surat Tugas naming the auditor (whom the roster offers, as directory announced it); the
auditor records the result and the auditee's response, the final report is issued; the reporter,
signed in with their receipt, sees the report ``selesai`` in plain words, and nothing of the result."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from tests.e2e.audit_steps import officer_id, plan_with_candidates
from tests.e2e.test_decisions import decide, reporter_sees
from tests.e2e.test_kotak import TENANT, officer_signed_in
from wbs_launcher.stack import Stack

pytestmark = pytest.mark.e2e
KETUA = "Ketua Tim WBS BPS Bengkulu"
AUDITOR = "Auditor BPS Bengkulu"


async def test_an_audit_from_the_telaah_decision_to_the_final_report_reaches_the_reporter_as_selesai(
    stack: Stack,
) -> None:
    conclusion = f"Berindikasi TPK; audit investigasi {uuid.uuid4().hex[:6]}."
    decision = {"outcome": "audit-investigasi", "core_problem": "Pungutan", "conclusion": conclusion}
    reporter, case, event = await decide(stack, decision, approved_by=f"ketua.{TENANT}")
    assert event.data.report_substance is not None  # the auditors get the report itself
    await reporter_sees(reporter, "ditindaklanjuti")

    ketua = await officer_signed_in(stack, f"ketua.{TENANT}")
    auditor = await officer_signed_in(stack, f"auditor.{TENANT}")
    api = f"/api/v1/tenants/{TENANT}/audits/{case}"
    plan = await plan_with_candidates(ketua, TENANT, case, KETUA, AUDITOR)
    assert plan["status"] == "perencanaan"
    assert plan["conclusion"]["conclusion"] == conclusion
    assert plan["report"]["what"]  # opened from what triage sealed
    # Not on a team yet: the auditor is refused, with the reason.
    refused = await auditor.get(f"{api}/plan")
    assert refused.status_code == 403
    assert "Surat Tugas" in refused.json()["pesan"]

    today = date.today()
    letter = {
        "number": f"ST-{case.hex[:8]}/BPS-1700/2026",
        "issued_on": today.isoformat(),
        "ketua_tim": officer_id(plan, AUDITOR),
        "pengendali_teknis": officer_id(plan, KETUA),
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=20)).isoformat(),
        "budget": "Rp 15.000.000",
        "resources": "Kendaraan dinas",
    }
    issued = await ketua.post(f"{api}/plan", json=letter)
    assert issued.status_code == 201, issued.text
    pdf = await auditor.get(f"{api}/documents/{issued.json()['document_id']}")
    assert (pdf.status_code, pdf.headers["content-type"]) == (200, "application/pdf")

    result = {"result": "tpk", "estimated_loss": "Rp 350.000.000", "findings": "Pungutan atas layanan data."}
    assert (await auditor.post(f"{api}/result", json=result)).status_code == 201
    early = await auditor.post(f"{api}/final-report", json={"number": f"LHA-{case.hex[:8]}"})
    assert early.status_code == 409  # the auditee responds first
    response = {
        "responded_on": today.isoformat(),
        "responder_name": "Kepala Subbagian Umum",
        "response": "Menerima hasil audit.",
        "agrees": True,
    }
    assert (await auditor.post(f"{api}/auditee-response", json=response)).status_code == 201
    report = await auditor.post(f"{api}/final-report", json={"number": f"LHA-{case.hex[:8]}"})
    assert report.status_code == 201, report.text  # the auditor sits as the team's ketua tim
    assert (await ketua.get(f"{api}/result")).json()["status"] == "laporan-terbit"

    body = await reporter_sees(reporter, "selesai")
    finished = body["timeline"][-1]
    assert "laporan hasil audit telah diterbitkan" in finished["pesan"]
    assert "final audit report has been issued" in finished["message"]
    for never in ("350.000.000", "LHA-", "Pungutan atas layanan", "tpk"):
        assert never not in str(body)
    for client in (ketua, auditor, reporter):
        await client.aclose()
