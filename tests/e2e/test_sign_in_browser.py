"""An officer in a real browser (Debian's headless Chromium, driven by Playwright), through the
gateway: signs in with a temporary password and changes it, enrols TOTP, signs out, signs in
with a code, signs out everywhere from a second browser, and is told clearly when a session
has expired, in Indonesian and in English."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import asyncpg
import pyotp
import pytest
from playwright.async_api import Browser, ConsoleMessage, Dialog, Page, async_playwright, expect

from tests.e2e.test_browser import CHROMIUM, FLAGS
from wbs_contracts.roles import Role
from wbs_directory.adapters.db import SqlDirectoryUnitOfWork
from wbs_directory.adapters.passwords import Argon2Passwords
from wbs_directory.domain.officer import Grant
from wbs_directory.domain.tenant import TenantDocument
from wbs_directory.usecases import import_tenants
from wbs_directory.usecases.officers import create_officer
from wbs_launcher.stack import Stack
from wbs_runtime.clock import utc_now
from wbs_runtime.db import create_engine, create_sessionmaker

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
NEW_PASSWORD = "teh manis di pagi hari"
TENANT_ID = "e2e-inspektorat"
TENANT = {
    "id": TENANT_ID,
    "name": "Inspektorat Uji",
    "policy": {"categories": [{"slug": "korupsi", "label_id": "Korupsi", "label_en": "Corruption"}]},
}


async def new_officer(stack: Stack, login: str, *grants: tuple[str, Role], password: str | None = None) -> str:
    engine = create_engine(stack.database_urls["directory"], pool_size=1)
    try:
        sessionmaker = create_sessionmaker(engine)
        await import_tenants(
            [TenantDocument.model_validate(TENANT)],
            SqlDirectoryUnitOfWork(sessionmaker, "directory"),
            clock=utc_now,
            actor="test",
        )
        _, given = await create_officer(
            SqlDirectoryUnitOfWork(sessionmaker, "directory"),
            Argon2Passwords(),
            login=login,
            display_name="Rina Kartika",
            grants=[Grant(t, r) for t, r in grants],
            actor="test",
            clock=utc_now,
            password=password,
        )
        return given
    finally:
        await engine.dispose()


async def idle_for(stack: Stack, login: str, idle: timedelta) -> None:
    """Every session of the officer was last used ``idle`` ago."""
    connection = await asyncpg.connect(stack.database_urls["directory"])
    try:
        await connection.execute(
            "UPDATE officer_session SET last_seen_at = now() - $2::interval"
            " WHERE officer_id = (SELECT id FROM officer WHERE login = $1)",
            login,
            idle,
        )
    finally:
        await connection.close()


async def sign_in(page: Page, stack: Stack, login: str, password: str) -> None:
    await page.goto(f"{stack.gateway_url}/masuk")
    await page.fill("#nama_pengguna", login)
    await page.fill("#kata_sandi", password)
    await page.click("#sign-in-form button[type=submit]")


async def watched_page(browser: Browser, problems: list[str]) -> Page:
    context = await browser.new_context()
    page = await context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    async def on_dialog(dialog: Dialog) -> None:
        await dialog.accept()  # "Keluar dari semua perangkat?" Yes.

    page.on("console", on_console)
    page.on("dialog", on_dialog)
    return page


async def test_an_officer_signs_in_enrols_totp_and_signs_out_everywhere(stack: Stack) -> None:
    assert CHROMIUM is not None
    login = f"rina-{uuid.uuid4().hex[:6]}"
    temporary = await new_officer(stack, login, (TENANT_ID, Role.PENELAAH), (TENANT_ID, Role.KETUA_TIM))
    problems: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = await watched_page(browser, problems)

        # The temporary password, then a password of one's own.
        await page.goto(f"{stack.gateway_url}/masuk")
        await expect(page.locator("h1")).to_have_text("Masuk untuk petugas")
        await sign_in(page, stack, login, "bukan-kata-sandinya")
        await expect(page.locator("#error")).to_have_text("Nama pengguna atau kata sandi salah.")
        await expect(page.locator("#nama_pengguna")).to_have_value(login)
        await page.fill("#kata_sandi", temporary)
        await page.click("#sign-in-form button[type=submit]")
        await expect(page.locator("#must-change")).to_be_visible()
        await page.fill("#kata_sandi_baru", NEW_PASSWORD)
        await page.fill("#ulangi_kata_sandi", NEW_PASSWORD)
        await page.click("#password-form button[type=submit]")
        await expect(page.locator("#notice")).to_have_text("Kata sandi Anda telah diubah.")
        await expect(page.locator("#welcome")).to_have_text("Selamat datang, Rina Kartika")
        await expect(page.locator(f'#roles tr[data-tenant="{TENANT_ID}"]')).to_have_count(2)
        await expect(page.locator("#totp-status")).to_have_text("Tidak aktif")

        # The second factor: the secret from the page into an "app", a code back, recovery codes.
        await page.click("text=Aktifkan verifikasi dua langkah")
        secret = (await page.locator("#totp-secret").text_content() or "").replace(" ", "")
        totp = pyotp.TOTP(secret)
        await page.fill("#kode", totp.now())
        await page.click("#totp-form button[type=submit]")
        await expect(page.locator("#recovery-codes li")).to_have_count(10)
        recovery = await page.locator("#recovery-codes li").all_text_contents()
        await page.click("#continue")
        await expect(page.locator("#totp-status")).to_contain_text("Aktif")
        await expect(page.locator("#totp-status")).to_contain_text("10 kode pemulihan tersisa")

        # Out, and in again with the next code (the one just used is refused even within its window).
        await page.click("#sign-out button")
        await expect(page.locator("#notice")).to_have_text("Anda telah keluar.")
        await sign_in(page, stack, login, NEW_PASSWORD)
        await expect(page.locator("h1")).to_have_text("Kode verifikasi")
        await page.fill("#kode", totp.at(time.time() + 30))
        await page.click("#code-form button[type=submit]")
        await expect(page.locator("#welcome")).to_be_visible()

        # A second browser, in with a recovery code, signs out everywhere.
        other = await watched_page(browser, problems)
        await sign_in(other, stack, login, NEW_PASSWORD)
        await other.fill("#kode", recovery[0])
        await other.click("#code-form button[type=submit]")
        await expect(other.locator("#totp-status")).to_contain_text("9 kode pemulihan tersisa")
        await other.click("#sign-out-everywhere button")
        await expect(other.locator("#notice")).to_have_text("Anda telah keluar dari semua perangkat.")

        # The first browser's session ended with it, and it is told so, in its language.
        await page.reload()
        await expect(page.locator("#notice")).to_have_text("Sesi Anda telah berakhir. Silakan masuk lagi.")
        await page.click("#language-en")
        await expect(page.locator("html")).to_have_attribute("lang", "en")
        await expect(page.locator("h1")).to_have_text("Sign in for officers")
        await browser.close()
    assert not [p for p in problems if "Content Security Policy" in p], problems


async def test_an_expired_session_gets_a_clear_message_in_both_languages(stack: Stack) -> None:
    assert CHROMIUM is not None
    login = f"budi-{uuid.uuid4().hex[:6]}"
    await new_officer(stack, login, (TENANT_ID, Role.AUDITOR), password=NEW_PASSWORD)
    problems: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = await watched_page(browser, problems)
        await sign_in(page, stack, login, NEW_PASSWORD)
        await expect(page.locator("#welcome")).to_be_visible()
        await page.click("#language-en")
        await expect(page.locator("h2").first).to_have_text("Your roles")
        await expect(page.locator(f'#roles tr[data-tenant="{TENANT_ID}"] td').first).to_have_text("Auditor")

        await idle_for(stack, login, timedelta(minutes=31))
        await page.reload()
        await expect(page).to_have_url(f"{stack.gateway_url}/masuk?pesan=berakhir")
        await expect(page.locator("#notice")).to_have_text("Your session has ended. Please sign in again.")
        await page.click("#language-id")
        await expect(page.locator("#notice")).to_have_text("Sesi Anda telah berakhir. Silakan masuk lagi.")
        await browser.close()
    assert problems == []
