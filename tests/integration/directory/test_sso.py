"""Single sign-on through a real OpenID provider (node-oidc-provider, run locally): the whole
authorization code flow over HTTP, from the sign-in page's button through the provider's own
sign-in page back to the callback, a session and an assertion that says ``oidc``; linking from
the account page; and the refusals: an unlinked identity, a tampered state, a replayed answer."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace

import httpx
import pytest

from tests.integration.directory.conftest import Directory, csrf_of, started_directory
from tests.integration.directory.test_sign_in import NEW_PASSWORD, sign_in
from tests.support.infrastructure import Infrastructure, free_port
from tests.support.oidc import Account, RunningProvider, needs_node, oidc_provider
from wbs_contracts.roles import Role
from wbs_directory.adapters.oidc import OidcClient, OpenIdProviders
from wbs_directory.domain.identity_link import SsoPurpose, new_flow
from wbs_directory.domain.officer import Totp
from wbs_directory.ports import ProviderFailed
from wbs_directory.usecases.sso import link_by_operator
from wbs_runtime.auth.assertions import AssertionVerifier
from wbs_runtime.clock import utc_now
from wbs_runtime.web import LANGUAGE_COOKIE

pytestmark = needs_node

BASE = "http://wbs.test"
CATEGORIES = [{"slug": "korupsi", "label_id": "Korupsi", "label_en": "Corruption"}]
WITH_SSO = "sso-inspektorat"
WITHOUT_SSO = "sso-tanpa"
SITI = Account(login="siti", password="sandi-penyedia-siti", sub="pegawai-0001")
BUDI = Account(login="budi", password="sandi-penyedia-budi", sub="pegawai-0002")
ORANG_LAIN = Account(login="orang-lain", password="sandi-orang-lain", sub="pegawai-0999")
DEWI = Account(login="dewi", password="sandi-penyedia-dewi", sub="pegawai-0004")
DENGAN_MFA = Account(login="rina", password="sandi-penyedia-rina", sub="pegawai-0003", mfa=True)
NOT_LINKED = "tidak terhubung dengan akun petugas mana pun"


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningProvider]:
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    with oidc_provider(
        free_port(), [f"{BASE}/masuk/sso/kembali"], [SITI, BUDI, ORANG_LAIN, DEWI, DENGAN_MFA], log
    ) as found:
        yield found


@pytest.fixture(scope="module")
async def directory(
    infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory, provider: RunningProvider
) -> AsyncIterator[Directory]:
    tenants = [
        {
            "id": WITH_SSO,
            "name": "Inspektorat SSO",
            "policy": {"categories": CATEGORIES, "oidc_issuer": provider.issuer},
        },
        {"id": WITHOUT_SSO, "name": "Instansi Tanpa SSO", "policy": {"categories": CATEGORIES}},
    ]
    async with started_directory(
        infra, tmp_path_factory.mktemp("keys"), tenants, oidc_clients=provider.client_setting, public_url=BASE
    ) as found:
        yield found


class Browser:
    """One browser: directory in-process at wbs.test, the provider over real HTTP, one cookie jar each."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory.browser()
        self.provider = httpx.AsyncClient(timeout=10)
        directory.browsers.append(self.provider)

    async def get(self, url: str | httpx.URL) -> httpx.Response:
        target = httpx.URL(url)
        if target.host in ("", "wbs.test"):
            return await self.directory.get(target)
        return await self.provider.get(target)

    async def follow(self, response: httpx.Response) -> httpx.Response:
        """Follow redirects wherever they go, as a browser does."""
        while response.is_redirect:
            response = await self.get(response.request.url.join(response.headers["location"]))
        return response

    async def provider_sign_in(self, start: httpx.Response, account: Account) -> httpx.Response:
        """From a redirect to the provider: its sign-in page, the form sent, back at the callback
        (not followed further)."""
        page = await self.follow(start)
        assert page.status_code == 200, page.text
        assert 'id="provider-login"' in page.text
        action = page.url.join(re.search(r'action="([^"]+)"', page.text).group(1))  # type: ignore[union-attr]
        answer = await self.provider.post(action, data={"login": account.login, "password": account.password})
        while answer.is_redirect and answer.url.host != "wbs.test":
            answer = await self.get(answer.url.join(answer.headers["location"]))
            if answer.request.url.host == "wbs.test":
                break
        assert answer.request.url.path == "/masuk/sso/kembali", answer.request.url
        return answer

    async def sso_sign_in(self, account: Account, tenant: str = WITH_SSO) -> httpx.Response:
        start = await self.directory.get(f"/masuk/sso?instansi={tenant}")
        assert start.status_code == 303
        assert start.headers["location"].startswith(self.provider_issuer(start))
        return await self.provider_sign_in(start, account)

    @staticmethod
    def provider_issuer(start: httpx.Response) -> str:
        location = httpx.URL(start.headers["location"])
        return f"{location.scheme}://{location.netloc.decode()}"


