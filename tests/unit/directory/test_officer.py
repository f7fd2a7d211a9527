"""Logins, and which accounts a tenant administrator manages."""

from __future__ import annotations

import pytest

from wbs_contracts.roles import Role
from wbs_directory.domain.officer import (
    Grant,
    InvalidOfficer,
    administers,
    check_login,
    grants_by_tenant,
    may_grant,
)

PARENTS: dict[str, str | None] = {
    "bps": None,
    "bps-1700": "bps",
    "bps-3600": "bps",
    "bps-3603": "bps-3600",
    "inspektorat-lebak": None,
}


def test_logins_are_normalised_and_checked() -> None:
    assert check_login("  Siti.Rahma ") == "siti.rahma"
    for bad in ("ab", "-siti", "siti rahma", "x" * 65, "siti/rahma"):
        with pytest.raises(InvalidOfficer):
            check_login(bad)


def test_an_administrator_manages_accounts_of_their_tenant_and_below_only() -> None:
    admin = [Grant("bps-3600", Role.ADMINISTRATOR)]
    assert administers(admin, [Grant("bps-3603", Role.PENELAAH)], PARENTS)
    assert administers(admin, [Grant("bps-3600", Role.AUDITOR), Grant("bps-3603", Role.PENELAAH)], PARENTS)
    assert not administers(admin, [Grant("bps", Role.PENELAAH)], PARENTS)  # the parent
    assert not administers(admin, [Grant("bps-1700", Role.PENELAAH)], PARENTS)  # a sibling
    assert not administers(admin, [Grant("bps-3603", Role.PENELAAH), Grant("inspektorat-lebak", Role.AUDITOR)], PARENTS)
    assert not administers(admin, [], PARENTS)
    assert not administers([Grant("bps-3600", Role.KETUA_TIM)], [Grant("bps-3603", Role.PENELAAH)], PARENTS)


def test_an_administrator_never_manages_an_operators_account() -> None:
    """Resetting it would hand the administrator a deployment-wide account."""
    admin = [Grant("bps", Role.ADMINISTRATOR)]
    assert administers(admin, [Grant("bps", Role.AUDITOR)], PARENTS)
    assert not administers(admin, [Grant("bps", Role.OPERATOR)], PARENTS)
    assert not administers(admin, [Grant("bps-1700", Role.AUDITOR), Grant("bps", Role.OPERATOR)], PARENTS)


def test_an_administrator_grants_roles_in_their_tenants_but_never_operator() -> None:
    admin = [Grant("bps-3600", Role.ADMINISTRATOR)]
    assert may_grant(admin, Grant("bps-3600", Role.PENELAAH), PARENTS)
    assert may_grant(admin, Grant("bps-3603", Role.ADMINISTRATOR), PARENTS)  # a kabupaten's administrator
    assert not may_grant(admin, Grant("bps-3600", Role.OPERATOR), PARENTS)
    assert not may_grant(admin, Grant("bps", Role.PENELAAH), PARENTS)
    assert not may_grant(admin, Grant("bps-1700", Role.PENELAAH), PARENTS)
    assert not may_grant([Grant("bps-3600", Role.KETUA_TIM)], Grant("bps-3600", Role.PENELAAH), PARENTS)


def test_roles_are_listed_per_tenant_in_the_contract_order() -> None:
    grants = [Grant("bps-1700", Role.AUDITOR), Grant("bps-1700", Role.PENELAAH), Grant("kpk", Role.AGENCY_SUBSCRIBER)]
    assert grants_by_tenant(grants) == {
        "bps-1700": (Role.PENELAAH, Role.AUDITOR),
        "kpk": (Role.AGENCY_SUBSCRIBER,),
    }
