"""The telaah over HTTP, against real PostgreSQL and a real broker: reports registered from the
topic are indexed for related reports (a reworded duplicate is found, an unrelated report is not,
another tenant's identical report is never shown); the registration record, the five steps and the
notes are kept sealed and audited; the substance opens only for the entitled; and no table of the
telaah holds a word of what was written."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select, update

from tests.integration.triage.test_kotak import Triage
from tests.support.events import report_submitted
from tests.support.infrastructure import Infrastructure
from tests.support.officers import officer_headers
from tests.support.publish import publish
from tests.support.services import migrated_database, running, settings_for, topic
from tests.support.teams import dispose, staff
from tests.support.tenants import demo_configuration, keep_in
from tests.support.waiting import eventually
from tests.unit.triage.test_related import REPORT, REWORDED, UNRELATED
from wbs_contracts.events.intake import EvidenceAddedV1, EvidenceKeyV1, ReportedOfficial, ReportSubstanceV1
from wbs_contracts.registry import EVIDENCE_ADDED, REPORT_SUBMITTED
from wbs_contracts.roles import Role
from wbs_contracts.sealed import Audience
from wbs_runtime.auth.keys import issue_assertion_keys
from wbs_runtime.crypto import KeyRing, ensure_tenant_keys
from wbs_runtime.crypto.reseal import reseal_column
from wbs_triage.adapters.db import (
    case_registration_table,
    case_table,
    metadata,
    related_digest_table,
    related_signature_table,
    telaah_checklist_table,
    telaah_note_table,
)
from wbs_triage.domain.agenda import agenda_entry
from wbs_triage.domain.case import Case
from wbs_triage.domain.related import BANDS
from wbs_triage.entrypoint import (
    CHECKLISTS_AT_REST,
    NOTES_AT_REST,
    PROGRAM,
    REGISTRATIONS_AT_REST,
    TriageSettings,
    build,
    reindex_related,
)

#: Written into every text of one report: it must never be found in a table.
MARKER = "Zulkarnaenmarker"
NIP = "198001012005011001"


@pytest.fixture(scope="module")
async def triage(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Triage]:
    key_root = tmp_path_factory.mktemp("keys")
    issue_assertion_keys(key_root, ["directory", "triage"])
    keys = key_root / "triage"
    url = await migrated_database(infra, "triage", PROGRAM.migrations, metadata, label="_telaah")
    runtime = build(settings_for(TriageSettings, infra, url, keys))
    async with running(runtime) as client:
        yield Triage(runtime, infra, keys, client)


def tenant() -> str:
    return f"satker-{uuid.uuid4().hex[:6]}"


#: The officers each body's pimpinan disposes its cases to (``officer-1`` is ``triage.officer``'s).
ROSTER = {"officer-1": [Role.PENELAAH], "penelaah-2": [Role.PENELAAH], "ketua-1": [Role.KETUA_TIM]}
_staffed: set[str] = set()


def named(triage: Triage, body: str, officer: str, role: Role) -> dict[str, str]:
    return officer_headers(triage.keys.parent, "triage", {body: (role,)}, officer=officer, name=officer.title())


async def disposed(triage: Triage, body: str, case: uuid.UUID, *team: str) -> None:
    """The body's pimpinan disposes ``case`` to ketua-1 with ``team`` (replacing any team it had)."""
    if body not in _staffed:
        await keep_in(triage.runtime, demo_configuration("bps-1700").model_copy(update={"tenant_id": body}))
        await staff(triage.infra, triage.runtime, body, ROSTER)
        _staffed.add(body)
    await dispose(triage.client, triage.officer(body, Role.PIMPINAN_SATKER), body, case, "ketua-1", *team)