async def linked_officer(
    directory: Directory, provider: RunningProvider, account: Account, *grants: tuple[str, Role]
) -> str:
    login, _ = await directory.officer(*grants, password=NEW_PASSWORD)
    await link_by_operator(
        directory.runtime.unit_of_work(),
        login=login,
        issuer=provider.issuer,
        subject=account.sub,
        actor="operator:test",
        clock=directory.clock,
    )
    return login


async def assertion_methods(directory: Directory, session: str) -> tuple[str, ...]:
    response = await directory.client.post("/internal/v1/assertions", json={"session": session, "audience": "triage"})
    assert response.status_code == 200
    verifier = AssertionVerifier.from_key_dir(directory.keys / "triage", "triage")
    return verifier.verify(response.json()["assertion"]).amr


async def test_the_sign_in_page_offers_sso_for_the_bodies_that_have_it(directory: Directory) -> None:
    page = await directory.browser().get("/masuk")
    assert page.status_code == 200
    assert f'href="/masuk/sso?instansi={WITH_SSO}"' in page.text
    assert "Masuk dengan SSO — Inspektorat SSO" in page.text
    assert WITHOUT_SSO not in page.text
    # A body without a provider cannot be asked for one.
    refused = await directory.browser().get(f"/masuk/sso?instansi={WITHOUT_SSO}")
    assert refused.status_code == 404
    assert "tidak memakai masuk dengan SSO" in refused.text


async def test_a_linked_identity_signs_in_through_the_provider(directory: Directory, provider: RunningProvider) -> None:
    await linked_officer(directory, provider, SITI, (WITH_SSO, Role.PENELAAH))
    browser = Browser(directory)
    start = await browser.directory.get(f"/masuk/sso?instansi={WITH_SSO}")
    assert start.status_code == 303
    location = httpx.URL(start.headers["location"])
    assert f"{location.scheme}://{location.netloc.decode()}" == provider.issuer
    params = location.params
    assert params["response_type"] == "code"
    assert params["code_challenge_method"] == "S256"
    assert params["client_id"] == provider.client_id
    assert params["redirect_uri"] == f"{BASE}/masuk/sso/kembali"
    for fresh in ("state", "nonce", "code_challenge"):
        assert len(params[fresh]) >= 32
    assert "wbs_sso=" in start.headers["set-cookie"]

    callback = await browser.provider_sign_in(start, SITI)
    assert callback.status_code == 303
    assert callback.headers["location"] == "/akun"
    session = browser.directory.cookies["wbs_sesi"]
    home = await browser.follow(callback)
    assert home.status_code == 200
    assert 'id="welcome"' in home.text
    assert await assertion_methods(directory, session) == ("oidc",)


async def test_an_unlinked_identity_is_refused_without_telling_which_accounts_exist(directory: Directory) -> None:
    browser = Browser(directory)
    callback = await browser.sso_sign_in(ORANG_LAIN)
    assert callback.status_code == 403
    assert NOT_LINKED in callback.text
    assert "wbs_sesi" not in browser.directory.cookies
    # The same answer in English, and nothing about logins or the identity.
    assert ORANG_LAIN.sub not in callback.text
    assert "petugas-" not in callback.text
    other = Browser(directory)
    other.directory.cookies.set(LANGUAGE_COOKIE, "en")
    english = await other.sso_sign_in(ORANG_LAIN)
    assert english.status_code == 403
    assert "is not linked to any officer's account" in english.text


async def test_a_tampered_state_is_refused_and_the_answer_cannot_be_replayed(
    directory: Directory, provider: RunningProvider
) -> None:
    await linked_officer(directory, provider, BUDI, (WITH_SSO, Role.AUDITOR))
    browser = Browser(directory)
    start = await browser.directory.get(f"/masuk/sso?instansi={WITH_SSO}")
    page = await browser.follow(start)
    action = page.url.join(re.search(r'action="([^"]+)"', page.text).group(1))  # type: ignore[union-attr]
    answer = await browser.provider.post(action, data={"login": BUDI.login, "password": BUDI.password})
    while httpx.URL(answer.headers["location"]).host != "wbs.test":
        answer = await browser.provider.get(answer.url.join(answer.headers["location"]))
    callback = httpx.URL(answer.headers["location"])
    tampered = callback.copy_merge_params({"state": "bukan-state-yang-dikirim"})
    refused = await browser.directory.get(tampered)
    assert refused.status_code == 400
    assert "tidak sah atau sudah kedaluwarsa" in refused.text
    assert "wbs_sesi" not in browser.directory.cookies
    # The flow was used up: the genuine answer, sent after, opens nothing either.
    replayed = await browser.directory.get(callback)
    assert replayed.status_code == 400
    assert "wbs_sesi" not in browser.directory.cookies
    # An answer from another browser (no flow cookie of its own) opens nothing.
    assert (await directory.browser().get(callback)).status_code == 400


