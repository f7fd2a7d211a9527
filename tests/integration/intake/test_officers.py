"""Intake's officer side over HTTP, against real PostgreSQL and a real broker: reports recorded
from other channels, forwarded down the hierarchy, and the disclosure of a reporter's identity,
every step on the audit trail."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select

from tests.support.infrastructure import Infrastructure
from tests.support.kafka import events, read_until
from tests.support.officers import officer_headers
from tests.support.services import migrated_database, running, settings_for, topic
from tests.support.tenants import demo_configuration, publish_tenant
from tests.support.waiting import eventually
from wbs_contracts.events.intake import ReportSubstanceV1
from wbs_contracts.registry import REPORT_SUBMITTED
from wbs_contracts.roles import Role
from wbs_contracts.sealed import Audience
from wbs_intake.adapters.db import SqlIntakeUnitOfWork, metadata, report_table
from wbs_intake.entrypoint import PROGRAM, IntakeSettings, build
from wbs_runtime.audit.tables import audit_entry
from wbs_runtime.auth.keys import issue_assertion_keys
from wbs_runtime.crypto import KeyRing, ensure_tenant_keys
from wbs_runtime.service import ServiceRuntime

pytestmark = pytest.mark.integration

BANTEN = ("bps", "bps-3600", "bps-3603", "bps-3674", "bps-1700")
REASON = "Pemeriksaan pelapor sebagai saksi dalam audit investigasi, Surat Tugas 15/2026"
IDENTITY = {"nama": "Dewi Lestari", "telepon": "0812-3456-7890", "alamat": "Jl. Merdeka 1, Tangerang"}


def local_today() -> date:
    """Today where the services count days (``WBS_TIMEZONE``, Asia/Jakarta): from 17:00 UTC it is
    already tomorrow there, so the machine's own date would make "tomorrow" today."""
    return datetime.now(ZoneInfo("Asia/Jakarta")).date()


@dataclass
class Intake:
    runtime: ServiceRuntime[SqlIntakeUnitOfWork]
    client: httpx.AsyncClient
    key_root: Path
    infra: Infrastructure

    def officer(self, tenant: str, *roles: Role, officer: str = "officer-1") -> dict[str, str]:
        return officer_headers(self.key_root, "intake", {tenant: roles}, officer=officer, name=f"Petugas {officer}")

    async def record(self, tenant: str, officer: dict[str, str] | None = None, **changes: Any) -> httpx.Response:
        form: dict[str, Any] = {
            "channel": "surat",
            "received_on": local_today().isoformat(),
            "category": "kkn",
            "what": "Pungutan pada seleksi mitra statistik",
            "where": "Kantor BPS Kabupaten Tangerang",
            "when": "Agustus 2023",
        }
        headers = officer or self.officer(tenant, Role.PETUGAS_PENGADUAN)
        return await self.client.post(f"/api/v1/tenants/{tenant}/reports", json=form | changes, headers=headers)

    async def audit(self, tenant: str, case: str) -> list[tuple[str, str, dict[str, Any]]]:
        async with self.runtime.sessionmaker() as session:
            rows = await session.execute(
                select(audit_entry.c.action, audit_entry.c.actor, audit_entry.c.details)
                .where(audit_entry.c.tenant_id == tenant, audit_entry.c.object_id == case)
                .order_by(audit_entry.c.sequence)
            )
            return [(r.action, r.actor, r.details) for r in rows]

    async def report_count(self) -> int:
        async with self.runtime.sessionmaker() as session:
            return int((await session.execute(select(func.count()).select_from(report_table))).scalar_one())

    async def case_id(self, registration_number: str) -> str:
        async with self.runtime.sessionmaker() as session:
            query = select(report_table.c.id).where(report_table.c.registration_number == registration_number)
            return str((await session.execute(query)).scalar_one())


@pytest.fixture(scope="module")
async def intake(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Intake]:
    key_root = tmp_path_factory.mktemp("keys")
    issue_assertion_keys(key_root, ["directory", "intake"])
    for tenant in BANTEN:
        ensure_tenant_keys(key_root / "intake", tenant)
    url = await migrated_database(infra, "intake", PROGRAM.migrations, metadata, label="_officers")
    runtime = build(settings_for(IntakeSettings, infra, url, key_root / "intake"))
    async with running(runtime) as client:
        for tenant in BANTEN:
            await publish_tenant(infra, demo_configuration(tenant))
        await eventually(lambda: _offered(client, BANTEN), what="the BPS bodies offered")
        yield Intake(runtime, client, key_root, infra)


async def _offered(client: httpx.AsyncClient, tenants: tuple[str, ...]) -> bool:
    listed = {t["id"] for t in (await client.get("/api/v1/tenants")).json()}
    return set(tenants) - {"bps"} <= listed