async def report(
    triage: Triage,
    body: str,
    what: str,
    *,
    terlapor: tuple[ReportedOfficial, ...] = (),
    team: tuple[str, ...] = ("officer-1",),
) -> uuid.UUID:
    """A report submitted on the topic with its substance sealed as intake seals it; registered,
    and disposed to a team with ``team`` on it (the penelaah ``triage.officer`` signs in as)."""
    ensure_tenant_keys(triage.keys, body)

    async def keys_loaded() -> bool:  # the service reloads its key directory every few seconds
        return triage.runtime.keyring.can_seal(body, Audience.CASE_SUBSTANCE)

    await eventually(keys_loaded, what="the tenant's keys loaded")
    case = uuid.uuid4()
    substance = ReportSubstanceV1(what=what, where="Kantor dinas", when="Maret 2026", who="", how="", terlapor=terlapor)
    sealed = KeyRing.from_directory(triage.keys).seal(body, Audience.CASE_SUBSTANCE, substance, case=case)
    event = report_submitted(tenant=body, case_id=case, substance=sealed)
    await publish(triage.infra.bootstrap_servers, topic(triage.infra, REPORT_SUBMITTED.topic), event)
    reader = triage.officer(body, Role.PENELAAH)

    async def registered() -> bool:
        return (await triage.client.get(f"/api/v1/tenants/{body}/cases/{case}", headers=reader)).status_code == 200

    await eventually(registered, what="the case registered")
    if team:
        await disposed(triage, body, case, *team)
    return case


def workspace_of(body: str, case: uuid.UUID) -> str:
    return f"/api/v1/tenants/{body}/cases/{case}/telaah"


async def test_a_reworded_duplicate_is_related_an_unrelated_report_and_another_tenants_are_not(
    triage: Triage,
) -> None:
    body, other = tenant(), tenant()
    mine = await report(triage, body, REPORT)
    duplicate = await report(triage, body, REWORDED)
    unrelated = await report(triage, body, UNRELATED)
    elsewhere = await report(triage, other, REPORT)  # the very same words, in another tenant
    penelaah = triage.officer(body, Role.PENELAAH)

    shown = await triage.client.get(workspace_of(body, mine), headers=penelaah)
    assert shown.status_code == 200, shown.text
    [related] = shown.json()["related"]
    assert related["case_id"] == str(duplicate)
    assert related["reasons"] == ["teks-mirip"]
    assert 40 <= related["similarity_percent"] < 100
    assert related["href"] == f"/perkara/{body}/{duplicate}"
    listed = {r["case_id"] for r in shown.json()["related"]}
    assert str(unrelated) not in listed
    assert str(elsewhere) not in listed

    theirs = await triage.client.get(workspace_of(other, elsewhere), headers=triage.officer(other, Role.PENELAAH))
    assert theirs.json()["related"] == []


async def test_the_same_official_or_unit_relates_reports_once_the_record_names_them(triage: Triage) -> None:
    body = tenant()
    first = await report(triage, body, UNRELATED, terlapor=(ReportedOfficial(nama="Budi Santoso", nip=NIP),))
    second = await report(triage, body, REPORT)
    third = await report(triage, body, "Absensi pegawai honorer dipalsukan setiap bulan oleh atasannya.")
    penelaah = triage.officer(body, Role.PENELAAH)
    assert (await triage.client.get(workspace_of(body, second), headers=penelaah)).json()["related"] == []

    # The petugas completes the record: the NIP written with spaces, the name with titles, the unit.
    record = {
        "perihal": "Pungutan dana BOS",
        "unit_terlapor": "Dinas Pendidikan",
        "terlapor": [{"nama": "Drs. Budi Santoso, M.Si.", "nip": "1980 0101 200501 1 001"}],
    }
    petugas = triage.officer(body, Role.PETUGAS_PENGADUAN)
    saved = await triage.client.put(f"/api/v1/tenants/{body}/cases/{second}/registration", json=record, headers=petugas)
    assert saved.status_code == 200, saved.text
    assert saved.json()["recorded"] is True
    unit_only = {"unit_terlapor": "DINAS  pendidikan"}
    assert (
        await triage.client.put(f"/api/v1/tenants/{body}/cases/{third}/registration", json=unit_only, headers=petugas)
    ).status_code == 200

    related = (await triage.client.get(workspace_of(body, second), headers=penelaah)).json()["related"]
    assert {r["case_id"]: r["reasons"] for r in related} == {
        str(first): ["nip-sama", "nama-sama"],
        str(third): ["unit-sama"],
    }


