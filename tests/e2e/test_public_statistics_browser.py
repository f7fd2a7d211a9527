"""A body's public statistics in a real browser, through the gateway, without signing in: nothing
until a publication is approved; then the frozen figures of last year (twelve months) with the
suppression rule explained, in Indonesian and in English."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.async_api import async_playwright, expect

from tests.e2e.test_browser import CHROMIUM, FLAGS
from tests.e2e.test_sign_in_browser import watched_page
from tests.support.officers import officer_headers
from wbs_contracts.roles import Role
from wbs_launcher.stack import Stack
from wbs_reporting.domain.publication import latest_period

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")]
TENANT = "bps-1700"


async def test_the_public_sees_approved_statistics_in_a_browser(stack: Stack) -> None:
    assert CHROMIUM is not None
    problems: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = await watched_page(browser, problems)
        await page.goto(f"{stack.gateway_url}/statistik-publik/{TENANT}")
        await expect(page.locator("#nothing-published")).to_be_visible()

        # Officers prepare and approve a publication (their API, as the gateway forwards it signed in).
        proposer = officer_headers(
            stack.key_root, "reporting", {TENANT: {Role.PENELAAH}}, officer="e2e-penelaah", name="Penelaah"
        )
        approver = officer_headers(
            stack.key_root,
            "reporting",
            {TENANT: {Role.PIMPINAN_SATKER, Role.PIMPINAN_DAERAH}},
            officer="e2e-pimpinan",
            name="Pimpinan",
        )
        async with httpx.AsyncClient(base_url=stack.service_url("reporting"), timeout=10) as reporting:
            proposed = await reporting.post(f"/api/v1/tenants/{TENANT}/publications", headers=proposer)
            assert proposed.status_code == 201, proposed.text
            publication = proposed.json()
            approval = f"/api/v1/tenants/{TENANT}/publications/{publication['id']}/approval"
            approved = await reporting.post(approval, headers=approver)
            assert approved.status_code == 200, approved.text

        await page.reload()
        await expect(page.locator("#public-statistics")).to_contain_text("Statistik pengaduan")
        await expect(page.locator("#suppression-rule")).to_contain_text("< 5")
        await expect(page.locator("#by-category tbody tr")).to_have_count(12)
        today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
        assert publication["year"] == latest_period(today).year == today.year - 1
        await expect(page.locator("#period")).to_contain_text(f"Tahun {today.year - 1} (Januari sampai Desember)")

        await page.click("#language-en")
        await expect(page.locator("#public-statistics")).to_contain_text("Report statistics")
        await expect(page.locator("#by-status thead")).to_contain_text("In progress")
        await expect(page.locator("#period")).to_contain_text(f"The year {today.year - 1} (January to December)")
        await browser.close()
    assert not [p for p in problems if "Content Security Policy" in p], problems
