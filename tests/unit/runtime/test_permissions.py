"""The permission table and how far a grant reaches in the tenant hierarchy."""

from __future__ import annotations

import pytest

from wbs_contracts.roles import Role
from wbs_runtime.auth.permissions import (
    ROLE_PERMISSIONS,
    RULES,
    Permission,
    Reach,
    permissions_in,
    roles_granting,
)

pytestmark = pytest.mark.unit

# nasional > provinsi > kabupaten; lain stands apart.
ANCESTORS = {"nasional": (), "provinsi": ("nasional",), "kabupaten": ("provinsi", "nasional"), "lain": ()}


def allowed(grants: dict[str, set[Role]], tenant: str) -> frozenset[Permission]:
    return permissions_in(grants, tenant, ANCESTORS[tenant])


def test_case_content_stays_in_the_tenant_where_the_role_is_granted() -> None:
    penelaah = {"provinsi": {Role.PENELAAH}}
    assert {Permission.READ_CASES, Permission.ASSESS_CASES} <= allowed(penelaah, "provinsi")
    assert allowed(penelaah, "kabupaten") == frozenset()  # a child's cases stay closed to the parent
    assert allowed(penelaah, "nasional") == frozenset()
    assert allowed(penelaah, "lain") == frozenset()


def test_administration_reaches_down_the_hierarchy_and_nowhere_else() -> None:
    administrator = {"provinsi": {Role.ADMINISTRATOR}}
    expected = {Permission.MANAGE_ACCOUNTS, Permission.MANAGE_CONFIGURATION}
    assert allowed(administrator, "provinsi") == expected
    assert allowed(administrator, "kabupaten") == expected
    assert allowed(administrator, "nasional") == frozenset()
    assert allowed(administrator, "lain") == frozenset()
    assert Permission.READ_CASES not in allowed(administrator, "provinsi")


def test_operations_are_deployment_wide_and_never_case_content() -> None:
    operator = {"lain": {Role.OPERATOR}}
    for tenant in ANCESTORS:
        assert allowed(operator, tenant) == {Permission.VIEW_QUEUE_HEALTH, Permission.MANAGE_DEAD_LETTERS}
    assert all(RULES[p].reach is Reach.DEPLOYMENT for p in ROLE_PERMISSIONS[Role.OPERATOR])


def test_an_agency_subscriber_receives_its_own_escalations_and_nothing_else() -> None:
    assert ROLE_PERMISSIONS[Role.AGENCY_SUBSCRIBER] == {Permission.RECEIVE_ESCALATIONS}
    assert allowed({"provinsi": {Role.AGENCY_SUBSCRIBER}}, "kabupaten") == frozenset()


def test_rights_are_the_union_of_the_roles_in_the_tenant_at_hand() -> None:
    officer = {"provinsi": {Role.PENELAAH, Role.AUDITOR}, "kabupaten": {Role.CUSTODIAN}}
    in_province = allowed(officer, "provinsi")
    assert {Permission.ASSESS_CASES, Permission.INVESTIGATE_CASES} <= in_province
    assert Permission.DECIDE_IDENTITY_DISCLOSURE not in in_province
    assert allowed(officer, "kabupaten") == {Permission.DECIDE_IDENTITY_DISCLOSURE}


def test_the_roles_that_grant_a_permission_are_named_for_the_audit_trail() -> None:
    officer = {"provinsi": {Role.PENELAAH, Role.KETUA_TIM, Role.ADMINISTRATOR}}
    assert roles_granting(officer, Permission.READ_CASES, "provinsi") == {Role.PENELAAH, Role.KETUA_TIM}
    assert roles_granting(officer, Permission.MANAGE_ACCOUNTS, "kabupaten", ANCESTORS["kabupaten"]) == {
        Role.ADMINISTRATOR
    }
    assert roles_granting(officer, Permission.MANAGE_ACCOUNTS, "kabupaten") == frozenset()  # ancestry unknown


def test_only_administration_reaches_down_and_only_operations_reach_everywhere() -> None:
    descending = {p for p, rule in RULES.items() if rule.reach is Reach.DESCENDANTS}
    everywhere = {p for p, rule in RULES.items() if rule.reach is Reach.DEPLOYMENT}
    assert descending == {Permission.MANAGE_ACCOUNTS, Permission.MANAGE_CONFIGURATION}
    assert everywhere == {Permission.VIEW_QUEUE_HEALTH, Permission.MANAGE_DEAD_LETTERS}
    assert {role for p in everywhere for role in RULES[p].roles} == {Role.OPERATOR}


def test_every_permission_is_described_in_both_languages_and_carried_by_a_role() -> None:
    assert set(RULES) == set(Permission)
    for rule in RULES.values():
        assert rule.pesan
        assert rule.message
        assert rule.pesan != rule.message
        assert rule.roles
    assert all(ROLE_PERMISSIONS[role] for role in Role)
