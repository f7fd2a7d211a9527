"""``wbs officers create|grant|revoke|reset-password|list|deactivate|publish|link-sso|unlink-sso``: officers' accounts.

A password is shown once, here, to the operator who made it (a new account, a reset): it is a
temporary password that must be changed at the next sign-in. None is ever e-mailed.
"""

from __future__ import annotations

import argparse

from wbs_contracts.roles import Role
from wbs_directory.adapters.commands import _run, operator
from wbs_directory.adapters.db import SqlDirectoryUnitOfWork
from wbs_directory.adapters.passwords import Argon2Passwords
from wbs_directory.adapters.sso_commands import register_sso_commands
from wbs_directory.domain.officer import Grant
from wbs_directory.usecases.contact import publish_all_contacts
from wbs_directory.usecases.officers import (
    create_officer,
    deactivate_officer,
    grant_role,
    list_officers,
    reset_password,
    revoke_role,
)
from wbs_directory.usecases.roster import publish_all_roles
from wbs_runtime.clock import utc_now
from wbs_runtime.ops.common import table

ROLES = ", ".join(role.value for role in Role)


def _role(text: str) -> Role:
    try:
        return Role(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"peran tidak dikenal / unknown role {text!r}; one of: {ROLES}") from None


def _tenant_role(text: str) -> Grant:
    tenant, _, role = text.partition(":")
    if not tenant or not role:
        raise argparse.ArgumentTypeError("tulis INSTANSI:PERAN / write TENANT:ROLE")
    return Grant(tenant, _role(role))


def register_officers(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "officers",
        help="akun petugas dan perannya / officers' accounts and roles",
        description=f"Akun petugas, peran per instansi / officers' accounts, roles per tenant. Peran / roles: {ROLES}",
    )
    sub = parser.add_subparsers(dest="officers_command", metavar="<perintah / command>", required=True)
    create = sub.add_parser("create", help="buat akun (kata sandi sementara) / create an account (temporary password)")
    create.add_argument("login")
    create.add_argument("--name", required=True, help="nama tampilan / display name")
    create.add_argument("--email", help="surel (tidak pernah untuk kata sandi) / e-mail (never for passwords)")
    create.add_argument(
        "--grant", action="append", type=_tenant_role, default=[], metavar="TENANT:ROLE", help="peran / a role"
    )
    create.set_defaults(handler=_create)
    for name, handler, text in (
        ("grant", _grant, "beri peran / grant a role"),
        ("revoke", _revoke, "cabut peran / revoke a role"),
    ):
        command = sub.add_parser(name, help=text)
        command.add_argument("login")
        command.add_argument("tenant")
        command.add_argument("role", type=_role)
        command.set_defaults(handler=handler)
    reset = sub.add_parser(
        "reset-password", help="kata sandi sementara baru, semua sesi berakhir / new temporary password, sessions end"
    )
    reset.add_argument("login")
    reset.set_defaults(handler=_reset)
    sub.add_parser("list", help="daftar petugas / list officers").set_defaults(handler=_list)
    deactivate = sub.add_parser("deactivate", help="nonaktifkan akun, semua sesi berakhir / deactivate, sessions end")
    deactivate.add_argument("login")
    deactivate.set_defaults(handler=_deactivate)
    sub.add_parser(
        "publish", help="terbitkan ulang peran dan kontak petugas / publish officers' roles and contacts again"
    ).set_defaults(handler=_publish)
    register_sso_commands(sub)


def _show_password(login: str, password: str) -> None:
    print(f"petugas / officer: {login}")
    print(f"kata sandi sementara / temporary password: {password}")
    print(
        "Ditampilkan sekali ini saja; harus diganti saat masuk berikutnya. / "
        "Shown this once only; it must be changed at the next sign-in."
    )


def _create(arguments: argparse.Namespace) -> int:
    async def work(uow: SqlDirectoryUnitOfWork) -> tuple[str, str]:
        officer, password = await create_officer(
            uow,
            Argon2Passwords(),
            login=arguments.login,
            display_name=arguments.name,
            email=arguments.email,
            grants=arguments.grant,
            actor=operator(),
            clock=utc_now,
        )
        return officer.login, password

    _show_password(*_run(work))
    return 0


def _grant(arguments: argparse.Namespace) -> int:
    grant = Grant(arguments.tenant, arguments.role)
    added = _run(lambda uow: grant_role(uow, login=arguments.login, grant=grant, actor=operator(), clock=utc_now))
    print("diberikan / granted" if added else "sudah ada / already held")
    return 0


def _revoke(arguments: argparse.Namespace) -> int:
    grant = Grant(arguments.tenant, arguments.role)
    removed = _run(lambda uow: revoke_role(uow, login=arguments.login, grant=grant, actor=operator(), clock=utc_now))
    print("dicabut / revoked" if removed else "tidak ada / not held")
    return 0 if removed else 1


def _reset(arguments: argparse.Namespace) -> int:
    password = _run(
        lambda uow: reset_password(uow, Argon2Passwords(), login=arguments.login, actor=operator(), clock=utc_now)
    )
    _show_password(arguments.login.strip().lower(), password)
    return 0


def _deactivate(arguments: argparse.Namespace) -> int:
    ended = _run(lambda uow: deactivate_officer(uow, login=arguments.login, actor=operator(), clock=utc_now))
    print(f"dinonaktifkan / deactivated; sesi berakhir / sessions ended: {ended}")
    return 0


def _list(arguments: argparse.Namespace) -> int:
    officers = _run(list_officers)
    rows = [
        (
            officer.login,
            officer.display_name,
            "ya / yes" if officer.active else "tidak / no",
            "ya / yes" if officer.totp else "tidak / no",
            " ".join(f"{g.tenant}:{g.role.value}" for g in grants),
        )
        for officer, grants in officers
    ]
    print(table(("login", "nama / name", "aktif / active", "TOTP", "peran / roles"), rows))
    return 0


def _publish(arguments: argparse.Namespace) -> int:
    published = _run(lambda uow: publish_all_roles(uow, clock=utc_now))
    print(f"diterbitkan / published: {published}")
    contacts = _run(lambda uow: publish_all_contacts(uow, clock=utc_now))
    print(f"kontak diterbitkan / contacts published: {contacts}")
    return 0
