"""What the team records while the audit runs, against real PostgreSQL and a real broker: a Berita
Acara Klarifikasi with its files (sealed, the files encrypted in the vault, their own names sealed
too), and the evidence register whose chain of custody names who added, viewed or exported each
item and when. Refused records change nothing; an auditor not on the team is refused with the
reason; another tenant's officer sees nothing; the pages take the same records from a form."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select, text

from tests.support.audits import BODY, OTHER_BODY, Audits, running_audits
from tests.support.infrastructure import Infrastructure
from wbs_contracts.roles import Role
from wbs_investigation.adapters.db import clarification_table, evidence_custody_table

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def audits(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Audits]:
    key_root = tmp_path_factory.mktemp("keys")
    async for running in running_audits(infra, key_root, tmp_path_factory.mktemp("blobs"), "_audit_records"):
        yield running


CLARIFICATION = {
    "heard_name": "Budi Santoso",
    "heard_position": "Pejabat Pembuat Komitmen",
    "held_at": "2026-11-10T09:30",
    "place": "Ruang rapat Inspektorat",
    "statement": "Barang belum diterima saat pembayaran dilakukan atas perintah atasan.",
    "signed_by": "Budi Santoso\nDewi",
}


async def documents_of(audits: Audits, case_id: uuid.UUID) -> int:
    async with audits.runtime.unit_of_work() as uow:
        return len(await uow.documents.of_case(case_id))


async def test_a_clarification_is_recorded_with_its_files_sealed_and_encrypted(audits: Audits) -> None:
    case_id = await audits.assigned_case("dewi", "inspektur", "eko", sequence=31)
    url = audits.api(case_id, "clarifications")
    files = [
        ("files", ("BAK Budi Santoso ttd.pdf", b"%PDF-1.4 berita acara Budi", "application/pdf")),
        ("files", ("foto-gudang-kosong.jpg", b"\xff\xd8 gudang kosong", "image/jpeg")),
    ]
    recorded = await audits.client.post(url, data=CLARIFICATION, files=files, headers=audits.auditor("eko"))
    assert recorded.status_code == 201, recorded.text
    shown = recorded.json()
    assert (shown["heard_name"], shown["signed_by"]) == ("Budi Santoso", ["Budi Santoso", "Dewi"])
    assert shown["held_at"].startswith("2026-11-10T09:30:00+07:00")  # the body's zone
    assert [f["file_name"] for f in shown["files"]] == ["BAK Budi Santoso ttd.pdf", "foto-gudang-kosong.jpg"]

    listed = await audits.client.get(url, headers=audits.auditor("dewi"))
    assert [c["statement"] for c in listed.json()] == [CLARIFICATION["statement"]]
    first_file = shown["files"][0]["document_id"]
    download = await audits.client.get(audits.api(case_id, f"documents/{first_file}"), headers=audits.inspektur)
    assert download.content == b"%PDF-1.4 berita acara Budi"
    # At rest: the record sealed, the files' names neither in the register nor in the blobs.
    async with audits.runtime.sessionmaker() as session:
        row = (await session.execute(select(clarification_table).where(clarification_table.c.case_id == case_id))).one()
        titles = (
            await session.execute(
                text("SELECT title FROM case_document WHERE case_id = :c AND kind = 'berita-acara-klarifikasi'"),
                {"c": case_id},
            )
        ).scalars()
        titles_seen = sorted(titles)
    assert "Budi" not in str(row.sealed)
    assert titles_seen == ["BAK-1 lampiran 1.pdf", "BAK-1 lampiran 2.jpg"]
    assert b"berita acara" not in (audits.blobs / "investigation" / first_file).read_bytes()

    # Refused: nothing kept, no file stored.
    before = await documents_of(audits, case_id)
    unsigned = {**CLARIFICATION, "signed_by": " "}
    refused = await audits.client.post(url, data=unsigned, files=files, headers=audits.auditor("eko"))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "signed_by"
    no_time = {**CLARIFICATION, "held_at": "kemarin"}
    assert (await audits.client.post(url, data=no_time, headers=audits.auditor("eko"))).status_code == 422
    outsider = await audits.client.post(url, data=CLARIFICATION, files=files, headers=audits.auditor("fajar"))
    assert outsider.status_code == 403
    assert "tim" in outsider.json()["pesan"]
    assert "team" in outsider.json()["message"]
    pimpinan = audits.officer("pimpinan", Role.PIMPINAN_SATKER)  # reads the audit, records nothing
    assert (await audits.client.get(url, headers=pimpinan)).status_code == 200
    assert (await audits.client.post(url, data=CLARIFICATION, headers=pimpinan)).status_code == 403
    assert await documents_of(audits, case_id) == before
    assert len((await audits.client.get(url, headers=audits.inspektur)).json()) == 1
    elsewhere = audits.officer("eko", Role.AUDITOR, tenant=OTHER_BODY)
    assert (
        await audits.client.get(audits.api(case_id, "clarifications", OTHER_BODY), headers=elsewhere)
    ).status_code == 404
    assert (await audits.client.get(url, headers=elsewhere)).status_code == 404


async def test_clarifications_wait_for_the_surat_tugas(audits: Audits) -> None:
    case_id = await audits.decided_case(sequence=32)
    early = await audits.client.post(
        audits.api(case_id, "clarifications"), data=CLARIFICATION, headers=audits.inspektur
    )
    assert early.status_code == 409
    assert "Surat Tugas" in early.json()["pesan"]


async def test_the_evidence_register_keeps_who_added_viewed_and_exported_each_item(audits: Audits) -> None:
    case_id = await audits.assigned_case("dewi", "inspektur", "eko", sequence=33)
    url = audits.api(case_id, "evidence")
    contract = {
        "title": "Kontrak pengadaan alat kesehatan",
        "description": "Salinan kontrak dan addendum",
        "source": "Bagian Umum Dinas Kesehatan",
        "obtained_on": "2026-11-11",
    }
    added = await audits.client.post(
        url,
        data=contract,
        files={"file": ("kontrak.pdf", b"%PDF kontrak", "application/pdf")},
        headers=audits.auditor("dewi"),
    )
    assert added.status_code == 201, added.text
    item = added.json()
    assert (item["number"], item["file_name"]) == ("B-1", "kontrak.pdf")
    plain = {"title": "Keterangan saksi gudang", "obtained_on": "2026-11-12"}
    second = await audits.client.post(url, data=plain, headers=audits.auditor("eko"))
    assert (second.status_code, second.json()["number"], second.json()["document_id"]) == (201, "B-2", None)
    undated = await audits.client.post(url, data={"title": "Tanpa tanggal"}, headers=audits.auditor("eko"))
    assert (undated.status_code, undated.json()["errors"][0]["field"]) == (422, "obtained_on")

    # Opened by Eko, exported by the Inspektur to the prosecutor; an export names its recipient.
    opened = await audits.client.get(audits.api(case_id, f"evidence/{item['id']}/file"), headers=audits.auditor("eko"))
    assert (opened.status_code, opened.content) == (200, b"%PDF kontrak")
    assert 'filename="kontrak.pdf"' in opened.headers["content-disposition"]
    unnamed = await audits.client.post(
        audits.api(case_id, f"evidence/{item['id']}/export"), json={"recipient": " "}, headers=audits.inspektur
    )
    assert unnamed.status_code == 422
    exported = await audits.client.post(
        audits.api(case_id, f"evidence/{item['id']}/export"),
        json={"recipient": "Kejaksaan Tinggi Bengkulu"},
        headers=audits.inspektur,
    )
    assert (exported.status_code, exported.content) == (200, b"%PDF kontrak")
    through_documents = await audits.client.get(
        audits.api(case_id, f"documents/{item['document_id']}"), headers=audits.auditor("dewi")
    )
    assert through_documents.status_code == 200
    # An auditor not on the team opens nothing, and leaves no trace in the custody.
    refused = await audits.client.get(
        audits.api(case_id, f"evidence/{item['id']}/file"), headers=audits.auditor("fajar")
    )
    assert refused.status_code == 403
    missing = await audits.client.get(audits.api(case_id, f"evidence/{uuid.uuid4()}/file"), headers=audits.inspektur)
    assert missing.status_code == 404

    register = (await audits.client.get(url, headers=audits.officer("pimpinan", Role.PIMPINAN_SATKER))).json()
    assert [(i["number"], i["title"]) for i in register["items"]] == [
        ("B-1", "Kontrak pengadaan alat kesehatan"),
        ("B-2", "Keterangan saksi gudang"),
    ]
    custody = [(c["evidence_id"], c["action"], c["officer_id"], c["recipient"]) for c in register["custody"]]
    assert custody == [
        (item["id"], "ditambahkan", "dewi", ""),
        (second.json()["id"], "ditambahkan", "eko", ""),
        (item["id"], "dilihat", "eko", ""),
        (item["id"], "diekspor", "inspektur", "Kejaksaan Tinggi Bengkulu"),
        (item["id"], "dilihat", "dewi", ""),
    ]
    async with audits.runtime.sessionmaker() as session:
        rows = (
            await session.execute(
                select(evidence_custody_table.c.at).where(evidence_custody_table.c.case_id == case_id)
            )
        ).scalars()
        assert all(at is not None for at in rows)
    async with audits.runtime.unit_of_work() as uow:
        actions = [e.action for e in await uow.audit.history(BODY, "case", str(case_id))]
    assert {
        "audit.evidence-added",
        "audit.evidence-viewed",
        "audit.evidence-exported",
        "audit.document-downloaded",
    } <= set(actions)


async def test_the_pages_record_a_clarification_and_an_item_from_their_forms(audits: Audits) -> None:
    case_id = await audits.assigned_case("dewi", "inspektur", sequence=34)
    dewi = audits.auditor("dewi")
    page = await audits.client.get(f"/audit/{BODY}/{case_id}/klarifikasi", headers=dewi)
    assert page.status_code == 200
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    files = {"files": ("bak.pdf", b"%PDF bak", "application/pdf")}
    sent = await audits.client.post(
        f"/audit/{BODY}/{case_id}/klarifikasi",
        data={**CLARIFICATION, "csrf": token.group(1)},
        files=files,
        headers=dewi,
    )
    assert sent.status_code == 303, sent.text
    shown = await audits.client.get(sent.headers["location"], headers=dewi)
    assert CLARIFICATION["statement"] in shown.text
    assert 'id="notice"' in shown.text
    forged = await audits.client.post(
        f"/audit/{BODY}/{case_id}/klarifikasi", data={**CLARIFICATION, "csrf": "palsu"}, files=files, headers=dewi
    )
    assert forged.status_code == 403
    refused = await audits.client.post(
        f"/audit/{BODY}/{case_id}/bukti",
        data={"title": "", "obtained_on": "2026-11-12", "csrf": token.group(1)},
        headers=dewi,
    )
    assert refused.status_code == 422
    assert "Tuliskan nama bukti." in refused.text
    assert len((await audits.client.get(audits.api(case_id, "evidence"), headers=dewi)).json()["items"]) == 0
