"""The audit plan against real PostgreSQL and a real broker: the roster reaches investigation from
``officer-roles``; the Inspektur issues the Surat Tugas with a team from it (anything else refused in
both languages, nothing kept); the letter is a PDF encrypted in the vault that the team downloads;
the case moves to pelaksanaan; a new Surat Tugas replaces the team. The team opens the report and
the telaah's conclusion on the plan page and writes the programme; an auditor not on the team is
refused with the reason, another tenant's officer sees nothing (404); every reading and change is
on the trail."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pypdfium2 as pdfium
import pytest
from sqlalchemy import select

from tests.support.audits import BODY, CONCLUSION, OTHER_BODY, REPORT, Audits, running_audits, surat_tugas
from tests.support.infrastructure import Infrastructure
from wbs_contracts.roles import Role
from wbs_investigation.adapters.db import case_file_table, surat_tugas_table

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def audits(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Audits]:
    key_root = tmp_path_factory.mktemp("keys")
    async for running in running_audits(infra, key_root, tmp_path_factory.mktemp("blobs"), "_audit_plan"):
        yield running


def pdf_text(content: bytes) -> str:
    pdf = pdfium.PdfDocument(content)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


async def status_of(audits: Audits, case_id: uuid.UUID) -> str:
    async with audits.runtime.sessionmaker() as session:
        statement = select(case_file_table.c.status).where(case_file_table.c.case_id == case_id)
        return str((await session.execute(statement)).scalar_one())


async def trail(audits: Audits, case_id: uuid.UUID) -> list[str]:
    async with audits.runtime.unit_of_work() as uow:
        return [e.action for e in await uow.audit.history(BODY, "case", str(case_id))]


async def test_the_inspektur_issues_the_surat_tugas_with_a_team_from_the_roster(audits: Audits) -> None:
    case_id = await audits.decided_case(sequence=21)
    plan = audits.api(case_id, "plan")
    async with audits.runtime.unit_of_work() as uow:  # the roster reached investigation from directory
        assert {e.officer_id for e in await uow.roster.of_tenant(BODY)} >= {"inspektur", "dewi", "eko", "gita"}

    # Only the Inspektur (ketua-tim role) issues it; an auditor may not, even for themselves.
    as_auditor = await audits.client.post(plan, json=surat_tugas("dewi", "eko"), headers=audits.auditor("dewi"))
    assert as_auditor.status_code == 403
    assert "Inspektur" in as_auditor.json()["pesan"]
    assert "Inspektur" in as_auditor.json()["message"]
    # A penelaah is no auditor; a seat twice is one officer too many; dates out of order.
    for wrong, field in (
        (surat_tugas("dewi", "gita"), "pengendali_teknis"),
        (surat_tugas("dewi", "dewi"), "pengendali_teknis"),
        ({**surat_tugas("dewi", "eko"), "ends_on": "2026-11-01"}, "ends_on"),
        ({**surat_tugas("dewi", "eko"), "budget": "dua puluh juta"}, "budget"),
    ):
        refused = await audits.client.post(plan, json=wrong, headers=audits.inspektur)
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == field
        assert refused.json()["pesan"] != refused.json()["message"]
    async with audits.runtime.unit_of_work() as uow:
        assert await uow.teams.of_case(case_id) == []
        assert await uow.surat_tugas.of_case(case_id) == []
        assert await uow.documents.of_case(case_id) == []
    assert await status_of(audits, case_id) == "perencanaan"

    issued = await audits.client.post(
        plan, json=surat_tugas("dewi", "inspektur", "eko", number="700/ST-21/ITPROV/2026"), headers=audits.inspektur
    )
    assert issued.status_code == 201, issued.text
    letter = issued.json()
    assert [(m["officer_id"], m["seat"]) for m in letter["team"]] == [
        ("dewi", "ketua-tim"),
        ("inspektur", "pengendali-teknis"),
        ("eko", "anggota"),
    ]
    assert (letter["budget_idr"], letter["issued_by"]) == (25_000_000, "inspektur")
    assert await status_of(audits, case_id) == "pelaksanaan"

    # The letter is a PDF, encrypted at rest, that the team downloads through the vault.
    blob = audits.blobs / "investigation" / letter["document_id"]
    assert blob.is_file()
    assert b"700/ST-21" not in blob.read_bytes()
    download = await audits.client.get(
        audits.api(case_id, f"documents/{letter['document_id']}"), headers=audits.auditor("eko")
    )
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;")
    printed = pdf_text(download.content)
    for expected in ("SURAT TUGAS", "700/ST-21/ITPROV/2026", "Dewi", "Ketua Tim", "Pengendali Teknis", "Rp 25.000.000"):
        assert expected in printed
    assert "Pengadaan alat kesehatan" not in printed  # the report stays out of the letter

    # The number is the body's own: not twice.
    again = await audits.client.post(
        plan, json=surat_tugas("dewi", "eko", number="700/ST-21/ITPROV/2026"), headers=audits.inspektur
    )
    assert (again.status_code, again.json()["errors"][0]["field"]) == (422, "number")

    # A new Surat Tugas replaces the team; both letters stay.
    replaced = await audits.client.post(
        plan, json=surat_tugas("eko", "fajar", number="700/ST-21a/ITPROV/2026"), headers=audits.inspektur
    )
    assert replaced.status_code == 201, replaced.text
    async with audits.runtime.unit_of_work() as uow:
        assert {m.officer_id for m in await uow.teams.of_case(case_id)} == {"eko", "fajar"}
    async with audits.runtime.sessionmaker() as session:
        numbers = (
            await session.execute(select(surat_tugas_table.c.number).where(surat_tugas_table.c.case_id == case_id))
        ).scalars()
        assert sorted(numbers) == ["700/ST-21/ITPROV/2026", "700/ST-21a/ITPROV/2026"]
    # Dewi left the team: the audit's files are closed to her now.
    assert (await audits.client.get(plan, headers=audits.auditor("dewi"))).status_code == 403
    assert [a for a in await trail(audits, case_id) if a.startswith("audit.surat")] == [
        "audit.surat-tugas-issued",
        "audit.surat-tugas-issued",
    ]


async def test_the_team_opens_the_report_and_the_conclusion_and_writes_the_programme(audits: Audits) -> None:
    case_id = await audits.decided_case(sequence=22)
    plan, programme = audits.api(case_id, "plan"), audits.api(case_id, "programme")
    # Before the Surat Tugas: the Inspektur reads the plan, the programme waits for the team.
    ahead = await audits.client.put(programme, json={"regulations": "UU 31/1999"}, headers=audits.inspektur)
    assert ahead.status_code == 409
    assert "Surat Tugas" in ahead.json()["pesan"]
    issued = await audits.client.post(
        plan, json=surat_tugas("dewi", "inspektur", number="700/ST-22/ITPROV/2026"), headers=audits.inspektur
    )
    assert issued.status_code == 201

    shown = await audits.client.get(plan, headers=audits.auditor("dewi"))
    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert body["report"]["what"] == REPORT.what
    assert body["report"]["terlapor"][0]["nama"] == "Budi Santoso"
    assert body["conclusion"]["conclusion"] == CONCLUSION.conclusion
    assert [m["officer_id"] for m in body["team"]] == ["dewi", "inspektur"]
    assert body["candidates"] == []  # whom a Surat Tugas may name: for the Inspektur only
    offered = (await audits.client.get(plan, headers=audits.inspektur)).json()["candidates"]
    assert [c["officer_id"] for c in offered] == ["dewi", "eko", "fajar", "inspektur"]

    # An auditor not on the team: refused with the reason; the pimpinan reads; another body: 404.
    outsider = await audits.client.get(plan, headers=audits.auditor("fajar"))
    assert outsider.status_code == 403
    assert "Surat Tugas" in outsider.json()["pesan"]
    assert "Surat Tugas" in outsider.json()["message"]
    assert REPORT.what not in outsider.text
    assert (await audits.client.get(plan, headers=audits.officer("pimpinan", Role.PIMPINAN_SATKER))).status_code == 200
    petugas = audits.officer("petugas", Role.PETUGAS_PENGADUAN)  # reads cases, but not an audit's
    assert (await audits.client.get(plan, headers=petugas)).status_code == 403
    elsewhere = audits.officer("dewi", Role.AUDITOR, tenant=OTHER_BODY)
    assert (await audits.client.get(audits.api(case_id, "plan", OTHER_BODY), headers=elsewhere)).status_code == 404
    assert (await audits.client.get(plan, headers=elsewhere)).status_code == 404
    assert (await audits.client.get(audits.api(uuid.uuid4(), "plan"), headers=audits.inspektur)).status_code == 404

    written = {
        "regulations": "UU 31/1999 jo. UU 20/2001; Perpres 16/2018",
        "evidence_to_obtain": "Kontrak, SP2D, BAST",
        "methods": "Penelusuran dokumen, konfirmasi",
        "parties": "PPK, penyedia, bendahara",
    }
    saved = await audits.client.put(programme, json=written, headers=audits.auditor("dewi"))
    assert saved.status_code == 200, saved.text
    assert saved.json()["programme"] == written
    assert (await audits.client.put(programme, json=written, headers=audits.auditor("fajar"))).status_code == 403
    empty = await audits.client.put(programme, json={}, headers=audits.auditor("dewi"))
    assert empty.status_code == 422
    assert (await audits.client.get(plan, headers=audits.inspektur)).json()["programme"] == written

    actions = await trail(audits, case_id)
    assert actions.count("audit.plan-read") >= 3
    assert "audit.programme-saved" in actions
    # The trail names what was done, never what it says.
    async with audits.runtime.unit_of_work() as uow:
        history = await uow.audit.history(BODY, "case", str(case_id))
    assert "Kontrak" not in str([e.details for e in history])


async def test_the_plan_page_shows_the_report_to_the_team_and_the_form_to_the_inspektur(audits: Audits) -> None:
    case_id = await audits.decided_case(sequence=23)
    page = f"/audit/{BODY}/{case_id}/rencana"
    inspektur_view = await audits.client.get(page, headers=audits.inspektur)
    assert inspektur_view.status_code == 200
    assert 'id="surat-tugas-form"' in inspektur_view.text
    assert REPORT.what in inspektur_view.text
    # The form offers the active auditors and ketua tim of the roster, not the penelaah.
    assert 'value="dewi"' in inspektur_view.text
    assert 'value="gita"' not in inspektur_view.text
    berkas = await audits.client.get(f"/audit/{BODY}/{case_id}", headers=audits.inspektur)
    assert f'href="/audit/{BODY}/{case_id}/rencana"' in berkas.text
    refused = await audits.client.get(page, headers=audits.auditor("dewi"))  # no team yet
    assert refused.status_code == 403
    assert "Surat Tugas" in refused.text
    assert REPORT.what not in refused.text
