"""Single sign-on in a real browser (Debian's headless Chromium), through the gateway, with a real
OpenID provider running locally (npm's oidc-provider): an officer signs in with a password, links
their identity at the body's provider from the account page, signs out, and signs in again with
the "Masuk dengan SSO" button; an identity nobody linked is refused in both languages."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from playwright.async_api import Page, async_playwright, expect

from tests.e2e.test_browser import CHROMIUM, FLAGS
from tests.e2e.test_sign_in_browser import NEW_PASSWORD, new_officer, sign_in, watched_page
from tests.support.oidc import Account, OidcEndpoint, RunningProvider, needs_node, oidc_provider
from wbs_contracts.roles import Role
from wbs_directory.adapters.db import SqlDirectoryUnitOfWork
from wbs_directory.domain.tenant import TenantDocument
from wbs_directory.usecases import import_tenants
from wbs_launcher.stack import Stack
from wbs_runtime.clock import utc_now
from wbs_runtime.db import create_engine, create_sessionmaker

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
    needs_node,
]
TENANT_ID = "e2e-sso"
LINKED = Account(login="wati", password="sandi-di-penyedia-wati", sub="nip-198701012010012001", name="Wati")
STRANGER = Account(login="asing", password="sandi-di-penyedia-asing", sub="nip-000")


@pytest.fixture(scope="module")
def provider(
    stack: Stack, oidc_endpoint: OidcEndpoint, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningProvider]:
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    with oidc_provider(
        oidc_endpoint.port, [f"{stack.gateway_url}/masuk/sso/kembali"], [LINKED, STRANGER], log
    ) as running:
        yield running


async def body_with_sso(stack: Stack, issuer: str) -> None:
    engine = create_engine(stack.database_urls["directory"], pool_size=1)
    try:
        tenant = {
            "id": TENANT_ID,
            "name": "Inspektorat Ber-SSO",
            "policy": {
                "categories": [{"slug": "korupsi", "label_id": "Korupsi", "label_en": "Corruption"}],
                "oidc_issuer": issuer,
            },
        }
        await import_tenants(
            [TenantDocument.model_validate(tenant)],
            SqlDirectoryUnitOfWork(create_sessionmaker(engine), "directory"),
            clock=utc_now,
            actor="test",
        )
    finally:
        await engine.dispose()


async def at_provider(page: Page, account: Account) -> None:
    await expect(page.locator("h1")).to_have_text("Test identity provider")
    await page.fill("#provider-login-name", account.login)
    await page.fill("#provider-password", account.password)
    await page.click("#provider-login button[type=submit]")


async def test_an_officer_links_their_identity_and_signs_in_through_the_provider(
    stack: Stack, provider: RunningProvider
) -> None:
    assert CHROMIUM is not None
    await body_with_sso(stack, provider.issuer)
    login = f"wati-{uuid.uuid4().hex[:6]}"
    await new_officer(stack, login, (TENANT_ID, Role.PENELAAH), password=NEW_PASSWORD)
    problems: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = await watched_page(browser, problems)

        # Signed in with the password, the officer links the identity from the account page.
        await sign_in(page, stack, login, NEW_PASSWORD)
        await expect(page.locator("#welcome")).to_be_visible()
        await page.click("text=Akun SSO")
        await expect(page.locator("#no-sso-links")).to_be_visible()
        await page.click(f'a.sso-link[data-tenant="{TENANT_ID}"]')
        await at_provider(page, LINKED)
        await expect(page.locator("#notice")).to_have_text("Akun SSO Anda telah terhubung.")
        await expect(page.locator(f'#sso-links tr[data-issuer="{provider.issuer}"] .sso-subject')).to_have_text(
            LINKED.sub
        )
        await page.click("#sign-out button")
        await expect(page.locator("#notice")).to_have_text("Anda telah keluar.")

        # A new browser: the sign-in page's SSO button, the provider's page, and home.
        other = await watched_page(browser, problems)
        await other.goto(f"{stack.gateway_url}/masuk")
        await other.click(f'#sso-choices a[data-tenant="{TENANT_ID}"]')
        await at_provider(other, LINKED)
        await expect(other).to_have_url(f"{stack.gateway_url}/akun")
        await expect(other.locator("#welcome")).to_have_text("Selamat datang, Rina Kartika")

        # Someone the body knows but nobody linked: refused, without a session, in both languages.
        stranger = await watched_page(browser, problems)
        await stranger.goto(f"{stack.gateway_url}/masuk")
        await stranger.click(f'#sso-choices a[data-tenant="{TENANT_ID}"]')
        await at_provider(stranger, STRANGER)
        await expect(stranger.locator("#error")).to_contain_text("tidak terhubung dengan akun petugas mana pun")
        await stranger.click("#language-en")
        await expect(stranger.locator("h1")).to_have_text("Sign in for officers")
        await stranger.goto(f"{stack.gateway_url}/akun")
        await expect(stranger).to_have_url(f"{stack.gateway_url}/masuk")
        await browser.close()
    assert not [p for p in problems if "Content Security Policy" in p], problems
