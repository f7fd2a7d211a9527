"""A petugas pengaduan in a real browser, through the gateway: the demonstration petugas of BPS
Provinsi Banten signs in, records a complaint that came by SP4N-LAPOR! and forwards it to BPS
Kabupaten Tangerang, and gets the number and secret to hand over on paper; the custodian of BPS
Kabupaten Tangerang then approves, on their page, a penelaah's request to disclose the reporter."""

from __future__ import annotations

from datetime import date, timedelta

import asyncpg
import httpx
import pytest
from playwright.async_api import async_playwright, expect

from tests.e2e.test_admin_browser import demo_password
from tests.e2e.test_browser import CHROMIUM, FLAGS
from tests.e2e.test_sign_in_browser import sign_in, watched_page
from tests.support.officers import officer_headers
from tests.support.reports import check_status
from wbs_contracts.roles import Role
from wbs_launcher.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")]
PETUGAS = "petugas.bps-3600"
CUSTODIAN = "kustodian.bps-3603"
REASON = "Pemeriksaan pelapor sebagai saksi dalam audit investigasi, Surat Tugas 3/2026"


async def test_a_petugas_records_and_forwards_a_complaint_and_a_custodian_approves_a_disclosure(
    stack: Stack,
) -> None:
    assert CHROMIUM is not None
    received_on = (date.today() - timedelta(days=2)).isoformat()
    problems: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = await watched_page(browser, problems)
        await sign_in(page, stack, PETUGAS, demo_password(stack, PETUGAS))
        await expect(page.locator("#welcome")).to_be_visible()

        # The home page leads to the work their role allows, on intake's pages.
        await page.click('#work li[data-tenant="bps-3600"] a[href="/petugas/bps-3600/catat"]')
        await expect(page.locator("h1")).to_contain_text("Catat laporan dari saluran lain: BPS Provinsi Banten")
        await page.select_option("#channel", "sp4n-lapor")
        await page.fill("#received_on", received_on)
        await page.select_option("#forward_to", "bps-3603")
        await page.select_option("#category", "kkn")
        await page.fill("#what", "Permintaan imbalan kepada calon mitra pencacah")
        await page.fill("#where", "Kecamatan Cikupa")
        await page.fill("#when", "Agustus 2023")
        await page.fill("#terlapor_nama", "R. S.")
        await page.fill("#identitas_nama", "Pelapor Uji Peramban")
        await page.click("#record-form button[type=submit]")

        await expect(page.locator("#forwarded")).to_contain_text("BPS Kabupaten Tangerang")
        number = (await page.locator("#registration-number").inner_text()).strip()
        secret = (await page.locator("#secret").inner_text()).strip()
        assert number.startswith("WBS-")
        assert len(secret) > 20
        receipt_form = page.locator("#receipt-form")
        assert await receipt_form.get_attribute("action") == "/lapor/tanda-terima"
        assert await receipt_form.locator("input[name=registration_number]").input_value() == number
        assert await receipt_form.locator("input[name=secret]").input_value() == secret
        assert await receipt_form.locator("input[name=csrf]").count() == 1

        # In English, the same page speaks English.
        await page.click("#language-en")
        await page.goto(f"{stack.gateway_url}/petugas/bps-3600/catat")
        await expect(page.locator("h1")).to_contain_text("Record a report from another channel")

        async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as client:
            status = await check_status(client, {"registration_number": number, "secret": secret})
            assert status.status_code == 200
            assert [n["kind"] for n in status.json()["notices"]] == ["diteruskan"]

        # A penelaah of the kabupaten asks (through the API); the custodian decides on the page.
        case = await _case(stack, number)
        penelaah = officer_headers(stack.key_root, "intake", {"bps-3603": {Role.PENELAAH}}, officer="p-9", name="P")
        async with httpx.AsyncClient(base_url=stack.service_url("intake"), timeout=10) as intake:
            asked = await intake.post(
                f"/api/v1/tenants/bps-3603/cases/{case}/identity-disclosures", json={"reason": REASON}, headers=penelaah
            )
        assert asked.status_code == 201, asked.text

        custodian = await watched_page(browser, problems)
        await sign_in(custodian, stack, CUSTODIAN, demo_password(stack, CUSTODIAN))
        await expect(custodian.locator("#welcome")).to_be_visible()
        await custodian.click('#work li[data-tenant="bps-3603"] a[href="/petugas/bps-3603/pengungkapan"]')
        pending = custodian.locator(f'#pending li[data-request="{asked.json()["id"]}"]')
        await expect(pending.locator(".reason")).to_have_text(REASON)
        await pending.locator("textarea").fill("Sesuai Perbup 18/2021 Pasal 8")
        await pending.locator("button[value=disetujui]").click()
        await expect(custodian.locator("#notice")).to_contain_text("Permintaan disetujui")
        await expect(custodian.locator("#decided")).to_contain_text("Disetujui")
        await browser.close()
    assert not [p for p in problems if "Content Security Policy" in p], problems


async def _case(stack: Stack, number: str) -> str:
    connection = await asyncpg.connect(stack.database_urls["intake"])
    try:
        return str(await connection.fetchval("SELECT id FROM report WHERE registration_number = $1", number))
    finally:
        await connection.close()
