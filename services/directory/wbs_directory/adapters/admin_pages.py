"""A tenant administrator's pages: the tenant's configuration, its change, and its officers' accounts.

``GET /admin/{tenant}`` (the document in readable form, its versions, the tenants below),
``GET|POST /admin/{tenant}/kebijakan`` (the document as YAML, changed as a whole),
``GET /admin/{tenant}/petugas`` (the officers holding roles there) and its actions, each a POST:
``.../petugas/baru`` (create), ``.../peran`` (grant), ``.../cabut`` (revoke), ``.../sandi``
(reset password), ``.../nonaktif`` (deactivate). Authenticated by the assertion the gateway
forwards (officer routes), authorised by ``manage-configuration`` and ``manage-accounts`` in the
tenant or a tenant above it; the use cases check the same again against directory's own tables.

Each POST checks that the tenant exists (404 otherwise, as the access rule answers for a tenant
that is not the caller's) before the CSRF token, so that what exists is told only to whom it may be.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from wbs_contracts.events.directory import Decision, EscalationTarget
from wbs_contracts.roles import ROLE_LABELS, Role
from wbs_directory.adapters.tenant_files import dump_documents, parse_documents
from wbs_directory.domain.messages import N_
from wbs_directory.domain.officer import Grant, InvalidOfficer
from wbs_directory.domain.tenant import InvalidTenant, PlaceChanged
from wbs_directory.ports import DirectoryUnitOfWork
from wbs_directory.usecases.administration import TenantView, accounts_of, change_tenant, tenant_view
from wbs_directory.usecases.officers import (
    NotPermitted,
    UnknownOfficer,
    create_officer,
    deactivate_officer,
    grant_role,
    reset_password,
    revoke_role,
)
from wbs_directory.usecases.sign_in import SignInContext
from wbs_runtime.auth.access import Caller, not_found, require
from wbs_runtime.auth.permissions import Permission
from wbs_runtime.web.pages import WebPages

ADMIN = "/admin"
#: Roles a tenant administrator can grant (operator is deployment-wide: operators only).
GRANTABLE = tuple(role for role in Role if role is not Role.OPERATOR)
#: ``grant_role`` or ``revoke_role``: True when the role changed.
RoleChange = Callable[..., Awaitable[bool]]
NOTICES = {
    "kebijakan-diubah": N_("Kebijakan telah disimpan sebagai versi baru dan diumumkan ke layanan lain."),
    "tidak-berubah": N_("Dokumen sama dengan versi sekarang; tidak ada yang diubah."),
    "peran-diberikan": N_("Peran telah diberikan."),
    "peran-dicabut": N_("Peran telah dicabut."),
    "sudah-ada": N_("Petugas itu sudah memegang peran tersebut."),
    "tidak-ada": N_("Petugas itu tidak memegang peran tersebut."),
    "dinonaktifkan": N_("Akun telah dinonaktifkan; semua sesinya berakhir."),
}
DECISION_LABELS = {
    Decision.TELAAH_NOT_PROCESSED: N_("Telaah: tidak diproses"),
    Decision.TELAAH_FORWARDED: N_("Telaah: diteruskan"),
    Decision.TELAAH_MERGED: N_("Telaah: digabung"),
    Decision.TELAAH_AUDIT: N_("Telaah: audit investigasi"),
    Decision.ESCALATION: N_("Eskalasi ke APH atau KPK"),
    Decision.STATISTICS_PUBLICATION: N_("Publikasi statistik"),
    Decision.IDENTITY_DISCLOSURE: N_("Pengungkapan identitas pelapor"),
}
ONE_DOCUMENT = "satu dokumen YAML untuk instansi ini saja / one YAML document, for this tenant only"


def rupiah(amount: int | None) -> str:
    return "" if amount is None else "Rp " + f"{amount:,}".replace(",", ".")


def moment(at: datetime | None) -> str:
    return "" if at is None else at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def build_admin_router(
    web: WebPages, context: SignInContext, unit_of_work: Callable[[], DirectoryUnitOfWork]
) -> APIRouter:
    router = web.router()

    def role_label(request: Request, role: Role) -> str:
        indonesian, english = ROLE_LABELS[role]
        return english if web.language(request) == "en" else indonesian

    def page(request: Request, name: str, values: dict[str, Any], status: int = 200) -> Response:
        notice = NOTICES.get(request.query_params.get("pesan", ""))
        common = {"signed_in": True, "notice": notice, "rupiah": rupiah, "moment": moment}
        common["role_label"] = lambda role: role_label(request, Role(role))
        return web.render(request, name, {**common, **values}, status_code=status)

    async def existing(tenant: str) -> TenantView:
        found = await tenant_view(unit_of_work(), tenant)
        if found is None:
            raise not_found()
        return found

    def administrator(caller: Caller) -> UUID:
        """The officer acting as administrator; never None, which the use cases read as an operator."""
        try:
            return UUID(caller.officer_id)
        except ValueError:
            return _NOBODY

    # -- the tenant's configuration ---------------------------------------------------------------

    @router.get(ADMIN + "/{tenant}")
    async def show_tenant(
        request: Request, tenant: str, caller: Annotated[Caller, require(Permission.MANAGE_CONFIGURATION)]
    ) -> Response:
        view = await existing(tenant)
        document = view.current.document
        values = {
            "view": view,
            "document": document,
            "policy": document.policy,
            "decisions": {d.value: DECISION_LABELS[d] for d in Decision},
            "targets": [t.value for t in EscalationTarget],
            "authors": await _authors(unit_of_work, view),
        }
        return page(request, "directory/admin_instansi.html", values)

    def policy_page(
        request: Request, view: TenantView, text: str, error: str | None = None, status: int = 200
    ) -> Response:
        values = {"view": view, "text": text, "error": error}
        return page(request, "directory/admin_kebijakan.html", values, status)

    @router.get(ADMIN + "/{tenant}/kebijakan")
    async def show_policy(
        request: Request, tenant: str, caller: Annotated[Caller, require(Permission.MANAGE_CONFIGURATION)]
    ) -> Response:
        view = await existing(tenant)
        return policy_page(request, view, dump_documents([view.current.document]))

    @router.post(ADMIN + "/{tenant}/kebijakan")
    async def submit_policy(
        request: Request,
        tenant: str,
        caller: Annotated[Caller, require(Permission.MANAGE_CONFIGURATION)],
        text: Annotated[str, Form(alias="dokumen")] = "",
    ) -> Response:
        view = await existing(tenant)
        await web.verify_csrf(request)
        try:
            documents = parse_documents(text, "dokumen/document")
            if len(documents) != 1:
                raise InvalidTenant(ONE_DOCUMENT)
            result = await change_tenant(
                unit_of_work(), tenant, documents[0], actor=caller.officer_id, clock=context.clock
            )
        except PlaceChanged as refused:
            return policy_page(request, view, text, str(refused), 403)
        except InvalidTenant as invalid:
            return policy_page(request, view, text, str(invalid), 400)
        notice = "kebijakan-diubah" if result.changed else "tidak-berubah"
        return web.redirect(f"{ADMIN}/{tenant}?pesan={notice}")

    # -- the accounts -----------------------------------------------------------------------------

    async def accounts_page(
        request: Request,
        view: TenantView,
        *,
        error: str | None = None,
        typed: dict[str, Any] | None = None,
        status: int = 200,
    ) -> Response:
        values = {
            "view": view,
            "accounts": await accounts_of(unit_of_work(), view.current.document.id),
            "grantable": [role.value for role in GRANTABLE],
            "error": error,
            "typed": typed or {"login": "", "name": "", "email": "", "roles": []},
        }
        return page(request, "directory/admin_petugas.html", values, status)

    def temporary_page(request: Request, view: TenantView, login: str, password: str, created: bool) -> Response:
        values = {"view": view, "login": login, "password": password, "created": created}
        return page(request, "directory/admin_sandi_sementara.html", values)

    @router.get(ADMIN + "/{tenant}/petugas")
    async def show_accounts(
        request: Request, tenant: str, caller: Annotated[Caller, require(Permission.MANAGE_ACCOUNTS)]
    ) -> Response:
        return await accounts_page(request, await existing(tenant))

    @router.post(ADMIN + "/{tenant}/petugas/baru")
    async def submit_new_officer(
        request: Request,
        tenant: str,
        caller: Annotated[Caller, require(Permission.MANAGE_ACCOUNTS)],
        login: Annotated[str, Form(alias="nama_pengguna")] = "",
        name: Annotated[str, Form(alias="nama")] = "",
        email: Annotated[str, Form(alias="surel")] = "",
        roles: Annotated[list[str] | None, Form(alias="peran")] = None,
    ) -> Response:
        view = await existing(tenant)
        await web.verify_csrf(request)
        typed = {"login": login, "name": name, "email": email, "roles": roles or []}
        try:
            grants = [Grant(tenant, Role(role)) for role in roles or []]
            officer, password = await create_officer(
                unit_of_work(),
                context.hasher,
                login=login,
                display_name=name,
                email=email.strip() or None,
                grants=grants,
                actor=caller.officer_id,
                clock=context.clock,
                administrator=administrator(caller),
            )
        except ValueError as invalid:  # InvalidOfficer, or a role that does not exist
            message = str(invalid) if isinstance(invalid, InvalidOfficer) else "peran tidak dikenal / unknown role"
            return await accounts_page(request, view, error=message, typed=typed, status=400)
        except NotPermitted as refused:
            return await accounts_page(request, view, error=str(refused), typed=typed, status=403)
        return temporary_page(request, view, officer.login, password, created=True)

    async def account_action(
        request: Request, tenant: str, action: Callable[[], Any], notices: tuple[str, str] | None = None
    ) -> Response:
        view = await existing(tenant)
        await web.verify_csrf(request)
        try:
            done = await action()
        except (UnknownOfficer, InvalidOfficer, ValueError) as invalid:
            return await accounts_page(request, view, error=str(invalid), status=400)
        except NotPermitted as refused:
            return await accounts_page(request, view, error=str(refused), status=403)
        notice = (notices[0] if done else notices[1]) if notices else "dinonaktifkan"
        return web.redirect(f"{ADMIN}/{tenant}/petugas?pesan={notice}")

    async def change_role(
        request: Request,
        tenant: str,
        caller: Caller,
        login: str,
        role: str,
        change: RoleChange,
        notices: tuple[str, str],
    ) -> Response:
        """Grant or revoke one role in ``tenant``: the two forms differ only in the use case and
        what the page then says."""

        async def act() -> bool:
            return await change(
                unit_of_work(),
                login=login,
                grant=Grant(tenant, _role(role)),
                actor=caller.officer_id,
                clock=context.clock,
                administrator=administrator(caller),
            )

        return await account_action(request, tenant, act, notices)

    @router.post(ADMIN + "/{tenant}/petugas/peran")
    async def submit_grant(
        request: Request,
        tenant: str,
        caller: Annotated[Caller, require(Permission.MANAGE_ACCOUNTS)],
        login: Annotated[str, Form(alias="nama_pengguna")] = "",
        role: Annotated[str, Form(alias="peran")] = "",
    ) -> Response:
        return await change_role(request, tenant, caller, login, role, grant_role, ("peran-diberikan", "sudah-ada"))

    @router.post(ADMIN + "/{tenant}/petugas/cabut")
    async def submit_revoke(
        request: Request,
        tenant: str,
        caller: Annotated[Caller, require(Permission.MANAGE_ACCOUNTS)],
        login: Annotated[str, Form(alias="nama_pengguna")] = "",
        role: Annotated[str, Form(alias="peran")] = "",
    ) -> Response:
        return await change_role(request, tenant, caller, login, role, revoke_role, ("peran-dicabut", "tidak-ada"))

    @router.post(ADMIN + "/{tenant}/petugas/nonaktif")
    async def submit_deactivate(
        request: Request,
        tenant: str,
        caller: Annotated[Caller, require(Permission.MANAGE_ACCOUNTS)],
        login: Annotated[str, Form(alias="nama_pengguna")] = "",
    ) -> Response:
        async def deactivate() -> int:
            return await deactivate_officer(
                unit_of_work(),
                login=login,
                actor=caller.officer_id,
                clock=context.clock,
                administrator=administrator(caller),
            )

        return await account_action(request, tenant, deactivate)

    @router.post(ADMIN + "/{tenant}/petugas/sandi")
    async def submit_reset(
        request: Request,
        tenant: str,
        caller: Annotated[Caller, require(Permission.MANAGE_ACCOUNTS)],
        login: Annotated[str, Form(alias="nama_pengguna")] = "",
    ) -> Response:
        view = await existing(tenant)
        await web.verify_csrf(request)
        try:
            password = await reset_password(
                unit_of_work(),
                context.hasher,
                login=login,
                actor=caller.officer_id,
                clock=context.clock,
                administrator=administrator(caller),
            )
        except UnknownOfficer as invalid:
            return await accounts_page(request, view, error=str(invalid), status=400)
        except NotPermitted as refused:
            return await accounts_page(request, view, error=str(refused), status=403)
        return temporary_page(request, view, login.strip().lower(), password, created=False)

    return router


#: Stands for a caller whose id is not an officer's (it administers nothing).
_NOBODY = UUID(int=0)


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidOfficer(f"peran tidak dikenal / unknown role {value!r}") from None


async def _authors(unit_of_work: Callable[[], DirectoryUnitOfWork], view: TenantView) -> dict[str, str]:
    """Who made each version, by name where an officer did (an operator is ``operator:<user>``)."""
    names: dict[str, str] = {}
    async with unit_of_work() as uow:
        for stored in view.history:
            try:
                officer = await uow.officers.by_id(UUID(stored.changed_by))
            except ValueError:
                continue
            if officer is not None:
                names[stored.changed_by] = f"{officer.display_name} ({officer.login})"
    return names
