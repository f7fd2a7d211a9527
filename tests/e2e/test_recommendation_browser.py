"""Recommendations in a real browser (Debian's Chromium, driven by Playwright), behind the gateway:
the Inspektur of Bengkulu (ketua tim) opens a case whose final report is issued (walked through the
telaah's and the audit's APIs), issues a disciplinary sanction (due 3 months after receipt,
Bengkulu's policy), records the copy of its SK (number, date, the file), sees it listed, records
the sanction carried out on time, and finds the tenant's follow-up queue. No page breaks the
Content Security Policy."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from playwright.async_api import Page, async_playwright, expect

from tests.e2e.audit_steps import api, final_report_issued
from tests.e2e.pelimpahan import (
    audit_decided,
    officer,
    report_with_identity,
    sign_out_at_the_end,  # noqa: F401 - the signed-in clients are closed at the module's end
)
from tests.e2e.test_admin_browser import demo_password
from tests.e2e.test_browser import CHROMIUM, FLAGS
from tests.e2e.test_sign_in_browser import sign_in, watched_page
from tests.support.waiting import eventually
from wbs_launcher.stack import Stack
from wbs_runtime.working_days import JAKARTA, last_day_before, months_due

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")]
TENANT = "inspektorat-bengkulu"
KETUA = f"inspektur.{TENANT}"
#: A scan's size, far above the gateway's usual body limit: the upload routes have their own.
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% Salinan SK Gubernur tentang hukuman disiplin\n"
    + (b"% " + b"0" * 1022 + b"\n") * 300
    + b"%%EOF\n"
)


async def case_with_final_report(stack: Stack) -> tuple[uuid.UUID, str]:
    """A report to Bengkulu decided for audit (triage's API) and taken by the Inspektur to its final
    report, an administrative violation (investigation's API); the case and its agenda number."""
    case_id = await audit_decided(stack, TENANT, await report_with_identity(stack, TENANT, 75_000_000))
    inspektur = await officer(stack, KETUA)
    findings = "Pengadaan tanpa pembanding harga; tidak ada kerugian negara."
    await final_report_issued(inspektur, TENANT, case_id, loss=0, findings=findings, result="pelanggaran-administratif")
    plan = (await inspektur.get(api(TENANT, case_id, "plan"))).json()
    return case_id, str(plan["agenda_number"])


async def policy_arrived(page: Page, stack: Stack, case_id: uuid.UUID) -> bool:
    """Investigation keeps Bengkulu's policy (directory announced it at start): the form names its limit."""
    await page.goto(f"{stack.gateway_url}/audit/{TENANT}/{case_id}/rekomendasi")
    return await page.locator('#policy-limits li[data-kind="hukuman-disiplin"]').count() == 1


async def test_the_ketua_tim_issues_a_sanction_and_records_its_sk(stack: Stack) -> None:
    assert CHROMIUM is not None
    case_id, agenda = await case_with_final_report(stack)
    due = last_day_before(months_due(datetime.now(UTC), 3, zone=JAKARTA), JAKARTA)
    today = datetime.now(JAKARTA).date()
    problems: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = await watched_page(browser, problems)
        await sign_in(page, stack, KETUA, demo_password(stack, KETUA))
        await expect(page).to_have_url(f"{stack.gateway_url}/akun")

        await page.goto(f"{stack.gateway_url}/audit/{TENANT}/{case_id}")
        await expect(page.locator("h1")).to_contain_text(agenda)
        await page.click("#rekomendasi-link")
        await expect(page).to_have_url(f"{stack.gateway_url}/audit/{TENANT}/{case_id}/rekomendasi")
        await eventually(lambda: policy_arrived(page, stack, case_id), within=60, interval=0.5, what="the policy")
        await expect(page.locator('#policy-limits li[data-kind="hukuman-disiplin"]')).to_contain_text("3 bulan")

        # Issued: the deadline is Bengkulu's, three months after receipt (today).
        await page.select_option("#jenis", "hukuman-disiplin")
        await page.fill("#ditujukan_kepada", "Sekretaris Daerah Provinsi Bengkulu")
        await page.fill("#isi", "Menjatuhkan hukuman disiplin sedang kepada pejabat pembuat komitmen.")
        await page.click("#beri-rekomendasi")
        await expect(page.locator("#notice")).to_contain_text("Rekomendasi telah diberikan.")
        recommendation = page.locator("li.recommendation").first
        await expect(recommendation).to_have_attribute("data-kind", "hukuman-disiplin")
        await expect(recommendation.locator(".due")).to_contain_text(due.isoformat())
        await expect(recommendation.locator(".due")).to_contain_text("Pergub Bengkulu 49/2017")
        await expect(recommendation.locator(".text")).to_contain_text("pejabat pembuat komitmen")

        # Not done without its SK: the reason, and nothing changes.
        await recommendation.locator("details summary").click()
        await recommendation.locator("button.complete").click()
        await expect(page.locator("#error")).to_contain_text("salinan SK")
        recommendation = page.locator("li.recommendation").first
        await expect(recommendation).to_have_attribute("data-done", "tidak")

        # The copy of the SK: its number, its date, the file.
        await recommendation.locator("select.document-kind").select_option("sk")
        await recommendation.locator("input.document-title").fill("Salinan SK Gubernur Bengkulu")
        await recommendation.locator("input.document-reference").fill("800/123/BKD/2026")
        await recommendation.locator("input.document-dated").fill(today.isoformat())
        await recommendation.locator("input.document-file").set_input_files(
            {"name": "sk.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        await recommendation.locator("button.upload").click()
        await expect(page.locator("#notice")).to_contain_text("Dokumen tindak lanjut telah disimpan.")
        recommendation = page.locator("li.recommendation").first
        sk = recommendation.locator('li.follow-up[data-kind="sk"]')
        await expect(sk.locator(".reference")).to_have_text("800/123/BKD/2026")
        await expect(sk.locator("a.document")).to_have_text("Salinan SK Gubernur Bengkulu")
        async with page.expect_download() as download_info:
            await sk.locator("a.document").click()
        download = await download_info.value
        assert download.suggested_filename.endswith(".pdf")
        saved = await download.path()
        assert saved is not None
        assert saved.read_bytes() == PDF

        # Carried out on time (the SK is dated today).
        await recommendation.locator("details summary").click()
        await recommendation.locator("button.complete").click()
        await expect(page.locator("#notice")).to_contain_text("selesai ditindaklanjuti")
        recommendation = page.locator("li.recommendation").first
        await expect(recommendation).to_have_attribute("data-done", "ya")
        await expect(recommendation.locator(".state")).to_contain_text("tepat waktu")

        await page.click("#queue-link")
        await expect(page).to_have_url(f"{stack.gateway_url}/audit/{TENANT}/rekomendasi")
        await expect(page.locator("h1")).to_have_text("Antrean tindak lanjut rekomendasi")
        await page.click("#language-en")
        await expect(page.locator("h1")).to_have_text("Recommendation follow-up queue")
        await browser.close()
    assert not [p for p in problems if "Content Security Policy" in p], problems
