"""A person uses the pages in a real browser (Debian's headless Chromium, driven by Playwright):
reports (the first answer is lost on the way back, and the page retries), keeps the receipt,
follows the report to "Terdaftar", switches to English."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import asyncpg
import pytest
from playwright.async_api import Page, Route, async_playwright, expect

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


async def report_count(stack: Stack) -> int:
    connection = await asyncpg.connect(stack.database_urls["intake"])
    try:
        return int(await connection.fetchval("SELECT count(*) FROM report"))
    finally:
        await connection.close()


async def test_a_person_reports_and_follows_the_report_in_a_browser(stack: Stack, tmp_path: Path) -> None:
    assert CHROMIUM is not None, "Chromium is required in CI"
    sent: list[tuple[str | None, dict[str, object]]] = []

    async def lose_the_first_answer(route: Route) -> None:
        request = route.request
        sent.append((await request.header_value("idempotency-key"), json.loads(request.post_data or "{}")))
        if len(sent) == 2:
            await route.fetch()  # the report reaches intake and is committed...
            await route.abort("connectionreset")  # ...but its answer never reaches the page
        else:
            await route.continue_()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = await browser.new_page()
        await page.goto(f"{stack.gateway_url}/")
        await expect(page.locator("h1")).to_have_text("Sistem Pelaporan Pelanggaran")
        # The chooser lists every body directory announced; Lempuk's four categories for Bengkulu.
        await expect(page.locator("#tenant option[value=bps-1700]")).to_have_count(1)
        await expect(page.locator("#tenant option[value=kpk]")).to_have_count(0)  # an agency takes no reports
        await page.select_option("#tenant", "bps-1700")
        await expect(page.locator("#category option")).to_have_count(4)

        await page.route("**/api/v1/reports", lose_the_first_answer)
        await page.click("#report-form button[type=submit]")  # nothing filled in
        await expect(page.locator("#report-error")).to_contain_text("Data tidak dapat diterima")
        await expect(page.locator('[data-error-for="what"]')).to_have_text("Tidak boleh kosong.")
        await expect(page.locator("#what")).to_have_attribute("aria-invalid", "true")

        await fill_report(page)
        before = await report_count(stack)
        await page.click("#report-form button[type=submit]")
        await expect(page.locator("#tanda-terima")).to_be_visible()
        number = await page.locator("#receipt-number").text_content() or ""
        secret = await page.locator("#receipt-secret").text_content() or ""
        assert number.startswith("WBS-")
        assert len(secret.replace("-", "")) == 25
        # The empty form, then the report twice: the retry carried the same key and secret, the
        # page shows the secret it drew, and there is one report, not two.
        assert len(sent) == 3
        (_, empty), (key, body), (retried_key, retried_body) = sent
        assert "secret" in empty
        assert key is not None
        assert retried_key == key
        assert retried_body == body
        assert body["secret"] == secret
        assert await report_count(stack) == before + 1
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
