"""A person uses the pages in a real browser (Debian's headless Chromium, driven by Playwright):
reports, keeps the receipt, follows the report to "Terdaftar", switches to English."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright, expect

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


async def fill_report(page: Page) -> None:
    await page.select_option("#category", "korupsi-gratifikasi")
    await page.fill("#what", "Pungutan untuk penerbitan surat keterangan")
    await page.fill("#where", "Loket layanan")
    await page.fill("#when", "Pekan lalu")
    await page.fill("#who", "Petugas loket")
    await page.fill("#how", "Meminta uang tunai di luar tarif resmi")
    await page.fill("#amount_idr", "300000")


async def test_a_person_reports_and_follows_the_report_in_a_browser(stack: Stack, tmp_path: Path) -> None:
    assert CHROMIUM is not None, "Chromium is required in CI"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = await browser.new_page()
        await page.goto(f"{stack.gateway_url}/")
        await expect(page.locator("h1")).to_have_text("Sistem Pelaporan Pelanggaran")
        await expect(page.locator("#tenant")).to_have_value("bps-1700")
        await expect(page.locator("#category option")).to_have_count(4)

        await page.click("#report-form button[type=submit]")  # nothing filled in
        await expect(page.locator("#report-error")).to_contain_text("Data tidak dapat diterima")
        await expect(page.locator('[data-error-for="what"]')).to_have_text("Tidak boleh kosong.")
        await expect(page.locator("#what")).to_have_attribute("aria-invalid", "true")

        await fill_report(page)
        await page.click("#report-form button[type=submit]")
        await expect(page.locator("#tanda-terima")).to_be_visible()
        number = await page.locator("#receipt-number").text_content() or ""
        secret = await page.locator("#receipt-secret").text_content() or ""
        assert number.startswith("WBS-")
        assert len(secret.replace("-", "")) == 25
        await page.screenshot(path=str(tmp_path / "receipt.png"), full_page=True)

        await page.fill("#secret", "SALAH-SALAH")
        await page.click("#status-form button[type=submit]")
        await expect(page.locator("#status-error")).to_contain_text("tidak ditemukan")

        await page.fill("#registration_number", number)
        await page.fill("#secret", secret)
        for _ in range(40):
            await page.click("#status-form button[type=submit]")
            await expect(page.locator("#status-result")).to_be_visible()
            if await page.locator('#status-timeline li[data-status="terdaftar"]').count():
                break
            await page.wait_for_timeout(250)
        await expect(page.locator("#status-current")).to_have_text("Terdaftar")
        await expect(page.locator("#status-timeline li")).to_have_count(2)

        await page.click("#language")
        await expect(page.locator("h1")).to_have_text("Whistleblowing System")
        await expect(page.locator("html")).to_have_attribute("lang", "en")
        await page.click("#status-form button[type=submit]")
        await expect(page.locator("#status-current")).to_have_text("Registered")
        await page.screenshot(path=str(tmp_path / "status-en.png"), full_page=True)
        await browser.close()