async def test_an_officer_links_their_identity_from_the_account_page(directory: Directory) -> None:
    login, _ = await directory.officer((WITH_SSO, Role.KETUA_TIM), password=NEW_PASSWORD)
    browser = Browser(directory)
    assert (await sign_in(browser.directory, login, NEW_PASSWORD)).headers["location"] == "/akun"
    page = await browser.directory.get("/akun/sso")
    assert page.status_code == 200
    assert 'id="no-sso-links"' in page.text
    link = re.search(r'class="sso-link" data-tenant="sso-inspektorat" href="([^"]+)"', page.text)
    assert link
    href = link.group(1).replace("&amp;", "&")
    # Without this browser's token (a link planted elsewhere) nothing starts.
    forged = await browser.directory.get(href.replace(f"csrf={csrf_of(page.text)}", "csrf=palsu"))
    assert forged.status_code == 403
    start = await browser.directory.get(href)
    assert start.status_code == 303
    callback = await browser.provider_sign_in(start, DENGAN_MFA)
    assert callback.headers["location"] == "/akun/sso?pesan=terhubung"
    linked = await browser.follow(callback)
    assert "Akun SSO Anda telah terhubung." in linked.text
    assert DENGAN_MFA.sub in linked.text

    # Signed out, the provider signs them in; it reported a second factor, so no TOTP is asked
    # even though the officer has one.
    async with directory.runtime.unit_of_work() as uow:
        officer = await uow.officers.by_login(login)
        assert officer is not None
        await uow.officers.update(replace(officer, totp=Totp("JBSWY3DPEHPK3PXP")))
        await uow.commit()
    fresh = Browser(directory)
    callback = await fresh.sso_sign_in(DENGAN_MFA)
    assert callback.headers["location"] == "/akun"
    assert await assertion_methods(directory, fresh.directory.cookies["wbs_sesi"]) == ("oidc", "mfa")


async def test_without_a_second_factor_at_the_provider_the_officers_totp_is_asked(
    directory: Directory, provider: RunningProvider
) -> None:
    login = await linked_officer(directory, provider, DEWI, (WITH_SSO, Role.AUDITOR))
    async with directory.runtime.unit_of_work() as uow:
        officer = await uow.officers.by_login(login)
        assert officer is not None
        await uow.officers.update(replace(officer, totp=Totp("JBSWY3DPEHPK3PXP")))
        await uow.commit()
    browser = Browser(directory)
    callback = await browser.sso_sign_in(DEWI)
    assert callback.headers["location"] == "/masuk/kode"
    assert (await browser.directory.get("/akun")).headers["location"] == "/masuk/kode"


async def test_the_operator_cannot_link_an_issuer_no_body_uses(directory: Directory) -> None:
    login, _ = await directory.officer((WITH_SSO, Role.AUDITOR), password=NEW_PASSWORD)
    with pytest.raises(LookupError, match="no tenant's policy names the issuer"):
        await link_by_operator(
            directory.runtime.unit_of_work(),
            login=login,
            issuer="https://sso.lain.example",
            subject="x",
            actor="operator:test",
            clock=directory.clock,
        )


async def test_an_id_token_for_another_request_is_refused(provider: RunningProvider) -> None:
    """The ID token's nonce must be the flow's: a code obtained for one request, redeemed by a
    flow that sent another nonce, yields no identity (and the code is spent)."""
    providers = OpenIdProviders({provider.issuer: OidcClient.model_validate(provider.client_setting[provider.issuer])})
    _, flow = new_flow(issuer=provider.issuer, tenant=WITH_SSO, purpose=SsoPurpose.SIGN_IN, at=utc_now())
    redirect = f"{BASE}/masuk/sso/kembali"
    async with httpx.AsyncClient(timeout=10) as http:
        page = await http.get(await providers.authorization_url(flow, redirect), follow_redirects=True)
        action = page.url.join(re.search(r'action="([^"]+)"', page.text).group(1))  # type: ignore[union-attr]
        answer = await http.post(action, data={"login": DEWI.login, "password": DEWI.password})
        while httpx.URL(answer.headers["location"]).host != "wbs.test":
            answer = await http.get(answer.url.join(answer.headers["location"]))
    code = httpx.URL(answer.headers["location"]).params["code"]
    with pytest.raises(ProviderFailed, match="nonce"):
        await providers.identify(replace(flow, nonce="nonce-permintaan-lain"), code, redirect)
