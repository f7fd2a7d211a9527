"""The Kotak Komunikasi page in a real browser (Debian's Chromium, driven by Playwright), behind the
gateway: the reporter signs in (through the session API, from the page's own context), writes a
question on /pantau/kotak, is refused an empty message without losing the choice made, sees the
question with its due time, then the officer's answer and the timeline's entry; in English too."""

from __future__ import annotations

import pytest
from playwright.async_api import async_playwright, expect

from tests.e2e.test_browser import CHROMIUM, FLAGS
from tests.e2e.test_kotak import REPORT, officer_signed_in, report_id
from tests.e2e.test_sign_in_browser import watched_page
from tests.support.waiting import eventually
from wbs_launcher.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")]


async def test_the_reporter_writes_and_reads_answers_on_the_kotak_page(stack: Stack) -> None:
    assert CHROMIUM is not None
    problems: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = await watched_page(browser, problems)
        await page.goto(f"{stack.gateway_url}/pantau/kotak")
        assert page.url.endswith("/pantau")  # not signed in: to the sign-in page

        receipt = await (await page.request.post(f"{stack.gateway_url}/api/v1/reports", data=REPORT)).json()
        signed_in = await page.request.post(
            f"{stack.gateway_url}/api/v1/reporter/session",
            data={"registration_number": receipt["registration_number"], "secret": receipt["secret"]},
        )
        assert signed_in.ok, await signed_in.text()

        await page.goto(f"{stack.gateway_url}/pantau/kotak")
        await expect(page.locator("h1")).to_have_text("Kotak Komunikasi")
        await expect(page.locator("#no-messages")).to_be_visible()

        await page.check("#jenis-pertanyaan")
        await page.fill("#teks", "   ")
        await page.click("#message-form button[type=submit]")
        await expect(page.locator("#error")).to_contain_text("Tulis pesan Anda terlebih dahulu.")
        await expect(page.locator("#jenis-pertanyaan")).to_be_checked()  # the choice made is kept

        question = "Sudah sampai mana laporan saya?\nTerima kasih."
        await page.fill("#teks", question)
        await page.click("#message-form button[type=submit]")
        await expect(page.locator("#sent")).to_contain_text("Pesan Anda telah terkirim.")
        mine = page.locator('#messages li[data-direction="dari-pelapor"]')
        await expect(mine).to_have_count(1)
        await expect(mine.locator(".message-text")).to_contain_text("Sudah sampai mana laporan saya?")
        await expect(mine.locator(".answer-due")).to_contain_text("Jawaban paling lambat")

        # The body's petugas pengaduan answers through the officers' API, behind the gateway.
        petugas = await officer_signed_in(stack, "petugas.bps-1700")
        case = await report_id(stack, receipt["registration_number"])
        messages = f"/api/v1/tenants/bps-1700/cases/{case}/messages"

        async def question_reached() -> str | None:
            listed = await petugas.get(messages)
            return listed.json()[0]["id"] if listed.status_code == 200 and listed.json() else None

        question_id = await eventually(question_reached, within=60, what="the question in the case")
        answered = await petugas.post(
            messages, json={"kind": "jawaban", "text": "Sedang ditelaah; kami kabari.", "in_reply_to": question_id}
        )
        assert answered.status_code == 201, answered.text
        await petugas.aclose()

        async def answer_on_page() -> bool:
            await page.reload()
            return await page.locator('#messages li[data-direction="dari-petugas"]').count() == 1

        await eventually(answer_on_page, within=60, interval=0.5, what="the answer on the page")
        await expect(page.locator('#messages li[data-direction="dari-petugas"] .message-text')).to_have_text(
            "Sedang ditelaah; kami kabari."
        )
        await expect(page.locator('#kotak-timeline li[data-kind="petugas-menjawab"]')).to_contain_text(
            "Petugas menjawab"
        )
        await expect(page.locator("#balasan option")).to_have_count(2)  # one may now answer the officer

        await page.click("#language-en")
        await expect(page.locator("h1")).to_have_text("Message box")
        await expect(page.locator('#kotak-timeline li[data-kind="petugas-menjawab"]')).to_contain_text(
            "An officer answered"
        )
        await browser.close()
    assert not [p for p in problems if "Content Security Policy" in p], problems
