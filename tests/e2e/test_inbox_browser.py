"""The officer's in-app inbox in a real browser (Debian's Chromium, driven by Playwright), behind the
gateway: a report arrives and is registered; the pimpinan satker of bps-1700 signs in, follows
"Kotak masuk" from the navigation, finds the new case there (unread, nothing of the report in
it), follows its link to the case's page, comes back and marks it read. In English too. No page
breaks the Content Security Policy."""

from __future__ import annotations

import pytest
from playwright.async_api import async_playwright, expect

from tests.e2e.test_admin_browser import demo_password
from tests.e2e.test_browser import CHROMIUM, FLAGS
from tests.e2e.test_kotak import REPORT, TENANT, report_id, reporter_signed_in
from tests.e2e.test_sign_in_browser import sign_in, watched_page
from tests.support.waiting import eventually
from wbs_launcher.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")]


async def test_the_pimpinan_finds_a_new_case_in_the_inbox_follows_it_and_marks_it_read(stack: Stack) -> None:
    assert CHROMIUM is not None
    reporter, receipt = await reporter_signed_in(stack)
    await reporter.aclose()
    case = await report_id(stack, receipt["registration_number"])
    problems: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        pimpinan = await watched_page(browser, problems)
        login = f"pimpinan.{TENANT}"
        await sign_in(pimpinan, stack, login, demo_password(stack, login))
        await expect(pimpinan).to_have_url(f"{stack.gateway_url}/akun")
        await pimpinan.click("#inbox-link")
        await expect(pimpinan).to_have_url(f"{stack.gateway_url}/kotak-masuk")
        row = pimpinan.locator(f'#inbox tr[data-subject="kasus-baru"]:has(a[href="/perkara/{TENANT}/{case}"])')

        async def told() -> bool:
            await pimpinan.reload()
            return await row.count() == 1

        await eventually(told, within=60, interval=0.5, what="the new case in the pimpinan's inbox")
        await expect(row).to_have_attribute("data-read", "tidak")
        await expect(row).to_contain_text("Perkara baru terdaftar")
        await expect(row).to_contain_text(TENANT)
        for field in ("what", "where", "who", "how"):
            assert REPORT[field] not in await pimpinan.content()

        await row.locator("a").click()
        await expect(pimpinan).to_have_url(f"{stack.gateway_url}/perkara/{TENANT}/{case}")
        await pimpinan.go_back()
        await row.locator("button[type=submit]").click()
        await expect(pimpinan.locator("#notice")).to_contain_text("Pemberitahuan ditandai sudah dibaca.")
        await expect(row).to_have_attribute("data-read", "ya")

        await pimpinan.click("#language-en")
        await expect(row).to_contain_text("A new case was registered")
        await expect(pimpinan.locator("h1")).to_have_text("Inbox")
        await browser.close()
    assert not [p for p in problems if "Content Security Policy" in p], problems
