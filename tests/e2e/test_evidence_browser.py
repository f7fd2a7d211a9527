"""A reporter adds a file to their report after sending it, on /pantau/bukti, in a real browser
(Debian's headless Chromium, driven by Playwright), through the gateway of the running system:
the file is listed with its name; a program dressed as a PDF is refused and the page says why."""

from __future__ import annotations

import os
import shutil

import httpx
import pytest
from playwright.async_api import FilePayload, async_playwright, expect

from wbs_launcher.stack import Stack

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and os.environ.get("CI") != "true", reason="Debian's chromium is not installed"
)
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"]
MARKER = b"PENANDA-PERAMBAN-5d81"
REPORT = {
    "tenant": "bps-1700",
    "category": "korupsi-gratifikasi",
    "what": "Pungutan liar pada layanan data",
    "where": "Kantor BPS Provinsi Bengkulu",
    "when": "Oktober 2026",
    "who": "Petugas PST",
    "how": "Meminta uang untuk data",
}


async def test_a_reporter_adds_a_late_file_on_the_evidence_page(stack: Stack) -> None:
    assert CHROMIUM is not None, "Chromium is required in CI"
    async with httpx.AsyncClient(base_url=stack.gateway_url) as client:
        receipt = (await client.post("/api/v1/reports", json=REPORT)).json()
    document = b"%PDF-1.7\n% " + MARKER + b"\n" + b"0" * 150_000 + b"\n%%EOF"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = await browser.new_context()
        page = await context.new_page()
        # Not signed in: the page sends the reporter to sign in first.
        await page.goto(f"{stack.gateway_url}/pantau/bukti")
        assert page.url.endswith("/pantau")
        # Signed in through the reporter's API; the browser keeps the session cookie.
        signed_in = await context.request.post(
            f"{stack.gateway_url}/api/v1/reporter/session",
            data={"registration_number": receipt["registration_number"], "secret": receipt["secret"]},
        )
        assert signed_in.status == 200
        await page.goto(f"{stack.gateway_url}/pantau/bukti")
        await expect(page.locator("#no-evidence")).to_be_visible()

        await page.set_input_files(
            "#berkas", files=[FilePayload(name="kuitansi susulan.pdf", mimeType="application/pdf", buffer=document)]
        )
        await page.click("#evidence-form button[type=submit]")
        await expect(page.locator("#notice")).to_contain_text("tersimpan terenkripsi")
        await expect(page.locator(".evidence-name")).to_have_text(["kuitansi susulan.pdf"])
        await expect(page.locator("#evidence-files")).to_contain_text("setelah laporan dikirim")

        program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(4000)
        await page.set_input_files(
            "#berkas", files=[FilePayload(name="foto.pdf", mimeType="application/pdf", buffer=program)]
        )
        await page.click("#evidence-form button[type=submit]")
        await expect(page.locator("#error")).to_contain_text("tidak diterima")
        await expect(page.locator(".evidence-name")).to_have_text(["kuitansi susulan.pdf"])
        await browser.close()

    # What the browser sent is in the blob store only as ciphertext.
    blobs = [p for p in (stack.config.var_dir / "blobs").rglob("*") if p.is_file()]
    assert blobs
    assert all(MARKER not in p.read_bytes() for p in blobs)
