"""Recommendations against real PostgreSQL and a real Kafka-protocol broker: a disciplinary sanction
due by each tenant's limit (Bengkulu 3 months, Lebak 2 months, from the day of receipt), overdue
not before its last day and announced exactly once after it (read back from the broker), the copy
of the SK kept encrypted in the case's vault, completion on time or late; the pages and the API to
the team only (an auditor not on the team: 403; another tenant: 404)."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from tests.support.clock import MovableClock
from tests.support.infrastructure import Infrastructure
from tests.support.investigation import case_in_audit
from tests.support.kafka import events, read_until
from tests.support.officers import officer_headers
from tests.support.services import migrated_database, running, settings_for, topic
from tests.support.tenants import demo_configuration, keep_in
from tests.support.waiting import eventually
from wbs_contracts.events.investigation import AuditResult, RecommendationKind
from wbs_contracts.registry import RECOMMENDATION_COMPLETED, RECOMMENDATION_ISSUED, RECOMMENDATION_OVERDUE
from wbs_contracts.roles import Role
from wbs_investigation.adapters.db import SqlInvestigationUnitOfWork, case_file_table, metadata, recommendation_table
from wbs_investigation.adapters.documents import DocumentVault
from wbs_investigation.domain.case_file import CaseFileStatus
from wbs_investigation.domain.recommendation import Draft, RecommendationRefused
from wbs_investigation.domain.team import ASSIGN_CASES, INVESTIGATE_CASES, TeamMember, TeamSeat
from wbs_investigation.entrypoint import PROGRAM, InvestigationSettings, build
from wbs_investigation.usecases import (
    DocumentUpload,
    Officer,
    add_follow_up_document,
    complete_recommendation,
    issue_recommendation,
    notice_overdue_recommendations,
)
from wbs_runtime.auth.keys import issue_assertion_keys
from wbs_runtime.blobs import FilesystemBlobStore
from wbs_runtime.crypto.keystore import ensure_tenant_keys
from wbs_runtime.messaging.tables import outbox
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.working_days import last_day_before, months_due

BENGKULU, LEBAK = "inspektorat-bengkulu", "inspektorat-lebak"
#: A body of its own for the follow-up queue's test, under Lebak's policy: its queue holds only that test's.
QUEUED = "inspektorat-antrean"
TENANTS = (BENGKULU, LEBAK, "lpsk", QUEUED)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% SK Bupati tentang hukuman disiplin\n%%EOF\n"


@dataclass
class Service:
    runtime: ServiceRuntime[SqlInvestigationUnitOfWork]
    client: httpx.AsyncClient
    key_root: Path
    vault: DocumentVault


@pytest.fixture(scope="module")
async def service(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Service]:
    key_root = tmp_path_factory.mktemp("keys")
    issue_assertion_keys(key_root, ["directory", "investigation"])
    for tenant in TENANTS:  # before build(): the key ring reads its directory when made
        ensure_tenant_keys(key_root / "investigation", tenant)
    blobs = tmp_path_factory.mktemp("blobs")
    url = await migrated_database(infra, "investigation", PROGRAM.migrations, metadata, label="_rekomendasi")
    settings = settings_for(
        InvestigationSettings,
        infra,
        url,
        key_root / "investigation",
        blob_dir=blobs,
        recommendation_round_seconds=0.3,
        insecure_cookies=True,  # the test client speaks plain HTTP
    )
    runtime = build(settings)
    for tenant in (BENGKULU, LEBAK, "lpsk"):
        await keep_in(runtime, demo_configuration(tenant))
    await keep_in(runtime, demo_configuration(LEBAK).model_copy(update={"tenant_id": QUEUED}))
    async with running(runtime) as client:
        yield Service(runtime, client, key_root, DocumentVault(FilesystemBlobStore(blobs), runtime.keyring))


def officer(officer_id: str = "inspektur", name: str = "Inspektur Uji") -> Officer:
    return Officer(officer_id=officer_id, name=name, roles=("ketua-tim",), session_id="sesi")


async def reported_case(
    service: Service,
    tenant: str,
    *,
    result: AuditResult = AuditResult.TPK,
    loss: int = 250_000_000,
    report_days_ago: int = 0,
) -> uuid.UUID:
    """A case whose final report is issued (``report_days_ago`` days ago)."""
    case_id = await case_in_audit(
        service.runtime,
        tenant,
        status=CaseFileStatus.LAPORAN_TERBIT,
        report_issued=True,
        result=result,
        estimated_loss_idr=loss,
    )
    if report_days_ago:
        async with service.runtime.sessionmaker() as session:
            issued = datetime.now(UTC) - timedelta(days=report_days_ago)
            await session.execute(
                update(case_file_table).where(case_file_table.c.case_id == case_id).values(report_issued_at=issued)
            )
            await session.commit()
    return case_id


async def issued(service: Service, tenant: str, case_id: uuid.UUID, clock: MovableClock, draft: Draft) -> Any:
    recommendation = await issue_recommendation(
        tenant,
        case_id,
        draft,
        officer(),
        {ASSIGN_CASES},
        uow=service.runtime.unit_of_work(),
        keys=service.runtime.keyring,
        clock=clock,
        zone=service.runtime.settings.zone,
    )
    assert recommendation is not None
    return recommendation


def sanction(received_on: date | None = None) -> Draft:
    return Draft(
        kind=RecommendationKind.HUKUMAN_DISIPLIN.value,
        addressed_to="Sekretaris Daerah",
        text="Menjatuhkan hukuman disiplin sedang kepada pejabat pengadaan.",
        received_on=received_on,
    )


async def round_at(service: Service, clock: MovableClock) -> int:
    return await notice_overdue_recommendations(
        service.runtime.unit_of_work, clock=clock, zone=service.runtime.settings.zone
    )


async def broker_events(infra: Infrastructure, spec_topic: str, recommendation_id: uuid.UUID, count: int) -> list[Any]:
    """The events of one recommendation on the topic, once ``count`` of them are there."""

    def mine(records: list[Any]) -> list[Any]:
        return [e for e in events(records) if e.data.recommendation_id == recommendation_id]

    records = await read_until(infra.bootstrap_servers, topic(infra, spec_topic), lambda r: len(mine(r)) >= count)
    return mine(records)


async def everything_published(service: Service) -> None:
    async def published() -> bool:
        async with service.runtime.sessionmaker() as session:
            waiting = await session.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
            )
        return waiting == 0

    await eventually(published, what="the outbox published")


# -- issuing, and the deadline by each tenant's limit ----------------------------------------------------


@pytest.mark.parametrize(("tenant", "months"), [(BENGKULU, 3), (LEBAK, 2)])
async def test_a_sanction_is_due_by_the_tenants_limit_and_announced(
    infra: Infrastructure, service: Service, tenant: str, months: int
) -> None:
    clock = MovableClock()
    case_id = await reported_case(service, tenant)
    today = clock.now.astimezone(service.runtime.settings.zone).date()
    recommendation = await issued(service, tenant, case_id, clock, sanction())
    zone = service.runtime.settings.zone
    assert recommendation.received_on == today
    # The last day of the runtime's own clock in months (months_due ends at the end of that day).
    assert recommendation.due == last_day_before(months_due(clock.now, months, zone=zone), zone)
    assert recommendation.due_source is not None
    assert recommendation.due_source.value == "kebijakan"
    assert recommendation.policy_version == 1

    [event] = await broker_events(infra, RECOMMENDATION_ISSUED.topic, recommendation.id, 1)
    assert event.tenant == tenant
    assert (event.data.kind, event.data.due, event.data.policy_version) == (
        RecommendationKind.HUKUMAN_DISIPLIN,
        recommendation.due,
        1,
    )
    assert event.data.addressed_to == "Sekretaris Daerah"
    async with service.runtime.unit_of_work() as uow:
        trail = await uow.audit.history(tenant, "case", str(case_id))
    assert [e.action for e in trail] == ["recommendation.issued"]
    assert trail[0].details["recommendation_id"] == str(recommendation.id)
    assert "Menjatuhkan" not in str(trail[0].details)  # the words stay sealed
    async with service.runtime.sessionmaker() as session:
        row = (
            await session.execute(select(recommendation_table).where(recommendation_table.c.id == recommendation.id))
        ).one()
    assert "Menjatuhkan" not in str(row.sealed_text)


async def test_no_recommendation_before_the_final_report_and_nothing_stored(service: Service) -> None:
    case_id = await case_in_audit(service.runtime, BENGKULU, status=CaseFileStatus.PELAKSANAAN)
    with pytest.raises(RecommendationRefused) as refused:
        await issued(service, BENGKULU, case_id, MovableClock(), sanction())
    assert refused.value.field == "case"
    async with service.runtime.unit_of_work() as uow:
        assert await uow.recommendations.of_case(case_id) == []
        assert await uow.audit.history(BENGKULU, "case", str(case_id)) == []


# -- overdue, exactly once --------------------------------------------------------------------------------


@pytest.mark.parametrize(("tenant", "months"), [(BENGKULU, 3), (LEBAK, 2)])
async def test_overdue_not_before_its_last_day_and_exactly_once_after(
    infra: Infrastructure, service: Service, tenant: str, months: int
) -> None:
    clock = MovableClock()
    case_id = await reported_case(service, tenant, report_days_ago=10)
    received = clock.now.astimezone(service.runtime.settings.zone).date() - timedelta(days=3)
    recommendation = await issued(service, tenant, case_id, clock, sanction(received_on=received))
    assert recommendation.due is not None
    assert (recommendation.due.year * 12 + recommendation.due.month) - (received.year * 12 + received.month) == months

    zone = service.runtime.settings.zone
    last_minute = datetime.combine(recommendation.due, datetime.max.time(), tzinfo=zone) - timedelta(seconds=1)
    clock.now = last_minute
    await round_at(service, clock)  # other tests' recommendations may be noticed; never this one
    async with service.runtime.unit_of_work() as uow:
        kept = await uow.recommendations.get(recommendation.id)
    assert kept is not None
    assert kept.overdue_noticed_for is None

    clock.now = last_minute + timedelta(seconds=2)  # the first instant of the day after
    rounds = await asyncio.gather(round_at(service, clock), round_at(service, clock))
    assert sum(rounds) >= 1
    clock.now += timedelta(days=40)
    await round_at(service, clock)  # later rounds announce nothing again

    [overdue] = await broker_events(infra, RECOMMENDATION_OVERDUE.topic, recommendation.id, 1)
    assert (overdue.tenant, overdue.data.due, overdue.data.kind) == (
        tenant,
        recommendation.due,
        RecommendationKind.HUKUMAN_DISIPLIN,
    )
    await everything_published(service)  # a second notice would be on the topic by now
    assert len(await broker_events(infra, RECOMMENDATION_OVERDUE.topic, recommendation.id, 1)) == 1
    async with service.runtime.unit_of_work() as uow:
        kept = await uow.recommendations.get(recommendation.id)
        trail = await uow.audit.history(tenant, "case", str(case_id))
    assert kept is not None
    assert kept.overdue_noticed_for == recommendation.due
    assert [e.action for e in trail].count("recommendation.overdue-noticed") == 1


async def test_the_running_services_own_round_announces_what_is_past_its_deadline(
    infra: Infrastructure, service: Service
) -> None:
    """The round registered in build() (runtime.every, the wall clock): a sanction received 90 days
    ago in Lebak (2 months) is overdue already."""
    clock = MovableClock()
    case_id = await reported_case(service, LEBAK, report_days_ago=100)
    today = clock.now.astimezone(service.runtime.settings.zone).date()
    recommendation = await issued(service, LEBAK, case_id, clock, sanction(received_on=today - timedelta(days=90)))
    assert recommendation.due is not None
    assert recommendation.due < today
    [overdue] = await broker_events(infra, RECOMMENDATION_OVERDUE.topic, recommendation.id, 1)
    assert (overdue.tenant, overdue.data.case_id, overdue.data.due) == (LEBAK, case_id, recommendation.due)


# -- the SK, and completion ----------------------------------------------------------------------------------


async def test_the_copy_of_the_sk_is_kept_encrypted_and_completes_the_sanction_late(
    infra: Infrastructure, service: Service
) -> None:
    clock = MovableClock()
    case_id = await reported_case(service, LEBAK)
    recommendation = await issued(service, LEBAK, case_id, clock, sanction())
    assert recommendation.due is not None
    zone = service.runtime.settings.zone
    auditor = officer("auditor-1", "Auditor Satu")
    async with service.runtime.unit_of_work() as uow:
        await uow.teams.replace(case_id, [TeamMember("auditor-1", "Auditor Satu", TeamSeat.KETUA_TIM)])
        await uow.commit()

    with pytest.raises(RecommendationRefused) as refused:
        await complete_recommendation(
            LEBAK, case_id, recommendation.id, None, "", auditor, {INVESTIGATE_CASES},
            uow=service.runtime.unit_of_work(), keys=service.runtime.keyring, clock=clock, zone=zone,
        )  # fmt: skip
    assert refused.value.field == "evidence"

    clock.now = datetime.combine(recommendation.due + timedelta(days=5), datetime.min.time(), tzinfo=zone)
    sk_day = recommendation.due + timedelta(days=3)
    stored = await add_follow_up_document(
        LEBAK,
        case_id,
        recommendation.id,
        DocumentUpload(kind="sk", title="SK Bupati Lebak", content=PDF, reference="800/77/BKPSDM/2027", dated=sk_day),
        auditor,
        {INVESTIGATE_CASES},
        uow=service.runtime.unit_of_work(),
        keys=service.runtime.keyring,
        vault=service.vault,
        clock=clock,
        zone=zone,
    )
    assert stored is not None
    follow_up, document = stored
    assert (document.kind.value, document.media_type) == ("sk-tindak-lanjut", "application/pdf")
    async with service.runtime.unit_of_work() as uow:
        found = await service.vault.read(uow.documents, document.document_id)
    assert found is not None
    assert found[1] == PDF

    done = await complete_recommendation(
        LEBAK, case_id, recommendation.id, None, "SK diterima dari BKPSDM.", auditor, {INVESTIGATE_CASES},
        uow=service.runtime.unit_of_work(), keys=service.runtime.keyring, clock=clock, zone=zone,
    )  # fmt: skip
    assert done is not None
    assert (done.carried_out_on, done.on_time) == (sk_day, False)
    [completed] = await broker_events(infra, RECOMMENDATION_COMPLETED.topic, recommendation.id, 1)
    assert completed.data.on_time is False
    async with service.runtime.unit_of_work() as uow:
        trail = [e.action for e in await uow.audit.history(LEBAK, "case", str(case_id))]
    assert trail == ["recommendation.issued", "recommendation.document-added", "recommendation.completed"]
    assert follow_up.reference == "800/77/BKPSDM/2027"


async def test_a_sanction_whose_sk_is_dated_by_the_deadline_is_on_time(infra: Infrastructure, service: Service) -> None:
    clock = MovableClock()
    case_id = await reported_case(service, BENGKULU)
    recommendation = await issued(service, BENGKULU, case_id, clock, sanction())
    today = clock.now.astimezone(service.runtime.settings.zone).date()
    zone = service.runtime.settings.zone
    await add_follow_up_document(
        BENGKULU,
        case_id,
        recommendation.id,
        DocumentUpload(kind="sk", title="SK Gubernur", content=PDF, reference="800/1/BKD", dated=today),
        officer(),
        {ASSIGN_CASES},
        uow=service.runtime.unit_of_work(),
        keys=service.runtime.keyring,
        vault=service.vault,
        clock=clock,
        zone=zone,
    )
    done = await complete_recommendation(
        BENGKULU, case_id, recommendation.id, None, "", officer(), {ASSIGN_CASES},
        uow=service.runtime.unit_of_work(), keys=service.runtime.keyring, clock=clock, zone=zone,
    )  # fmt: skip
    assert done is not None
    assert done.on_time is True
    [completed] = await broker_events(infra, RECOMMENDATION_COMPLETED.topic, recommendation.id, 1)
    assert completed.data.on_time is True
    # Done: nothing overdue is ever announced for it.
    clock.now += timedelta(days=200)
    await round_at(service, clock)
    async with service.runtime.unit_of_work() as uow:
        kept = await uow.recommendations.get(recommendation.id)
    assert kept is not None
    assert kept.overdue_noticed_for is None


# -- the API and the pages --------------------------------------------------------------------------------


def ketua(service: Service, tenant: str) -> dict[str, str]:
    return officer_headers(
        service.key_root, "investigation", {tenant: {Role.KETUA_TIM}}, officer="inspektur", name="Ir. Inspektur"
    )


def auditor(service: Service, tenant: str, officer_id: str) -> dict[str, str]:
    return officer_headers(
        service.key_root, "investigation", {tenant: {Role.AUDITOR}}, officer=officer_id, name="Auditor"
    )


def api(tenant: str, case_id: uuid.UUID, rest: str = "") -> str:
    return f"/api/v1/tenants/{tenant}/audits/{case_id}/recommendations{rest}"


async def test_the_api_issues_follows_and_completes_a_sanction_for_the_team_only(service: Service) -> None:
    client = service.client
    case_id = await reported_case(service, BENGKULU, result=AuditResult.PELANGGARAN_ADMINISTRATIF, loss=0)
    async with service.runtime.unit_of_work() as uow:
        await uow.teams.replace(case_id, [TeamMember("auditor-tim", "Auditor Tim", TeamSeat.ANGGOTA)])
        await uow.commit()
    body = {"kind": "hukuman-disiplin", "addressed_to": "Sekretaris Daerah", "text": "Hukuman disiplin ringan."}

    # An auditor not on the team may neither read nor issue; another tenant's officer does not see the case.
    outsider = auditor(service, BENGKULU, "auditor-lain")
    for answer in (
        await client.get(api(BENGKULU, case_id), headers=outsider),
        await client.post(api(BENGKULU, case_id), json=body, headers=outsider),
    ):
        assert answer.status_code == 403, answer.text
        assert "tim audit" in answer.json()["pesan"]
        assert answer.json()["message"]
    elsewhere = ketua(service, LEBAK)
    assert (await client.get(api(BENGKULU, case_id), headers=elsewhere)).status_code == 404
    assert (await client.post(api(LEBAK, case_id), json=body, headers=elsewhere)).status_code == 404

    # Bad input: a bilingual 422 naming the field, and nothing stored.
    refused = await client.post(
        api(BENGKULU, case_id), json=body | {"due": "2030-01-01"}, headers=ketua(service, BENGKULU)
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "due"
    assert "kebijakan" in refused.json()["pesan"]
    refused = await client.post(
        api(BENGKULU, case_id), json=body | {"kind": "pemulihan-nama-baik"}, headers=ketua(service, BENGKULU)
    )
    assert (refused.status_code, refused.json()["errors"][0]["field"]) == (422, "kind")
    assert (await client.get(api(BENGKULU, case_id), headers=ketua(service, BENGKULU))).json()["recommendations"] == []

    member = auditor(service, BENGKULU, "auditor-tim")
    issued = await client.post(api(BENGKULU, case_id), json=body, headers=member)
    assert issued.status_code == 201, issued.text
    recommendation = issued.json()
    assert (recommendation["issued_by"], recommendation["due_source"], recommendation["done"]) == (
        "auditor-tim",
        "kebijakan",
        False,
    )
    assert recommendation["text"] == "Hukuman disiplin ringan."
    rid = recommendation["id"]

    noted = await client.post(
        api(BENGKULU, case_id, f"/{rid}/follow-up"), json={"note": "Surat dikirim ke BKD."}, headers=member
    )
    assert noted.status_code == 201
    assert [f["note"] for f in noted.json()["follow_ups"]] == ["Surat dikirim ke BKD."]

    early = await client.post(api(BENGKULU, case_id, f"/{rid}/completion"), json={}, headers=member)
    assert early.status_code == 409
    assert early.json()["errors"][0]["field"] == "evidence"

    not_a_file = await client.post(
        api(BENGKULU, case_id, f"/{rid}/documents"),
        data={"kind": "sk", "title": "SK", "reference": "800/5", "dated": date.today().isoformat()},
        files={"file": ("sk.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "application/pdf")},
        headers=member,
    )
    assert (not_a_file.status_code, not_a_file.json()["errors"][0]["field"]) == (422, "file")
    today = datetime.now(service.runtime.settings.zone).date().isoformat()
    uploaded = await client.post(
        api(BENGKULU, case_id, f"/{rid}/documents"),
        data={"kind": "sk", "title": "SK Gubernur Bengkulu", "reference": "800/5/BKD/2026", "dated": today},
        files={"file": ("sk.pdf", PDF, "application/pdf")},
        headers=member,
    )
    assert uploaded.status_code == 201, uploaded.text
    [sk] = [f for f in uploaded.json()["follow_ups"] if f["kind"] == "sk"]
    assert (sk["reference"], sk["dated"], sk["document"]["media_type"]) == ("800/5/BKD/2026", today, "application/pdf")
    download = await client.get(
        api(BENGKULU, case_id, f"/{rid}/documents/{sk['document']['document_id']}"), headers=member
    )
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment;")
    outsider_download = await client.get(
        api(BENGKULU, case_id, f"/{rid}/documents/{sk['document']['document_id']}"), headers=outsider
    )
    assert outsider_download.status_code == 403

    completed = await client.post(
        api(BENGKULU, case_id, f"/{rid}/completion"), json={"note": "Selesai."}, headers=member
    )
    assert completed.status_code == 200, completed.text
    assert (completed.json()["done"], completed.json()["on_time"], completed.json()["carried_out_on"]) == (
        True,
        True,
        today,
    )
    again = await client.post(api(BENGKULU, case_id, f"/{rid}/follow-up"), json={"note": "lagi"}, headers=member)
    assert again.status_code == 409

    async with service.runtime.unit_of_work() as uow:
        trail = [e.action for e in await uow.audit.history(BENGKULU, "case", str(case_id))]
    assert trail.count("recommendation.issued") == 1
    assert {
        "recommendation.follow-up-recorded",
        "recommendation.document-added",
        "recommendation.document-exported",
        "recommendation.completed",
    } <= set(trail)


async def test_a_case_before_its_final_report_refuses_with_a_clear_message(service: Service) -> None:
    case_id = await case_in_audit(service.runtime, LEBAK, status=CaseFileStatus.PELAKSANAAN)
    body = {"kind": "hukuman-disiplin", "addressed_to": "Sekretaris Daerah", "text": "x"}
    refused = await service.client.post(api(LEBAK, case_id), json=body, headers=ketua(service, LEBAK))
    assert refused.status_code == 409
    assert refused.json()["pesan"] == "Rekomendasi baru dapat diberikan setelah laporan hasil audit terbit."
    assert refused.json()["message"] == "Recommendations can be issued only once the final audit report is issued."
    page = await service.client.get(f"/audit/{LEBAK}/{case_id}/rekomendasi", headers=ketua(service, LEBAK))
    assert page.status_code == 200
    assert 'id="report-not-issued"' in page.text
    assert 'id="issue-form"' not in page.text


async def test_the_queue_shows_overdue_ones_first_and_marked_and_filters_them(service: Service) -> None:
    """A body of its own, so the queue holds only this test's recommendations."""
    tenant = QUEUED
    clock = MovableClock()
    today = clock.now.astimezone(service.runtime.settings.zone).date()
    late_case = await reported_case(service, tenant, report_days_ago=100)
    late = await issued(service, tenant, late_case, clock, sanction(received_on=today - timedelta(days=90)))
    fresh_case = await reported_case(service, tenant)
    fresh = await issued(service, tenant, fresh_case, clock, sanction())

    headers = auditor(service, tenant, "siapa-saja")  # read-cases: the queue holds no words
    answer = await service.client.get(f"/api/v1/tenants/{tenant}/audits/recommendations", headers=headers)
    assert answer.status_code == 200, answer.text
    assert [(r["id"], r["overdue"]) for r in answer.json()["recommendations"]] == [
        (str(late.id), True),
        (str(fresh.id), False),
    ]
    only = await service.client.get(f"/api/v1/tenants/{tenant}/audits/recommendations?overdue=true", headers=headers)
    assert [r["id"] for r in only.json()["recommendations"]] == [str(late.id)]

    page = await service.client.get(f"/audit/{tenant}/rekomendasi", headers=headers)
    assert page.status_code == 200, page.text
    assert page.text.index(str(late.id)) < page.text.index(str(fresh.id))
    assert f'data-recommendation="{late.id}" data-overdue="ya"' in page.text
    assert f'data-recommendation="{fresh.id}" data-overdue="tidak"' in page.text
    filtered = await service.client.get(f"/audit/{tenant}/rekomendasi?terlambat=ya", headers=headers)
    assert str(late.id) in filtered.text
    assert str(fresh.id) not in filtered.text
    assert (await service.client.get(f"/audit/{tenant}/rekomendasi", headers=ketua(service, LEBAK))).status_code == 404


