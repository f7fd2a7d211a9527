"""Routes protected by the access dependencies: 401 without a valid assertion, 403 or a hiding 404
without the permission in the tenant at hand, and the rule every route declares."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI

from tests.support.officers import assertion_headers
from wbs_contracts.identity import ASSERTION_HEADER
from wbs_contracts.roles import Role
from wbs_runtime.auth.access import (
    FORBIDDEN,
    NOT_FOUND,
    SIGN_IN_NEEDED,
    SIGN_IN_PATH,
    AccessControl,
    AccessKind,
    AccessRule,
    AssertionKeys,
    Caller,
    declared_routes,
    internal,
    not_found,
    officer,
    public,
    require,
    routes_without_rule,
)
from wbs_runtime.auth.assertions import VERIFY_KEYS_FILE, InvalidAssertion
from wbs_runtime.auth.keys import issue_assertion_keys
from wbs_runtime.auth.permissions import Permission

pytestmark = pytest.mark.unit

SERVICE = "triage"
EXISTING_CASE = "kasus-1"


class FakeAncestry:
    def __init__(self) -> None:
        self.parents = {"kabupaten": ("provinsi", "nasional"), "provinsi": ("nasional",)}
        self.asked: list[str] = []

    async def ancestors(self, tenant: str) -> tuple[str, ...]:
        self.asked.append(tenant)
        return self.parents.get(tenant, ())


def caller_out(caller: Caller) -> dict[str, Any]:
    return {"officer": caller.officer_id, "tenant": caller.tenant, "roles": sorted(caller.acting_roles)}


def build_app(access: AccessControl) -> FastAPI:
    app = FastAPI()
    access.install(app)
    router = APIRouter()

    @router.get("/t/{tenant}/cases")
    async def cases(tenant: str, caller: Annotated[Caller, require(Permission.READ_CASES)]) -> dict[str, Any]:
        return caller_out(caller)

    @router.get("/t/{tenant}/cases/{case}")
    async def case(
        tenant: str, case: str, caller: Annotated[Caller, require(Permission.READ_CASES, hide=True)]
    ) -> dict[str, Any]:
        if case != EXISTING_CASE:
            raise not_found()
        return caller_out(caller)

    @router.get("/t/{tenant}/accounts")
    async def accounts(tenant: str, caller: Annotated[Caller, require(Permission.MANAGE_ACCOUNTS)]) -> dict[str, Any]:
        return caller_out(caller)

    @router.get("/queue")
    async def queue(caller: Annotated[Caller, require(Permission.VIEW_QUEUE_HEALTH)]) -> dict[str, Any]:
        return caller_out(caller)

    @router.get("/me")
    async def me(caller: Annotated[Caller, officer()]) -> dict[str, Any]:
        return {"officer": caller.officer_id, "grants": {t: sorted(r) for t, r in caller.grants.items()}}

    @router.get("/open", dependencies=[public()])
    async def open_to_all() -> dict[str, str]:
        return {"ok": "yes"}

    @router.get("/forgotten")
    async def forgotten() -> dict[str, str]:
        return {"rule": "none"}

    app.include_router(router)
    # A rule declared once for a whole router, included through another router.
    inner = APIRouter(prefix="/v1", dependencies=[internal()])

    @inner.post("/ping")
    async def ping() -> dict[str, str]:
        return {"pong": "yes"}

    outer = APIRouter(prefix="/internal")
    outer.include_router(inner)
    app.include_router(outer)
    return app


@pytest.fixture
def key_root(tmp_path: Path) -> Path:
    issue_assertion_keys(tmp_path, ["directory", SERVICE, "intake"])
    return tmp_path


@pytest.fixture
def ancestry() -> FakeAncestry:
    return FakeAncestry()


@pytest.fixture
async def client(key_root: Path, ancestry: FakeAncestry) -> AsyncIterator[httpx.AsyncClient]:
    app = build_app(AccessControl(AssertionKeys(key_root / SERVICE, SERVICE), ancestry))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wbs.test") as client:
        yield client


def signed(key_root: Path, grants: dict[str, set[Role]], audience: str = SERVICE, **overrides: int) -> dict[str, str]:
    return assertion_headers(key_root, audience, grants, **overrides)


async def test_no_assertion_or_a_bad_one_is_a_bilingual_401(key_root: Path, client: httpx.AsyncClient) -> None:
    grants = {"provinsi": {Role.PENELAAH}}
    expired = signed(key_root, grants, iat=1_000_000, exp=1_000_060)
    for headers in ({}, {ASSERTION_HEADER: "not.a.jwt"}, signed(key_root, grants, audience="intake"), expired):
        response = await client.get("/t/provinsi/cases", headers=headers)
        assert response.status_code == 401
        assert response.json() == SIGN_IN_NEEDED
        assert response.headers["cache-control"] == "no-store"
        assert "www-authenticate" in response.headers
    assert (await client.get("/me")).status_code == 401


async def test_a_browser_gets_a_page_that_leads_to_sign_in(client: httpx.AsyncClient) -> None:
    response = await client.get("/t/provinsi/cases", headers={"Accept": "text/html,application/xhtml+xml"})
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("text/html")
    assert SIGN_IN_NEEDED["pesan"] in response.text
    assert SIGN_IN_NEEDED["message"] in response.text
    assert f'href="{SIGN_IN_PATH}"' in response.text
    assert "<script" not in response.text


async def test_the_permission_counts_only_in_the_tenant_of_the_request(
    key_root: Path, client: httpx.AsyncClient
) -> None:
    headers = signed(key_root, {"provinsi": {Role.PENELAAH}, "lain": {Role.ADMINISTRATOR}})
    own = await client.get("/t/provinsi/cases", headers=headers)
    assert own.status_code == 200
    assert own.json() == {"officer": "officer-1", "tenant": "provinsi", "roles": [Role.PENELAAH]}
    for tenant in ("kabupaten", "nasional", "lain"):
        refused = await client.get(f"/t/{tenant}/cases", headers=headers)
        assert refused.status_code == 403
        assert refused.json() == FORBIDDEN


async def test_a_hidden_route_answers_not_yours_as_not_there(key_root: Path, client: httpx.AsyncClient) -> None:
    headers = signed(key_root, {"provinsi": {Role.PENELAAH}})
    assert (await client.get(f"/t/provinsi/cases/{EXISTING_CASE}", headers=headers)).status_code == 200
    missing = await client.get("/t/provinsi/cases/kasus-lain", headers=headers)
    not_yours = await client.get(f"/t/kabupaten/cases/{EXISTING_CASE}", headers=headers)
    assert missing.status_code == not_yours.status_code == 404
    assert missing.json() == not_yours.json() == NOT_FOUND
    assert missing.headers.get("cache-control") == not_yours.headers.get("cache-control")


async def test_administration_reaches_children_through_the_services_ancestry(
    key_root: Path, client: httpx.AsyncClient, ancestry: FakeAncestry
) -> None:
    headers = signed(key_root, {"provinsi": {Role.ADMINISTRATOR}})
    own = await client.get("/t/provinsi/accounts", headers=headers)
    assert own.status_code == 200
    assert ancestry.asked == []  # granted in the tenant itself: no need to ask
    child = await client.get("/t/kabupaten/accounts", headers=headers)
    assert child.status_code == 200
    assert child.json() == {"officer": "officer-1", "tenant": "kabupaten", "roles": [Role.ADMINISTRATOR]}
    assert (await client.get("/t/nasional/accounts", headers=headers)).status_code == 403
    assert (await client.get("/t/lain/accounts", headers=headers)).status_code == 403
    assert (await client.get("/t/kabupaten/cases", headers=headers)).status_code == 403  # no case content


async def test_operations_permissions_need_no_tenant(key_root: Path, client: httpx.AsyncClient) -> None:
    assert (await client.get("/queue", headers=signed(key_root, {"lain": {Role.OPERATOR}}))).status_code == 200
    assert (await client.get("/queue", headers=signed(key_root, {"lain": {Role.KETUA_TIM}}))).status_code == 403


async def test_any_signed_in_officer_reaches_their_own_things(key_root: Path, client: httpx.AsyncClient) -> None:
    response = await client.get("/me", headers=signed(key_root, {"lain": {Role.AUDITOR}}))
    assert response.json() == {"officer": "officer-1", "grants": {"lain": [Role.AUDITOR]}}
    assert (await client.get("/open")).json() == {"ok": "yes"}


def test_every_route_declares_its_rule_or_is_named(key_root: Path) -> None:
    app = build_app(AccessControl(AssertionKeys(key_root / SERVICE, SERVICE)))
    assert routes_without_rule(app) == ["GET /forgotten"]
    rules = {route.path: route.rule for route in declared_routes(app) if route.api}
    assert rules["/open"] == AccessRule(AccessKind.PUBLIC)
    assert rules["/internal/v1/ping"] == AccessRule(AccessKind.INTERNAL)
    assert rules["/t/{tenant}/cases/{case}"] == AccessRule(AccessKind.OFFICER, Permission.READ_CASES, hide=True)
    assert rules["/t/{tenant}/accounts"] == AccessRule(AccessKind.OFFICER, Permission.MANAGE_ACCOUNTS)


def test_new_verification_keys_are_picked_up_when_the_file_changes(key_root: Path, tmp_path_factory: Any) -> None:
    now = [0.0]
    keys = AssertionKeys(key_root / SERVICE, SERVICE, check_seconds=3.0, clock=lambda: now[0])
    other_root = tmp_path_factory.mktemp("rotated")
    issue_assertion_keys(other_root, ["directory", SERVICE])
    token = signed(other_root, {"provinsi": {Role.PENELAAH}})[ASSERTION_HEADER]
    with pytest.raises(InvalidAssertion):
        keys.verify(token)
    shutil.copy(other_root / SERVICE / VERIFY_KEYS_FILE, key_root / SERVICE / VERIFY_KEYS_FILE)
    now[0] = 3.5
    assert keys.verify(token).sub == "officer-1"


def test_without_verification_keys_every_assertion_is_refused(key_root: Path, tmp_path: Path) -> None:
    keys = AssertionKeys(tmp_path / "nothing-here", SERVICE)
    with pytest.raises(InvalidAssertion):
        keys.verify(signed(key_root, {"provinsi": {Role.PENELAAH}})[ASSERTION_HEADER])
    with pytest.raises(InvalidAssertion):
        AssertionKeys(None, SERVICE).verify("x")
