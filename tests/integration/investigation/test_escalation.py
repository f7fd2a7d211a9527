"""Escalation (pelimpahan) against real PostgreSQL and a real Kafka-protocol broker: Bengkulu's policy
routes cases below, at and above Rp 1.000.000.000 to APH, the KPK and the KPK, Lebak's any case to
APH; nothing reaches the outbox (so nothing the broker) before the head of region approves, never
the proposer; the approval records the policy version in force and, in one transaction, seals the
dossier to the agency, puts the escalation on the agency's own topic, announces the hand-over and
closes the case file as diserahkan. An agency's subscriber sees only its own escalations, downloads
what was sent and acknowledges it; the acknowledgement comes back through the broker and the case
records it; one from another agency is dead-lettered."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy import func, select, update

from tests.support.infrastructure import Infrastructure
from tests.support.investigation import case_in_audit, ekspose_concluded, result_recorded
from tests.support.kafka import Record, header, read_until
from tests.support.officers import officer_headers
from tests.support.publish import publish
from tests.support.services import migrated_database, running, settings_for, topic
from tests.support.tenants import demo_configuration, keep_in
from tests.support.waiting import eventually
from wbs_contracts.events.directory import Decision, EscalationRule, EscalationTarget
from wbs_contracts.events.intake import ReportedOfficial, ReportSubstanceV1
from wbs_contracts.events.investigation import (
    AuditResult,
    EscalationAcknowledgedV1,
    EscalationDossierV1,
    EscalationV1,
)
from wbs_contracts.registry import (
    CASE_HANDED_OVER,
    ESCALATION_ACKNOWLEDGED,
    ESCALATION_APPROVAL_REQUESTED,
    RECOMMENDATION_COMPLETED,
    RECOMMENDATION_ISSUED,
    escalations_to,
)
from wbs_contracts.roles import Role
from wbs_contracts.sealed import Audience
from wbs_contracts.wire import decode
from wbs_investigation.adapters.db import SqlInvestigationUnitOfWork, case_file_table, escalation_table, metadata
from wbs_investigation.adapters.documents import DocumentVault
from wbs_investigation.domain.case_file import CaseFileStatus
from wbs_investigation.domain.documents import DocumentKind
from wbs_investigation.domain.ekspose import EksposeConclusionV1, EksposeKind, EksposeState
from wbs_investigation.entrypoint import PROGRAM, InvestigationSettings, build
from wbs_runtime.audit.tables import audit_entry
from wbs_runtime.auth.keys import issue_assertion_keys
from wbs_runtime.blobs import FilesystemBlobStore
from wbs_runtime.crypto import KeyRing
from wbs_runtime.crypto.keystore import ensure_tenant_keys
from wbs_runtime.messaging.tables import dead_letter, outbox
from wbs_runtime.service import ServiceRuntime

BILLION = 1_000_000_000
BENGKULU, LEBAK = "inspektorat-bengkulu", "inspektorat-lebak"
AGENCIES = ("kpk", "kejati-bengkulu", "polda-bengkulu", "kejari-lebak", "polres-lebak")
#: What the reporter wrote about themself in the report: it must never reach an agency.
REPORTER_MARK = "Saya Siti Pelapor (0812-7777-1234), staf keuangan"
TERLAPOR = ReportedOfficial(nama="Budi Santoso", nip="197801012005011001", jabatan="PPK", unit_kerja="Dinas PUPR")


@dataclass
class Pelimpahan:
    infra: Infrastructure
    runtime: ServiceRuntime[SqlInvestigationUnitOfWork]
    client: httpx.AsyncClient
    key_root: Path
    vault: DocumentVault

    def officer(self, tenant: str, *roles: Role, officer: str, name: str) -> dict[str, str]:
        return officer_headers(self.key_root, "investigation", {tenant: set(roles)}, officer=officer, name=name)

    def inspektur(self, tenant: str = BENGKULU) -> dict[str, str]:
        return self.officer(tenant, Role.KETUA_TIM, officer=f"inspektur-{tenant}", name="Inspektur")

    def head_of_region(self, tenant: str = BENGKULU) -> dict[str, str]:
        return self.officer(tenant, Role.PIMPINAN_DAERAH, officer=f"kepala-{tenant}", name="Gubernur")

    def subscriber(self, agency: str) -> dict[str, str]:
        return self.officer(agency, Role.AGENCY_SUBSCRIBER, officer=f"pelanggan-{agency}", name=f"Petugas {agency}")


@pytest.fixture(scope="module")
async def pelimpahan(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Pelimpahan]:
    key_root = tmp_path_factory.mktemp("keys")
    issue_assertion_keys(key_root, ["directory", "investigation"])
    for tenant in (BENGKULU, LEBAK, *AGENCIES):
        ensure_tenant_keys(key_root / "investigation", tenant)  # before build: the ring reads them at once
    url = await migrated_database(infra, "investigation", PROGRAM.migrations, metadata, label="_pelimpahan")
    blobs = tmp_path_factory.mktemp("blobs")
    settings = settings_for(InvestigationSettings, infra, url, key_root / "investigation", blob_dir=blobs)
    runtime = build(settings)
    for tenant in (BENGKULU, LEBAK, *AGENCIES):
        await keep_in(runtime, demo_configuration(tenant))
    vault = DocumentVault(FilesystemBlobStore(blobs), runtime.keyring)
    async with running(runtime) as client:
        yield Pelimpahan(infra, runtime, client, key_root, vault)


async def ready_case(p: Pelimpahan, tenant: str, loss: int, **fields: Any) -> uuid.UUID:
    """A case file with its final report issued (TPK, ``loss``) and its exposé concluded, holding the
    report the telaah sent (terlapor, and the reporter's own words)."""
    options: dict[str, Any] = {
        "status": CaseFileStatus.LAPORAN_TERBIT,
        "result": AuditResult.TPK,
        "estimated_loss_idr": loss,
        "report_issued": True,
        "ekspose_concluded": True,
    } | fields
    case_id = await case_in_audit(p.runtime, tenant, **options)
    report = ReportSubstanceV1(
        what=f"{REPORTER_MARK}, melihat penggelembungan harga pengadaan.",
        where="Dinas PUPR",
        when="2026",
        who="Budi Santoso",
        how="Mark-up harga",
        terlapor=(TERLAPOR,),
    )
    sealed = p.runtime.keyring.seal(tenant, Audience.CASE_SUBSTANCE, report, case=case_id)
    async with p.runtime.sessionmaker() as session:
        await session.execute(
            update(case_file_table)
            .where(case_file_table.c.case_id == case_id)
            .values(sealed_report_substance=sealed.model_dump(mode="json"))
        )
        await session.commit()
    return case_id


def url(tenant: str, case_id: uuid.UUID, step: str = "") -> str:
    return f"/api/v1/tenants/{tenant}/audits/{case_id}/escalation{step}"


async def propose(p: Pelimpahan, tenant: str, case_id: uuid.UUID, **body: Any) -> dict[str, Any]:
    answer = await p.client.post(url(tenant, case_id), json=body, headers=p.inspektur(tenant))
    assert answer.status_code == 201, answer.text
    found: dict[str, Any] = answer.json()
    return found


async def approve(p: Pelimpahan, tenant: str, case_id: uuid.UUID) -> dict[str, Any]:
    answer = await p.client.post(url(tenant, case_id, "/approval"), headers=p.head_of_region(tenant))
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


async def outbox_rows(p: Pelimpahan, case_id: uuid.UUID) -> list[str]:
    async with p.runtime.sessionmaker() as session:
        rows = await session.execute(select(outbox.c.topic).where(outbox.c.message_key == str(case_id)))
        return [row.topic for row in rows]


async def escalations_on(p: Pelimpahan, agency: str, cases: set[uuid.UUID]) -> dict[uuid.UUID, Record]:
    """The records on the agency's own topic for ``cases``, read as an outside client would."""
    name = topic(p.infra, escalations_to(agency).topic)

    def of(records: list[Record]) -> dict[uuid.UUID, Record]:
        return {uuid.UUID(r.key.decode()): r for r in records if uuid.UUID(r.key.decode()) in cases}

    return of(await read_until(p.infra.bootstrap_servers, name, lambda rs: set(of(rs)) == cases))


async def case_row(p: Pelimpahan, case_id: uuid.UUID) -> Any:
    async with p.runtime.sessionmaker() as session:
        return (await session.execute(select(case_file_table).where(case_file_table.c.case_id == case_id))).one()


async def audit_actions(p: Pelimpahan, tenant: str, case_id: uuid.UUID) -> list[str]:
    async with p.runtime.sessionmaker() as session:
        rows = await session.execute(
            select(audit_entry.c.action)
            .where(audit_entry.c.tenant_id == tenant, audit_entry.c.object_id == str(case_id))
            .order_by(audit_entry.c.sequence)
        )
        return [row.action for row in rows]


async def test_bengkulu_routes_below_at_and_above_one_billion_as_its_policy_says_and_only_after_approval(
    pelimpahan: Pelimpahan,
) -> None:
    p = pelimpahan
    below, at, above = [await ready_case(p, BENGKULU, loss) for loss in (BILLION - 1, BILLION, BILLION + 1)]
    shown = (await p.client.get(url(BENGKULU, below), headers=p.inspektur())).json()
    assert shown["routing"]["target"] == "aph"
    assert shown["routing"]["recipients"] == ["kejati-bengkulu", "polda-bengkulu"]
    assert "kurang dari Rp 1.000.000.000" in shown["routing"]["pesan"]
    assert shown["not_ready"] is None
    assert shown["may_propose"] is True

    proposed = {
        below: await propose(p, BENGKULU, below, agency="kejati-bengkulu"),
        at: await propose(p, BENGKULU, at),  # the policy names one KPK: chosen for the officer
        above: await propose(p, BENGKULU, above, agency="kpk", recommendation="Mohon ditindaklanjuti."),
    }
    assert [proposed[c]["escalations"][0]["target"] for c in (below, at, above)] == ["aph", "kpk", "kpk"]
    assert [proposed[c]["escalations"][0]["state"] for c in (below, at, above)] == ["menunggu"] * 3
    for case_id in (below, at, above):
        # Nothing leaves before the approval but the request for it (which says nothing of the matter).
        assert await outbox_rows(p, case_id) == [ESCALATION_APPROVAL_REQUESTED.topic]
        assert (await case_row(p, case_id)).status == "laporan-terbit"

    approved = {case_id: await approve(p, BENGKULU, case_id) for case_id in (below, at, above)}
    for case_id, view in approved.items():
        [escalation] = view["escalations"]
        assert (escalation["state"], escalation["decided_as"], escalation["policy_version"]) == (
            "disetujui",
            "pimpinan-daerah",
            1,
        )
        assert view["status"] == "diserahkan"
        row = await case_row(p, case_id)
        assert (row.status, row.handed_over_at is not None) == ("diserahkan", True)
        assert "escalation.approved" in await audit_actions(p, BENGKULU, case_id)

    on_kpk = await escalations_on(p, "kpk", {at, above})
    on_kejati = await escalations_on(p, "kejati-bengkulu", {below})
    for case_id, record in (on_kpk | on_kejati).items():
        sent = EscalationV1.model_validate_json(record.value)
        assert (header(record, "ce_type"), header(record, "ce_tenant")) == ("wbs.investigation.escalation", BENGKULU)
        assert sent.target.value == ("aph" if case_id == below else "kpk")
        assert (sent.from_tenant, sent.from_name) == (BENGKULU, "Inspektorat Provinsi Bengkulu")
        assert (sent.policy_version, sent.approved_as) == (1, Role.PIMPINAN_DAERAH)
        assert "Pergub Bengkulu 49/2017" in sent.policy_basis
    assert set(await outbox_rows(p, above)) == {
        ESCALATION_APPROVAL_REQUESTED.topic,
        escalations_to("kpk").topic,
        CASE_HANDED_OVER.topic,
    }
    requested = await read_until(
        p.infra.bootstrap_servers,
        topic(p.infra, ESCALATION_APPROVAL_REQUESTED.topic),
        lambda rs: {uuid.UUID(r.key.decode()) for r in rs} >= {below, at, above},
    )
    request = next(e.data for e in (decode(r.headers, r.value) for r in requested) if e.data.case_id == above)
    assert (request.decision, request.approver_roles, request.page) == (
        Decision.ESCALATION,
        (Role.PIMPINAN_DAERAH,),
        f"/audit/{BENGKULU}/{above}/pelimpahan",
    )
    assert request.request_id == uuid.UUID(proposed[above]["escalations"][0]["id"])
    handed = await read_until(
        p.infra.bootstrap_servers,
        topic(p.infra, CASE_HANDED_OVER.topic),
        lambda rs: {uuid.UUID(r.key.decode()) for r in rs} >= {below, at, above},
    )
    by_case = {e.data.case_id: e.data for e in (decode(r.headers, r.value) for r in handed)}
    assert (by_case[below].target, by_case[below].agency) == (EscalationTarget.APH, "kejati-bengkulu")
    assert (by_case[at].target, by_case[at].agency) == (EscalationTarget.KPK, "kpk")


async def test_the_dossier_carries_the_auditors_findings_and_the_exposes_conclusion(pelimpahan: Pelimpahan) -> None:
    p = pelimpahan
    case_id = await ready_case(p, BENGKULU, 4 * BILLION)
    findings = "PPK menaikkan harga satuan alat berat 40% di atas harga pasar; selisih dibayarkan kepada penyedia."
    await result_recorded(p.runtime, BENGKULU, case_id, "Temuan awal sebelum klarifikasi.", version=1)
    await result_recorded(p.runtime, BENGKULU, case_id, findings, estimated_loss_idr=4 * BILLION, version=2)
    # 20:00 UTC on 4 May is already 5 May in the body's zone (Asia/Jakarta): the summary's date is the body's.
    held = datetime(2026, 5, 4, 20, 0, tzinfo=UTC)
    conclusion = EksposeConclusionV1(
        ekspose_id=uuid.uuid4(),
        kind=EksposeKind.INTERNAL,
        held_at=held,
        state=EksposeState.SEPAKAT,
        conclusion="Unsur tindak pidana korupsi terpenuhi; diserahkan kepada KPK.",
    )
    await ekspose_concluded(p.runtime, BENGKULU, case_id, conclusion)
    await propose(p, BENGKULU, case_id, agency="kpk")
    [escalation] = (await approve(p, BENGKULU, case_id))["escalations"]

    sent = EscalationV1.model_validate_json((await escalations_on(p, "kpk", {case_id}))[case_id].value)
    agency_keys = KeyRing.from_directory(p.key_root / "investigation", {Audience.AGENCY_DOSSIER})
    opened = agency_keys.open(sent.dossier, tenant="kpk", case=case_id, model=EscalationDossierV1)
    assert opened.findings.endswith(f"\n\nRingkasan temuan: {findings}")  # the result in force: version 2
    assert "Temuan awal" not in opened.findings
    assert "Rp 4.000.000.000" in opened.findings
    assert "LHA-0001" in opened.findings  # the final report the findings come from
    assert opened.ekspose_summary == (
        "Ekspose internal, Selasa, 5 Mei 2026: sepakat. Unsur tindak pidana korupsi terpenuhi; diserahkan kepada KPK."
    )
    assert opened.terlapor == (TERLAPOR,)
    for what in (sent.model_dump_json(), opened.model_dump_json()):
        assert "Siti" not in what
    # The agency's page shows the copy investigation kept of exactly what was sealed to the agency.
    shown = await p.client.get(f"/api/v1/agencies/kpk/escalations/{escalation['id']}", headers=p.subscriber("kpk"))
    assert shown.status_code == 200, shown.text
    assert (shown.json()["dossier"]["findings"], shown.json()["dossier"]["ekspose_summary"]) == (
        opened.findings,
        opened.ekspose_summary,
    )


async def recommend(p: Pelimpahan, case_id: uuid.UUID, kind: str, **fields: Any) -> dict[str, Any]:
    body = {"kind": kind, "addressed_to": "Inspektur", "text": f"Rekomendasi {kind}."} | fields
    answer = await p.client.post(
        f"/api/v1/tenants/{BENGKULU}/audits/{case_id}/recommendations", json=body, headers=p.inspektur()
    )
    assert answer.status_code == 201, answer.text
    found: dict[str, Any] = answer.json()
    return found


async def test_the_hand_over_completes_the_open_recommendation_to_hand_over_with_itself_as_evidence(
    pelimpahan: Pelimpahan,
) -> None:
    p = pelimpahan
    case_id = await ready_case(p, BENGKULU, 2 * BILLION)
    due = datetime.now(UTC).date() + timedelta(days=30)
    to_kpk = await recommend(p, case_id, "penyerahan-kpk", addressed_to="Gubernur Bengkulu", due=due.isoformat())
    sanction = await recommend(p, case_id, "hukuman-disiplin", addressed_to="Sekretaris Daerah")
    await propose(p, BENGKULU, case_id, agency="kpk")
    # Nothing done before the approval but asking for it.
    assert sorted(await outbox_rows(p, case_id)) == sorted(
        [RECOMMENDATION_ISSUED.topic] * 2 + [ESCALATION_APPROVAL_REQUESTED.topic]
    )
    [escalation] = (await approve(p, BENGKULU, case_id))["escalations"]

    listed = await p.client.get(f"/api/v1/tenants/{BENGKULU}/audits/{case_id}/recommendations", headers=p.inspektur())
    by_id = {r["id"]: r for r in listed.json()["recommendations"]}
    done = by_id[to_kpk["id"]]
    assert (done["done"], done["on_time"], done["completed_by_name"]) == (True, True, "Gubernur")
    [evidence] = done["follow_ups"]
    assert (evidence["kind"], evidence["reference"], evidence["document"]) == ("pelimpahan", escalation["id"], None)
    assert "Komisi Pemberantasan Korupsi" in evidence["note"]
    assert by_id[sanction["id"]]["done"] is False  # another kind: still followed on its own
    assert sorted(await outbox_rows(p, case_id)) == sorted(
        [
            RECOMMENDATION_ISSUED.topic,
            RECOMMENDATION_ISSUED.topic,
            ESCALATION_APPROVAL_REQUESTED.topic,
            escalations_to("kpk").topic,
            CASE_HANDED_OVER.topic,
            RECOMMENDATION_COMPLETED.topic,
        ]
    )
    completed = await read_until(
        p.infra.bootstrap_servers,
        topic(p.infra, RECOMMENDATION_COMPLETED.topic),
        lambda rs: any(r.key.decode() == str(case_id) for r in rs),
    )
    [event] = [decode(r.headers, r.value) for r in completed if r.key.decode() == str(case_id)]
    assert (str(event.data.recommendation_id), event.data.kind.value, event.data.on_time) == (
        to_kpk["id"],
        "penyerahan-kpk",
        True,
    )
    actions = await audit_actions(p, BENGKULU, case_id)
    assert actions.index("escalation.approved") < actions.index("recommendation.completed")
    page = await p.client.get(f"/audit/{BENGKULU}/{case_id}/rekomendasi", headers=p.inspektur())
    assert f'href="/audit/{BENGKULU}/{case_id}/pelimpahan"' in page.text


async def test_a_hand_over_without_a_recommendation_to_hand_over_goes_ahead_and_completes_nothing(
    pelimpahan: Pelimpahan,
) -> None:
    p = pelimpahan
    case_id = await ready_case(p, BENGKULU, BILLION - 1)
    sanction = await recommend(p, case_id, "hukuman-disiplin")
    await propose(p, BENGKULU, case_id, agency="polda-bengkulu")
    approved = await approve(p, BENGKULU, case_id)
    assert approved["status"] == "diserahkan"  # the escalation itself is the record of the hand-over
    listed = await p.client.get(f"/api/v1/tenants/{BENGKULU}/audits/{case_id}/recommendations", headers=p.inspektur())
    assert [(r["id"], r["done"]) for r in listed.json()["recommendations"]] == [(sanction["id"], False)]
    assert RECOMMENDATION_COMPLETED.topic not in await outbox_rows(p, case_id)
    assert "recommendation.completed" not in await audit_actions(p, BENGKULU, case_id)


async def test_a_lebak_case_goes_to_aph_whatever_the_loss(pelimpahan: Pelimpahan) -> None:
    p = pelimpahan
    case_id = await ready_case(p, LEBAK, 40 * BILLION)
    refused = await p.client.post(url(LEBAK, case_id), json={"agency": "kpk"}, headers=p.inspektur(LEBAK))
    assert refused.status_code == 422
    assert "kejari-lebak, polres-lebak" in refused.json()["pesan"]
    proposed = await propose(p, LEBAK, case_id, agency="kejari-lebak")
    assert proposed["routing"]["target"] == "aph"
    assert "Perbup Lebak 18/2021 Pasal 7" in proposed["routing"]["pesan"]
    await approve(p, LEBAK, case_id)
    sent = EscalationV1.model_validate_json((await escalations_on(p, "kejari-lebak", {case_id}))[case_id].value)
    assert (sent.target, sent.agency, sent.estimated_loss_idr) == (EscalationTarget.APH, "kejari-lebak", 40 * BILLION)


async def test_only_the_policys_approver_decides_never_the_proposer_and_a_rejection_says_why(
    pelimpahan: Pelimpahan,
) -> None:
    p = pelimpahan
    case_id = await ready_case(p, BENGKULU, 5 * BILLION)
    both = p.officer(BENGKULU, Role.KETUA_TIM, Role.PIMPINAN_DAERAH, officer="rangkap", name="Pejabat Rangkap")
    assert (await p.client.post(url(BENGKULU, case_id), json={}, headers=both)).status_code == 201
    own = await p.client.post(url(BENGKULU, case_id, "/approval"), headers=both)
    assert own.status_code == 403
    assert "own proposal" in own.json()["message"]
    auditor = p.officer(BENGKULU, Role.AUDITOR, officer="auditor-1", name="Auditor")
    not_approver = await p.client.post(url(BENGKULU, case_id, "/approval"), headers=auditor)
    assert not_approver.status_code == 403
    assert "Gubernur" in not_approver.json()["pesan"]
    empty = await p.client.post(url(BENGKULU, case_id, "/rejection"), json={"reason": " "}, headers=p.head_of_region())
    assert empty.status_code == 422
    reason = "Lengkapi dulu bukti aliran dana."
    rejected = await p.client.post(
        url(BENGKULU, case_id, "/rejection"), json={"reason": reason}, headers=p.head_of_region()
    )
    assert rejected.status_code == 200, rejected.text
    [escalation] = rejected.json()["escalations"]
    assert (escalation["state"], escalation["rejection_reason"]) == ("ditolak", reason)
    assert await outbox_rows(p, case_id) == [ESCALATION_APPROVAL_REQUESTED.topic]  # the request, nothing more
    assert (await case_row(p, case_id)).status == "laporan-terbit"
    again = await propose(p, BENGKULU, case_id)
    assert [e["state"] for e in again["escalations"]] == ["menunggu", "ditolak"]
    assert (await p.client.post(url(BENGKULU, case_id), json={}, headers=p.inspektur())).status_code == 409
    actions = await audit_actions(p, BENGKULU, case_id)
    assert actions.count("escalation.proposed") == 2
    assert "escalation.rejected" in actions


@pytest.mark.parametrize(
    ("fields", "code", "words"),
    [
        ({"ekspose_concluded": False}, 409, "ekspose"),
        ({"result": AuditResult.PELANGGARAN_ADMINISTRATIF}, 409, "(TPK)"),
        ({"status": CaseFileStatus.PELAKSANAAN, "report_issued": False}, 409, "laporan hasil audit terbit"),
    ],
    ids=["no-exposé", "administrative", "no-final-report"],
)
async def test_a_case_not_ready_is_refused_in_both_languages_and_nothing_is_stored(
    pelimpahan: Pelimpahan, fields: dict[str, Any], code: int, words: str
) -> None:
    p = pelimpahan
    case_id = await ready_case(p, BENGKULU, BILLION, **fields)
    refused = await p.client.post(url(BENGKULU, case_id), json={}, headers=p.inspektur())
    assert refused.status_code == code
    assert words in refused.json()["pesan"]
    assert refused.json()["message"]
    shown = (await p.client.get(url(BENGKULU, case_id), headers=p.inspektur())).json()
    assert (shown["escalations"], shown["not_ready"]["pesan"]) == ([], refused.json()["pesan"])


async def test_who_may_propose_and_whose_case_it_is(pelimpahan: Pelimpahan) -> None:
    p = pelimpahan
    case_id = await ready_case(p, BENGKULU, BILLION)
    auditor = p.officer(BENGKULU, Role.AUDITOR, officer="auditor-2", name="Auditor")
    assert (await p.client.post(url(BENGKULU, case_id), json={}, headers=auditor)).status_code == 403
    elsewhere = p.inspektur(LEBAK)
    assert (await p.client.get(url(BENGKULU, case_id), headers=elsewhere)).status_code == 404
    assert (await p.client.post(url(LEBAK, case_id), json={}, headers=elsewhere)).status_code == 404
    assert (await p.client.get(url(BENGKULU, uuid.uuid4()), headers=p.inspektur())).status_code == 404
    extra = await p.client.post(url(BENGKULU, case_id), json={"unknown": 1}, headers=p.inspektur())
    assert extra.status_code == 422
    assert await outbox_rows(p, case_id) == []


async def test_the_approval_applies_the_policy_in_force_and_records_its_version(pelimpahan: Pelimpahan) -> None:
    p = pelimpahan
    case_id = await ready_case(p, BENGKULU, 2 * BILLION)
    await propose(p, BENGKULU, case_id)
    base = demo_configuration(BENGKULU)
    # A new version that routes everything to APH: the proposal to the KPK no longer applies.
    everything_to_aph = base.policy.escalation.model_copy(
        update={"rules": (EscalationRule(target=EscalationTarget.APH),)}
    )
    rerouted = base.model_copy(
        update={"policy_version": 5, "policy": base.policy.model_copy(update={"escalation": everything_to_aph})}
    )
    await keep_in(p.runtime, rerouted)
    try:
        refused = await p.client.post(url(BENGKULU, case_id, "/approval"), headers=p.head_of_region())
        assert refused.status_code == 409
        assert "routes this case elsewhere" in refused.json()["message"]
        await keep_in(p.runtime, base.model_copy(update={"policy_version": 6}))
        approved = await approve(p, BENGKULU, case_id)
    finally:
        await keep_in(p.runtime, base.model_copy(update={"policy_version": 7}))
    [escalation] = approved["escalations"]
    assert (escalation["proposal_policy_version"], escalation["policy_version"]) == (1, 6)
    sent = EscalationV1.model_validate_json((await escalations_on(p, "kpk", {case_id}))[case_id].value)
    assert sent.policy_version == 6


async def test_an_agency_subscriber_sees_only_its_own_escalations_opens_what_was_sent_and_acknowledges(
    pelimpahan: Pelimpahan,
) -> None:
    p = pelimpahan
    case_id = await ready_case(p, BENGKULU, 3 * BILLION)
    report = b"%PDF-1.4 Laporan Hasil Audit Investigasi LHA-0001"
    async with p.runtime.unit_of_work() as uow:
        stored = await p.vault.store(
            uow.documents,
            tenant=BENGKULU,
            case_id=case_id,
            kind=DocumentKind.LAPORAN_HASIL_AUDIT,
            title="Laporan Hasil Audit",
            media_type="application/pdf",
            content=report,
            added_by="ketua",
            added_at=datetime.now(UTC),
        )
        await uow.commit()
    await propose(p, BENGKULU, case_id, perihal="Penyampaian LHA dugaan mark-up", recommendation="Untuk disidik.")
    [escalation] = (await approve(p, BENGKULU, case_id))["escalations"]
    escalation_id = escalation["id"]
    assert escalation["documents"] == [str(stored.document_id)]

    sent = EscalationV1.model_validate_json((await escalations_on(p, "kpk", {case_id}))[case_id].value)
    agency_keys = KeyRing.from_directory(p.key_root / "investigation", {Audience.AGENCY_DOSSIER})
    opened = agency_keys.open(sent.dossier, tenant="kpk", case=case_id, model=EscalationDossierV1)
    assert (opened.perihal, opened.terlapor, opened.recommendation) == (
        "Penyampaian LHA dugaan mark-up",
        (TERLAPOR,),
        "Untuk disidik.",
    )
    assert "Rp 3.000.000.000" in opened.findings
    assert [d.sha256 for d in sent.documents] == [stored.sha256]
    for what in (sent.model_dump_json(), opened.model_dump_json()):
        assert "Siti" not in what
        assert "0812-7777-1234" not in what

    kpk, kejati = p.subscriber("kpk"), p.subscriber("kejati-bengkulu")
    inbox = (await p.client.get("/api/v1/agencies/kpk/escalations", headers=kpk)).json()
    assert escalation_id in [e["id"] for e in inbox]
    theirs = (await p.client.get("/api/v1/agencies/kejati-bengkulu/escalations", headers=kejati)).json()
    assert escalation_id not in [e["id"] for e in theirs]
    item = f"/api/v1/agencies/kpk/escalations/{escalation_id}"
    assert (await p.client.get("/api/v1/agencies/kpk/escalations", headers=kejati)).status_code == 404
    assert (await p.client.get(item, headers=kejati)).status_code == 404
    assert (
        await p.client.get(f"/api/v1/agencies/kejati-bengkulu/escalations/{escalation_id}", headers=kejati)
    ).status_code == 404
    body_officer = p.head_of_region()
    assert (await p.client.get(item, headers=body_officer)).status_code == 404

    shown = (await p.client.get(item, headers=kpk)).json()
    assert (shown["from_name"], shown["target"], shown["estimated_loss_idr"]) == (
        "Inspektorat Provinsi Bengkulu",
        "kpk",
        3 * BILLION,
    )
    assert shown["dossier"]["terlapor"][0]["nama"] == "Budi Santoso"
    assert shown["agenda_number"].startswith("WBS/INSPEKTORAT-BENGKULU/")
    downloaded = await p.client.get(f"{item}/documents/{stored.document_id}", headers=kpk)
    assert downloaded.status_code == 200
    assert downloaded.content == report
    assert downloaded.headers["content-disposition"].startswith("attachment")
    assert (await p.client.get(f"{item}/documents/{uuid.uuid4()}", headers=kpk)).status_code == 404

    missing = await p.client.post(f"{item}/acknowledgement", json={"name": " "}, headers=kpk)
    assert missing.status_code == 422
    acknowledged = await p.client.post(
        f"{item}/acknowledgement", json={"name": "Direktorat Penyelidikan", "reference": "R-17/KPK"}, headers=kpk
    )
    assert acknowledged.status_code == 202, acknowledged.text

    async def recorded() -> Any:
        async with p.runtime.sessionmaker() as session:
            row = (
                await session.execute(select(escalation_table).where(escalation_table.c.id == uuid.UUID(escalation_id)))
            ).one()
            return row if row.acknowledged_at else None

    row = await eventually(recorded, what="the acknowledgement recorded on the escalation")
    assert (row.acknowledged_by, row.agency_reference) == ("Direktorat Penyelidikan", "R-17/KPK")
    case_view = (await p.client.get(url(BENGKULU, case_id), headers=p.inspektur())).json()
    assert case_view["escalations"][0]["acknowledged_by"] == "Direktorat Penyelidikan"
    again = await p.client.post(f"{item}/acknowledgement", json={"name": "Lagi"}, headers=kpk)
    assert again.status_code == 409
    actions = await audit_actions(p, BENGKULU, case_id)
    for action in (
        "escalation.agency-read",
        "escalation.document-exported",
        "escalation.acknowledgement-sent",
        "escalation.acknowledged",
    ):
        assert action in actions


async def test_an_agencys_own_kafka_client_acknowledges_and_another_agencys_acknowledgement_is_dead_lettered(
    pelimpahan: Pelimpahan,
) -> None:
    p = pelimpahan
    case_id = await ready_case(p, BENGKULU, BILLION - 5)
    await propose(p, BENGKULU, case_id, agency="polda-bengkulu")
    [escalation] = (await approve(p, BENGKULU, case_id))["escalations"]
    escalation_id = uuid.UUID(escalation["id"])

    def acknowledgement(agency: str) -> Any:
        data = EscalationAcknowledgedV1(
            escalation_id=escalation_id,
            case_id=case_id,
            agency=agency,
            acknowledged_at=datetime.now(UTC),
            acknowledged_by=f"Sistem {agency}",
            agency_reference="LP/1/2026",
        )
        return ESCALATION_ACKNOWLEDGED.envelope(
            data, tenant=agency, subject=str(case_id), time=datetime.now(UTC), correlation_id=str(uuid.uuid4())
        )

    forged = acknowledgement("kejati-bengkulu")
    await publish(p.infra.bootstrap_servers, topic(p.infra, ESCALATION_ACKNOWLEDGED.topic), forged)

    async def dead() -> bool:
        async with p.runtime.sessionmaker() as session:
            count = await session.scalar(
                select(func.count()).select_from(dead_letter).where(dead_letter.c.event_id == forged.id)
            )
            return bool(count)

    await eventually(dead, what="the other agency's acknowledgement dead-lettered")
    async with p.runtime.sessionmaker() as session:
        row = (await session.execute(select(escalation_table).where(escalation_table.c.id == escalation_id))).one()
    assert row.acknowledged_at is None

    await publish(
        p.infra.bootstrap_servers, topic(p.infra, ESCALATION_ACKNOWLEDGED.topic), acknowledgement("polda-bengkulu")
    )

    async def recorded() -> bool:
        async with p.runtime.sessionmaker() as session:
            row = (await session.execute(select(escalation_table).where(escalation_table.c.id == escalation_id))).one()
            return bool(row.acknowledged_by == "Sistem polda-bengkulu")

    await eventually(recorded, what="the agency's own acknowledgement recorded")


async def test_every_kept_agency_gets_its_own_topic_and_a_new_one_soon_after_it_is_configured(
    pelimpahan: Pelimpahan,
) -> None:
    p = pelimpahan
    new_agency = f"kejari-{uuid.uuid4().hex[:6]}"
    configuration = demo_configuration("kejari-lebak").model_copy(update={"tenant_id": new_agency})
    await keep_in(p.runtime, configuration)
    wanted = {topic(p.infra, escalations_to(a).topic) for a in (*AGENCIES, new_agency)}

    async def made() -> bool:
        admin = AIOKafkaAdminClient(bootstrap_servers=p.infra.bootstrap_servers)
        await admin.start()
        try:
            return wanted <= set(await admin.list_topics())
        finally:
            await admin.close()

    await eventually(made, within=30, interval=0.5, what="the agencies' topics")


async def form_of(p: Pelimpahan, page_url: str, headers: dict[str, str]) -> tuple[httpx.Response, dict[str, str]]:
    """The page, and the headers and token its forms post with."""
    page = await p.client.get(page_url, headers=headers)
    assert page.status_code == 200, page.text
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    return page, {**headers, "Cookie": f"wbs_csrf={page.cookies['wbs_csrf']}", "x-csrf": token.group(1)}


def posted(headers: dict[str, str], **fields: str) -> tuple[dict[str, str], dict[str, str]]:
    """(headers, form) for a post with the page's token."""
    sending = dict(headers)
    return sending, {"csrf": sending.pop("x-csrf"), **fields}


async def test_the_pages_propose_approve_and_acknowledge_through_the_same_rules(pelimpahan: Pelimpahan) -> None:
    p = pelimpahan
    case_id = await ready_case(p, BENGKULU, BILLION)
    page_url = f"/audit/{BENGKULU}/{case_id}/pelimpahan"
    page, inspektur = await form_of(p, page_url, p.inspektur())
    assert 'data-target="kpk"' in page.text
    assert "Rp 1.000.000.000 atau lebih" in page.text
    assert 'id="propose-form"' in page.text
    case_page = await p.client.get(f"/audit/{BENGKULU}/{case_id}", headers=p.inspektur())
    assert f'href="/audit/{BENGKULU}/{case_id}/pelimpahan"' in case_page.text

    headers, form = posted(inspektur, instansi="polda-bengkulu")  # not a KPK recipient
    refused = await p.client.post(page_url + "/usul", data=form, headers=headers)
    assert refused.status_code == 422
    assert 'id="error"' in refused.text
    forged = await p.client.post(page_url + "/usul", data={**form, "csrf": "x", "instansi": "kpk"}, headers=headers)
    assert forged.status_code == 403
    headers, form = posted(inspektur, instansi="kpk", perihal="Penyampaian LHA")
    proposed = await p.client.post(page_url + "/usul", data=form, headers=headers)
    assert (proposed.status_code, proposed.headers["location"]) == (303, page_url + "?pesan=diusulkan")

    mine = (await p.client.get(page_url, headers=p.inspektur())).text
    assert 'id="not-approver"' in mine
    assert 'id="approve-form"' not in mine
    page, gubernur = await form_of(p, page_url, p.head_of_region())
    assert 'id="approve-form"' in page.text
    assert "Penyampaian LHA" in page.text  # the approver reads what they approve
    headers, form = posted(gubernur)
    approved = await p.client.post(page_url + "/setuju", data=form, headers=headers)
    assert approved.status_code == 303
    after = (await p.client.get(page_url + "?pesan=disetujui", headers=p.head_of_region())).text
    assert 'data-state="disetujui"' in after
    assert 'data-status="diserahkan"' in after
    assert 'class="awaiting"' in after

    [escalation] = (await p.client.get(url(BENGKULU, case_id), headers=p.inspektur())).json()["escalations"]
    inbox = await p.client.get("/pelimpahan/kpk", headers=p.subscriber("kpk"))
    assert f'data-escalation="{escalation["id"]}"' in inbox.text
    other_inbox = await p.client.get("/pelimpahan/kejati-bengkulu", headers=p.subscriber("kejati-bengkulu"))
    assert escalation["id"] not in other_inbox.text
    item = f"/pelimpahan/kpk/{escalation['id']}"
    assert (await p.client.get(item, headers=p.subscriber("kejati-bengkulu"))).status_code == 404
    page, kpk = await form_of(p, item, p.subscriber("kpk"))
    assert "Budi Santoso" in page.text
    assert "Siti" not in page.text
    headers, form = posted(kpk, nama="Penyelidik KPK", nomor_agenda_instansi="R-99")
    sent = await p.client.post(item + "/terima", data=form, headers=headers)
    assert (sent.status_code, sent.headers["location"]) == (303, item + "?pesan=diterima")

    async def shown() -> bool:
        return 'id="acknowledged"' in (await p.client.get(item, headers=p.subscriber("kpk"))).text

    await eventually(shown, what="the acknowledgement on the agency's page")
    body_page = (await p.client.get(page_url, headers=p.head_of_region())).text
    assert 'class="acknowledged"' in body_page
    assert "R-99" in body_page