async def test_the_case_page_issues_and_records_the_sk_through_its_forms(service: Service) -> None:
    client = service.client
    case_id = await reported_case(service, LEBAK)
    headers = ketua(service, LEBAK)
    page = await client.get(f"/audit/{LEBAK}/{case_id}/rekomendasi", headers=headers)
    assert page.status_code == 200
    assert "2 bulan" in page.text  # the policy's limit, named on the form
    token = csrf_token(page.text)

    refused = await client.post(
        f"/audit/{LEBAK}/{case_id}/rekomendasi",
        data={"csrf": token, "jenis": "hukuman-disiplin", "ditujukan_kepada": "Sekretaris Daerah", "isi": ""},
        headers=headers,
    )
    assert refused.status_code == 422
    assert "Tuliskan isi rekomendasi" in refused.text
    assert 'value="Sekretaris Daerah"' in refused.text  # what was typed is kept

    issued_page = await client.post(
        f"/audit/{LEBAK}/{case_id}/rekomendasi",
        data={
            "csrf": token,
            "jenis": "hukuman-disiplin",
            "ditujukan_kepada": "Sekretaris Daerah",
            "isi": "Hukuman disiplin.",
        },
        headers=headers,
    )
    assert issued_page.status_code == 303
    async with service.runtime.unit_of_work() as uow:
        [recommendation] = await uow.recommendations.of_case(case_id)
    uploaded = await client.post(
        f"/audit/{LEBAK}/{case_id}/rekomendasi/{recommendation.id}/dokumen",
        data={
            "csrf": token,
            "jenis_dokumen": "sk",
            "judul": "SK Bupati",
            "nomor": "800/9",
            "tanggal": recommendation.received_on.isoformat(),
        },
        files={"berkas": ("sk.pdf", PDF, "application/pdf")},
        headers=headers,
    )
    assert uploaded.status_code == 303, uploaded.text
    shown = await client.get(f"/audit/{LEBAK}/{case_id}/rekomendasi", headers=headers)
    assert "800/9" in shown.text
    assert "SK Bupati" in shown.text

    without_token = await client.post(
        f"/audit/{LEBAK}/{case_id}/rekomendasi/{recommendation.id}/selesai", data={}, headers=headers
    )
    assert without_token.status_code == 403
    done = await client.post(
        f"/audit/{LEBAK}/{case_id}/rekomendasi/{recommendation.id}/selesai", data={"csrf": token}, headers=headers
    )
    assert done.status_code == 303
    shown = await client.get(f"/audit/{LEBAK}/{case_id}/rekomendasi", headers=headers)
    assert 'data-done="ya"' in shown.text

    outsider = await client.get(f"/audit/{LEBAK}/{case_id}/rekomendasi", headers=auditor(service, LEBAK, "bukan-tim"))
    assert outsider.status_code == 403
    case_page = await client.get(f"/audit/{LEBAK}/{case_id}", headers=headers)
    assert f'href="/audit/{LEBAK}/{case_id}/rekomendasi"' in case_page.text


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


