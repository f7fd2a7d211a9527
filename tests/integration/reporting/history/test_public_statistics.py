"""Public statistics through the service's HTTP routes: an officer proposes a publication of last
year, the approver the tenant's policy names approves it (not the proposer), and the public page,
without sign-in, shows the frozen figures: small counts suppressed, statuses as of the year's end, the
running year absent; a year is published once."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
from sqlalchemy import select

from tests.support.events import report_submitted
from tests.support.infrastructure import Infrastructure
from tests.support.officers import officer_headers
from tests.support.publish import publish
from tests.support.services import migrated_database, running, settings_for, topic
from tests.support.tenants import demo_configuration, keep_in
from tests.support.waiting import eventually
from wbs_contracts.events.directory import EscalationTarget
from wbs_contracts.events.investigation import CaseHandedOverV1
from wbs_contracts.events.triage import TelaahDecidedV1, TelaahOutcome
from wbs_contracts.registry import CASE_HANDED_OVER, PUBLICATION_APPROVAL_REQUESTED, REPORT_SUBMITTED, TELAAH_DECIDED
from wbs_contracts.roles import Role
from wbs_gateway.routes import match
from wbs_reporting.adapters.db import SqlReportingUnitOfWork, metadata
from wbs_reporting.domain.publication import latest_period
from wbs_reporting.entrypoint import PROGRAM, ReportingSettings, build
from wbs_runtime.auth.keys import issue_assertion_keys
from wbs_runtime.messaging.tables import outbox
from wbs_runtime.service import ServiceRuntime


@dataclass
class Reporting:
    runtime: ServiceRuntime[SqlReportingUnitOfWork]
    client: httpx.AsyncClient


@pytest.fixture(scope="module")
def key_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("keys")
    issue_assertion_keys(root, ["directory", "reporting"])
    return root


@pytest.fixture(scope="module")
async def reporting(infra: Infrastructure, key_root: Path) -> AsyncIterator[Reporting]:
    url = await migrated_database(infra, "reporting", PROGRAM.migrations, metadata, label="_public")
    settings = settings_for(ReportingSettings, infra, url, key_dir=key_root / "reporting", insecure_cookies=True)
    runtime = build(settings)
    async with running(runtime) as client:
        yield Reporting(runtime, client)


def officer(key_root: Path, tenant: str, officer_id: str, *roles: Role) -> dict[str, str]:
    return officer_headers(key_root, "reporting", {tenant: set(roles)}, officer=officer_id, name=officer_id)


async def test_a_small_count_is_suppressed_and_the_running_year_is_not_shown(
    infra: Infrastructure, reporting: Reporting, key_root: Path
) -> None:
    tenant = f"bps-{uuid4().hex[:6]}"
    # The demo's policy: a publication of statistics is approved by the pimpinan satker.
    await keep_in(reporting.runtime, demo_configuration("bps-1700").model_copy(update={"tenant_id": tenant}))
    now = datetime.now(UTC)
    period = latest_period(now.astimezone(reporting.runtime.settings.zone).date())
    last_month = datetime(period.year, 11, 15, 3, 0, tzinfo=UTC)  # (a month of last year)
    reports = [
        *(report_submitted(tenant=tenant, at=last_month, category="korupsi-gratifikasi") for _ in range(12)),
        *(report_submitted(tenant=tenant, at=last_month, category="etika-pegawai") for _ in range(2)),
        *(report_submitted(tenant=tenant, at=now - timedelta(minutes=5), category="lainnya") for _ in range(7)),
    ]
    for report in reports:
        await publish(infra.bootstrap_servers, topic(infra, REPORT_SUBMITTED.topic), report)
    # Five of the corruption reports merged by their telaah, one handed over to the KPK: selesai.
    for report in reports[:5]:
        case = report.data.report_id
        merged = TelaahDecidedV1(
            case_id=case,
            outcome=TelaahOutcome.DIGABUNG,
            decided_at=last_month,
            policy_version=1,
            proposed_by="p",
            merged_into=reports[6].data.report_id,
        )
        event = TELAAH_DECIDED.envelope(merged, tenant=tenant, subject=str(case), time=last_month, correlation_id="c")
        await publish(infra.bootstrap_servers, topic(infra, TELAAH_DECIDED.topic), event)
    # One decided only this year: at last year's end it was still dalam proses.
    later = reports[7].data.report_id
    decided_later = TelaahDecidedV1(
        case_id=later,
        outcome=TelaahOutcome.DIGABUNG,
        decided_at=now,
        policy_version=1,
        proposed_by="p",
        merged_into=reports[6].data.report_id,
    )
    later_event = TELAAH_DECIDED.envelope(
        decided_later, tenant=tenant, subject=str(later), time=now, correlation_id="c"
    )
    await publish(infra.bootstrap_servers, topic(infra, TELAAH_DECIDED.topic), later_event)
    handed_case = reports[5].data.report_id
    handed = CaseHandedOverV1(
        case_id=handed_case,
        escalation_id=uuid4(),
        target=EscalationTarget.KPK,
        agency="kpk",
        approved_at=last_month,
        policy_version=1,
    )
    handed_event = CASE_HANDED_OVER.envelope(
        handed, tenant=tenant, subject=str(handed_case), time=last_month, correlation_id="c"
    )
    await publish(infra.bootstrap_servers, topic(infra, CASE_HANDED_OVER.topic), handed_event)
    reader = officer(key_root, tenant, "pimpinan-1", Role.PIMPINAN_SATKER)

    async def decided() -> bool:
        answer = await reporting.client.get(
            f"/api/v1/tenants/{tenant}/statistics", params={"year": period.year}, headers=reader
        )
        body = answer.json()
        this_year = await reporting.client.get(
            f"/api/v1/tenants/{tenant}/statistics", params={"year": now.year}, headers=reader
        )
        return bool(
            body["decisions"]["by_outcome"]["digabung"] == 5
            and body["investigation"]["hand_overs"]["total"]["kpk"] == 1
            and this_year.json()["decisions"]["by_outcome"]["digabung"] == 1
        )

    await eventually(decided, what="the telaah decisions and the hand-over counted")

    async def counted() -> bool:
        answer = await reporting.client.get(
            f"/api/v1/tenants/{tenant}/statistics", params={"year": now.year}, headers=reader
        )
        received: int = answer.json()["total"]["received"]
        if period.year != now.year:
            return received == 7
        return received == len(reports)

    await eventually(counted, what="every report counted")

    public_path = f"/statistik-publik/{tenant}"
    routed = match(public_path)
    assert routed is not None
    assert (routed.service, routed.anonymous) == ("reporting", True)
    nothing = await reporting.client.get(public_path)
    assert nothing.status_code == 200
    assert 'id="nothing-published"' in nothing.text

    # The running year cannot be proposed; a year is all one asks for.
    proposer = officer(key_root, tenant, "penelaah-1", Role.PENELAAH)
    publications = f"/api/v1/tenants/{tenant}/publications"
    running_year = now.astimezone(reporting.runtime.settings.zone).year
    refused = await reporting.client.post(publications, json={"year": running_year}, headers=proposer)
    assert refused.status_code == 409
    assert "berjalan" in refused.json()["pesan"]
    monthly = await reporting.client.post(
        publications, json={"year": period.year, "through_month": 3}, headers=proposer
    )
    assert monthly.status_code == 422

    proposed = await reporting.client.post(publications, headers=proposer)
    assert proposed.status_code == 201, proposed.text
    proposal = proposed.json()
    assert proposal["state"] == "menunggu"
    assert proposal["year"] == period.year
    assert proposal["approver_roles"] == ["pimpinan-satker"]
    month = proposal["snapshot"]["months"][10]
    assert month["by_category"]["etika-pegawai"] == "< 5"
    assert "2" not in json.dumps(month["by_category"]).replace("< 5", "")
    assert len(proposal["snapshot"]["months"]) == 12
    # As of the year's end: the telaah decided this year leaves its case dalam proses.
    assert month["by_status"] == {"selesai": "6", "dalam-proses": "8"}

    # The approvers are told, through reporting's outbox, with no figures in it.
    async with reporting.runtime.engine.connect() as connection:
        rows = (
            await connection.execute(select(outbox).where(outbox.c.topic == PUBLICATION_APPROVAL_REQUESTED.topic))
        ).all()
    requests = [json.loads(row.payload) for row in rows]
    request = next(r for r in requests if r["request_id"] == proposal["id"])
    assert request["decision"] == "publikasi-statistik"
    assert request["approver_roles"] == ["pimpinan-satker"]
    assert request["case_id"] is None
    assert "snapshot" not in request

    # The request leads the approver to the publication's page: the figures as the public will see them.
    shown = await reporting.client.get(request["page"], headers=reader)
    assert shown.status_code == 200
    assert 'id="approve-form"' in shown.text
    assert "&lt; 5" in shown.text

    # Not yet public; the proposer and another role may not approve; the policy's approver does, once.
    assert 'id="nothing-published"' in (await reporting.client.get(public_path)).text
    approval = f"{publications}/{proposal['id']}/approval"
    own = officer(key_root, tenant, "penelaah-1", Role.PENELAAH, Role.PIMPINAN_SATKER)
    assert (await reporting.client.post(approval, headers=own)).status_code == 403
    other = officer(key_root, tenant, "ketua-1", Role.KETUA_TIM, Role.PIMPINAN_DAERAH)
    denied = await reporting.client.post(approval, headers=other)
    assert denied.status_code == 403
    assert denied.json()["message"] == "The body's policy asks for the approval of another role."
    approved = await reporting.client.post(approval, headers=reader)
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "disetujui"
    assert (await reporting.client.post(approval, headers=reader)).status_code == 409

    # A year is published once: a new proposal for it is refused, and says why in both languages.
    again = await reporting.client.post(publications, json={"year": period.year}, headers=proposer)
    assert again.status_code == 409
    assert "sudah dipublikasikan" in again.json()["pesan"]
    assert "published only once" in again.json()["message"]

    # Reports arriving after the approval change nothing public: the snapshot is frozen.
    for _ in range(5):
        late = report_submitted(tenant=tenant, at=last_month, category="etika-pegawai")
        await publish(infra.bootstrap_servers, topic(infra, REPORT_SUBMITTED.topic), late)

    async def live_etika() -> bool:
        answer = await reporting.client.get(
            f"/api/v1/tenants/{tenant}/statistics", params={"year": period.year}, headers=reader
        )
        return bool(answer.json()["by_category"]["etika-pegawai"]["received"] == 7)

    await eventually(live_etika, what="the late reports counted live")

    page = await reporting.client.get(public_path)
    assert page.status_code == 200
    assert "no-store" in page.headers["cache-control"]
    html = page.text
    assert "&lt; 5" in html  # the two etika-pegawai reports, as frozen (seven of them by now)
    shown_months = {int(m) for m in re.findall(r'data-month="(\d+)"', html)}
    assert shown_months == set(range(1, 13))
    assert f'id="period">Tahun {period.year} (Januari sampai Desember)' in html
    english = await reporting.client.get(public_path, headers={"Cookie": "wbs_bahasa=en"})
    assert "Report statistics" in english.text


async def test_an_unknown_body_has_no_public_statistics(reporting: Reporting) -> None:
    answer = await reporting.client.get("/statistik-publik/tidak-ada-instansi")
    assert answer.status_code == 404
    assert 'id="unknown-body"' in answer.text


async def test_without_a_rule_the_permission_to_approve_publications_decides(
    reporting: Reporting, key_root: Path
) -> None:
    tenant = f"bps-{uuid4().hex[:6]}"
    demo = demo_configuration("bps-1700")
    bare = demo.policy.model_copy(update={"approvals": ()})
    await keep_in(reporting.runtime, demo.model_copy(update={"tenant_id": tenant, "policy": bare}))
    publications = f"/api/v1/tenants/{tenant}/publications"
    proposer = officer(key_root, tenant, "pimpinan-daerah-1", Role.PIMPINAN_DAERAH)
    proposal = (await reporting.client.post(publications, headers=proposer)).json()
    assert proposal["approver_roles"] == []
    approval = f"{publications}/{proposal['id']}/approval"
    satker = officer(key_root, tenant, "satker-1", Role.PIMPINAN_SATKER)
    assert (await reporting.client.post(approval, headers=satker)).status_code == 403
    # Holding the permission is not enough for one's own proposal: never the proposer.
    own = await reporting.client.post(approval, headers=proposer)
    assert own.status_code == 403
    assert own.json()["message"] == "The proposer may not approve their own publication."
    other = officer(key_root, tenant, "pimpinan-daerah-2", Role.PIMPINAN_DAERAH)
    approved = await reporting.client.post(approval, headers=other)
    assert approved.status_code == 200
    assert approved.json()["approved_by"] == "pimpinan-daerah-2"


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field in the form"
    return found.group(1)


async def test_officers_propose_and_approve_a_publication_on_their_pages(
    infra: Infrastructure, reporting: Reporting, key_root: Path
) -> None:
    tenant = f"bps-{uuid4().hex[:6]}"
    await keep_in(reporting.runtime, demo_configuration("bps-1700").model_copy(update={"tenant_id": tenant}))
    now = datetime.now(UTC)
    zone = reporting.runtime.settings.zone
    period = latest_period(now.astimezone(zone).date())
    last_month = datetime(period.year, 6, 15, 3, 0, tzinfo=UTC)  # (a month of last year)
    for _ in range(6):
        report = report_submitted(tenant=tenant, at=last_month, category="korupsi-gratifikasi")
        await publish(infra.bootstrap_servers, topic(infra, REPORT_SUBMITTED.topic), report)
    proposer = officer(key_root, tenant, "penelaah-2", Role.PENELAAH)
    approver = officer(key_root, tenant, "pimpinan-2", Role.PIMPINAN_SATKER)

    async def counted() -> bool:
        answer = await reporting.client.get(
            f"/api/v1/tenants/{tenant}/statistics", params={"year": period.year}, headers=proposer
        )
        return bool(answer.json()["total"]["received"] >= 6)

    await eventually(counted, what="the reports counted")

    pages = f"/statistik/{tenant}/publikasi"
    listed = await reporting.client.get(pages, headers=proposer)
    assert listed.status_code == 200
    assert 'id="no-publications"' in listed.text
    token = csrf_of(listed.text)

    # A year that is not one, and the running year, are refused on the page; nothing is kept.
    half = await reporting.client.post(pages, data={"csrf": token, "tahun": "20x5"}, headers=proposer)
    assert half.status_code == 400
    assert 'id="error"' in half.text
    current = {"csrf": token, "tahun": str(now.astimezone(zone).year)}
    refused = await reporting.client.post(pages, data=current, headers=proposer)
    assert refused.status_code == 409
    assert "berjalan" in refused.text
    assert 'id="no-publications"' in refused.text
    forged = await reporting.client.post(pages, data={"csrf": "palsu"}, headers=proposer)
    assert forged.status_code == 403

    # Proposing again supersedes the proposal still waiting: it can no longer be approved.
    first = await reporting.client.post(pages, data={"csrf": token, "tahun": str(period.year)}, headers=proposer)
    assert first.status_code == 303, first.text
    proposed = await reporting.client.post(pages, data={"csrf": token}, headers=proposer)
    assert proposed.status_code == 303, proposed.text
    superseded = first.headers["location"].split("?")[0]
    assert superseded != proposed.headers["location"].split("?")[0]
    stale = await reporting.client.post(superseded + "/persetujuan", data={"csrf": token}, headers=approver)
    assert stale.status_code == 409
    assert "digantikan" in stale.text
    assert 'id="state">Digantikan oleh usulan yang lebih baru' in stale.text
    page = proposed.headers["location"]
    assert page.startswith(f"{pages}/")
    assert page.endswith("?pesan=diusulkan")
    shown = await reporting.client.get(page, headers=approver)
    assert shown.status_code == 200
    assert 'id="notice"' in shown.text
    assert 'id="approve-form"' in shown.text
    assert 'id="state">Menunggu persetujuan' in shown.text
    # An approver needs a role in the body, not the permission to read statistics; an officer of
    # another body is told nothing.
    auditor = officer(key_root, tenant, "auditor-2", Role.AUDITOR)
    assert (await reporting.client.get(page, headers=auditor)).status_code == 200
    stranger = officer(key_root, "bps-lain", "pimpinan-lain", Role.PIMPINAN_SATKER)
    assert (await reporting.client.get(page, headers=stranger)).status_code == 404
    stranger_post = await reporting.client.post(
        page.split("?")[0] + "/persetujuan", data={"csrf": token}, headers=stranger
    )
    assert stranger_post.status_code == 404

    # The proposer may not approve (the policy names the pimpinan satker); the page says why.
    approval = page.split("?")[0] + "/persetujuan"
    own = await reporting.client.post(approval, data={"csrf": token}, headers=proposer)
    assert own.status_code == 403
    assert 'id="error"' in own.text
    assert 'id="nothing-published"' in (await reporting.client.get(f"/statistik-publik/{tenant}")).text

    approved = await reporting.client.post(approval, data={"csrf": token}, headers=approver)
    assert approved.status_code == 303
    done = await reporting.client.get(approved.headers["location"], headers=approver)
    assert 'id="state">Disetujui dan dipublikasikan' in done.text
    assert 'id="approve-form"' not in done.text
    public = await reporting.client.get(f"/statistik-publik/{tenant}")
    assert 'id="grand-total">6<' in public.text

    # In English too.
    english = await reporting.client.get(pages, headers=approver, cookies={"wbs_bahasa": "en"})
    assert "Approved and published" in english.text
