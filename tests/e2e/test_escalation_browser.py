"""Pelimpahan in a real browser (Debian's Chromium, driven by Playwright), behind the gateway: the
Inspektur of Bengkulu has proposed handing a case with a Rp 2.000.000.000 loss over; the Gubernur
signs in, reads on the case's pelimpahan page where the policy routes it and why, and approves; the
KPK's subscriber signs in, finds the escalation on the agency's page, reads it and acknowledges
receipt; the Gubernur's page then shows the acknowledgement. No page breaks the Content Security
Policy. (How the case reaches its final report and exposé, through the APIs: see ``pelimpahan``.)"""

from __future__ import annotations

import pytest
from playwright.async_api import Page, async_playwright, expect

from tests.e2e.pelimpahan import (
    BENGKULU,
    BILLION,
    escalation_url,
    officer,
    propose,
    ready_case,
    sign_out_at_the_end,  # noqa: F401 - the signed-in clients are closed at the module's end here too
)
from tests.e2e.test_admin_browser import demo_password
from tests.e2e.test_browser import CHROMIUM, FLAGS
from tests.e2e.test_sign_in_browser import sign_in, watched_page
from tests.support.waiting import eventually
from wbs_launcher.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")]
GUBERNUR = f"gubernur.{BENGKULU}"


async def test_the_gubernur_approves_in_the_browser_and_the_kpk_acknowledges_receipt(stack: Stack) -> None:
    assert CHROMIUM is not None
    case = await ready_case(stack, BENGKULU, 2 * BILLION)
    await propose(stack, BENGKULU, case, agency="kpk", perihal="Penyampaian LHA pengadaan alat berat")
    page_url = f"{stack.gateway_url}/audit/{BENGKULU}/{case}/pelimpahan"
    problems: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        gubernur = await watched_page(browser, problems)
        await sign_in(gubernur, stack, GUBERNUR, demo_password(stack, GUBERNUR))
        await expect(gubernur).to_have_url(f"{stack.gateway_url}/akun")
        await gubernur.goto(page_url)
        await expect(gubernur.locator("#routing")).to_have_attribute("data-target", "kpk")
        await expect(gubernur.locator("#routing-why")).to_contain_text("Rp 1.000.000.000 atau lebih")
        await expect(gubernur.locator("#pending-agency")).to_contain_text("Komisi Pemberantasan Korupsi")
        await expect(gubernur.locator("#pending-perihal")).to_have_text("Penyampaian LHA pengadaan alat berat")
        await gubernur.click("#approve")
        await expect(gubernur.locator("#notice")).to_contain_text("Pelimpahan telah disetujui")
        await expect(gubernur.locator("#case-status")).to_have_attribute("data-status", "diserahkan")
        sent = gubernur.locator('li.escalation[data-state="disetujui"]')
        await expect(sent.locator(".awaiting")).to_be_visible()

        inspektur = await officer(stack, f"inspektur.{BENGKULU}")
        [escalation] = (await inspektur.get(escalation_url(BENGKULU, case))).json()["escalations"]
        kpk = await watched_page(browser, problems)
        await sign_in(kpk, stack, "kpk", demo_password(stack, "kpk"))
        await expect(kpk).to_have_url(f"{stack.gateway_url}/akun")
        await kpk.goto(f"{stack.gateway_url}/pelimpahan/kpk")
        row = kpk.locator(f'tr[data-escalation="{escalation["id"]}"]')
        await expect(row).to_have_attribute("data-acknowledged", "tidak")
        await row.locator("a").click()
        await expect(kpk).to_have_url(f"{stack.gateway_url}/pelimpahan/kpk/{escalation['id']}")
        await expect(kpk.locator("#target")).to_have_attribute("data-target", "kpk")
        await expect(kpk.locator("#from")).to_have_text("Inspektorat Provinsi Bengkulu")
        await expect(kpk.locator("#findings")).to_contain_text("Rp 2.000.000.000")
        await expect(kpk.locator("#perihal")).to_have_text("Penyampaian LHA pengadaan alat berat")
        await kpk.fill("#nama", "Direktorat Penyelidikan KPK")
        await kpk.fill("#nomor_agenda_instansi", "R-123/KPK")
        await kpk.click("#acknowledge")
        await expect(kpk.locator("#notice")).to_contain_text("Konfirmasi penerimaan telah dikirim")

        async def acknowledged(page: Page, url: str, selector: str) -> bool:
            await page.goto(url)
            return await page.locator(selector).count() > 0

        item = f"{stack.gateway_url}/pelimpahan/kpk/{escalation['id']}"
        await eventually(
            lambda: acknowledged(kpk, item, "#acknowledged"), within=60, interval=0.5, what="the acknowledgement"
        )
        await expect(kpk.locator("#acknowledged")).to_contain_text("R-123/KPK")
        await kpk.click("#language-en")
        await expect(kpk.locator("h1")).to_have_text("Case hand-over")
        await expect(kpk.locator("#acknowledged")).to_contain_text("Receipt acknowledged")

        await gubernur.goto(page_url)
        await expect(sent.locator(".acknowledged")).to_be_visible()
        await expect(sent).to_contain_text("Direktorat Penyelidikan KPK")
        await browser.close()
    assert not [p for p in problems if "Content Security Policy" in p], problems