async def test_the_record_steps_and_notes_are_sealed_audited_and_for_the_entitled_only(triage: Triage) -> None:
    body = tenant()
    case = await report(triage, body, f"{REPORT} {MARKER}", terlapor=(ReportedOfficial(nama=MARKER, nip=NIP),))
    base = f"/api/v1/tenants/{body}/cases/{case}"
    penelaah = {**triage.officer(body, Role.PENELAAH), "X-Correlation-ID": "telaah-1"}
    petugas = triage.officer(body, Role.PETUGAS_PENGADUAN)

    # The petugas may complete the record but not open the substance; another tenant sees nothing.
    draft = await triage.client.get(f"{base}/registration", headers=petugas)
    assert draft.status_code == 200
    assert draft.json()["recorded"] is False
    assert draft.json()["terlapor"][0]["nama"] == MARKER
    denied = await triage.client.get(f"{base}/telaah", headers=petugas)
    assert denied.status_code == 403
    assert set(denied.json()) >= {"pesan", "message"}
    assert MARKER not in denied.text
    stranger = triage.officer(tenant(), Role.PENELAAH)
    assert (await triage.client.get(f"/api/v1/tenants/{body}/cases/{case}/telaah", headers=stranger)).status_code == 404

    record = {
        "tanggal_surat": "2026-03-02",
        "perihal": f"Pungutan {MARKER}",
        "unit_terlapor": f"Bidang {MARKER}",
        "terlapor": [
            {"nama": MARKER, "nip": NIP, "alamat": f"Jalan {MARKER}", "jabatan": "Kepala", "instansi": "Dinas"}
        ],
    }
    assert (await triage.client.put(f"{base}/registration", json=record, headers=petugas)).status_code == 200
    too_long = await triage.client.put(f"{base}/registration", json={"perihal": "x" * 501}, headers=petugas)
    assert too_long.status_code == 422
    assert set(too_long.json()) >= {"pesan", "message"}
    future = await triage.client.put(f"{base}/registration", json={"tanggal_surat": "2999-01-01"}, headers=petugas)
    assert future.status_code == 422
    assert future.json()["errors"][0]["field"] == "tanggal_surat"

    step = await triage.client.put(
        f"{base}/telaah/checklist/pokok-masalah", json={"done": True, "note": f"Inti {MARKER}"}, headers=penelaah
    )
    assert step.status_code == 200, step.text
    assert step.json()["wording"] == "Merumuskan pokok permasalahan"
    assert (
        await triage.client.put(f"{base}/telaah/checklist/langkah-lain", json={"done": True}, headers=penelaah)
    ).status_code == 422
    assert (
        await triage.client.put(f"{base}/telaah/checklist/simpulan", json={"done": True}, headers=petugas)
    ).status_code == 403
    note = await triage.client.post(f"{base}/telaah/notes", json={"text": f"Catatan {MARKER}"}, headers=penelaah)
    assert note.status_code == 201, note.text
    assert (await triage.client.post(f"{base}/telaah/notes", json={"text": " "}, headers=penelaah)).status_code == 422

    key = EvidenceKeyV1(file_key="a2V5", file_name="kuitansi.pdf", content_type="application/pdf")
    added = EvidenceAddedV1(
        report_id=case,
        evidence_id=uuid.uuid4(),
        blob="blob-1",
        size_bytes=1234,
        key=KeyRing.from_directory(triage.keys).seal(body, Audience.CASE_SUBSTANCE, key, case=case),
        added_at=datetime.now(UTC),
    )
    envelope = EVIDENCE_ADDED.envelope(added, tenant=body, subject=str(case), time=added.added_at, correlation_id="e")
    await publish(triage.infra.bootstrap_servers, topic(triage.infra, EVIDENCE_ADDED.topic), envelope)

    async def with_evidence() -> dict[str, Any] | None:
        shown: dict[str, Any] = (await triage.client.get(f"{base}/telaah", headers=penelaah)).json()
        return shown if shown["evidence"] else None

    opened = await eventually(with_evidence, what="the evidence file in the workspace")
    assert MARKER in opened["substance"]["what"]
    assert opened["registration"]["perihal"] == f"Pungutan {MARKER}"
    assert opened["registration"]["tanggal_surat"] == "2026-03-02"
    assert [s["done"] for s in opened["checklist"]] == [True, False, False, False, False]
    assert opened["checklist"][0]["note"] == f"Inti {MARKER}"
    assert [n["text"] for n in opened["notes"]] == [f"Catatan {MARKER}"]
    assert opened["keputusan_href"] == f"/perkara/{body}/{case}/keputusan"
    [listed] = opened["evidence"]  # the files' listing (its own entry on the trail)
    assert (listed["name"], listed["size_bytes"]) == ("kuitansi.pdf", 1234)
    assert listed["href"] == f"{base}/evidence/{listed['id']}"

    history = (await triage.client.get(f"{base}/riwayat", headers=penelaah)).json()
    actions = [h["action"] for h in history]
    for action in (
        "case.registration-read",
        "case.registration-updated",
        "telaah.step-recorded",
        "telaah.note-added",
        "case.substance-read",
        "evidence.list",
    ):
        assert action in actions, action
    # Only the penelaah opened the substance (the petugas was refused, and nothing was recorded).
    assert {h["role"] for h in history if h["action"] == "case.substance-read"} == {"penelaah"}

    # Nothing the officers or the reporter wrote is in the clear in any table of the telaah.
    async with triage.runtime.sessionmaker() as session:
        for table in (
            case_registration_table,
            telaah_checklist_table,
            telaah_note_table,
            related_digest_table,
            related_signature_table,
        ):
            rows: list[Any] = list((await session.execute(select(table))).all())
            assert rows, table.name
            dumped = " ".join(str(r._mapping) for r in rows)
            for secret in (MARKER, MARKER.lower(), NIP, "Pungutan", "Kepala bagian"):
                assert secret not in dumped, (table.name, secret)


