"""Pages of single sign-on through a body's OpenID provider.

``GET /masuk/sso?instansi=T`` sends the browser to tenant T's provider (a flow cookie
``wbs_sso`` binds the answer to this browser); the provider answers at ``/masuk/sso/kembali``.
``/akun/sso`` shows the officer's linked identities, links one (``GET /akun/sso/hubungkan`` with
the CSRF token,
through the provider) and unlinks one (``POST /akun/sso/lepas``).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from wbs_directory.adapters.pages import LANDING, SESSION_COOKIE, SIGN_IN
from wbs_directory.domain.identity_link import FLOW_LIFETIME, SsoPurpose
from wbs_directory.domain.messages import N_
from wbs_directory.ports import DirectoryUnitOfWork, IdentityProviders
from wbs_directory.usecases.sign_in import SessionInvalid, SignInContext, current
from wbs_directory.usecases.sso import (
    FlowInvalid,
    IdentityNotLinked,
    IdentityTaken,
    ProviderRefused,
    UnknownProvider,
    begin_link,
    begin_sign_in,
    finish,
    identities_of,
    sso_choices,
    unlink_own,
)
from wbs_runtime.auth.access import own_session
from wbs_runtime.web.csrf import COOKIE as CSRF_COOKIE
from wbs_runtime.web.csrf import FIELD as CSRF_FIELD
from wbs_runtime.web.pages import WebPages

log = logging.getLogger(__name__)

FLOW_COOKIE = "wbs_sso"
START = "/masuk/sso"
CALLBACK = "/masuk/sso/kembali"
ACCOUNT_SSO = "/akun/sso"

UNKNOWN_PROVIDER = N_("Instansi ini tidak memakai masuk dengan SSO.")
PROVIDER_FAILED = N_("Penyedia identitas instansi menolak permintaan atau tidak dapat dihubungi. Coba lagi nanti.")
FLOW_INVALID = N_("Proses masuk dengan SSO tidak sah atau sudah kedaluwarsa. Silakan ulangi dari awal.")
NOT_LINKED = N_(
    "Akun SSO ini tidak terhubung dengan akun petugas mana pun. Masuk dengan kata sandi lalu hubungkan akun SSO "
    "di halaman akun Anda, atau minta administrator instansi Anda."
)
TAKEN = N_("Akun SSO ini sudah terhubung dengan akun petugas lain.")
NOTICES = {
    "terhubung": N_("Akun SSO Anda telah terhubung."),
    "dilepas": N_("Akun SSO telah dilepas dari akun Anda."),
}


def build_sso_router(
    web: WebPages,
    context: SignInContext,
    unit_of_work: Callable[[], DirectoryUnitOfWork],
    providers: IdentityProviders,
    public_url: str | None,
) -> APIRouter:
    # /masuk/sso... starts a sign-in, /akun/sso... needs the officer's session: directory reads its
    # own cookie on both, like the password sign-in pages.
    router = web.router(dependencies=[own_session()])
    checked = [Depends(web.verify_csrf)]

    def redirect_uri(request: Request) -> str:
        # Behind the gateway the Host header is not the public one: the deployment says its address.
        base = public_url or str(request.base_url)
        return base.rstrip("/") + CALLBACK

    def session_token(request: Request) -> str | None:
        return request.cookies.get(SESSION_COOKIE) or None

    async def sign_in_page(request: Request, error: str, status: int) -> Response:
        values: dict[str, object] = {
            "login": "",
            "error": error,
            "error_args": {},
            "notice": None,
            "sso": await sso_choices(unit_of_work(), providers),
        }
        response = web.render(request, "directory/masuk.html", values, status_code=status)
        web.delete_cookie(response, FLOW_COOKIE)
        return response

    def to_provider(url: str, flow_token: str) -> Response:
        response = web.redirect(url)
        web.set_cookie(response, FLOW_COOKIE, flow_token, max_age=int(FLOW_LIFETIME.total_seconds()))
        return response

    def lost(request: Request, problem: SessionInvalid) -> Response:
        if problem.stage is not None:
            return web.redirect(LANDING[problem.stage])
        response = web.redirect(f"{SIGN_IN}?pesan=berakhir" if session_token(request) else SIGN_IN)
        web.delete_cookie(response, SESSION_COOKIE)
        return response

    @router.get(START)
    async def start_sign_in(request: Request) -> Response:
        tenant = request.query_params.get("instansi", "")
        try:
            begun = await begin_sign_in(
                unit_of_work(), context, providers, tenant=tenant, redirect_uri=redirect_uri(request)
            )
        except UnknownProvider:
            return await sign_in_page(request, UNKNOWN_PROVIDER, 404)
        except ProviderRefused as problem:
            log.warning("single sign-on could not start: %s", problem)
            return await sign_in_page(request, PROVIDER_FAILED, 502)
        return to_provider(begun.url, begun.flow_token)

    @router.get(CALLBACK)
    async def provider_answered(request: Request) -> Response:
        query = request.query_params
        try:
            done = await finish(
                unit_of_work(),
                context,
                providers,
                flow_token=request.cookies.get(FLOW_COOKIE),
                session_token=session_token(request),
                state=query.get("state", ""),
                code=query.get("code", ""),
                error=query.get("error", ""),
                redirect_uri=redirect_uri(request),
            )
        except FlowInvalid:
            return await sign_in_page(request, FLOW_INVALID, 400)
        except ProviderRefused as problem:
            log.warning("single sign-on refused: %s", problem)
            return await sign_in_page(request, PROVIDER_FAILED, 502)
        except IdentityNotLinked:
            return await sign_in_page(request, NOT_LINKED, 403)
        except IdentityTaken:
            response = await account_page(request, TAKEN, 409)
            web.delete_cookie(response, FLOW_COOKIE)
            return response
        except SessionInvalid as problem:
            return lost(request, problem)
        if done.purpose is SsoPurpose.LINK:
            response = web.redirect(f"{ACCOUNT_SSO}?pesan=terhubung")
        else:
            assert done.started is not None
            response = web.redirect(LANDING[done.started.stage])
            web.set_cookie(response, SESSION_COOKIE, done.started.token, max_age=None)
        web.delete_cookie(response, FLOW_COOKIE)
        return response

    async def account_page(request: Request, error: str | None = None, status: int = 200) -> Response:
        try:
            found = await current(unit_of_work(), context, session_token(request))
            links = await identities_of(unit_of_work(), context, session_token=session_token(request))
        except SessionInvalid as problem:
            return lost(request, problem)
        own = {grant.tenant for grant in found.grants}
        choices = [c for c in await sso_choices(unit_of_work(), providers) if c.tenant in own]
        names = {c.issuer: c.name for c in choices}
        values = {
            "links": [
                {"issuer": link.issuer, "subject": link.subject, "name": names.get(link.issuer)} for link in links
            ],
            "choices": choices,
            "link_token": link_token(request),
            "error": error,
            "notice": NOTICES.get(request.query_params.get("pesan", "")),
            "signed_in": True,
        }
        return web.render(request, "directory/sso.html", values, status_code=status)

    @router.get(ACCOUNT_SSO)
    async def show_account(request: Request) -> Response:
        return await account_page(request)

    def link_token(request: Request) -> str:
        """The CSRF token of this browser, for the link buttons: they are links, not forms, because a
        form's navigation may not leave the site (CSP ``form-action 'self'``) and this one goes
        on to the provider."""
        cookie = request.cookies.get(CSRF_COOKIE, "")
        return web.csrf.token(cookie) if cookie else ""

    @router.get(f"{ACCOUNT_SSO}/hubungkan")
    async def start_link(request: Request) -> Response:
        given = request.query_params.get(CSRF_FIELD, "")
        if not given or not hmac.compare_digest(given, link_token(request)):
            return web.render(request, "wbs/csrf.html", status_code=403)
        try:
            begun = await begin_link(
                unit_of_work(),
                context,
                providers,
                session_token=session_token(request),
                tenant=request.query_params.get("instansi", ""),
                redirect_uri=redirect_uri(request),
            )
        except SessionInvalid as problem:
            return lost(request, problem)
        except UnknownProvider:
            return await account_page(request, UNKNOWN_PROVIDER, 404)
        except ProviderRefused as problem:
            log.warning("single sign-on link could not start: %s", problem)
            return await account_page(request, PROVIDER_FAILED, 502)
        return to_provider(begun.url, begun.flow_token)

    @router.post(f"{ACCOUNT_SSO}/lepas", dependencies=checked)
    async def unlink(request: Request, issuer: Annotated[str, Form(alias="penerbit")] = "") -> Response:
        try:
            await unlink_own(unit_of_work(), context, session_token=session_token(request), issuer=issuer)
        except SessionInvalid as problem:
            return lost(request, problem)
        return web.redirect(f"{ACCOUNT_SSO}?pesan=dilepas")

    return router
