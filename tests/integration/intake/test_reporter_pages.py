"""The reporter's pages and the JSON API's new fields, over HTTP against real PostgreSQL and a
real broker: the chooser, a body's page, the form (nothing typed is lost), the review with its
completeness, the receipt and its PDF, signing in with number and secret or pseudonym and
password (throttled), the status page, identity added later, signing out."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pypdfium2 as pdfium
import pytest
from sqlalchemy import text

from tests.support.events import case_registered
from tests.support.infrastructure import Infrastructure
from tests.support.publish import publish
from tests.support.services import migrated_database, running, settings_for, topic
from tests.support.tenants import demo_configuration, publish_tenant
from tests.support.waiting import eventually
from wbs_contracts.registry import CASE_REGISTERED
from wbs_intake.adapters.db import SqlIntakeUnitOfWork, metadata
from wbs_intake.entrypoint import PROGRAM, IntakeSettings, build
from wbs_runtime.crypto import ensure_tenant_keys
from wbs_runtime.service import ServiceRuntime

STRONG = "kopi jendela sungai biru"


@dataclass
class Site:
    runtime: ServiceRuntime[SqlIntakeUnitOfWork]
    client: httpx.AsyncClient
    infra: Infrastructure

    async def csrf(self, path: str = "/pantau") -> str:
        return csrf_of((await self.client.get(path)).text)

    async def query(self, sql: str, **values: Any) -> list[Any]:
        async with self.runtime.sessionmaker() as session:
            return list((await session.execute(text(sql), values)).all())


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def hidden_fields(html: str, form_id: str) -> dict[str, str]:
    form = html[html.index(f'id="{form_id}"') :]
    form = form[: form.index("</form>")]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def text_of(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html)
    assert found, element_id
    return found.group(1).strip()


@pytest.fixture(scope="module")
async def site(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Site]:
    keys = tmp_path_factory.mktemp("keys")
    for tenant in ("bps-1700", "bps-3600", "bps-3603"):
        ensure_tenant_keys(keys, tenant)
    url = await migrated_database(infra, "intake", PROGRAM.migrations, metadata)
    settings = settings_for(
        IntakeSettings,
        infra,
        url,
        keys,
        insecure_cookies=True,
        status_free_attempts=2,
        status_lock_after=4,
        public_url="https://wbs.example.go.id",
    )
    runtime = build(settings)
    async with running(runtime) as client:
        for tenant in ("bps", "bps-1700", "bps-3600", "bps-3603", "kpk"):
            await publish_tenant(infra, demo_configuration(tenant))

        async def all_offered() -> bool:
            listed = {t["id"] for t in (await client.get("/api/v1/tenants")).json()}
            return {"bps", "bps-1700", "bps-3600", "bps-3603"} <= listed

        await eventually(all_offered, what="the bodies offered")
        yield Site(runtime, client, infra)


def report_fields(marker: str, **changes: str) -> dict[str, str]:
    fields = {
        "kategori": "korupsi-gratifikasi",
        "apa": f"Pungutan liar {marker} pada layanan data",
        "di_mana": "Ruang PST",
        "kapan": "Oktober 2026",
        "siapa": "Petugas layanan",
        "bagaimana": "Meminta uang tunai",
        "kerugian": "1.500.000",
        "terlapor_baris": "1",
        "terlapor-0-nama": f"Budi {marker}",
        "terlapor-0-nip": "198001012005011001",
        "terlapor-0-jabatan": "Statistisi",
        "terlapor-0-unit_kerja": "PST",
    }
    fields.update(changes)
    return fields


async def review(site: Site, fields: dict[str, str], tenant: str = "bps-1700") -> httpx.Response:
    token = await site.csrf(f"/lapor/{tenant}")
    return await site.client.post(f"/lapor/{tenant}", data={**fields, "csrf": token, "langkah": "periksa"})


async def send(site: Site, reviewed: httpx.Response, tenant: str = "bps-1700", **extra: str) -> httpx.Response:
    fields = hidden_fields(reviewed.text, "send-form")
    return await site.client.post(f"/lapor/{tenant}", data={**fields, "langkah": "kirim", **extra})


async def test_the_chooser_shows_the_bodies_by_hierarchy_and_no_agency(site: Site) -> None:
    page = await site.client.get("/")
    assert page.status_code == 200
    html = page.text
    assert 'href="/lapor/bps-1700"' in html
    assert "/lapor/kpk" not in html  # an agency takes no reports
    # BPS Kabupaten Tangerang sits under BPS Provinsi Banten, which sits under BPS.
    banten = html.index('href="/lapor/bps-3600"')
    assert html.index('href="/lapor/bps"') < banten < html.index('href="/lapor/bps-3603"')
    assert "<ul>" in html[banten : html.index('href="/lapor/bps-3603"')]
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert "http" not in re.sub(r'href="/[^"]*"', "", html.split("<body>")[0]).replace("http-equiv", "")


async def test_a_bodys_page_shows_its_categories_and_how_long_each_step_takes(site: Site) -> None:
    page = await site.client.get("/lapor/bps-1700")
    assert page.status_code == 200
    assert "Korupsi/Gratifikasi" in page.text
    assert "paling lama 5 hari kerja" in page.text  # the policy's tindak-lanjut-tim
    assert "SOP penanganan pengaduan" in page.text
    site.client.cookies.set("wbs_bahasa", "en")
    try:
        english = await site.client.get("/lapor/bps-1700")
    finally:
        site.client.cookies.delete("wbs_bahasa")
    assert "Corruption/Gratuities" in english.text
    assert "at most 5 working days" in english.text
    assert (await site.client.get("/lapor/kpk")).status_code == 404


async def test_a_refused_field_loses_nothing_the_reporter_typed(site: Site) -> None:
    marker = f"m-{uuid.uuid4().hex[:8]}"
    without_token = await site.client.post("/lapor/bps-1700", data=report_fields(marker))
    assert without_token.status_code == 403
    refused = await review(site, report_fields(marker, kerugian="satu juta", kontak="0812 3456"))
    assert refused.status_code == 422
    html = refused.text
    assert "Tulis jumlah dalam rupiah dengan angka" in html
    assert 'id="kerugian"' in html
    assert 'value="satu juta"' in html
    assert f"Pungutan liar {marker} pada layanan data" in html
    assert f'value="Budi {marker}"' in html
    assert 'value="0812 3456"' in html
    assert re.search(r'id="kerugian"[^>]*aria-invalid="true"', html)

    token = csrf_of(html)
    more = await site.client.post(
        "/lapor/bps-1700", data={**report_fields(marker), "csrf": token, "langkah": "tambah-terlapor"}
    )
    assert more.status_code == 200
    assert 'name="terlapor-1-nama"' in more.text
    assert f'value="Budi {marker}"' in more.text

    reviewed = await review(site, report_fields(marker))
    back = await site.client.post(
        "/lapor/bps-1700", data={**hidden_fields(reviewed.text, "send-form"), "langkah": "ubah"}
    )
    assert back.status_code == 200
    assert f"Pungutan liar {marker} pada layanan data" in back.text
    assert 'value="1.500.000"' in back.text


async def test_a_report_goes_from_form_to_receipt_pdf_status_and_identity(site: Site) -> None:
    marker = f"rahasia-{uuid.uuid4().hex[:8]}"
    before = len(await site.query("SELECT id FROM report"))
    reviewed = await review(site, report_fields(marker))
    assert reviewed.status_code == 200
    assert 'data-actionable="true"' in reviewed.text
    assert "Rp 1.500.000" in reviewed.text
    assert "Bukti" in reviewed.text  # what would make it more complete
    drawn = hidden_fields(reviewed.text, "send-form")["rahasia"]

    receipt = await send(site, reviewed)
    assert receipt.status_code == 200
    assert receipt.headers["cache-control"] == "no-store"
    number = text_of(receipt.text, "receipt-number")
    secret = text_of(receipt.text, "receipt-secret")
    assert number.startswith("WBS-")
    assert secret == drawn
    assert "tidak dapat dipulihkan" in receipt.text
    # The browser sends the same form again (a reload after a lost answer): the same receipt, one report.
    again = await send(site, reviewed)
    assert text_of(again.text, "receipt-number") == number
    assert text_of(again.text, "receipt-secret") == secret
    assert len(await site.query("SELECT id FROM report")) == before + 1

    pdf_form = hidden_fields(receipt.text, "receipt-pdf-form")
    assert pdf_form["registration_number"] == number
    document = await site.client.post("/lapor/tanda-terima", data=pdf_form)
    assert document.status_code == 200
    assert document.headers["content-type"] == "application/pdf"
    assert document.headers["cache-control"] == "no-store"
    pdf = pdfium.PdfDocument(document.content)
    try:
        printed = pdf[0].get_textpage().get_text_range()
    finally:
        pdf.close()
    assert number in printed
    assert secret in printed
    assert "BPS Provinsi Bengkulu" in printed
    assert "https://wbs.example.go.id/pantau" in printed
    assert marker not in printed
    assert "Pungutan" not in printed
    wrong = await site.client.post("/lapor/tanda-terima", data={**pdf_form, "secret": "00000-00000-00000-00000-00000"})
    assert wrong.status_code == 404
    assert wrong.headers["content-type"].startswith("text/html")

    token = await site.csrf()
    signed_in = await site.client.post(
        "/pantau", data={"csrf": token, "cara": "kode", "registration_number": number.lower(), "secret": secret}
    )
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/pantau/laporan"
    assert "wbs_pelapor" in site.client.cookies
    status = await site.client.get("/pantau/laporan")
    assert status.status_code == 200
    assert number in status.text
    assert 'data-kind="diterima"' in status.text
    assert 'href="/pantau/kotak"' in status.text
    assert 'href="/pantau/bukti"' in status.text

    (report_id,) = (await site.query("SELECT id FROM report WHERE registration_number = :n", n=number))[0]
    await publish(
        site.infra.bootstrap_servers, topic(site.infra, CASE_REGISTERED.topic), case_registered(case_id=report_id)
    )

    async def registered() -> bool:
        return 'data-kind="terdaftar"' in (await site.client.get("/pantau/laporan")).text

    await eventually(registered, what="the status page shows terdaftar")
    assert "Laporan dicatat" in (await site.client.get("/pantau/laporan")).text

    token = csrf_of(status.text)
    bad = await site.client.post(
        "/pantau/identitas", data={"csrf": token, "identitas_nama": f"Siti {marker}", "identitas_email": "siti@"}
    )
    assert bad.status_code == 422
    assert f'value="Siti {marker}"' in bad.text
    given = await site.client.post(
        "/pantau/identitas",
        data={"csrf": token, "identitas_nama": f"Siti {marker}", "identitas_nip": "199001012015012001"},
    )
    assert given.status_code == 303
    kept = await site.query("SELECT sealed::text FROM reporter_identity WHERE report_id = :r", r=report_id)
    assert len(kept) == 1
    assert marker not in kept[0][0]
    assert "tersegel sejak" in (await site.client.get("/pantau/laporan?pesan=identitas")).text

    out = await site.client.post("/pantau/keluar", data={"csrf": token})
    assert out.status_code == 303
    assert "wbs_pelapor" not in site.client.cookies
    gone = await site.client.get("/pantau/laporan")
    assert gone.status_code == 303
    assert gone.headers["location"] == "/pantau?pesan=berakhir"


async def test_a_report_short_of_what_where_and_when_is_sent_after_the_reporter_confirms(site: Site) -> None:
    fields = report_fields("x", di_mana="", kapan="")
    reviewed = await review(site, fields)
    assert 'data-actionable="false"' in reviewed.text
    assert "di mana terjadi, kapan terjadi" in reviewed.text
    refused = await send(site, reviewed)
    assert refused.status_code == 422
    assert "Centang kotak ini" in refused.text
    receipt = await send(site, refused, lengkap_dikonfirmasi="ya")
    assert receipt.status_code == 200
    assert text_of(receipt.text, "receipt-number").startswith("WBS-")


async def test_a_reporter_follows_a_report_with_a_pseudonym_and_password(site: Site) -> None:
    site.client.cookies.delete("wbs_pelapor")
    pseudonym = f"Elang {uuid.uuid4().hex[:6]}"
    reviewed = await review(site, report_fields("p"))
    weak = await send(
        site,
        reviewed,
        kredensial="samaran",
        nama_samaran=pseudonym,
        kata_sandi="password123",
        ulangi_kata_sandi="password123",
    )
    assert weak.status_code == 422
    assert "mudah ditebak" in weak.text
    assert 'id="password-advice"' in weak.text
    assert f'value="{pseudonym}"' in weak.text  # the pseudonym is kept, the password is not
    assert "password123" not in weak.text

    receipt = await send(
        site, weak, kredensial="samaran", nama_samaran=pseudonym, kata_sandi=STRONG, ulangi_kata_sandi=STRONG
    )
    assert receipt.status_code == 200
    number = text_of(receipt.text, "receipt-number")
    assert 'id="receipt-secret"' not in receipt.text
    assert "wbs_pelapor" in site.client.cookies  # signed in: no secret to type
    kept = await site.query("SELECT pseudonym_digest, password_hash FROM reporter_pseudonym")
    assert all(pseudonym.lower().encode() not in digest for digest, _ in kept)
    assert any(password_hash.startswith("$argon2id$") for _, password_hash in kept)

    document = await site.client.post("/lapor/tanda-terima", data=hidden_fields(receipt.text, "receipt-pdf-form"))
    assert document.headers["content-type"] == "application/pdf"
    pdf = pdfium.PdfDocument(document.content)
    try:
        printed = pdf[0].get_textpage().get_text_range()
    finally:
        pdf.close()
    assert number in printed
    assert pseudonym not in printed
    assert STRONG not in printed

    token = csrf_of(receipt.text)
    await site.client.post("/pantau/keluar", data={"csrf": token})
    taken = await send(
        site,
        await review(site, report_fields("q")),
        kredensial="samaran",
        nama_samaran=pseudonym.upper(),
        kata_sandi="another long passphrase",
        ulangi_kata_sandi="another long passphrase",
    )
    assert taken.status_code == 422
    assert "sudah dipakai" in taken.text

    token = await site.csrf()
    for _ in range(4):
        wrong = await site.client.post(
            "/pantau", data={"csrf": token, "cara": "samaran", "nama_samaran": pseudonym, "kata_sandi": "salah salah"}
        )
        assert wrong.status_code in {401, 429}
    throttled = await site.client.post(
        "/pantau", data={"csrf": token, "cara": "samaran", "nama_samaran": pseudonym, "kata_sandi": STRONG}
    )
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) >= 1
    assert f'value="{pseudonym}"' in throttled.text

    other = f"Rajawali {uuid.uuid4().hex[:6]}"
    second = await send(
        site,
        await review(site, report_fields("r")),
        kredensial="samaran",
        nama_samaran=other,
        kata_sandi=STRONG,
        ulangi_kata_sandi=STRONG,
    )
    second_number = text_of(second.text, "receipt-number")
    await site.client.post("/pantau/keluar", data={"csrf": token})
    signed_in = await site.client.post(
        "/pantau", data={"csrf": token, "cara": "samaran", "nama_samaran": f"  {other.upper()} ", "kata_sandi": STRONG}
    )
    assert signed_in.status_code == 303
    assert second_number in (await site.client.get("/pantau/laporan")).text
    await site.client.post("/pantau/keluar", data={"csrf": token})


async def test_the_api_takes_terlapor_identity_and_a_pseudonym(site: Site) -> None:
    marker = f"api-{uuid.uuid4().hex[:8]}"
    body: dict[str, Any] = {
        "tenant": "bps-1700",
        "category": "korupsi-gratifikasi",
        "what": "Pungutan liar",
        "where": "Ruang PST",
        "when": "Oktober 2026",
        "terlapor": [{"nama": "Budi", "nip": "198001012005011001", "jabatan": "Statistisi", "unit_kerja": "PST"}],
        "identity": {"nama": f"Siti {marker}", "email": "siti@example.org"},
        "pseudonym": f"Merpati {marker}",
        "password": STRONG,
    }
    weak = await site.client.post("/api/v1/reports", json={**body, "password": "Indonesia1945"})
    assert weak.status_code == 422
    (problem,) = weak.json()["errors"]
    assert problem["field"] == "password"
    assert "mudah ditebak" in problem["pesan"]
    assert "easy to guess" in problem["message"]

    created = await site.client.post("/api/v1/reports", json=body)
    assert created.status_code == 201, created.text
    receipt = created.json()
    assert receipt["pseudonym"] is True
    assert receipt["secret"] is None
    assert receipt["actionable"] is True
    (report_id,) = (
        await site.query("SELECT id FROM report WHERE registration_number = :n", n=receipt["registration_number"])
    )[0]
    assert await site.query("SELECT 1 FROM reporter_identity WHERE report_id = :r", r=report_id)
    assert await site.query("SELECT 1 FROM reporter_pseudonym WHERE report_id = :r", r=report_id)
    again = await site.client.post("/api/v1/reports", json={**body, "pseudonym": body["pseudonym"].upper()})
    assert again.status_code == 422
    assert again.json()["errors"][0]["code"] == "taken"

    # The reporter signs in through the API with pseudonym and password, as on the pages.
    wrong = await site.client.post(
        "/api/v1/reporter/session", json={"pseudonym": body["pseudonym"], "password": STRONG + "x"}
    )
    assert wrong.status_code == 404
    assert "Nama samaran" in wrong.json()["pesan"]
    both = {"pseudonym": body["pseudonym"], "password": STRONG, "registration_number": "WBS-0000-0000-0000"}
    assert (await site.client.post("/api/v1/reporter/session", json=both)).status_code == 422
    signed_in = await site.client.post(
        "/api/v1/reporter/session", json={"pseudonym": body["pseudonym"].lower(), "password": STRONG}
    )
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json()["registration_number"] == receipt["registration_number"]
    site.client.cookies.clear()

    short = {"tenant": "bps-1700", "category": "lainnya", "what": "Ada pungutan"}
    refused = await site.client.post("/api/v1/reports", json=short)
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} == {"where", "when"}
    accepted = await site.client.post("/api/v1/reports", json={**short, "incomplete_confirmed": True})
    assert accepted.status_code == 201
    assert accepted.json()["actionable"] is False
    assert set(accepted.json()["completeness"]["missing"]) >= {"where", "when", "who", "how"}