async def test_only_the_cases_team_its_ketua_and_the_pimpinan_open_the_workspace(triage: Triage) -> None:
    body = tenant()
    case = await report(triage, body, REPORT, team=())  # registered, not disposed yet
    url = workspace_of(body, case)
    penelaah = triage.officer(body, Role.PENELAAH)  # officer-1
    other = named(triage, body, "penelaah-2", Role.PENELAAH)

    # Before the disposition no penelaah opens it; the pimpinan and a ketua tim do.
    refused = await triage.client.get(url, headers=penelaah)
    assert refused.status_code == 403
    assert "disposisi" in refused.json()["pesan"]
    assert "disposed" in refused.json()["message"]
    assert "Kepala bagian" not in refused.text
    pimpinan = named(triage, body, "pimpinan-1", Role.PIMPINAN_SATKER)
    for entitled in (pimpinan, named(triage, body, "ketua-2", Role.KETUA_TIM)):
        opened = await triage.client.get(url, headers=entitled)
        assert opened.status_code == 200, opened.text
        assert opened.json()["substance"]["what"] == REPORT

    await disposed(triage, body, case, "officer-1")
    assert (await triage.client.get(url, headers=penelaah)).status_code == 200
    assert (await triage.client.get(url, headers=other)).status_code == 403
    step = {"done": True, "note": "Pokok masalah."}
    assert (await triage.client.put(f"{url}/checklist/pokok-masalah", json=step, headers=other)).status_code == 403
    assert (await triage.client.post(f"{url}/notes", json={"text": "Catatan."}, headers=other)).status_code == 403

    # The record names the terlapor, the instruction may speak of the matter: the same rule, but the
    # petugas who completes records reads every record, and sees who the team is, never the instruction.
    record = f"/api/v1/tenants/{body}/cases/{case}/registration"
    assert (await triage.client.get(record, headers=penelaah)).status_code == 200
    assert (await triage.client.get(record, headers=other)).status_code == 403
    assert (await triage.client.put(record, json={"perihal": "Pungli"}, headers=other)).status_code == 403
    petugas = triage.officer(body, Role.PETUGAS_PENGADUAN)
    assert (await triage.client.get(record, headers=petugas)).status_code == 200
    dispositions = f"/api/v1/tenants/{body}/cases/{case}/disposition"
    [seen_by_petugas] = (await triage.client.get(dispositions, headers=petugas)).json()
    assert seen_by_petugas["instruksi"] is None
    assert [seat["officer_id"] for seat in seen_by_petugas["team"]] == ["ketua-1", "officer-1"]
    [seen_by_team] = (await triage.client.get(dispositions, headers=penelaah)).json()
    assert seen_by_team["instruksi"] == "Telaah laporan ini."

    # Disposed again to penelaah-2: officer-1, taken off the team, is refused from then on.
    await disposed(triage, body, case, "penelaah-2")
    assert (await triage.client.get(record, headers=penelaah)).status_code == 403
    assert (await triage.client.get(url, headers=penelaah)).status_code == 403
    assert (await triage.client.put(f"{url}/checklist/pokok-masalah", json=step, headers=penelaah)).status_code == 403
    assert (await triage.client.get(url, headers=other)).status_code == 200
    assert (await triage.client.put(f"{url}/checklist/pokok-masalah", json=step, headers=other)).status_code == 200
    history = (await triage.client.get(f"/api/v1/tenants/{body}/cases/{case}/riwayat", headers=other)).json()
    readers = sorted(h["actor"] for h in history if h["action"] == "case.substance-read")
    assert readers == ["ketua-2", "officer-1", "penelaah-2", "pimpinan-1"]  # each refusal opened nothing


