"""The telaah workspace in a real browser (Debian's Chromium, driven by Playwright), behind the
gateway: two reporters submit the same matter in other words; a penelaah of bps-1700 signs in,
is refused the first case's workspace until the pimpinan disposes it to their team, then opens
the first case's page, goes to its workspace, reads the report, records the first step of
the telaah with its note, adds a note, and sees the other report listed as related (similar text).
No page breaks the Content Security Policy."""

from __future__ import annotations

import uuid

import httpx
import pytest
from playwright.async_api import async_playwright, expect

from tests.e2e.test_admin_browser import demo_password
from tests.e2e.test_browser import CHROMIUM, FLAGS
from tests.e2e.test_kotak import REPORT, TENANT, officer_signed_in, report_id
from tests.e2e.test_sign_in_browser import sign_in, watched_page
from tests.support.teams import dispose_by_name
from tests.support.waiting import eventually
from tests.unit.triage.test_related import REPORT as FIRST_ACCOUNT
from tests.unit.triage.test_related import REWORDED as SECOND_ACCOUNT
from wbs_launcher.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")]


async def submitted(stack: Stack, what: str) -> uuid.UUID:
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as reporter:
        receipt = await reporter.post("/api/v1/reports", json={**REPORT, "what": what, "how": "", "who": ""})
        assert receipt.status_code == 201, receipt.text
    return await report_id(stack, receipt.json()["registration_number"])


async def test_a_penelaah_works_the_telaah_and_sees_the_related_report(stack: Stack) -> None:
    assert CHROMIUM is not None
    token = uuid.uuid4().hex[:8]  # this run's reports, whatever else the demo tenant holds
    first = await submitted(stack, f"{FIRST_ACCOUNT} Nomor {token}.")
    second = await submitted(stack, f"{SECOND_ACCOUNT} Nomor {token}.")
    login = f"penelaah.{TENANT}"
    problems: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = await watched_page(browser, problems)
        await sign_in(page, stack, login, demo_password(stack, login))
        await expect(page).to_have_url(f"{stack.gateway_url}/akun")

        async def registered(case: uuid.UUID) -> bool:
            answer = await page.goto(f"{stack.gateway_url}/perkara/{TENANT}/{case}")
            return answer is not None and answer.status == 200

        await eventually(lambda: registered(second), within=60, interval=0.5, what="the second case registered")
        await eventually(lambda: registered(first), within=60, interval=0.5, what="the first case registered")

        # Only the team the pimpinan disposes the case to opens it: not yet.
        refused = await page.goto(f"{stack.gateway_url}/perkara/{TENANT}/{first}/telaah")
        assert refused is not None
        assert refused.status == 403
        await expect(page.locator("body")).to_contain_text("disposisi")
        pimpinan = await officer_signed_in(stack, f"pimpinan.{TENANT}")
        await dispose_by_name(pimpinan, TENANT, first)
        await pimpinan.aclose()

        await page.goto(f"{stack.gateway_url}/perkara/{TENANT}/{first}")
        await page.click("#telaah-link")
        await expect(page).to_have_url(f"{stack.gateway_url}/perkara/{TENANT}/{first}/telaah")
        await expect(page.locator("#substance-what")).to_contain_text(token)
        await expect(page.locator("#keputusan-link")).to_have_attribute("href", f"/perkara/{TENANT}/{first}/keputusan")
        await expect(page.locator("#kotak-link")).to_have_attribute("href", f"/perkara/{TENANT}/{first}#kotak")

        step = page.locator("#langkah-pokok-masalah")
        await expect(step.locator("h3")).to_have_text("Merumuskan pokok permasalahan")
        await page.check("#selesai-pokok-masalah")
        await page.fill("#catatan-pokok-masalah", "Dugaan pungutan atas pencairan dana BOS.")
        await page.click("#simpan-pokok-masalah")
        await expect(page.locator("#notice")).to_contain_text("Langkah telaah disimpan.")
        await expect(step).to_have_attribute("data-done", "ya")
        await expect(page.locator("#catatan-pokok-masalah")).to_have_value("Dugaan pungutan atas pencairan dana BOS.")

        await page.fill("#teks", "Minta salinan bukti transfer kepada pelapor.")
        await page.click("#tambah-catatan")
        await expect(page.locator("#notice")).to_contain_text("Catatan ditambahkan.")
        await expect(page.locator("#notes .note-text")).to_have_text(["Minta salinan bukti transfer kepada pelapor."])

        related = page.locator(f'#related li[data-case="{second}"]')
        await expect(related).to_contain_text("Uraian mirip")
        await expect(related.locator(".similarity")).to_contain_text("%")
        await related.locator("a").click()
        await expect(page).to_have_url(f"{stack.gateway_url}/perkara/{TENANT}/{second}")

        await page.click("#language-en")
        await page.goto(f"{stack.gateway_url}/perkara/{TENANT}/{first}/telaah")
        await expect(page.locator("#langkah-pokok-masalah h3")).to_have_text("Formulate the core problem")
        await browser.close()
    assert not [p for p in problems if "Content Security Policy" in p], problems
