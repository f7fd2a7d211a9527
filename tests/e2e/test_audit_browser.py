"""The audit's pages in a real browser (Debian's Chromium, driven by Playwright), behind the gateway:
after BPS Bengkulu's telaah decides on an audit, the ketua tim signs in, goes from the case file to
the plan, reads the report, and issues the Surat Tugas naming the auditor and himself (the form
offers the roster); the auditor, now on the team, records a Berita Acara Klarifikasi with a scanned
file and then the result, and sees that the auditee's response is still needed. No page breaks the
Content Security Policy."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.async_api import async_playwright, expect

from tests.e2e.audit_steps import officer_id, plan_with_candidates
from tests.e2e.test_admin_browser import demo_password
from tests.e2e.test_audit import AUDITOR, KETUA
from tests.e2e.test_browser import CHROMIUM, FLAGS
from tests.e2e.test_decisions import decide
from tests.e2e.test_kotak import TENANT, officer_signed_in
from tests.e2e.test_sign_in_browser import sign_in, watched_page
from wbs_launcher.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")]


async def test_the_ketua_tim_issues_the_surat_tugas_and_the_auditor_records_a_clarification_and_the_result(
    stack: Stack, tmp_path: Path
) -> None:
    assert CHROMIUM is not None
    decision = {"outcome": "audit-investigasi", "conclusion": "Berindikasi TPK: pungutan atas layanan data."}
    reporter, case, _ = await decide(stack, decision, approved_by=f"ketua.{TENANT}")
    await reporter.aclose()
    ketua_api = await officer_signed_in(stack, f"ketua.{TENANT}")
    plan = await plan_with_candidates(ketua_api, TENANT, case, KETUA, AUDITOR)  # the case and the roster arrived
    await ketua_api.aclose()
    auditor_id, ketua_id = officer_id(plan, AUDITOR), officer_id(plan, KETUA)
    scan = tmp_path / "BAK ditandatangani.pdf"
    scan.write_bytes(b"%PDF-1.4 pindaian berita acara")
    today = date.today()
    audit = f"{stack.gateway_url}/audit/{TENANT}/{case}"
    problems: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)

        ketua = await watched_page(browser, problems)
        await sign_in(ketua, stack, f"ketua.{TENANT}", demo_password(stack, f"ketua.{TENANT}"))
        await expect(ketua).to_have_url(f"{stack.gateway_url}/akun")
        await ketua.goto(audit)
        await ketua.click("#rencana-link")
        await expect(ketua).to_have_url(f"{audit}/rencana")
        await expect(ketua.locator("#conclusion-text")).to_contain_text("pungutan atas layanan data")
        await expect(ketua.locator("#no-surat-tugas")).to_be_visible()
        await ketua.fill("#number", f"ST-{case.hex[:8]}/BPS-1700")
        await ketua.fill("#issued_on", today.isoformat())
        await ketua.select_option("#ketua_tim", auditor_id)
        await ketua.select_option("#pengendali_teknis", ketua_id)
        await ketua.fill("#starts_on", today.isoformat())
        await ketua.fill("#ends_on", (today + timedelta(days=14)).isoformat())
        await ketua.fill("#budget", "Rp 15.000.000")
        await ketua.fill("#resources", "Kendaraan dinas")
        await ketua.click("#surat-tugas-submit")
        await expect(ketua.locator("#notice")).to_contain_text("Surat Tugas telah diterbitkan")
        await expect(ketua.locator("#status")).to_have_attribute("data-status", "pelaksanaan")
        await expect(ketua.locator(f'#team tr[data-officer="{auditor_id}"]')).to_contain_text("Ketua tim")
        await expect(ketua.locator("#surat-tugas-budget")).to_have_text("Rp 15.000.000")
        pdf_link = re.compile(rf"^/api/v1/tenants/{TENANT}/audits/{case}/documents/[0-9a-f-]{{36}}$")
        await expect(ketua.locator("#surat-tugas-pdf")).to_have_attribute("href", pdf_link)

        auditor = await watched_page(browser, problems)
        await sign_in(auditor, stack, f"auditor.{TENANT}", demo_password(stack, f"auditor.{TENANT}"))
        await expect(auditor).to_have_url(f"{stack.gateway_url}/akun")
        await auditor.goto(f"{audit}/rencana")
        await expect(auditor.locator("#substance-what")).not_to_be_empty()
        await auditor.click("#audit-steps #klarifikasi-link")
        await expect(auditor).to_have_url(f"{audit}/klarifikasi")
        await auditor.fill("#heard_name", "Kepala Subbagian Umum")
        await auditor.fill("#heard_position", "Kasubbag Umum")
        await auditor.fill("#held_at", f"{today.isoformat()}T10:00")
        await auditor.fill("#place", "Ruang rapat")
        await auditor.fill("#statement", "Mengakui menerima uang dari pengguna data.")
        await auditor.fill("#signed_by", "Kepala Subbagian Umum\nAuditor BPS Bengkulu")
        await auditor.set_input_files("#files", str(scan))
        await auditor.click("#clarification-submit")
        await expect(auditor.locator("#notice")).to_contain_text("Berita Acara Klarifikasi telah dicatat.")
        clarification = auditor.locator("article.clarification")
        await expect(clarification.locator(".statement")).to_have_text("Mengakui menerima uang dari pengguna data.")
        await expect(clarification.locator("a.file")).to_have_text("BAK ditandatangani.pdf")

        await auditor.click("#hasil-link")
        await expect(auditor).to_have_url(f"{audit}/hasil")
        await auditor.check("#result-tpk")
        await auditor.fill("#estimated_loss", "Rp 1,5 juta")  # not a sum in whole rupiah
        await auditor.fill("#findings", "Pungutan Rp 350.000.000 atas layanan data mikro.")
        await auditor.click("#result-submit")
        await expect(auditor.locator("#error")).to_contain_text("Rp 1.500.000.000")
        await expect(auditor.locator("#findings")).to_have_value("Pungutan Rp 350.000.000 atas layanan data mikro.")
        await auditor.fill("#estimated_loss", "Rp 350.000.000")
        await auditor.click("#result-submit")
        await expect(auditor.locator("#notice")).to_contain_text("Hasil audit telah dicatat.")
        await expect(auditor.locator("#result-loss")).to_have_text("Rp 350.000.000")
        await expect(auditor.locator("#current-result")).to_have_attribute("data-result", "tpk")
        await expect(auditor.locator("#response-needed")).to_be_visible()

        await auditor.click("#language-en")
        await expect(auditor.locator("#result h2")).to_have_text("Audit result")
        await browser.close()
    assert not [p for p in problems if "Content Security Policy" in p], problems
