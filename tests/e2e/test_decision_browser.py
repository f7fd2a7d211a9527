"""A decision in a real browser (Debian's Chromium, driven by Playwright), behind the gateway: BPS
Bengkulu's penelaah opens a registered case, follows its link to the decision page and proposes
not processing it, with the reason for the reporter; the page says it waits for the ketua tim and
offers the proposer no approval. The ketua tim, signed in in another browser, approves it; the
reporter's timeline then gives the reason. No page breaks the Content Security Policy."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from playwright.async_api import async_playwright, expect

from tests.e2e.test_admin_browser import demo_password
from tests.e2e.test_browser import CHROMIUM, FLAGS
from tests.e2e.test_decisions import registered_report
from tests.e2e.test_kotak import TENANT, officer_signed_in
from tests.e2e.test_sign_in_browser import sign_in, watched_page
from tests.support.waiting import eventually
from wbs_launcher.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")]


async def test_a_penelaah_proposes_and_the_ketua_tim_approves_in_the_browser(stack: Stack) -> None:
    assert CHROMIUM is not None
    penelaah_api = await officer_signed_in(stack, f"penelaah.{TENANT}")
    reporter, case = await registered_report(stack, penelaah_api)
    await penelaah_api.aclose()
    reason = f"Laporan Anda menyangkut layanan, bukan pelanggaran pegawai ({uuid.uuid4().hex[:6]})."
    problems: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        penelaah = await watched_page(browser, problems)
        login = f"penelaah.{TENANT}"
        await sign_in(penelaah, stack, login, demo_password(stack, login))
        await expect(penelaah).to_have_url(f"{stack.gateway_url}/akun")
        await penelaah.goto(f"{stack.gateway_url}/perkara/{TENANT}/{case}")
        await penelaah.click("#decision-link")
        await expect(penelaah.locator("h1")).to_have_text("Keputusan telaah")
        await penelaah.check("#keputusan-tidak-diproses")
        await penelaah.click("#propose")
        await expect(penelaah.locator("#error")).to_contain_text("Pilih alasannya")  # nothing lost
        await expect(penelaah.locator("#keputusan-tidak-diproses")).to_be_checked()
        await penelaah.select_option("#alasan", "tidak-logis")
        await penelaah.fill("#alasan_pelapor", reason)
        await penelaah.click("#propose")
        await expect(penelaah.locator("#notice")).to_contain_text("Usulan keputusan telah dicatat.")
        await expect(penelaah.locator("#case-status")).to_have_text("menunggu-persetujuan")
        await expect(penelaah.locator("#pending-outcome")).to_have_text("Tidak diproses lebih lanjut")
        await expect(penelaah.locator("#not-approver")).to_be_visible()
        await expect(penelaah.locator("#approve")).to_have_count(0)

        ketua = await watched_page(browser, problems)
        login = f"ketua.{TENANT}"
        await sign_in(ketua, stack, login, demo_password(stack, login))
        await expect(ketua).to_have_url(f"{stack.gateway_url}/akun")
        await ketua.goto(f"{stack.gateway_url}/perkara/{TENANT}/{case}/keputusan")
        await expect(ketua.locator("#usulan")).to_contain_text(reason)
        await ketua.click("#approve")
        await expect(ketua.locator("#notice")).to_contain_text("Keputusan telah disetujui dan berlaku.")
        await expect(ketua.locator("#case-status")).to_have_text("tidak-diproses")
        await expect(ketua.locator('#proposals li[data-state="disetujui"]')).to_contain_text(
            "Ketua Tim WBS BPS Bengkulu"
        )

        await ketua.click("#language-en")
        await expect(ketua.locator("h1")).to_have_text("Assessment decision")
        await browser.close()
    assert not [p for p in problems if "Content Security Policy" in p], problems

    async def told() -> dict[str, Any] | None:
        body: dict[str, Any] = (await reporter.get("/api/v1/reporter/report")).json()
        return body if body["status"] == "tidak-diproses" else None

    shown = await eventually(told, within=60, what="the decision on the reporter's timeline")
    assert shown["timeline"][-1]["pesan"].endswith("Alasannya: " + reason)
    await reporter.aclose()