async def test_the_other_kinds_follow_the_result_and_the_policy(service: Service) -> None:
    """Pemulihan nama baik when the audit found no deviation; the LPSK the policy names (its name as
    kept from directory); an award done only with the head of region's decision; the pimpinan
    satker reads the recommendations but does not issue them."""
    client, headers = service.client, ketua(service, BENGKULU)
    cleared = await reported_case(service, BENGKULU, result=AuditResult.TIDAK_ADA_PENYIMPANGAN, loss=0)
    restore = {"kind": "pemulihan-nama-baik", "addressed_to": "Gubernur Bengkulu", "text": "Pulihkan nama baik."}
    restored = await client.post(api(BENGKULU, cleared), json=restore | {"due": "2099-01-31"}, headers=headers)
    assert restored.status_code == 201, restored.text
    assert (restored.json()["due"], restored.json()["due_source"]) == ("2099-01-31", "petugas")
    refused = await client.post(api(BENGKULU, cleared), json=restore | {"kind": "hukuman-disiplin"}, headers=headers)
    assert (refused.status_code, refused.json()["errors"][0]["field"]) == (422, "kind")

    referral = await client.post(
        api(BENGKULU, cleared), json={"kind": "rujukan-lpsk", "text": "Pelapor menerima ancaman."}, headers=headers
    )
    assert referral.status_code == 201, referral.text
    lpsk = demo_configuration("lpsk")
    assert (referral.json()["agency"], referral.json()["addressed_to"]) == ("lpsk", lpsk.name)

    award = await client.post(
        api(BENGKULU, cleared),
        json={"kind": "penghargaan-pelapor", "addressed_to": "Gubernur Bengkulu", "text": "Piagam penghargaan."},
        headers=headers,
    )
    assert award.status_code == 201
    rid = award.json()["id"]
    await client.post(
        api(BENGKULU, cleared, f"/{rid}/documents"),
        data={"kind": "bukti", "title": "Undangan penyerahan piagam"},
        files={"file": ("undangan.pdf", PDF, "application/pdf")},
        headers=headers,
    )
    without_decision = await client.post(api(BENGKULU, cleared, f"/{rid}/completion"), json={}, headers=headers)
    assert (without_decision.status_code, without_decision.json()["errors"][0]["field"]) == (409, "evidence")
    today = datetime.now(service.runtime.settings.zone).date().isoformat()
    await client.post(
        api(BENGKULU, cleared, f"/{rid}/documents"),
        data={"kind": "sk", "title": "Keputusan Gubernur", "reference": "188.4/77/2026", "dated": today},
        files={"file": ("kepgub.pdf", PDF, "application/pdf")},
        headers=headers,
    )
    done = await client.post(api(BENGKULU, cleared, f"/{rid}/completion"), json={}, headers=headers)
    assert (done.status_code, done.json()["on_time"]) == (200, True)

    pimpinan = officer_headers(
        service.key_root, "investigation", {BENGKULU: {Role.PIMPINAN_SATKER}}, officer="p", name="P"
    )
    read = await client.get(api(BENGKULU, cleared), headers=pimpinan)
    assert read.status_code == 200
    assert read.json()["may_act"] is False
    assert len(read.json()["recommendations"]) == 3
    issued_by_pimpinan = await client.post(api(BENGKULU, cleared), json=restore, headers=pimpinan)
    assert issued_by_pimpinan.status_code == 403
    page = await client.get(f"/audit/{BENGKULU}/{cleared}/rekomendasi", headers=pimpinan)
    assert 'id="may-not-act"' in page.text
