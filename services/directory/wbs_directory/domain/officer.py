"""Officers: the people who work for a tenant, and the roles they hold in each tenant."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from wbs_contracts.roles import Role
from wbs_directory.domain.messages import N_

LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,62}[a-z0-9]$")
INVALID_LOGIN = N_("Nama pengguna 3–64 karakter: huruf kecil, angka, titik, @, garis bawah atau tanda hubung.")


class InvalidOfficer(ValueError):
    """An account that cannot be created or changed as asked; the message is bilingual."""


def normalise_login(text: str) -> str:
    return text.strip().lower()


def check_login(login: str) -> str:
    login = normalise_login(login)
    if not LOGIN_PATTERN.match(login):
        raise InvalidOfficer(f"{login!r}: {INVALID_LOGIN} / a login is 3-64 characters: a-z, 0-9, . @ _ -")
    return login


@dataclass(frozen=True)
class Totp:
    secret: str
    #: The step of the last code accepted: codes of that step and earlier are refused.
    last_step: int | None = None


@dataclass(frozen=True)
class Officer:
    id: UUID
    login: str
    display_name: str
    email: str | None
    active: bool
    password_hash: str
    must_change_password: bool
    created_at: datetime
    #: Confirmed second factor, if any.
    totp: Totp | None = None
    #: A secret shown for enrolment, not yet confirmed with a code.
    pending_totp_secret: str | None = None


@dataclass(frozen=True, order=True)
class Grant:
    tenant: str
    role: Role


def grants_by_tenant(grants: list[Grant]) -> dict[str, tuple[Role, ...]]:
    """Roles per tenant, in the order ``Role`` lists them."""
    order = list(Role)
    by_tenant: dict[str, list[Role]] = {}
    for grant in grants:
        by_tenant.setdefault(grant.tenant, []).append(grant.role)
    return {t: tuple(sorted(set(roles), key=order.index)) for t, roles in sorted(by_tenant.items())}


def subtree(root: str, parents: dict[str, str | None]) -> set[str]:
    """``root`` and every tenant below it."""
    below = {root}
    changed = True
    while changed:
        changed = False
        for tenant, parent in parents.items():
            if parent in below and tenant not in below:
                below.add(tenant)
                changed = True
    return below


def administered(admin_grants: list[Grant], parents: dict[str, str | None]) -> set[str]:
    """The tenants whose configuration and accounts an officer manages: below each administrator grant."""
    tenants: set[str] = set()
    for grant in admin_grants:
        if grant.role is Role.ADMINISTRATOR:
            tenants |= subtree(grant.tenant, parents)
    return tenants


def administers(admin_grants: list[Grant], target_grants: list[Grant], parents: dict[str, str | None]) -> bool:
    """A tenant administrator manages the accounts of their tenant and the tenants below it: an
    officer all of whose roles lie there (and who has at least one). Never an operator's account:
    operations reach the whole deployment, so whoever could reset an operator's password would
    reach further than their tenants."""
    reach = administered(admin_grants, parents)
    return (
        bool(target_grants)
        and all(grant.tenant in reach for grant in target_grants)
        and not any(grant.role is Role.OPERATOR for grant in target_grants)
    )


def may_grant(admin_grants: list[Grant], grant: Grant, parents: dict[str, str | None]) -> bool:
    """Whether a tenant administrator may grant or revoke ``grant``: a role in a tenant they
    administer, and never ``operator`` (deployment-wide: operators only)."""
    return grant.role is not Role.OPERATOR and grant.tenant in administered(admin_grants, parents)