def csrf_of(page: httpx.Response) -> tuple[str, str]:
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    return page.cookies["wbs_csrf"], token.group(1)


async def test_the_pencatatan_page_shows_the_draft_and_its_form_keeps_the_record(triage: Triage) -> None:
    body = tenant()
    case = await report(triage, body, REPORT, terlapor=(ReportedOfficial(nama="Budi Santoso", nip=NIP),))
    petugas = triage.officer(body, Role.PETUGAS_PENGADUAN)
    path = f"/perkara/{body}/{case}/pencatatan"
    page = await triage.client.get(path, headers=petugas)
    assert page.status_code == 200, page.text
    assert 'id="draft"' in page.text
    assert 'id="reporter-identity"' in page.text
    assert 'value="Budi Santoso"' in page.text
    assert 'id="registration-form"' in page.text
    cookie, token = csrf_of(page)
    form = {
        "csrf": token,
        "tanggal_surat": "2026-03-02",
        "perihal": "Pungutan dana BOS",
        "unit_terlapor": "Dinas Pendidikan",
        "nama-0": "Budi Santoso",
        "nip-0": NIP,
        "jabatan-0": "Kepala Bagian Keuangan",
        "nama-1": "",
        "nip-1": "",
    }
    headers = {**petugas, "Cookie": f"wbs_csrf={cookie}"}
    wrong = await triage.client.post(path, data={**form, "tanggal_surat": "2-3-2026"}, headers=headers)
    assert wrong.status_code == 422
    assert "Tanggal surat tidak dikenali" in wrong.text
    saved = await triage.client.post(path, data=form, headers=headers)
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"{path}?disimpan=pencatatan"
    after = await triage.client.get(saved.headers["location"], headers=petugas)
    assert "Pencatatan disimpan." in after.text
    assert 'id="draft"' not in after.text
    assert 'value="Pungutan dana BOS"' in after.text
    assert 'value="Kepala Bagian Keuangan"' in after.text
    assert 'value="2026-03-02"' in after.text

    # The pimpinan satker reads the record without a form; the auditor may not read it; another tenant sees nothing.
    pimpinan = await triage.client.get(path, headers=triage.officer(body, Role.PIMPINAN_SATKER))
    assert pimpinan.status_code == 200
    assert 'id="registration-form"' not in pimpinan.text
    html = {"Accept": "text/html"}
    assert (await triage.client.get(path, headers={**triage.officer(body, Role.AUDITOR), **html})).status_code == 403
    assert (await triage.client.get(path, headers=triage.officer(tenant(), Role.PENELAAH))).status_code == 404
    # The case page leads to the workspace and the record.
    case_page = await triage.client.get(f"/perkara/{body}/{case}", headers=petugas)
    assert f'href="/perkara/{body}/{case}/telaah"' in case_page.text
    assert f'href="{path}"' in case_page.text


