"""The officers' queue in a real browser (Debian's Chromium, driven by Playwright), behind the
gateway: a reporter asks a question; a penelaah of bps-1700 signs in, opens the queue from the home
page's link, finds the case there waiting for the answer, opens it, answers the question with the
page's form; the reporter's message box then holds the answer. In English too, and no page breaks
the Content Security Policy."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from playwright.async_api import async_playwright, expect

from tests.e2e.test_admin_browser import demo_password
from tests.e2e.test_browser import CHROMIUM, FLAGS
from tests.e2e.test_kotak import TENANT, report_id, reporter_signed_in
from tests.e2e.test_sign_in_browser import sign_in, watched_page
from tests.support.waiting import eventually
from wbs_launcher.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")]


async def test_a_penelaah_opens_the_queue_and_answers_the_reporter_s_question(stack: Stack) -> None:
    assert CHROMIUM is not None
    reporter, receipt = await reporter_signed_in(stack)
    question = f"Apakah laporan saya sudah dibaca? {uuid.uuid4().hex[:8]}"
    asked = await reporter.post("/api/v1/reporter/messages", json={"kind": "pertanyaan", "text": question})
    assert asked.status_code == 201, asked.text
    case = await report_id(stack, receipt["registration_number"])
    login = f"penelaah.{TENANT}"
    problems: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = await watched_page(browser, problems)
        await sign_in(page, stack, login, demo_password(stack, login))
        await expect(page).to_have_url(f"{stack.gateway_url}/akun")
        await page.click(f'a[href="/perkara/{TENANT}"]')
        await expect(page.locator("h1")).to_have_text("Antrean perkara")

        item = page.locator(f'#queue li[data-case="{case}"]')

        async def waiting_for_the_answer() -> bool:
            await page.reload()
            return await item.locator('[data-waiting="jawaban-pelapor"]').count() == 1

        await eventually(waiting_for_the_answer, within=60, interval=0.5, what="the case waiting for the answer")
        await expect(item.locator('[data-waiting="disposisi"]')).to_contain_text("batas akhir")
        await item.locator("a.agenda").click()
        await expect(page.locator('#messages li[data-direction="dari-pelapor"] .message-text')).to_have_text(question)
        await expect(page.locator("#balasan")).to_have_value(asked.json()["id"])  # the open question is chosen

        await page.fill("#teks", "Sudah; laporan Anda sedang ditelaah.")
        await page.click("#message-form button[type=submit]")
        await expect(page.locator("#notice")).to_contain_text("Pesan Anda telah dikirim kepada pelapor.")
        await expect(page.locator('#messages li[data-direction="dari-petugas"] .message-text')).to_have_text(
            "Sudah; laporan Anda sedang ditelaah."
        )
        await expect(page.locator('#messages li[data-direction="dari-pelapor"] .answered')).to_be_visible()

        await page.click("#language-en")
        await expect(page.locator("#kotak h2")).to_have_text("Message box")
        await page.click("#queue-link")
        await expect(page.locator("h1")).to_have_text("The case queue")
        await browser.close()
    assert not [p for p in problems if "Content Security Policy" in p], problems

    async def answer_shown() -> list[dict[str, Any]] | None:
        mailbox: dict[str, Any] = (await reporter.get("/api/v1/reporter/messages")).json()
        return mailbox["messages"] if len(mailbox["messages"]) == 2 else None

    messages = await eventually(answer_shown, within=60, what="the answer in the reporter's message box")
    assert [(m["direction"], m["text"]) for m in messages] == [
        ("dari-pelapor", question),
        ("dari-petugas", "Sudah; laporan Anda sedang ditelaah."),
    ]
    assert messages[1]["in_reply_to"] == asked.json()["id"]
    await reporter.aclose()
