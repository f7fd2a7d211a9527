"""Directory's pages: sign-in, the second step, the account pages and the officer's home.

Paths (the gateway routes them to directory): ``/masuk`` (sign-in), ``/masuk/kode`` (TOTP or
recovery code), ``/keluar`` and ``/keluar/semua`` (sign out, here or everywhere), ``/akun`` (home),
``/akun/sandi`` (change password), ``/akun/totp`` (second factor). Every form carries a CSRF token;
the session cookie ``wbs_sesi`` is HttpOnly, SameSite=Lax and Secure unless
``WBS_DIRECTORY_INSECURE_COOKIES`` is set (plain HTTP on 127.0.0.1 under ``make run``).
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from wbs_contracts.roles import ROLE_LABELS, Role
from wbs_directory.domain.messages import N_
from wbs_directory.domain.officer import grants_by_tenant
from wbs_directory.domain.passwords import WeakPassword
from wbs_directory.domain.roles import ROLE_DESCRIPTIONS
from wbs_directory.domain.session import Stage
from wbs_directory.ports import DirectoryUnitOfWork
from wbs_directory.usecases.sign_in import (
    BadCode,
    BadCredentials,
    PasswordsDiffer,
    SessionInvalid,
    SignInContext,
    Throttled,
    begin_enrolment,
    change_password,
    confirm_enrolment,
    current,
    overview,
    sign_in,
    sign_out,
    sign_out_everywhere,
    verify_code,
)
from wbs_runtime.auth.access import own_session
from wbs_runtime.auth.pages import pages_for
from wbs_runtime.auth.permissions import ROLE_PERMISSIONS, Permission
from wbs_runtime.web import CLIENT_PSEUDONYM_HEADER
from wbs_runtime.web.pages import WebPages

#: Linked from the administration list of the home page.
ADMINISTRATION = frozenset({Permission.MANAGE_CONFIGURATION, Permission.MANAGE_ACCOUNTS})

SESSION_COOKIE = "wbs_sesi"
SIGN_IN = "/masuk"
HOME = "/akun"
#: Where each step of a sign-in continues.
LANDING = {
    Stage.TOTP: "/masuk/kode",
    Stage.PASSWORD_CHANGE: "/akun/sandi",
    Stage.TOTP_ENROLMENT: "/akun/totp",
    Stage.ACTIVE: HOME,
}
#: Requests that reached directory without the gateway share one client key.
DIRECT_CLIENT = "langsung"

BAD_CREDENTIALS = N_("Nama pengguna atau kata sandi salah.")
THROTTLED = N_("Terlalu banyak percobaan yang gagal. Coba lagi dalam %(minutes)s menit.")
BAD_CODE = N_("Kode salah, sudah kedaluwarsa, atau sudah pernah dipakai.")
WRONG_CURRENT_PASSWORD = N_("Kata sandi saat ini salah.")
PASSWORDS_DIFFER = N_("Kedua isian kata sandi baru tidak sama.")
#: Notices a redirect may ask a page to show (a fixed list: nothing from the URL is shown as is).
NOTICES = {
    "berakhir": N_("Sesi Anda telah berakhir. Silakan masuk lagi."),
    "keluar": N_("Anda telah keluar."),
    "keluar-semua": N_("Anda telah keluar dari semua perangkat."),
    "sandi-diubah": N_("Kata sandi Anda telah diubah."),
}


def build_router(
    web: WebPages,
    context: SignInContext,
    unit_of_work: Callable[[], DirectoryUnitOfWork],
    sso_choices: Callable[[], Awaitable[Sequence[object]]] | None = None,
) -> APIRouter:
    """``sso_choices``: the "sign in with SSO" buttons of the sign-in page (see ``sso_pages``)."""
    # Sign-in and account pages: directory reads its own session cookie (see own_session()).
    router = web.router(dependencies=[own_session()])
    checked = [Depends(web.verify_csrf)]

    def token(request: Request) -> str | None:
        return request.cookies.get(SESSION_COOKIE) or None

    def client(request: Request) -> str:
        return request.headers.get(CLIENT_PSEUDONYM_HEADER) or DIRECT_CLIENT

    def notice(request: Request) -> str | None:
        return NOTICES.get(request.query_params.get("pesan", ""))

    def go(location: str, new_token: str | None = None) -> Response:
        response = web.redirect(location)
        if new_token is not None:
            web.set_cookie(response, SESSION_COOKIE, new_token, max_age=None)
        return response

    def lost(request: Request, problem: SessionInvalid) -> Response:
        """A session at another step goes there; an expired or ended one is told so, once."""
        if problem.stage is not None:
            return go(LANDING[problem.stage])
        if token(request) is None:
            return go(SIGN_IN)
        response = go(f"{SIGN_IN}?pesan=berakhir")
        web.delete_cookie(response, SESSION_COOKIE)
        return response

    def throttled(request: Request, template: str, problem: Throttled, **values: object) -> Response:
        minutes = max(1, math.ceil(problem.retry_after / timedelta(minutes=1)))
        response = web.render(
            request, template, {**values, "error": THROTTLED, "error_args": {"minutes": minutes}}, status_code=429
        )
        response.headers["Retry-After"] = str(max(1, math.ceil(problem.retry_after.total_seconds())))
        return response

    # -- sign-in ---------------------------------------------------------------------------------

    async def sign_in_page(
        request: Request, *, login: str = "", error: str | None = None, status: int = 200
    ) -> Response:
        values: dict[str, object] = {"login": login, "error": error, "error_args": {}, "notice": notice(request)}
        values["sso"] = await sso_choices() if sso_choices else []
        return web.render(request, "directory/masuk.html", values, status_code=status)

    @router.get(SIGN_IN)
    async def show_sign_in(request: Request) -> Response:
        if token(request):
            try:
                await current(unit_of_work(), context, token(request))
                return go(HOME)
            except SessionInvalid:
                pass
        return await sign_in_page(request)

    @router.post(SIGN_IN, dependencies=checked)
    async def submit_sign_in(
        request: Request,
        login: Annotated[str, Form(alias="nama_pengguna")] = "",
        password: Annotated[str, Form(alias="kata_sandi")] = "",
    ) -> Response:
        try:
            started = await sign_in(unit_of_work(), context, login=login, password=password, client=client(request))
        except BadCredentials:
            return await sign_in_page(request, login=login, error=BAD_CREDENTIALS, status=401)
        except Throttled as problem:
            return throttled(request, "directory/masuk.html", problem, login=login, notice=None)
        return go(LANDING[started.stage], started.token)

    @router.get("/masuk/kode")
    async def show_code(request: Request) -> Response:
        try:
            await current(unit_of_work(), context, token(request), frozenset({Stage.TOTP}))
        except SessionInvalid as problem:
            return lost(request, problem)
        return web.render(request, "directory/kode.html", {"error": None, "error_args": {}})

    @router.post("/masuk/kode", dependencies=checked)
    async def submit_code(request: Request, code: Annotated[str, Form(alias="kode")] = "") -> Response:
        try:
            started = await verify_code(unit_of_work(), context, token=token(request), code=code)
        except SessionInvalid as problem:
            return lost(request, problem)
        except BadCode:
            return web.render(request, "directory/kode.html", {"error": BAD_CODE, "error_args": {}}, status_code=401)
        except Throttled as problem:
            return throttled(request, "directory/kode.html", problem)
        return go(LANDING[started.stage], started.token)

    # -- sign-out --------------------------------------------------------------------------------

    @router.post("/keluar", dependencies=checked)
    async def submit_sign_out(request: Request) -> Response:
        await sign_out(unit_of_work(), context, token=token(request))
        response = go(f"{SIGN_IN}?pesan=keluar")
        web.delete_cookie(response, SESSION_COOKIE)
        return response

    @router.post("/keluar/semua", dependencies=checked)
    async def submit_sign_out_everywhere(request: Request) -> Response:
        try:
            await sign_out_everywhere(unit_of_work(), context, token=token(request))
        except SessionInvalid as problem:
            return lost(request, problem)
        response = go(f"{SIGN_IN}?pesan=keluar-semua")
        web.delete_cookie(response, SESSION_COOKIE)
        return response

    # -- the account -----------------------------------------------------------------------------

    @router.get(HOME)
    async def home(request: Request) -> Response:
        try:
            seen = await overview(unit_of_work(), context, token=token(request))
        except SessionInvalid as problem:
            return lost(request, problem)
        tenants = [
            {
                "id": tenant,
                "name": seen.tenant_names.get(tenant, tenant),
                "roles": [
                    {"code": role.value, "label": ROLE_LABELS[role], "description": ROLE_DESCRIPTIONS[role]}
                    for role in roles
                ],
            }
            for tenant, roles in grants_by_tenant(seen.current.grants).items()
        ]
        # The pages their roles open in each tenant, whichever service serves them (administration
        # has its own list below).
        work = [
            {
                "id": tenant,
                "name": seen.tenant_names.get(tenant, tenant),
                "pages": [
                    {"href": page.href(tenant), "label": page.label}
                    for page in pages_for(frozenset().union(*(ROLE_PERMISSIONS[role] for role in roles)))
                    if page.permission not in ADMINISTRATION
                ],
            }
            for tenant, roles in grants_by_tenant(seen.current.grants).items()
        ]
        # The tenants where they administer; those below are linked from each tenant's page.
        administered = [
            {"id": tenant, "name": seen.tenant_names.get(tenant, tenant)}
            for tenant, roles in grants_by_tenant(seen.current.grants).items()
            if Role.ADMINISTRATOR in roles
        ]
        values = {
            "officer": seen.current.officer,
            "tenants": tenants,
            "administered": administered,
            "work": [entry for entry in work if entry["pages"]],
            "totp_enabled": seen.current.officer.totp is not None,
            "totp_required_by": [seen.tenant_names.get(t, t) for t in seen.totp_required_by],
            "recovery_codes_left": seen.recovery_codes_left,
            "notice": notice(request),
            "signed_in": True,
        }
        return web.render(request, "directory/beranda.html", values)

    def password_page(request: Request, forced: bool, errors: list[str] | None = None, status: int = 200) -> Response:
        values = {"forced": forced, "errors": errors or [], "signed_in": not forced}
        return web.render(request, "directory/sandi.html", values, status_code=status)

    password_stages = frozenset({Stage.PASSWORD_CHANGE, Stage.ACTIVE})

    @router.get("/akun/sandi")
    async def show_password(request: Request) -> Response:
        try:
            found = await current(unit_of_work(), context, token(request), password_stages)
        except SessionInvalid as problem:
            return lost(request, problem)
        return password_page(request, forced=found.session.stage is Stage.PASSWORD_CHANGE)

    @router.post("/akun/sandi", dependencies=checked)
    async def submit_password(
        request: Request,
        current_password: Annotated[str, Form(alias="kata_sandi_lama")] = "",
        new_password: Annotated[str, Form(alias="kata_sandi_baru")] = "",
        repeated: Annotated[str, Form(alias="ulangi_kata_sandi")] = "",
    ) -> Response:
        forced = False
        try:
            found = await current(unit_of_work(), context, token(request), password_stages)
            forced = found.session.stage is Stage.PASSWORD_CHANGE
            started = await change_password(
                unit_of_work(),
                context,
                token=token(request),
                current_password=current_password,
                new_password=new_password,
                repeated=repeated,
            )
        except SessionInvalid as problem:
            return lost(request, problem)
        except BadCredentials:
            return password_page(request, forced, [WRONG_CURRENT_PASSWORD], 400)
        except PasswordsDiffer:
            return password_page(request, forced, [PASSWORDS_DIFFER], 400)
        except WeakPassword as weak:
            return password_page(request, forced, weak.problems, 400)
        except Throttled as problem:
            return throttled(request, "directory/sandi.html", problem, forced=forced, errors=[], signed_in=not forced)
        location = LANDING[started.stage]
        return go(f"{location}?pesan=sandi-diubah" if location == HOME else location, started.token)

    enrolment_stages = frozenset({Stage.TOTP_ENROLMENT, Stage.ACTIVE})

    async def enrolment_page(
        request: Request, error: str | None = None, status: int = 200, error_args: dict[str, object] | None = None
    ) -> Response:
        try:
            found = await current(unit_of_work(), context, token(request), enrolment_stages)
            enrolment = await begin_enrolment(unit_of_work(), context, token=token(request))
        except SessionInvalid as problem:
            return lost(request, problem)
        secret = enrolment.secret
        values = {
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "uri": enrolment.uri,
            "replacing": enrolment.replacing,
            "required": enrolment.required,
            "forced": found.session.stage is Stage.TOTP_ENROLMENT,
            "signed_in": found.session.stage is Stage.ACTIVE,
            "error": error,
            "error_args": error_args or {},
        }
        return web.render(request, "directory/totp.html", values, status_code=status)

    @router.get("/akun/totp")
    async def show_enrolment(request: Request) -> Response:
        return await enrolment_page(request)

    @router.post("/akun/totp", dependencies=checked)
    async def submit_enrolment(request: Request, code: Annotated[str, Form(alias="kode")] = "") -> Response:
        try:
            started, codes = await confirm_enrolment(unit_of_work(), context, token=token(request), code=code)
        except SessionInvalid as problem:
            return lost(request, problem)
        except BadCode:
            return await enrolment_page(request, BAD_CODE, 400)
        except Throttled as problem:
            minutes = max(1, math.ceil(problem.retry_after / timedelta(minutes=1)))
            response = await enrolment_page(request, THROTTLED, 429, {"minutes": minutes})
            response.headers["Retry-After"] = str(max(1, math.ceil(problem.retry_after.total_seconds())))
            return response
        values = {"codes": codes, "next": LANDING[started.stage], "signed_in": started.stage is Stage.ACTIVE}
        response = web.render(request, "directory/kode_pemulihan.html", values)
        web.set_cookie(response, SESSION_COOKIE, started.token, max_age=None)
        return response

    return router