async def test_the_workspace_page_refuses_the_petugas_and_its_forms_keep_steps_and_notes(triage: Triage) -> None:
    body = tenant()
    case = await report(triage, body, REPORT)
    path = f"/perkara/{body}/{case}/telaah"
    refused = await triage.client.get(
        path, headers={**triage.officer(body, Role.PETUGAS_PENGADUAN), "Accept": "text/html"}
    )
    assert refused.status_code == 403
    assert "Kepala bagian" not in refused.text
    penelaah = triage.officer(body, Role.PENELAAH)
    page = await triage.client.get(path, headers=penelaah)
    assert page.status_code == 200
    assert "Kepala bagian keuangan" in page.text
    cookie, token = csrf_of(page)
    headers = {**penelaah, "Cookie": f"wbs_csrf={cookie}"}
    step = {"csrf": token, "langkah": "kelengkapan-bukti", "selesai": "ya", "catatan": "Bukti transfer belum ada."}
    saved = await triage.client.post(f"{path}/langkah", data=step, headers=headers)
    assert saved.status_code == 303, saved.text
    empty = await triage.client.post(f"{path}/catatan", data={"csrf": token, "teks": " "}, headers=headers)
    assert empty.status_code == 422
    assert "Tulis catatan terlebih dahulu." in empty.text
    noted = await triage.client.post(
        f"{path}/catatan", data={"csrf": token, "teks": "Hubungi pelapor."}, headers=headers
    )
    assert noted.status_code == 303
    after = await triage.client.get(path, headers=penelaah)
    assert 'id="langkah-kelengkapan-bukti" data-done="ya"' in after.text
    assert "Bukti transfer belum ada." in after.text
    assert "Hubungi pelapor." in after.text
    # The ketua tim opens the substance but the checklist is the penelaah's.
    ketua = await triage.client.get(path, headers=triage.officer(body, Role.KETUA_TIM))
    assert ketua.status_code == 200
    assert 'name="langkah"' not in ketua.text
    # A penelaah not on the case's team is refused the page, in both languages, and its forms.
    html = {"Accept": "text/html"}
    not_on_team = named(triage, body, "penelaah-2", Role.PENELAAH)
    outside = await triage.client.get(path, headers={**not_on_team, **html})
    assert outside.status_code == 403
    assert "disposisi" in outside.text
    assert "Kepala bagian" not in outside.text
    posted = await triage.client.post(
        f"{path}/langkah", data=step, headers={**not_on_team, **html, "Cookie": f"wbs_csrf={cookie}"}
    )
    assert posted.status_code == 403
    assert "disposisi" in posted.text


async def test_the_reseal_command_covers_the_record_the_checklist_and_the_notes(triage: Triage) -> None:
    body = tenant()
    case = await report(triage, body, REPORT)
    base = f"/api/v1/tenants/{body}/cases/{case}"
    penelaah = triage.officer(body, Role.PENELAAH)
    await triage.client.put(f"{base}/registration", json={"perihal": "Pungutan"}, headers=penelaah)
    await triage.client.put(f"{base}/telaah/checklist/simpulan", json={"done": True}, headers=penelaah)
    for text in ("satu", "dua"):
        await triage.client.post(f"{base}/telaah/notes", json={"text": text}, headers=penelaah)
    ring = KeyRing.from_directory(triage.keys, [Audience.CASE_SUBSTANCE])
    counts = [
        await reseal_column(triage.runtime.sessionmaker, ring, target, body)
        for target in (REGISTRATIONS_AT_REST, CHECKLISTS_AT_REST, NOTES_AT_REST)
    ]
    # Each row opens with the column's model and is found current (no key was rotated).
    assert [(c.current, c.failed) for c in counts] == [(1, 0), (1, 0), (2, 0)]


