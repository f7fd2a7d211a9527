"""The telaah over HTTP, against real PostgreSQL and a real broker: reports registered from the
topic are indexed for related reports (a reworded duplicate is found, an unrelated report is not,
another tenant's identical report is never shown); the registration record, the five steps and the
notes are kept sealed and audited; the substance opens only for the entitled; and no table of the
telaah holds a word of what was written."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from tests.integration.triage.test_kotak import Triage
from tests.support.events import report_submitted
from tests.support.infrastructure import Infrastructure
from tests.support.publish import publish
from tests.support.services import migrated_database, running, settings_for, topic
from tests.support.waiting import eventually
from tests.unit.triage.test_related import REPORT, REWORDED, UNRELATED
from wbs_contracts.events.intake import ReportedOfficial, ReportSubstanceV1
from wbs_contracts.registry import REPORT_SUBMITTED
from wbs_contracts.roles import Role
from wbs_contracts.sealed import Audience
from wbs_runtime.auth.keys import issue_assertion_keys
from wbs_runtime.crypto import KeyRing, ensure_tenant_keys
from wbs_triage.adapters.db import (
    case_registration_table,
    metadata,
    related_digest_table,
    related_signature_table,
    telaah_checklist_table,
    telaah_note_table,
)
from wbs_triage.entrypoint import PROGRAM, TriageSettings, build

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


async def report(triage: Triage, body: str, what: str, *, terlapor: tuple[ReportedOfficial, ...] = ()) -> uuid.UUID:
    """A report submitted on the topic with its substance sealed as intake seals it; registered."""
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

    opened = (await triage.client.get(f"{base}/telaah", headers=penelaah)).json()
    assert MARKER in opened["substance"]["what"]
    assert opened["registration"]["perihal"] == f"Pungutan {MARKER}"
    assert opened["registration"]["tanggal_surat"] == "2026-03-02"
    assert [s["done"] for s in opened["checklist"]] == [True, False, False, False, False]
    assert opened["checklist"][0]["note"] == f"Inti {MARKER}"
    assert [n["text"] for n in opened["notes"]] == [f"Catatan {MARKER}"]
    assert opened["keputusan_href"] == f"/perkara/{body}/{case}/keputusan"

    history = (await triage.client.get(f"{base}/riwayat", headers=penelaah)).json()
    actions = [h["action"] for h in history]
    for action in (
        "case.registration-read",
        "case.registration-updated",
        "telaah.step-recorded",
        "telaah.note-added",
        "case.substance-read",
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