async def test_a_report_from_each_channel_of_the_policy_is_recorded_with_its_channel_and_date(intake: Intake) -> None:
    channels = [c for c in demo_configuration("bps-3600").policy.channels if c != "web"]
    received_on = local_today() - timedelta(days=3)
    recorded = []
    for channel in channels:
        response = await intake.record("bps-3600", channel=channel, received_on=received_on.isoformat())
        assert response.status_code == 201, response.text
        body = response.json()
        assert response.headers["cache-control"] == "no-store"
        assert (body["handled_by"]["id"], body["forwarded"]) == ("bps-3600", False)
        recorded.append(await intake.case_id(body["registration_number"]))
        status = await intake.client.post(
            "/api/v1/reports/status",
            json={"registration_number": body["registration_number"], "secret": body["secret"]},
        )
        assert status.status_code == 200
    found = await read_until(
        intake.infra.bootstrap_servers,
        topic(intake.infra, REPORT_SUBMITTED.topic),
        lambda rs: {e.subject for e in events(rs)} >= set(recorded),
    )
    by_case = {e.subject: e for e in events(found)}
    assert [by_case[case].data.channel for case in recorded] == channels
    for case in recorded:
        event = by_case[case]
        assert (event.tenant, event.data.received_by, event.data.received_on) == ("bps-3600", None, received_on)
        assert event.data.recorded_by_officer is True
        [(action, actor, details)] = await intake.audit("bps-3600", case)
        assert (action, actor, details["channel"]) == ("report.recorded", "officer-1", event.data.channel)


@pytest.mark.parametrize(
    ("tenant", "changes", "field"),
    [
        ("bps-1700", {"channel": "surat"}, "channel"),  # Bengkulu's policy lists no letters
        ("bps-3600", {"channel": "web"}, "channel"),  # the web form is the reporter's own
        ("bps-3600", {"channel": "telegram"}, "channel"),
        ("bps-3600", {"received_on": (local_today() + timedelta(days=2)).isoformat()}, "received_on"),
        ("bps-3600", {"forward_to": "bps-1700"}, "forward_to"),  # a sibling, not below
        ("bps-3600", {"forward_to": "bps"}, "forward_to"),  # above
        ("bps-3603", {"forward_to": "bps-3674"}, "forward_to"),
        ("bps-3600", {"what": ""}, "what"),
    ],
)
async def test_what_the_policy_or_the_hierarchy_does_not_allow_is_refused_and_nothing_recorded(
    intake: Intake, tenant: str, changes: dict[str, Any], field: str
) -> None:
    before = await intake.report_count()
    response = await intake.record(tenant, **({"what": f"Laporan yang ditolak {uuid.uuid4()}"} | changes))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["pesan"]
    assert body["message"]
    assert field in [e["field"] for e in body["errors"]]
    assert await intake.report_count() == before


async def test_an_officer_without_record_reports_cannot_record(intake: Intake) -> None:
    response = await intake.record("bps-3600", officer=intake.officer("bps-3600", Role.PENELAAH))
    assert response.status_code == 403
    response = await intake.record("bps-3603", officer=intake.officer("bps-3600", Role.PETUGAS_PENGADUAN))
    assert response.status_code == 403  # a province's petugas records for the province, not for its satker


async def test_the_banten_case_is_forwarded_to_bps_kabupaten_tangerang_with_the_trail_at_both_ends(
    intake: Intake,
) -> None:
    """Seed 001: a complaint disposed by SP4N-LAPOR! to BPS Provinsi Banten, sent on to BPS
    Kabupaten Tangerang, the body competent to handle it."""
    response = await intake.record("bps-3600", channel="sp4n-lapor", forward_to="bps-3603", identity=IDENTITY)
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert receipt["handled_by"] == {"id": "bps-3603", "name": "BPS Kabupaten Tangerang"}
    assert receipt["forwarded"] is True
    case = await intake.case_id(receipt["registration_number"])

    found = await read_until(
        intake.infra.bootstrap_servers,
        topic(intake.infra, REPORT_SUBMITTED.topic),
        lambda rs: any(e.subject == case for e in events(rs)),
    )
    [event] = [e for e in events(found) if e.subject == case]
    assert (event.tenant, event.data.received_by, event.data.channel) == ("bps-3603", "bps-3600", "sp4n-lapor")
    # Sealed to the body that handles it: the receiving body's keys open it.
    ring = KeyRing.from_directory(intake.key_root / "intake", Audience.ALL)
    substance = ring.open(event.data.substance, tenant="bps-3603", case=uuid.UUID(case), model=ReportSubstanceV1)
    assert substance.what == "Pungutan pada seleksi mitra statistik"

    [(arrived, _, arrived_details)] = await intake.audit("bps-3600", case)
    assert (arrived, arrived_details["forwarded_to"]) == ("report.recorded", "bps-3603")
    [(received, _, received_details)] = await intake.audit("bps-3603", case)
    assert (received, received_details["received_by"]) == ("report.forwarded-in", "bps-3600")

    status = await intake.client.post(
        "/api/v1/reports/status",
        json={"registration_number": receipt["registration_number"], "secret": receipt["secret"]},
    )
    [notice] = status.json()["notices"]
    assert notice["kind"] == "diteruskan"
    assert "BPS Kabupaten Tangerang" in notice["pesan"]
    assert "BPS Kabupaten Tangerang" in notice["message"]