async def test_reports_registered_in_one_batch_are_each_indexed_once(triage: Triage) -> None:
    body = tenant()
    ensure_tenant_keys(triage.keys, body)

    async def keys_loaded() -> bool:
        return triage.runtime.keyring.can_seal(body, Audience.CASE_SUBSTANCE)

    await eventually(keys_loaded, what="the tenant's keys loaded")
    sealing = KeyRing.from_directory(triage.keys)
    events = []
    for n in range(6):
        case = uuid.uuid4()
        what = f"{UNRELATED} Paket {n}" if n % 2 else f"{REPORT} Paket {n}"
        substance = ReportSubstanceV1(what=what, where="Kantor", when="2026", who="", how="")
        sealed = sealing.seal(body, Audience.CASE_SUBSTANCE, substance, case=case)
        events.append(report_submitted(tenant=body, case_id=case, substance=sealed))
    submitted = topic(triage.infra, REPORT_SUBMITTED.topic)
    for event in [*events, events[0]]:  # the first delivered twice
        await publish(triage.infra.bootstrap_servers, submitted, event)
    cases = [e.data.report_id for e in events]

    async def indexed() -> list[Any] | None:
        async with triage.runtime.sessionmaker() as session:
            query = select(related_signature_table.c.case_id).where(related_signature_table.c.case_id.in_(cases))
            found = list((await session.execute(query)).scalars())
        return found if len(found) == len(cases) else None

    await eventually(indexed, what="every case indexed")
    async with triage.runtime.sessionmaker() as session:
        query = select(related_digest_table.c.case_id).where(related_digest_table.c.case_id.in_(cases))
        digests = list((await session.execute(query)).scalars())
    assert sorted(map(str, digests)) == sorted(str(c) for c in cases for _ in range(BANDS))  # one per band
    pimpinan = triage.officer(body, Role.PIMPINAN_SATKER)  # opens a case not disposed yet
    related = await triage.client.get(workspace_of(body, cases[0]), headers=pimpinan)
    assert {r["case_id"] for r in related.json()["related"]} == {str(cases[2]), str(cases[4])}


async def test_cases_registered_before_the_index_are_indexed_by_the_operators_command(triage: Triage) -> None:
    body = tenant()
    indexed = await report(triage, body, REWORDED)
    # A case indexed under a key the service no longer holds: it says it is indexed, and nothing
    # kept for it matches (here: nothing kept at all).
    older = uuid.uuid4()
    substance = ReportSubstanceV1(what=REPORT, where="Kantor", when="2026", who="", how="")
    sealed = KeyRing.from_directory(triage.keys).seal(body, Audience.CASE_SUBSTANCE, substance, case=older)
    async with triage.runtime.unit_of_work() as uow:
        await uow.cases.add(
            Case(
                id=older,
                tenant=body,
                category="lainnya",
                channel="surat",
                received_at=datetime.now(UTC),
                agenda=agenda_entry(body, 99, datetime.now(UTC), ZoneInfo("Asia/Jakarta")),
                sealed_substance=sealed.model_dump(mode="json"),
            )
        )
        await uow.commit()
    async with triage.runtime.unit_of_work() as uow:
        await uow.session.execute(update(case_table).where(case_table.c.id == older).values(related_indexed=True))
        await uow.commit()
    penelaah = triage.officer(body, Role.PENELAAH)
    assert (await triage.client.get(workspace_of(body, indexed), headers=penelaah)).json()["related"] == []

    settings = triage.runtime.settings
    assert isinstance(settings, TriageSettings)
    assert await reindex_related(settings, [body]) == 0
    related = (await triage.client.get(workspace_of(body, indexed), headers=penelaah)).json()["related"]
    assert [(r["case_id"], r["reasons"]) for r in related] == [(str(older), ["teks-mirip"])]


async def test_the_index_takes_up_each_registered_case_beside_the_consumer(triage: Triage) -> None:
    """Registering does not wait for the index: a background round indexes each new case soon
    after, with nobody opening a workspace, and marks it so no round takes it again."""
    body = tenant()
    cases = [await report(triage, body, text) for text in (REPORT, REWORDED)]

    async def indexed() -> bool:
        async with triage.runtime.unit_of_work() as uow:
            marked = await uow.session.execute(select(case_table.c.related_indexed).where(case_table.c.id.in_(cases)))
            signed = await uow.session.execute(
                select(related_signature_table.c.case_id).where(related_signature_table.c.case_id.in_(cases))
            )
            return all(marked.scalars()) and len(list(signed.scalars())) == len(cases)

    await eventually(indexed, what="both cases indexed in the background")
    async with triage.runtime.unit_of_work() as uow:
        assert await uow.related.unindexed(tenant=body, limit=10) == []
