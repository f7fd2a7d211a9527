"""The team leader of BPS Provinsi Bengkulu in a real browser, through the gateway: a report sent
through the public form is counted on the statistics page (charts drawn, no CSP complaint), the
month's kendala and the sign-off are typed into the notes, the annual report shows them, the
spreadsheet downloads, and the page reads in English."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.async_api import async_playwright, expect

from tests.e2e.test_admin_browser import demo_password
from tests.e2e.test_browser import CHROMIUM, FLAGS
from tests.e2e.test_report_flow import REPORT
from tests.e2e.test_sign_in_browser import sign_in, watched_page
from tests.support.waiting import eventually
from wbs_launcher.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")]
LEADER = "ketua.bps-1700"


async def test_the_team_leader_reads_the_tables_writes_the_notes_and_downloads_the_report(stack: Stack) -> None:
    assert CHROMIUM is not None
    month = datetime.now(ZoneInfo("Asia/Jakarta")).month
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as client:
        sent = await client.post("/api/v1/reports", json=REPORT)
        assert sent.status_code == 201, sent.text
    problems: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = await watched_page(browser, problems)
        await sign_in(page, stack, LEADER, demo_password(stack, LEADER))
        await expect(page.locator("#welcome")).to_be_visible()
        await page.click('#work a[href="/statistik/bps-1700"]')
        await expect(page.locator("#statistics")).to_contain_text("BPS Provinsi Bengkulu")

        async def counted() -> bool:
            await page.reload()
            cell = page.locator(f'table[data-table="kategori"] tbody tr:nth-child({month}) td:last-child')
            return int(await cell.inner_text()) >= 1

        await eventually(counted, within=60, interval=1, what="the report counted on the page")
        await expect(page.locator("svg#chart-received rect")).to_have_count(12)
        await expect(page.locator("svg#chart-completion")).to_be_visible()

        await page.click("#notes-link")
        await page.fill(f"#kendala-{month}", "Belum tersosialisasi dengan maksimal")
        await page.fill("#ketua_nama", "Sahranudin")
        await page.click("#save-notes")
        await expect(page.locator("#notice")).to_have_text("Catatan laporan tahunan telah disimpan.")
        await page.click("#annual-report-link")
        await expect(page.locator("#tabel-kendala")).to_contain_text("Belum tersosialisasi dengan maksimal")
        await expect(page.locator("#team-leader")).to_have_text("Sahranudin")
        async with page.expect_download() as download_info:
            await page.click("#download-xlsx")
        download = await download_info.value
        assert download.suggested_filename.startswith("laporan-tahunan-bps-1700-")

        await page.click("#language-en")
        await expect(page.locator("#tabel-kategori h2")).to_contain_text("Reports by category")
        await browser.close()
    assert not [p for p in problems if "Content Security Policy" in p], problems
