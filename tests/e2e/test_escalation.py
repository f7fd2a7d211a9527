"""Escalation (pelimpahan) over the running system, behind the gateway, on the real broker.

Each case starts as a report a reporter submits with their name and contact, registered by triage,
disposed by the inspectorate's pimpinan to the Inspektur and the penelaah, and decided as audit
investigasi (the penelaah proposes, the Inspektur approves), which opens the case file in
investigation; the Inspektur then takes the audit through investigation's API to its final report
(Surat Tugas, result TPK with the loss and the findings, the auditee's response, the report) and an
exposé concluded in agreement (its time moved back in the database: see ``audit_steps``).

Then, through the officers' API: Bengkulu cases below, at and above Rp 1.000.000.000 are routed to
APH, the KPK and the KPK as its policy says, and nothing is on any agency's topic until the
Gubernur approves; a Lebak case goes to APH. confluent-kafka (librdkafka, not the services' client)
reads each escalation from the agency's own topic and opens the dossier with the agency's private
key (the stack's master key directory) using PyNaCl and the framing the AsyncAPI description
gives: it carries the terlapor, the auditors' findings and the exposé's conclusion, and neither the
event nor the dossier holds the reporter's name or contact. An agency's subscriber sees only its
own escalations, downloads the final report that was sent and acknowledges one; the case records
the acknowledgement.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.audit_steps import investigation_db
from tests.e2e.pelimpahan import (
    BENGKULU,
    BILLION,
    FINDINGS,
    LEBAK,
    TERLAPOR,
    approve,
    escalation_url,
    no_reporter_identity,
    officer,
    on_agency_topic,
    open_dossier,
    propose,
    ready_case,
    sent_to,
    sign_out_at_the_end,  # noqa: F401 - the signed-in clients are closed at the module's end
)
from tests.support.waiting import eventually
from wbs_contracts.events.investigation import EscalationDossierV1, EscalationV1
from wbs_launcher.stack import Stack

pytestmark = pytest.mark.e2e


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
        assert dossier["findings"].endswith(f"Ringkasan temuan: {FINDINGS}")  # the auditors' own words
        assert dossier["ekspose_summary"].startswith("Ekspose internal, ")
        no_reporter_identity(record.value().decode(), json.dumps(dossier), json.dumps(headers))
    assert not set(await on_agency_topic(stack, "polda-bengkulu")) & {below, at, above}
    rows = await investigation_db(
        stack, "SELECT status FROM case_file WHERE case_id = ANY($1::uuid[])", [below, at, above]
    )
    assert [row["status"] for row in rows] == ["diserahkan"] * 3


async def test_a_lebak_case_goes_to_aph_and_only_its_agency_sees_it_and_acknowledges_it(stack: Stack) -> None:
    case = await ready_case(stack, LEBAK, 40 * BILLION)
    inspektur = await officer(stack, f"inspektur.{LEBAK}")
    [report] = (await inspektur.get(f"/api/v1/tenants/{LEBAK}/audits/{case}/result")).json()["reports"]
    document = report["document_id"]
    content = (await inspektur.get(f"/api/v1/tenants/{LEBAK}/audits/{case}/documents/{document}")).content
    assert content.startswith(b"%PDF")  # the final report the audit generated
    proposal = await propose(stack, LEBAK, case, agency="kejari-lebak")
    assert proposal["routing"]["target"] == "aph"
    assert "Perbup Lebak 18/2021" in proposal["routing"]["pesan"]
    assert not set(await on_agency_topic(stack, "kejari-lebak")) & {case}
    [escalation] = (await approve(stack, LEBAK, case))["escalations"]
    record = (await sent_to(stack, "kejari-lebak", {case}))[case]
    event = json.loads(record.value())
    assert (event["target"], event["estimated_loss_idr"]) == ("aph", 40 * BILLION)
    assert [d["document_id"] for d in event["documents"]] == [document]
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

    async def recorded() -> dict[str, Any] | None:
        [shown] = (await inspektur.get(escalation_url(LEBAK, case))).json()["escalations"]
        return shown if shown["acknowledged_at"] else None

    recorded_on_case = await eventually(recorded, within=60, what="the acknowledgement recorded on the case")
    assert (recorded_on_case["acknowledged_by"], recorded_on_case["agency_reference"]) == ("Kasi Pidsus", "B-1/2026")
