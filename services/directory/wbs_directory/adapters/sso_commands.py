"""``wbs officers link-sso|unlink-sso``: an officer's identity at their body's OpenID provider,
linked or unlinked by an operator (officers link their own on the ``/akun/sso`` page)."""

from __future__ import annotations

import argparse

from wbs_directory.adapters.commands import _run, operator
from wbs_directory.usecases.sso import link_by_operator, unlink_by_operator
from wbs_runtime.clock import utc_now


def register_sso_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    link = sub.add_parser(
        "link-sso",
        help="hubungkan identitas SSO (OpenID) / link an identity at the body's OpenID provider",
    )
    link.add_argument("login")
    link.add_argument("--issuer", required=True, help="penerbit / the provider's issuer URL")
    link.add_argument("--subject", required=True, help="subjek (sub) di penyedia / the identity's sub at the provider")
    link.set_defaults(handler=_link)
    unlink = sub.add_parser("unlink-sso", help="lepaskan identitas SSO / unlink an identity")
    unlink.add_argument("login")
    unlink.add_argument("--issuer", required=True, help="penerbit / the provider's issuer URL")
    unlink.set_defaults(handler=_unlink)


def _link(arguments: argparse.Namespace) -> int:
    link = _run(
        lambda uow: link_by_operator(
            uow,
            login=arguments.login,
            issuer=arguments.issuer,
            subject=arguments.subject,
            actor=operator(),
            clock=utc_now,
        )
    )
    print(f"terhubung / linked: {arguments.login.strip().lower()} = {link.issuer} {link.subject}")
    return 0


def _unlink(arguments: argparse.Namespace) -> int:
    removed = _run(
        lambda uow: unlink_by_operator(uow, login=arguments.login, issuer=arguments.issuer.strip(), actor=operator())
    )
    print("dilepas / unlinked" if removed else "tidak terhubung / not linked")
    return 0 if removed else 1
