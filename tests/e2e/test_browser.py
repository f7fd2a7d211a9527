"""A person uses the reporter's pages in a real browser (Debian's headless Chromium, driven by
Playwright), through the gateway, on a phone-sized screen and on a desktop: chooses a body,
writes a report (a refused amount loses nothing), reviews it, attaches a file (a disguised one is
refused and loses nothing), sends it, keeps the receipt and its
PDF (rendered to an image and checked: not blank, the number in it, nothing of the report), follows
the report to "Laporan dicatat", switches to English; and another person uses a pseudonym and
password instead. Screenshots go to the test's temporary folder (under .pytest-tmp)."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import asyncpg
import pypdfium2 as pdfium
import pytest
from playwright.async_api import Browser, BrowserContext, Page, ViewportSize, async_playwright, expect

from wbs_launcher.stack import Stack

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# CI installs Chromium (.ci/run); there a missing browser is a failure, not a skip.
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and os.environ.get("CI") != "true", reason="Debian's chromium is not installed"
)
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
STRONG = "kopi jendela sungai biru"


async def report_count(stack: Stack) -> int:
    connection = await asyncpg.connect(stack.database_urls["intake"])
    try:
        return int(await connection.fetchval("SELECT count(*) FROM report"))
    finally:
        await connection.close()


async def new_context(browser: Browser, stack: Stack, *, phone: bool) -> BrowserContext:
    context = await browser.new_context(viewport=PHONE if phone else DESKTOP, accept_downloads=True, is_mobile=phone)
    outside: list[str] = []
    context.on(
        "request", lambda request: None if request.url.startswith(stack.gateway_url) else outside.append(request.url)
    )
    context.outside_requests = outside  # type: ignore[attr-defined]
    return context


async def write_report(page: Page, stack: Stack, marker: str) -> None:
    await page.goto(f"{stack.gateway_url}/")
    await expect(page.locator('a[data-tenant="kpk"]')).to_have_count(0)  # an agency takes no reports
    await page.click('a[data-tenant="bps-1700"]')
    await expect(page.locator("#tenant-name")).to_have_text("BPS Provinsi Bengkulu")
    await expect(page.locator("#steps")).to_contain_text("paling lama 5 hari kerja")
    await page.select_option("#kategori", "korupsi-gratifikasi")
    await page.fill("#apa", f"Pungutan {marker} untuk penerbitan surat keterangan")
    await page.fill("#di_mana", "Loket layanan")
    await page.fill("#kapan", "Pekan lalu")
    await page.fill("#siapa", "Petugas loket")
    await page.fill("#terlapor-0-nama", f"Budi {marker}")
    await page.fill("#terlapor-0-jabatan", "Petugas loket")
    await page.click("#add-terlapor")
    await expect(page.locator("#terlapor-1-nama")).to_be_visible()
    await expect(page.locator("#terlapor-0-nama")).to_have_value(f"Budi {marker}")
    await page.fill("#terlapor-1-unit_kerja", "Subbagian Umum")
    await page.fill("#bagaimana", "Meminta uang tunai di luar tarif resmi")


def pdf_image_and_text(path: Path, image: Path) -> str:
    pdf = pdfium.PdfDocument(path.read_bytes())
    try:
        page = pdf[0]
        text = str(page.get_textpage().get_text_range())
        rendered = page.render(scale=1.5).to_pil().convert("L")
    finally:
        pdf.close()
    rendered.save(image)
    histogram = rendered.histogram()
    dark = sum(histogram[:128])
    assert dark > 0.005 * rendered.width * rendered.height, "the receipt is not blank"
    return text


async def test_a_person_reports_keeps_the_receipt_and_follows_the_report(stack: Stack, tmp_path: Path) -> None:
    assert CHROMIUM is not None, "Chromium is required in CI"
    marker = f"penanda-{uuid.uuid4().hex[:8]}"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = await new_context(browser, stack, phone=True)
        page = await context.new_page()
        await write_report(page, stack, marker)
        # The form says, as the reporter types, which elements are there (all but the loss).
        meter = page.locator("#completeness-live")
        await expect(meter).to_be_visible()
        await expect(meter.locator("li.given")).to_have_count(5)
        await expect(meter.locator("#completeness-minimum")).to_be_hidden()
        await page.fill("#kapan", "")
        await expect(meter.locator("#completeness-minimum")).to_be_visible()
        await page.fill("#kapan", "Pekan lalu")
        await page.fill("#kerugian", "satu juta")
        await expect(meter.locator("li.given")).to_have_count(6)
        await page.click("#review-button")
        # Refused, and nothing typed is lost.
        await expect(page.locator("#kerugian-error")).to_contain_text("Tulis jumlah dalam rupiah")
        await expect(page.locator("#kerugian")).to_have_attribute("aria-invalid", "true")
        await expect(page.locator("#apa")).to_have_value(f"Pungutan {marker} untuk penerbitan surat keterangan")
        await expect(page.locator("#terlapor-1-unit_kerja")).to_have_value("Subbagian Umum")
        await page.screenshot(path=str(tmp_path / "form-refused-phone.png"), full_page=True)
        await page.fill("#kerugian", "1.500.000")
        await page.click("#review-button")

        await expect(page.locator("#completeness")).to_have_attribute("data-actionable", "true")
        await expect(page.locator("#summary-amount")).to_have_text("Rp 1.500.000")
        await expect(page.locator("#pseudonym-fields")).to_be_hidden()  # the script hides what is not chosen
        await page.screenshot(path=str(tmp_path / "review-phone.png"), full_page=True)
        before = await report_count(stack)
        # A program dressed as a PDF is refused by its content; the report's text stays on the page.
        disguised = tmp_path / "kuitansi.pdf"
        disguised.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(4000))
        await page.set_input_files("#berkas", str(disguised))
        await page.click("#send-button")
        await expect(page.locator("#berkas-error")).to_be_visible()
        await expect(page.locator("#summary")).to_contain_text(marker)
        assert await report_count(stack) == before
        # A real file goes with the report, encrypted as it arrives.
        evidence = tmp_path / "catatan-kejadian.txt"
        evidence.write_text(f"Catatan kejadian {marker}\n", encoding="utf-8")
        await page.set_input_files("#berkas", str(evidence))
        await page.click("#send-button")
        await expect(page.locator("#tanda-terima")).to_be_visible()
        number = (await page.locator("#receipt-number").text_content() or "").strip()
        secret = (await page.locator("#receipt-secret").text_content() or "").strip()
        assert number.startswith("WBS-")
        assert len(secret.replace("-", "")) == 25
        await expect(page.locator("#receipt-warning")).to_contain_text("tidak dapat dipulihkan")
        assert await report_count(stack) == before + 1
        await page.screenshot(path=str(tmp_path / "receipt-phone.png"), full_page=True)

        async with page.expect_download() as downloading:
            await page.click("#receipt-pdf")
        download = await downloading.value
        pdf_path = tmp_path / "tanda-terima.pdf"
        await download.save_as(pdf_path)
        printed = pdf_image_and_text(pdf_path, tmp_path / "receipt-pdf.png")
        assert number in printed
        assert secret in printed
        assert "BPS Provinsi Bengkulu" in printed
        assert marker not in printed
        assert "Pungutan" not in printed

        await page.goto(f"{stack.gateway_url}/pantau")
        await page.fill("#registration_number", number)
        await page.fill("#secret", "SALAH-SALAH")
        await page.click("#sign-in-form button[type=submit]")
        await expect(page.locator("#sign-in-error")).to_contain_text("salah")
        await expect(page.locator("#registration_number")).to_have_value(number)
        await page.fill("#secret", secret)
        await page.click("#sign-in-form button[type=submit]")
        await expect(page.locator("#report-number")).to_have_text(number)
        for _ in range(40):
            if await page.locator('#timeline li[data-kind="terdaftar"]').count():
                break
            await page.wait_for_timeout(250)
            await page.reload()
        await expect(page.locator("#status-current")).to_have_text("Laporan dicatat")
        await expect(page.locator("#timeline li")).to_have_count(2)
        await expect(page.locator("#link-kotak")).to_have_attribute("href", "/pantau/kotak")
        await page.screenshot(path=str(tmp_path / "status-phone.png"), full_page=True)
        await page.goto(f"{stack.gateway_url}/pantau/bukti")
        await expect(page.locator("#evidence-files")).to_contain_text("catatan-kejadian.txt")
        await page.goto(f"{stack.gateway_url}/pantau/laporan")

        await page.click("#language-en")
        await expect(page.locator("#status-current")).to_have_text("Report registered")
        await expect(page.locator("html")).to_have_attribute("lang", "en")
        await page.screenshot(path=str(tmp_path / "status-en-phone.png"), full_page=True)

        # Nothing identifying is kept in the browser: no storage, only the session, form and language cookies.
        assert await page.evaluate("localStorage.length + sessionStorage.length") == 0
        cookies = {cookie["name"] for cookie in await context.cookies()}
        assert cookies <= {"wbs_csrf", "wbs_pelapor", "wbs_bahasa"}
        await page.click("#sign-out-form button[type=submit]")
        await expect(page.locator("#notice")).to_be_visible()
        assert context.outside_requests == []  # type: ignore[attr-defined]
        await context.close()
        await browser.close()


async def test_a_person_follows_a_report_with_a_pseudonym_and_password(stack: Stack, tmp_path: Path) -> None:
    assert CHROMIUM is not None, "Chromium is required in CI"
    marker = f"samaran-{uuid.uuid4().hex[:8]}"
    pseudonym = f"Elang {uuid.uuid4().hex[:6]}"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = await new_context(browser, stack, phone=False)
        page = await context.new_page()
        await write_report(page, stack, marker)
        await page.fill("#di_mana", "")  # short of where: accepted only once the reporter confirms
        await page.click("#review-button")
        await expect(page.locator("#completeness")).to_have_attribute("data-actionable", "false")
        await expect(page.locator("#missing")).to_contain_text("Di mana terjadi")
        await page.check("#kredensial-samaran")
        await expect(page.locator("#pseudonym-fields")).to_be_visible()
        await page.fill("#nama_samaran", pseudonym)
        await page.fill("#kata_sandi", "Indonesia1945")
        await page.fill("#ulangi_kata_sandi", "Indonesia1945")
        await page.click("#send-button")
        await expect(page.locator("#kata_sandi-error")).to_contain_text("mudah ditebak")
        await expect(page.locator("#password-advice")).to_be_visible()
        await expect(page.locator("#lengkap_dikonfirmasi-error")).to_be_visible()
        await expect(page.locator("#nama_samaran")).to_have_value(pseudonym)
        await page.screenshot(path=str(tmp_path / "review-refused-desktop.png"), full_page=True)
        await page.fill("#kata_sandi", STRONG)
        await page.fill("#ulangi_kata_sandi", STRONG)
        await page.check("#lengkap_dikonfirmasi")
        await page.click("#send-button")
        await expect(page.locator("#receipt-pseudonym")).to_be_visible()
        await expect(page.locator("#receipt-secret")).to_have_count(0)
        number = (await page.locator("#receipt-number").text_content() or "").strip()
        await page.screenshot(path=str(tmp_path / "receipt-pseudonym-desktop.png"), full_page=True)
        async with page.expect_download() as downloading:
            await page.click("#receipt-pdf")
        pdf_path = tmp_path / "tanda-terima-samaran.pdf"
        await (await downloading.value).save_as(pdf_path)
        printed = pdf_image_and_text(pdf_path, tmp_path / "receipt-pseudonym-pdf.png")
        assert number in printed
        assert pseudonym not in printed
        assert marker not in printed

        await page.click("#status-link")
        await expect(page.locator("#report-number")).to_have_text(number)
        await page.click("#sign-out-form button[type=submit]")
        await page.fill("#masuk_nama_samaran", pseudonym.upper())
        await page.fill("#masuk_kata_sandi", STRONG)
        await page.click("#pseudonym-sign-in-form button[type=submit]")
        await expect(page.locator("#report-number")).to_have_text(number)
        await page.screenshot(path=str(tmp_path / "status-pseudonym-desktop.png"), full_page=True)
        assert context.outside_requests == []  # type: ignore[attr-defined]
        await context.close()
        await browser.close()
