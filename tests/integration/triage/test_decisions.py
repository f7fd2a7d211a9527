"""The end of the telaah in triage, over HTTP, against real PostgreSQL and a real broker: a proposal
waits for the approver the tenant's policy names (never its proposer), takes effect with
``telaah-decided``; a rejection returns the case with its reason; the BPK/APIP flag bars an audit
investigasi; forwarding to a body in the system registers one new case there (substance and
evidence keys resealed to it) with its ``case-registered``; a merge links both cases."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests.support.events import report_submitted
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import events, read_until
from tests.support.officers import officer_headers
from tests.support.publish import publish
from tests.support.services import migrated_database, running, settings_for, topic
from tests.support.teams import dispose, staff
from tests.support.tenants import demo_configuration, keep_in
from tests.support.waiting import eventually
from wbs_contracts.events.directory import Approval, Decision
from wbs_contracts.events.intake import EvidenceAddedV1, EvidenceKeyV1, MailboxMessageV1, ReportSubstanceV1
from wbs_contracts.events.triage import TelaahConclusionV1
from wbs_contracts.registry import (
    CASE_REGISTERED,
    EVIDENCE_ADDED,
    REPORT_SUBMITTED,
    TELAAH_APPROVAL_REQUESTED,
    TELAAH_DECIDED,
)
from wbs_contracts.roles import Role
from wbs_contracts.sealed import Audience, SealedPayload
from wbs_runtime.auth.keys import issue_assertion_keys
from wbs_runtime.crypto import KeyRing, ensure_tenant_keys
from wbs_runtime.crypto.keyring import SealedPayloadError
from wbs_runtime.service import ServiceRuntime
from wbs_triage.adapters.db import SqlTriageUnitOfWork, case_table, evidence_table, metadata
from wbs_triage.entrypoint import PROGRAM, TriageSettings, build

#: Every telaah outcome needs a ketua tim's approval here.
APPROVING = "bps-3600"
#: Forwarding and merging take effect at once here.
DIRECT = "bps-1700"
#: Each outcome has its own approvers here (the queue's test sets its policy).
OWN_APPROVERS = "bps-3603"
#: The officers each body's pimpinan disposes cases to.
ROSTER = {
    "penelaah-1": [Role.PENELAAH],
    "penelaah-2": [Role.PENELAAH],
    "penelaah-banten": [Role.PENELAAH],
    "ketua-1": [Role.KETUA_TIM],
    "pimpinan-1": [Role.PIMPINAN_SATKER],
}


@dataclass
class Triage:
    runtime: ServiceRuntime[SqlTriageUnitOfWork]
    infra: Infrastructure
    keys: Path
    client: httpx.AsyncClient

    def officer(self, tenant: str, *roles: Role, officer: str = "penelaah-1") -> dict[str, str]:
        return officer_headers(self.keys.parent, "triage", {tenant: roles}, officer=officer, name=officer.title())

    def pimpinan(self, tenant: str) -> dict[str, str]:
        return self.officer(tenant, Role.PIMPINAN_SATKER, officer="pimpinan-1")

    async def case(self, tenant: str, *, evidence: bool = False, team: tuple[str, ...] = ("penelaah-1",)) -> uuid.UUID:
        """A case registered in ``tenant`` and disposed to ketua-1 with ``team`` (none: not disposed)."""
        ensure_tenant_keys(self.keys, tenant)
        case = uuid.uuid4()
        ring = KeyRing.from_directory(self.keys)
        substance = ReportSubstanceV1(
            what="Pungutan liar", where="Kantor", when="Mei 2026", who="Pejabat X", how="Tunai"
        )
        sealed = ring.seal(tenant, Audience.CASE_SUBSTANCE, substance, case=case)
        submitted = report_submitted(tenant=tenant, case_id=case, substance=sealed)
        await publish(self.infra.bootstrap_servers, topic(self.infra, REPORT_SUBMITTED.topic), submitted)
        if evidence:
            key = EvidenceKeyV1(file_key="QUFBQQ==", file_name="kuitansi.pdf", content_type="application/pdf")
            now = datetime.now(UTC)
            added = EvidenceAddedV1(
                report_id=case,
                evidence_id=uuid.uuid4(),
                blob=f"{tenant}/{case}/bukti",
                size_bytes=4,
                key=ring.seal(tenant, Audience.CASE_SUBSTANCE, key, case=case),
                added_at=now,
            )
            envelope = EVIDENCE_ADDED.envelope(added, tenant=tenant, subject=str(case), time=now, correlation_id="e")
            await publish(self.infra.bootstrap_servers, topic(self.infra, EVIDENCE_ADDED.topic), envelope)
        reader = self.pimpinan(tenant)

        async def registered() -> bool:
            return (await self.client.get(f"/api/v1/tenants/{tenant}/cases/{case}", headers=reader)).status_code == 200

        await eventually(registered, what="the case registered")
        if evidence:

            async def kept() -> bool:
                listed = await self.client.get(f"/api/v1/tenants/{tenant}/cases/{case}/evidence", headers=reader)
                return bool(listed.json())

            await eventually(kept, what="the evidence kept")
        if team:
            await dispose(self.client, reader, tenant, case, "ketua-1", *team)
        return case

    def decision(self, tenant: str, case: uuid.UUID) -> str:
        return f"/api/v1/tenants/{tenant}/cases/{case}/decision"

    async def decided(self, case: uuid.UUID) -> Any:
        records = await read_until(
            self.infra.bootstrap_servers,
            topic(self.infra, TELAAH_DECIDED.topic),
            lambda rs: any(e.data.case_id == case for e in events(rs)),
        )
        [event] = [e for e in events(records) if e.data.case_id == case]
        return event


@pytest.fixture(scope="module")
async def triage(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Triage]:
    key_root = tmp_path_factory.mktemp("keys")
    issue_assertion_keys(key_root, ["directory", "triage"])
    keys = key_root / "triage"
    url = await migrated_database(infra, "triage", PROGRAM.migrations, metadata, label="_decisions")
    tenants = (APPROVING, DIRECT, OWN_APPROVERS)
    for tenant in tenants:  # before the service loads its keys (it looks again only every few seconds)
        ensure_tenant_keys(keys, tenant)
    runtime = build(settings_for(TriageSettings, infra, url, keys))
    async with running(runtime) as client:
        for tenant in tenants:
            await keep_in(runtime, demo_configuration(tenant))
            await staff(infra, runtime, tenant, ROSTER)
        yield Triage(runtime, infra, keys, client)


NOT_PROCESSED = {
    "outcome": "tidak-diproses",
    "not_processed_reason": "tidak-dapat-dipenuhi",
    "reason_for_reporter": "Laporan Anda tidak menyebutkan kejadian yang dapat diperiksa.",
}


async def test_a_proposal_waits_for_the_approver_the_policy_names_never_its_proposer(triage: Triage) -> None:
    case = await triage.case(APPROVING, team=("penelaah-1", "penelaah-2"))
    url = triage.decision(APPROVING, case)
    penelaah = triage.officer(APPROVING, Role.PENELAAH, Role.KETUA_TIM, officer="penelaah-1")
    proposed = await triage.client.post(url, json=NOT_PROCESSED, headers=penelaah)
    assert proposed.status_code == 201, proposed.text
    assert proposed.json()["status"] == "menunggu-persetujuan"
    assert proposed.json()["proposals"][0]["approver_roles"] == ["ketua-tim"]
    # Notify hears that an approval waits, where, and from whom; nothing of what was proposed.
    requests = await read_until(
        triage.infra.bootstrap_servers,
        topic(triage.infra, TELAAH_APPROVAL_REQUESTED.topic),
        lambda rs: any(e.data.case_id == case for e in events(rs)),
    )
    [request] = [e for e in events(requests) if e.data.case_id == case]
    assert (request.tenant, request.data.decision, request.data.approver_roles, request.data.requested_by) == (
        APPROVING,
        Decision.TELAAH_NOT_PROCESSED,
        (Role.KETUA_TIM,),
        "penelaah-1",
    )
    assert request.data.page == f"/perkara/{APPROVING}/{case}/keputusan"
    assert NOT_PROCESSED["reason_for_reporter"] not in request.model_dump_json()

    own = await triage.client.post(url + "/approval", headers=penelaah)  # holds ketua-tim, but proposed it
    assert own.status_code == 403
    assert "Pengusul" in own.json()["pesan"]
    assert "proposer" in own.json()["message"]
    other_penelaah = triage.officer(APPROVING, Role.PENELAAH, officer="penelaah-2")
    assert (await triage.client.post(url + "/approval", headers=other_penelaah)).status_code == 403
    again = await triage.client.post(url, json=NOT_PROCESSED, headers=other_penelaah)
    assert again.status_code == 409  # one proposal at a time

    ketua = triage.officer(APPROVING, Role.KETUA_TIM, officer="ketua-1")
    approved = await triage.client.post(url + "/approval", headers={**ketua, "X-Correlation-ID": "d-1"})
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "tidak-diproses"
    [proposal] = approved.json()["proposals"]
    assert (proposal["state"], proposal["decided_by"], proposal["decided_as"]) == ("disetujui", "ketua-1", "ketua-tim")

    event = await triage.decided(case)
    assert (event.tenant, event.subject, event.correlationid) == (APPROVING, str(case), "d-1")
    data = event.data
    assert (data.outcome.value, data.proposed_by, data.approved_by, data.approved_as) == (
        "tidak-diproses",
        "penelaah-1",
        "ketua-1",
        Role.KETUA_TIM,
    )
    assert data.policy_version == 1
    assert data.report_substance is None  # the report goes with an audit decision only
    mailbox = KeyRing.from_directory(triage.keys, {Audience.REPORTER_MAILBOX})
    reason = mailbox.open(data.reason_for_reporter, tenant=APPROVING, case=case, model=MailboxMessageV1)
    assert reason.text == NOT_PROCESSED["reason_for_reporter"]

    history = await triage.client.get(f"/api/v1/tenants/{APPROVING}/cases/{case}/riwayat", headers=ketua)
    actions = [e["action"] for e in history.json()]
    assert {"case.decision-proposed", "case.decision-approved", "case.decision-effective"} <= set(actions)
    closed = await triage.client.post(url, json=NOT_PROCESSED, headers=other_penelaah)
    assert closed.status_code == 409


async def test_a_rejection_returns_the_case_where_it_was_with_its_reason(triage: Triage) -> None:
    case = await triage.case(APPROVING)
    url = triage.decision(APPROVING, case)
    penelaah = triage.officer(APPROVING, Role.PENELAAH)
    assert (await triage.client.post(url, json=NOT_PROCESSED, headers=penelaah)).status_code == 201
    ketua = triage.officer(APPROVING, Role.KETUA_TIM, officer="ketua-1")
    empty = await triage.client.post(url + "/rejection", json={"reason": " "}, headers=ketua)
    assert empty.status_code == 422
    rejected = await triage.client.post(
        url + "/rejection", json={"reason": "Lengkapi dulu analisisnya."}, headers=ketua
    )
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "ditelaah"
    [proposal] = rejected.json()["proposals"]
    assert (proposal["state"], proposal["rejection_reason"]) == ("ditolak", "Lengkapi dulu analisisnya.")
    # A petugas sees what became of it, never its words; the proposer's team reads them.
    petugas = triage.officer(APPROVING, Role.PETUGAS_PENGADUAN, officer="petugas-1")
    seen = (await triage.client.get(url, headers=petugas)).json()
    assert seen["opened"] is False
    [closed] = seen["proposals"]
    assert (closed["state"], closed["rejection_reason"], closed["reason_for_reporter"]) == ("ditolak", None, "")
    assert "Lengkapi" not in str(seen)
    assert NOT_PROCESSED["reason_for_reporter"] not in str(seen)
    team = (await triage.client.get(url, headers=penelaah)).json()
    assert team["opened"] is True
    assert team["proposals"][0]["reason_for_reporter"] == NOT_PROCESSED["reason_for_reporter"]
    async with triage.runtime.sessionmaker() as session:
        stored = (
            await session.execute(select(func.count()).select_from(case_table).where(case_table.c.id == case))
        ).scalar()
    assert stored == 1
    # nothing was decided: a new proposal may follow
    assert (await triage.client.post(url, json=NOT_PROCESSED, headers=penelaah)).status_code == 201


async def test_the_bpk_apip_flag_bars_an_audit_investigasi(triage: Triage) -> None:
    case = await triage.case(APPROVING)
    penelaah = triage.officer(APPROVING, Role.PENELAAH)
    flag_url = f"/api/v1/tenants/{APPROVING}/cases/{case}/prior-audit"
    unnamed = await triage.client.put(
        flag_url, json={"audited": True, "auditor": "apip-lain", "state": "sedang"}, headers=penelaah
    )
    assert unnamed.status_code == 422
    flag = {"audited": True, "auditor": "bpk", "state": "sedang", "note": "LHP BPK atas belanja modal 2025"}
    recorded = await triage.client.put(flag_url, json=flag, headers=penelaah)
    assert recorded.status_code == 200, recorded.text
    audit = {"outcome": "audit-investigasi", "conclusion": "Terdapat indikasi kerugian negara."}
    refused = await triage.client.post(triage.decision(APPROVING, case), json=audit, headers=penelaah)
    assert refused.status_code == 422
    assert "BPK" in refused.json()["pesan"]
    assert "BPK" in refused.json()["message"]
    shown = (await triage.client.get(triage.decision(APPROVING, case), headers=penelaah)).json()
    assert shown["status"] == "ditelaah"
    assert (shown["prior_audit"]["auditor"], shown["prior_audit"]["note"]) == ("bpk", flag["note"])

    cleared = await triage.client.put(flag_url, json={"audited": False}, headers=penelaah)
    assert cleared.status_code == 200
    proposed = await triage.client.post(triage.decision(APPROVING, case), json=audit, headers=penelaah)
    assert proposed.status_code == 201, proposed.text
    ketua = triage.officer(APPROVING, Role.KETUA_TIM, officer="ketua-1")
    assert (await triage.client.post(triage.decision(APPROVING, case) + "/approval", headers=ketua)).status_code == 200
    event = await triage.decided(case)
    conclusion = KeyRing.from_directory(triage.keys, {Audience.CASE_SUBSTANCE}).open(
        event.data.conclusion, tenant=APPROVING, case=case, model=TelaahConclusionV1
    )
    assert conclusion.conclusion == "Terdapat indikasi kerugian negara."
    # The auditors get the report itself, sealed to the body's case-substance for this case.
    assert event.data.report_substance is not None
    report = KeyRing.from_directory(triage.keys, {Audience.CASE_SUBSTANCE}).open(
        event.data.report_substance, tenant=APPROVING, case=case, model=ReportSubstanceV1
    )
    assert (report.what, report.who) == ("Pungutan liar", "Pejabat X")


async def test_forwarding_to_a_body_in_the_system_registers_one_case_there_that_its_officers_read(
    triage: Triage,
) -> None:
    earlier = await triage.case(APPROVING, team=())  # the same report, received there before
    case = await triage.case(DIRECT, evidence=True)
    penelaah = triage.officer(DIRECT, Role.PENELAAH)
    itself = {"outcome": "diteruskan", "forwarded_to_tenant": DIRECT}
    assert (await triage.client.post(triage.decision(DIRECT, case), json=itself, headers=penelaah)).status_code == 422
    forward = {"outcome": "diteruskan", "forwarded_to_tenant": APPROVING}
    answer = await triage.client.post(triage.decision(DIRECT, case), json=forward, headers=penelaah)
    assert answer.status_code == 201, answer.text  # no approval asked here: in effect at once
    assert answer.json()["status"] == "diteruskan"
    [proposal] = answer.json()["proposals"]
    new_case = uuid.UUID(proposal["forwarded_case_id"])
    assert proposal["forwarded_to_name"] == "BPS Provinsi Banten"
    assert [(link["kind"], link["case_id"]) for link in answer.json()["links"]] == [("diteruskan-ke", str(new_case))]

    event = await triage.decided(case)
    assert (event.data.forwarded_to_tenant, event.data.forwarded_case_id) == (APPROVING, new_case)
    assert (event.data.approved_by, event.data.approved_as) == (None, None)
    registered = await read_until(
        triage.infra.bootstrap_servers,
        topic(triage.infra, CASE_REGISTERED.topic),
        lambda rs: any(e.data.case_id == new_case for e in events(rs)),
    )
    [there] = [e for e in events(registered) if e.data.case_id == new_case]
    assert (there.tenant, there.data.forwarded_from) == (APPROVING, case)

    receiver = triage.officer(APPROVING, Role.PENELAAH, officer="penelaah-banten")
    read = await triage.client.get(f"/api/v1/tenants/{APPROVING}/cases/{new_case}", headers=receiver)
    assert read.status_code == 200
    files_url = f"/api/v1/tenants/{APPROVING}/cases/{new_case}/evidence"
    # The receiving body's pimpinan opens it, and disposes it: then its team does.
    assert (await triage.client.get(files_url, headers=receiver)).status_code == 403
    assert len((await triage.client.get(files_url, headers=triage.pimpinan(APPROVING))).json()) == 1
    await dispose(triage.client, triage.pimpinan(APPROVING), APPROVING, new_case, "ketua-1", "penelaah-banten")
    files = await triage.client.get(files_url, headers=receiver)
    assert len(files.json()) == 1
    # Indexed for related reports as it was registered there (before anyone opened it): the body's
    # earlier report finds it.
    there = await triage.client.get(
        f"/api/v1/tenants/{APPROVING}/cases/{earlier}/telaah", headers=triage.pimpinan(APPROVING)
    )
    assert str(new_case) in {r["case_id"] for r in there.json()["related"]}
    workspace = await triage.client.get(f"/api/v1/tenants/{APPROVING}/cases/{new_case}/telaah", headers=receiver)
    assert workspace.json()["substance"]["what"] == "Pungutan liar"
    links = (await triage.client.get(triage.decision(APPROVING, new_case), headers=receiver)).json()["links"]
    assert [(link["kind"], link["case_id"], link["tenant"]) for link in links] == [
        ("diteruskan-dari", str(case), DIRECT)
    ]
    # not readable by the forwarding body's officers under the receiver's name
    assert (
        await triage.client.get(f"/api/v1/tenants/{APPROVING}/cases/{new_case}", headers=penelaah)
    ).status_code == 404

    async with triage.runtime.sessionmaker() as session:
        rows = (
            await session.execute(
                select(case_table).where(case_table.c.tenant_id == APPROVING, case_table.c.received_by == DIRECT)
            )
        ).all()
        keys_there = (
            await session.execute(select(evidence_table.c.sealed_key).where(evidence_table.c.case_id == new_case))
        ).all()
    assert [row.id for row in rows] == [new_case]
    ring = KeyRing.from_directory(triage.keys, {Audience.CASE_SUBSTANCE})
    substance = ring.open(
        SealedPayload.model_validate(rows[0].sealed_substance), tenant=APPROVING, case=new_case, model=ReportSubstanceV1
    )
    assert substance.what == "Pungutan liar"
    [sealed_key] = keys_there
    assert ring.open(SealedPayload.model_validate(sealed_key[0]), tenant=APPROVING, case=new_case, model=EvidenceKeyV1)
    with pytest.raises(SealedPayloadError):  # sealed to the receiver: the sender's tenant does not open it
        ring.open(
            SealedPayload.model_validate(rows[0].sealed_substance),
            tenant=DIRECT,
            case=new_case,
            model=ReportSubstanceV1,
        )


async def test_only_the_cases_team_proposes_and_records_the_bpk_apip_flag(triage: Triage) -> None:
    case = await triage.case(DIRECT, team=("penelaah-1",))
    on_team = triage.officer(DIRECT, Role.PENELAAH, officer="penelaah-1")
    not_on_team = triage.officer(DIRECT, Role.PENELAAH, officer="penelaah-2")
    flag_url = f"/api/v1/tenants/{DIRECT}/cases/{case}/prior-audit"
    refused = await triage.client.post(triage.decision(DIRECT, case), json=NOT_PROCESSED, headers=not_on_team)
    assert refused.status_code == 403
    assert "disposisi" in refused.json()["pesan"]
    assert "team" in refused.json()["message"]
    assert (await triage.client.put(flag_url, json={"audited": False}, headers=not_on_team)).status_code == 403
    page_url = f"/perkara/{DIRECT}/{case}/keputusan"
    outside_page = (await triage.client.get(page_url, headers=not_on_team)).text
    assert 'id="not-on-team"' in outside_page
    assert 'id="propose-form"' not in outside_page
    assert 'id="prior-audit-form"' not in outside_page
    assert 'id="propose-form"' in (await triage.client.get(page_url, headers=on_team)).text
    assert (await triage.client.put(flag_url, json={"audited": False}, headers=on_team)).status_code == 200

    # Disposed again to penelaah-2: penelaah-1, taken off the team, is refused from then on.
    await dispose(triage.client, triage.pimpinan(DIRECT), DIRECT, case, "ketua-1", "penelaah-2")
    removed = await triage.client.post(triage.decision(DIRECT, case), json=NOT_PROCESSED, headers=on_team)
    assert removed.status_code == 403
    proposed = await triage.client.post(triage.decision(DIRECT, case), json=NOT_PROCESSED, headers=not_on_team)
    assert proposed.status_code == 201, proposed.text
    history = await triage.client.get(f"/api/v1/tenants/{DIRECT}/cases/{case}/riwayat", headers=on_team)
    proposals = [e for e in history.json() if e["action"] == "case.decision-proposed"]
    assert [e["actor"] for e in proposals] == ["penelaah-2"]  # the refusals changed nothing


async def test_a_merge_links_both_cases_and_a_merged_case_takes_no_merge(triage: Triage) -> None:
    target = await triage.case(DIRECT)
    merged = await triage.case(DIRECT)
    third = await triage.case(DIRECT)
    penelaah = triage.officer(DIRECT, Role.PENELAAH)
    assert (
        await triage.client.post(
            triage.decision(DIRECT, merged), json={"outcome": "digabung", "merged_into": str(merged)}, headers=penelaah
        )
    ).status_code == 422
    done = await triage.client.post(
        triage.decision(DIRECT, merged), json={"outcome": "digabung", "merged_into": str(target)}, headers=penelaah
    )
    assert done.status_code == 201, done.text
    assert done.json()["status"] == "digabung"
    event = await triage.decided(merged)
    assert event.data.merged_into == target
    assert event.data.merged_into_agenda
    there = (await triage.client.get(triage.decision(DIRECT, target), headers=penelaah)).json()
    assert [(link["kind"], link["case_id"]) for link in there["links"]] == [("menerima-gabungan", str(merged))]
    into_merged = await triage.client.post(
        triage.decision(DIRECT, third), json={"outcome": "digabung", "merged_into": str(merged)}, headers=penelaah
    )
    assert into_merged.status_code == 422
    assert "digabungkan" in into_merged.json()["pesan"]


async def test_another_tenants_officer_sees_nothing(triage: Triage) -> None:
    case = await triage.case(DIRECT)
    stranger = triage.officer(APPROVING, Role.PENELAAH, Role.KETUA_TIM)
    assert (await triage.client.get(triage.decision(DIRECT, case), headers=stranger)).status_code == 404
    assert (
        await triage.client.post(triage.decision(DIRECT, case), json=NOT_PROCESSED, headers=stranger)
    ).status_code == 404
    as_if_theirs = await triage.client.get(triage.decision(APPROVING, case), headers=stranger)
    assert as_if_theirs.status_code == 404


async def test_the_decision_page_merges_through_its_form_and_keeps_what_was_typed_when_refused(triage: Triage) -> None:
    target = await triage.case(DIRECT)
    case = await triage.case(DIRECT)
    penelaah = triage.officer(DIRECT, Role.PENELAAH)
    page_url = f"/perkara/{DIRECT}/{case}/keputusan"
    case_page = await triage.client.get(f"/perkara/{DIRECT}/{case}", headers=penelaah)
    assert f'href="{page_url}"' in case_page.text  # the case page links its decision page
    page = await triage.client.get(page_url, headers=penelaah)
    assert page.status_code == 200
    assert f'<option value="{target}">' in page.text  # offered to merge into
    assert f'<option value="{case}">' not in page.text  # never into itself
    cookie = page.cookies["wbs_csrf"]
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    headers = {**penelaah, "Cookie": f"wbs_csrf={cookie}"}
    form = {"csrf": token.group(1), "keputusan": "tidak-diproses", "alasan_pelapor": "Tidak dapat diperiksa."}
    refused = await triage.client.post(page_url + "/usul", data=form, headers=headers)
    assert refused.status_code == 422
    assert "Pilih alasannya" in refused.text
    assert "Tidak dapat diperiksa." in refused.text  # nothing typed is lost
    forged = await triage.client.post(page_url + "/usul", data={**form, "csrf": "x"}, headers=headers)
    assert forged.status_code == 403
    merged = await triage.client.post(
        page_url + "/usul",
        data={"csrf": token.group(1), "keputusan": "digabung", "gabung_ke": str(target)},
        headers=headers,
    )
    assert (merged.status_code, merged.headers["location"]) == (303, page_url + "?pesan=disetujui")
    shown = await triage.client.get(page_url + "?pesan=disetujui", headers=penelaah)
    assert "Keputusan telah disetujui dan berlaku." in shown.text
    assert 'id="case-status">digabung<' in shown.text
    assert 'data-kind="digabung-ke"' in shown.text


async def test_the_queue_shows_a_proposal_waiting_for_the_roles_named_for_its_outcome(triage: Triage) -> None:
    """Here only a pimpinan satker approves not processing a report, and only a ketua tim an audit:
    the queue names who must approve the one proposed, not every approver of the telaah."""
    tenant = OWN_APPROVERS
    configuration = demo_configuration(tenant)
    approvals = (
        Approval(decision=Decision.TELAAH_NOT_PROCESSED, approver_roles=(Role.PIMPINAN_SATKER,)),
        Approval(decision=Decision.TELAAH_AUDIT, approver_roles=(Role.KETUA_TIM,)),
    )
    policy = configuration.policy.model_copy(update={"approvals": approvals})
    newer = {"policy": policy, "policy_version": configuration.policy_version + 1}
    await keep_in(triage.runtime, configuration.model_copy(update=newer))
    case = await triage.case(tenant)
    proposer = triage.officer(tenant, Role.PENELAAH, Role.KETUA_TIM, officer="penelaah-9")
    proposed = await triage.client.post(triage.decision(tenant, case), json=NOT_PROCESSED, headers=proposer)
    assert proposed.status_code == 201, proposed.text

    page = await triage.client.get(f"/perkara/{tenant}?status=menunggu-persetujuan", headers=proposer)
    assert page.status_code == 200
    [entry] = re.findall(rf'data-case="{case}".*?</li>', page.text, flags=re.S)
    [waiting] = re.findall(r'data-waiting="persetujuan">(.*?)</p>', entry, flags=re.S)
    assert "Pimpinan satker" in waiting
    assert "Ketua tim" not in waiting
