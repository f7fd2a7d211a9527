"""Disposisi in a real browser (Debian's Chromium, driven by Playwright), behind the gateway: a
report arrives; the pimpinan satker of bps-1700 signs in, finds it in the queue waiting for the
disposition, opens it, disposes it to a team (the penelaah as ketua, the ketua tim as member; the
roster reached triage from directory's ``officer-roles``) with an instruction; the penelaah signs
in and finds it under "Perkara saya" in the queue, waiting for the team's follow-up. No page breaks
the Content Security Policy."""

from __future__ import annotations

import pytest
from playwright.async_api import async_playwright, expect

from tests.e2e.test_admin_browser import demo_password
from tests.e2e.test_browser import CHROMIUM, FLAGS
from tests.e2e.test_kotak import TENANT, report_id, reporter_signed_in
from tests.e2e.test_sign_in_browser import sign_in, watched_page
from tests.support.waiting import eventually
from wbs_launcher.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")]


async def test_the_pimpinan_disposes_a_case_and_the_penelaah_finds_it_under_perkara_saya(stack: Stack) -> None:
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
        await pimpinan.goto(f"{stack.gateway_url}/perkara/{TENANT}")
        item = pimpinan.locator(f'#queue li[data-case="{case}"]')

        async def registered() -> bool:
            await pimpinan.reload()
            return await item.locator('[data-waiting="disposisi"]').count() == 1

        await eventually(registered, within=60, interval=0.5, what="the case waiting for its disposition")
        await expect(item.locator('[data-waiting="disposisi"]')).to_contain_text("Pimpinan satker")
        await item.locator("a.agenda").click()
        await expect(pimpinan.locator("#no-disposition")).to_be_visible()

        async def roster_arrived() -> bool:
            await pimpinan.reload()
            return await pimpinan.locator("#ketua option", has_text="Penelaah BPS Bengkulu").count() == 1

        await eventually(roster_arrived, within=60, interval=0.5, what="the roster on the form")
        ketua = await pimpinan.locator("#ketua option", has_text="Penelaah BPS Bengkulu").get_attribute("value")
        assert ketua
        await pimpinan.select_option("#ketua", value=ketua)
        await pimpinan.locator("#anggota label", has_text="Ketua Tim WBS BPS Bengkulu").locator("input").check()
        await pimpinan.fill("#instruksi", "Telaah laporan ini dan laporkan hasilnya.")
        await pimpinan.click("#disposition-form button[type=submit]")
        await expect(pimpinan.locator("#notice")).to_contain_text("Perkara telah didisposisikan kepada tim.")
        await expect(pimpinan.locator('#team li[data-role="ketua"]')).to_contain_text("Penelaah BPS Bengkulu")
        await expect(pimpinan.locator('#team li[data-role="anggota"]')).to_contain_text("Ketua Tim WBS BPS Bengkulu")
        await expect(pimpinan.locator("#instruction")).to_have_text("Telaah laporan ini dan laporkan hasilnya.")

        penelaah = await watched_page(browser, problems)
        login = f"penelaah.{TENANT}"
        await sign_in(penelaah, stack, login, demo_password(stack, login))
        await expect(penelaah).to_have_url(f"{stack.gateway_url}/akun")
        await penelaah.click(f'a[href="/perkara/{TENANT}"]')
        await penelaah.select_option("#petugas", value="saya")
        await penelaah.click("#filters button[type=submit]")
        await expect(penelaah).to_have_url(
            f"{stack.gateway_url}/perkara/{TENANT}?status=&kategori=&saluran=&petugas=saya&terlambat="
        )
        mine = penelaah.locator(f'#queue li[data-case="{case}"]')
        await expect(mine.locator('[data-waiting="tindak-lanjut"]')).to_contain_text("batas akhir")
        await expect(mine.locator(".team")).to_contain_text("Penelaah BPS Bengkulu")
        # Only the penelaah's own cases: each listed one has them on its team.
        for team in await penelaah.locator("#queue li .team").all_inner_texts():
            assert "Penelaah BPS Bengkulu" in team
        await browser.close()
    assert not [p for p in problems if "Content Security Policy" in p], problems
