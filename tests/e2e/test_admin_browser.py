"""A tenant administrator in a real browser, through the gateway: the demonstration administrator
of BPS Provinsi Bengkulu signs in, opens the tenant's administration page from their home page,
changes a category's label in the policy document, and the reporter's form offers the new label
without a restart; the version shows in the tenant's history."""

from __future__ import annotations

import uuid

import httpx
import pytest
from playwright.async_api import async_playwright, expect

from tests.e2e.test_browser import CHROMIUM, FLAGS
from tests.e2e.test_sign_in_browser import sign_in, watched_page
from tests.support.waiting import eventually
from wbs_launcher.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")]
TENANT = "bps-1700"
ADMINISTRATOR = f"admin.{TENANT}"


def demo_password(stack: Stack, login: str) -> str:
    """From the file ``make run`` shows at start: ``login password tenant roles`` per line."""
    for line in stack.demo_officers_file.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if fields and fields[0] == login:
            return fields[1]
    raise AssertionError(f"no demonstration account {login}")


async def test_the_demo_administrator_changes_a_category_label_and_the_reporters_form_shows_it(
    stack: Stack,
) -> None:
    assert CHROMIUM is not None
    label = f"Kinerja dan disiplin pegawai {uuid.uuid4().hex[:4]}"
    problems: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = await watched_page(browser, problems)
        await sign_in(page, stack, ADMINISTRATOR, demo_password(stack, ADMINISTRATOR))
        await expect(page.locator("#welcome")).to_be_visible()

        await page.click(f'#administration li[data-tenant="{TENANT}"] a[href="/admin/{TENANT}"]')
        await expect(page.locator("#tenant-name")).to_have_text("BPS Provinsi Bengkulu")
        await expect(page.locator('#categories tr[data-category="kinerja-pegawai"]')).to_be_visible()
        versions = await page.locator("#history tbody tr").count()

        await page.click("#edit-policy")
        document = await page.input_value("#dokumen")
        assert "label_id: Kinerja Pegawai" in document
        await page.fill("#dokumen", document.replace("label_id: Kinerja Pegawai", f"label_id: {label}"))
        await page.click("#policy-form button[type=submit]")
        await expect(page.locator("#notice")).to_contain_text("Kebijakan telah disimpan sebagai versi baru")
        await expect(page.locator('#categories tr[data-category="kinerja-pegawai"]')).to_contain_text(label)
        await expect(page.locator("#history tbody tr")).to_have_count(versions + 1)
        await expect(page.locator("#history tbody tr").first).to_contain_text(ADMINISTRATOR)

        # A document that breaks the policy is refused on the page and nothing changes.
        await page.click("#edit-policy")
        await page.fill("#dokumen", "id: bps-1700\nname: [tidak ditutup\n")
        await page.click("#policy-form button[type=submit]")
        await expect(page.locator("#error")).to_contain_text("tidak ada yang berubah")
        await expect(page.locator("#dokumen")).to_have_value("id: bps-1700\nname: [tidak ditutup\n")
        await browser.close()
    assert not [p for p in problems if "Content Security Policy" in p], problems

    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=5.0) as client:

        async def offered() -> str | None:
            categories = (await client.get(f"/api/v1/tenants/{TENANT}")).json()["categories"]
            found = [c for c in categories if c["slug"] == "kinerja-pegawai"]
            return found[0]["label_id"] if found and found[0]["label_id"] == label else None

        assert await eventually(offered, within=30, what="the new label on the reporter's form") == label