# -- identity disclosure ------------------------------------------------------------------------


async def recorded_in_tangerang(
    intake: Intake, identity: dict[str, str] | None = IDENTITY
) -> tuple[str, dict[str, Any]]:
    response = await intake.record("bps-3603", identity=identity, channel="lisan")
    assert response.status_code == 201, response.text
    receipt = response.json()
    return await intake.case_id(receipt["registration_number"]), receipt


def disclosures(case: str) -> str:
    return f"/api/v1/tenants/bps-3603/cases/{case}/identity-disclosures"


async def test_an_approved_disclosure_is_read_by_its_requester_alone_and_the_reporter_is_told(intake: Intake) -> None:
    case, receipt = await recorded_in_tangerang(intake)
    penelaah = intake.officer("bps-3603", Role.PENELAAH, officer="penelaah-1")
    auditor = intake.officer("bps-3603", Role.AUDITOR, officer="auditor-1")
    custodian = intake.officer("bps-3603", Role.CUSTODIAN, officer="kustodian-1")
    second_custodian = intake.officer("bps-3603", Role.CUSTODIAN, officer="kustodian-2")

    short = await intake.client.post(disclosures(case), json={"reason": "perlu"}, headers=penelaah)
    assert short.status_code == 422
    assert short.json()["errors"][0]["code"] == "reason-too-short"
    asked = await intake.client.post(disclosures(case), json={"reason": REASON}, headers=penelaah)
    assert asked.status_code == 201, asked.text
    request_id = asked.json()["id"]
    assert asked.json()["state"] == "diminta"
    again = await intake.client.post(disclosures(case), json={"reason": REASON}, headers=penelaah)
    assert again.status_code == 409

    before = await intake.client.get(f"/api/v1/tenants/bps-3603/cases/{case}/identity", headers=penelaah)
    assert before.status_code == 403
    pending = await intake.client.get("/api/v1/tenants/bps-3603/identity-disclosures?status=diminta", headers=custodian)
    assert request_id in [d["id"] for d in pending.json()]

    decision = f"{disclosures(case)}/{request_id}/decision"
    approved = await intake.client.post(
        decision, json={"decision": "disetujui", "reason": "Untuk pemeriksaan saksi"}, headers=custodian
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "disetujui"
    assert approved.json()["expires_at"] is not None
    second = await intake.client.post(
        decision, json={"decision": "ditolak", "reason": "Keputusan kedua"}, headers=second_custodian
    )
    assert second.status_code == 409
    assert second.json()["errors"][0]["code"] == "already-decided"

    for _ in range(2):
        read = await intake.client.get(f"/api/v1/tenants/bps-3603/cases/{case}/identity", headers=penelaah)
        assert read.status_code == 200, read.text
        assert read.headers["cache-control"] == "no-store"
        assert {k: read.json()["identity"][k] for k in IDENTITY} == IDENTITY
    other = await intake.client.get(f"/api/v1/tenants/bps-3603/cases/{case}/identity", headers=auditor)
    assert other.status_code == 403
    listed = await intake.client.get(disclosures(case), headers=penelaah)
    assert [d["state"] for d in listed.json()] == ["disetujui"]

    trail = await intake.audit("bps-3603", case)
    assert [(action, actor) for action, actor, _ in trail] == [
        ("report.recorded", "officer-1"),
        ("identity.disclosure-requested", "penelaah-1"),
        ("identity.read-refused", "penelaah-1"),
        ("identity.disclosure-decided", "kustodian-1"),
        ("identity.read", "penelaah-1"),
        ("identity.read", "penelaah-1"),
        ("identity.read-refused", "auditor-1"),
        ("identity.disclosures-read", "penelaah-1"),
    ]
    assert trail[3][2]["outcome"] == "disetujui"
    assert all("Dewi" not in str(details) for _, _, details in trail)

    status = await intake.client.post(
        "/api/v1/reports/status",
        json={"registration_number": receipt["registration_number"], "secret": receipt["secret"]},
    )
    assert [n["kind"] for n in status.json()["notices"]] == ["identitas-diungkapkan"]


async def test_a_refused_disclosure_opens_nothing(intake: Intake) -> None:
    case, _ = await recorded_in_tangerang(intake)
    auditor = intake.officer("bps-3603", Role.AUDITOR, officer="auditor-2")
    custodian = intake.officer("bps-3603", Role.CUSTODIAN, officer="kustodian-1")
    asked = await intake.client.post(disclosures(case), json={"reason": REASON}, headers=auditor)
    refused = await intake.client.post(
        f"{disclosures(case)}/{asked.json()['id']}/decision",
        json={"decision": "ditolak", "reason": "Belum ada Surat Tugas yang sah"},
        headers=custodian,
    )
    assert refused.json()["state"] == "ditolak"
    read = await intake.client.get(f"/api/v1/tenants/bps-3603/cases/{case}/identity", headers=auditor)
    assert read.status_code == 403
    assert read.json()["pesan"]
    assert [a for a, _, _ in await intake.audit("bps-3603", case)][-2:] == [
        "identity.disclosure-decided",
        "identity.read-refused",
    ]


async def test_an_officer_who_asked_cannot_decide_their_own_request(intake: Intake) -> None:
    case, _ = await recorded_in_tangerang(intake)
    both = intake.officer("bps-3603", Role.KETUA_TIM, Role.CUSTODIAN, officer="ketua-1")
    asked = await intake.client.post(disclosures(case), json={"reason": REASON}, headers=both)
    own = await intake.client.post(
        f"{disclosures(case)}/{asked.json()['id']}/decision",
        json={"decision": "disetujui", "reason": "Saya setujui sendiri"},
        headers=both,
    )
    assert own.status_code == 403
    assert own.json()["errors"][0]["code"] == "own-request"


async def test_a_report_without_identity_says_so_and_another_tenant_sees_nothing(intake: Intake) -> None:
    case, _ = await recorded_in_tangerang(intake, identity=None)
    penelaah = intake.officer("bps-3603", Role.PENELAAH, officer="penelaah-3")
    asked = await intake.client.post(disclosures(case), json={"reason": REASON}, headers=penelaah)
    assert asked.status_code == 409
    assert asked.json()["errors"][0]["code"] == "no-identity"
    assert "anonim" in asked.json()["pesan"]
    elsewhere = intake.officer("bps-3674", Role.PENELAAH, officer="penelaah-3")
    hidden = await intake.client.post(
        f"/api/v1/tenants/bps-3674/cases/{case}/identity-disclosures", json={"reason": REASON}, headers=elsewhere
    )
    assert hidden.status_code == 404  # a case of another body is not there


async def test_reading_the_list_of_cases_requests_is_for_those_who_may_ask(intake: Intake) -> None:
    case, _ = await recorded_in_tangerang(intake)
    petugas = intake.officer("bps-3603", Role.PETUGAS_PENGADUAN)
    assert (await intake.client.get(disclosures(case), headers=petugas)).status_code == 404


# -- the petugas' page ---------------------------------------------------------------------------


def csrf_token(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


async def test_the_page_keeps_what_was_typed_when_refused_and_shows_the_receipt_when_recorded(intake: Intake) -> None:
    petugas = intake.officer("bps-3600", Role.PETUGAS_PENGADUAN)
    shown = await intake.client.get("/petugas/bps-3600/catat", headers=petugas)
    assert shown.status_code == 200
    assert 'value="bps-3603"' in shown.text  # the bodies below, to forward to
    assert 'value="web"' not in shown.text  # the web form is the reporter's own
    # The CSRF cookie is Secure: the test's plain-HTTP client sends it as a browser over HTTPS would.
    petugas = petugas | {"Cookie": f"wbs_csrf={shown.cookies['wbs_csrf']}"}
    form = {
        "csrf": csrf_token(shown.text),
        "channel": "kotak-saran",
        "received_on": (local_today() + timedelta(days=1)).isoformat(),
        "forward_to": "bps-3674",
        "category": "kkn",
        "what": "Catatan dari kotak saran tentang pungutan",
        "identitas_nama": "",
    }
    refused = await intake.client.post("/petugas/bps-3600/catat", data=form, headers=petugas)
    assert refused.status_code == 422
    assert 'id="error-received_on"' in refused.text
    assert "Catatan dari kotak saran tentang pungutan" in refused.text  # nothing typed is lost

    recorded = await intake.client.post(
        "/petugas/bps-3600/catat", data=form | {"received_on": local_today().isoformat()}, headers=petugas
    )
    assert recorded.status_code == 201
    assert "BPS Kota Tangerang Selatan" in recorded.text
    assert 'action="/lapor/tanda-terima"' in recorded.text
    number = re.search(r'id="registration-number">([^<]+)<', recorded.text)
    assert number is not None
    assert await intake.case_id(number.group(1))

    without_token = await intake.client.post("/petugas/bps-3600/catat", data=form | {"csrf": "x"}, headers=petugas)
    assert without_token.status_code == 403
