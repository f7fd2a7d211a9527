"""The exposé in a real browser (Debian's Chromium, driven by Playwright), behind the gateway: BPS
Bengkulu's ketua tim opens a case whose final report says TPK (see ``test_ekspose``), follows the
case file's link to the exposé page, is refused a date less than 3 days ahead (the page names the
earliest one and keeps what was typed), schedules the exposé on that earliest date and downloads its
invitation. The exposé is then moved a week back in investigation's database (as if the invitation
had gone out a week ago and the exposé had taken place: the system's clock cannot be moved in a
running stack), and the ketua tim records its minutes with an agreement and the result sent to the
Governor; the page shows the conclusion a hand-over will rest on. No page breaks the Content Security
Policy."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import async_playwright, expect

from tests.e2e.audit_steps import ekspose_held, investigation_db
from tests.e2e.test_admin_browser import demo_password
from tests.e2e.test_browser import CHROMIUM, FLAGS
from tests.e2e.test_ekspose import case_with_final_report
from tests.e2e.test_kotak import TENANT
from tests.e2e.test_sign_in_browser import sign_in, watched_page
from wbs_investigation.domain.ekspose import tanggal
from wbs_launcher.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")]
WIB = ZoneInfo("Asia/Jakarta")


async def test_the_ketua_tim_schedules_an_expose_and_records_its_minutes_in_the_browser(stack: Stack) -> None:
    assert CHROMIUM is not None
    case = await case_with_final_report(stack)
    today = datetime.now(WIB).date()
    earliest = today + timedelta(days=3)
    problems: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = await watched_page(browser, problems)
        login = f"ketua.{TENANT}"
        await sign_in(page, stack, login, demo_password(stack, login))
        await expect(page).to_have_url(f"{stack.gateway_url}/akun")
        await page.goto(f"{stack.gateway_url}/audit/{TENANT}/{case}")
        await page.click("#ekspose-link")
        url = f"{stack.gateway_url}/audit/{TENANT}/{case}/ekspose"
        await expect(page).to_have_url(url)
        await expect(page.locator("#earliest")).to_contain_text(tanggal(earliest))
        await expect(page.locator("#empty")).to_be_visible()

        await page.check("#jenis-eksternal")
        # The date field's own minimum stops a browser from sending an earlier date; the server's
        # refusal is what a form without it (or an old browser) meets: shown by removing it here.
        await page.eval_on_selector("#tanggal", "field => field.removeAttribute('min')")
        await page.fill("#tanggal", (today + timedelta(days=2)).isoformat())
        await page.fill("#jam", "09:30")
        await page.fill("#tempat", "Aula BPS Provinsi Bengkulu")
        await page.fill("#perihal", "Ekspose eksternal pungutan liar layanan data")
        await page.fill("#penyaji-nama", "Ketua Tim WBS")
        await page.fill("#notulen-nama", "Sekretaris Tim WBS")
        await page.fill("#moderator-nama", "Kepala Bagian Umum")
        await page.fill("#undangan-nama-0", "Kompol Budi Santoso")
        await page.fill("#undangan-instansi-0", "Polda Bengkulu")
        await page.click("#schedule-submit")
        await expect(page.locator("#error")).to_contain_text(f"paling cepat pada {tanggal(earliest)}")
        await expect(page.locator("#tempat")).to_have_value("Aula BPS Provinsi Bengkulu")  # nothing lost
        await expect(page.locator("#undangan-nama-0")).to_have_value("Kompol Budi Santoso")
        await expect(page.locator("#jenis-eksternal")).to_be_checked()

        await page.fill("#tanggal", earliest.isoformat())
        await page.click("#schedule-submit")
        await expect(page.locator("#notice")).to_contain_text("Ekspose dijadwalkan dan undangannya dibuat.")
        article = page.locator("article.ekspose")
        await expect(article).to_have_attribute("data-state", "dijadwalkan")
        await expect(article.locator(".topic")).to_have_text("Ekspose eksternal pungutan liar layanan data")
        await expect(article.locator(".presenters")).to_contain_text("Moderator: Kepala Bagian Umum")
        href = await article.locator(".invitation-link").get_attribute("href")
        assert href is not None
        invitation = await page.request.get(f"{stack.gateway_url}{href}")
        assert invitation.status == 200
        assert (await invitation.body()).startswith(b"%PDF")

        # Too early for the minutes: the exposé has not taken place.
        ekspose = await article.get_attribute("data-id")
        await page.check(f"#hasil-sepakat-{ekspose}")
        await page.fill(f"#diskusi-{ekspose}", "Tim menyajikan temuan; penyidik menanggapi.")
        await page.fill(f"#kesepakatan-{ekspose}", "Unsur tindak pidana korupsi terpenuhi.")
        await page.fill(f"#ttd-nama-0-{ekspose}", "Sekretaris Tim WBS")
        await page.click(f"#minutes-submit-{ekspose}")
        await expect(page.locator("#error")).to_contain_text("setelah ekspose berlangsung")
        await expect(page.locator("#error")).to_have_attribute("data-form", f"notulen-{ekspose}")
        await expect(page.locator(f"#diskusi-{ekspose}")).to_have_value("Tim menyajikan temuan; penyidik menanggapi.")

        # A week later (moved in the database: the running system's clock cannot be).
        assert ekspose is not None
        await ekspose_held(stack, ekspose)
        await page.goto(url)
        await page.check(f"#hasil-sepakat-{ekspose}")
        await page.fill(f"#dipimpin-{ekspose}", "Kepala BPS Provinsi Bengkulu")
        await page.fill(f"#diskusi-{ekspose}", "Tim menyajikan temuan; penyidik menanggapi.")
        await page.fill(f"#kesepakatan-{ekspose}", "Unsur tindak pidana korupsi terpenuhi.")
        await page.fill(f"#ttd-nama-0-{ekspose}", "Sekretaris Tim WBS")
        await page.fill(f"#ttd-nama-1-{ekspose}", "Ketua Tim WBS")
        await page.click(f"#minutes-submit-{ekspose}")
        await expect(page.locator("#notice")).to_contain_text("Notulen ekspose dicatat.")
        await expect(article).to_have_attribute("data-state", "sepakat")
        await expect(article.locator(".agreed")).to_have_text("Unsur tindak pidana korupsi terpenuhi.")
        await expect(article.locator(".signatories")).to_contain_text("Sekretaris Tim WBS (Notulis)")
        await expect(page.locator("#conclusion")).to_contain_text("sepakat. Unsur tindak pidana korupsi terpenuhi.")
        minutes = await article.locator(".minutes-link").get_attribute("href")
        assert minutes is not None
        assert (await page.request.get(f"{stack.gateway_url}{minutes}")).status == 200

        await page.fill(f"#kepada-{ekspose}", "Gubernur Bengkulu")
        await page.fill(f"#nomor-hasil-{ekspose}", "700/321/BPS")
        await page.click(f"#result-submit-{ekspose}")
        await expect(page.locator("#notice")).to_contain_text("Penyampaian hasil ekspose kepada kepala daerah dicatat.")
        await expect(article.locator(".result-sent")).to_contain_text("Gubernur Bengkulu")
        await expect(page.locator(f"#result-form-{ekspose}")).to_have_count(0)

        await page.click("#language-en")
        await expect(page.locator("h1")).to_have_text("Exposé")
        await expect(article.locator(".state")).to_have_text("Agreed")
        await browser.close()
    assert not [p for p in problems if "Content Security Policy" in p], problems
    rows = await investigation_db(
        stack, "SELECT minutes_conclusion, result_sent_to FROM ekspose WHERE case_id = $1", case
    )
    assert [(r["minutes_conclusion"], r["result_sent_to"]) for r in rows] == [("sepakat", "Gubernur Bengkulu")]
