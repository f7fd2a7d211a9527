"""The role matrix, generated from the routes of every service.

Every service's app is built in-process from its entrypoint, on a real migrated database. Every
route must declare its access rule (a route without one fails here). Every officer route is then
asked by an officer holding each role in a province, for the province itself, its kabupaten
(child), the nation above it (parent) and an unrelated body; the expected answer comes from the
permission table (``RULES``: which roles, how far) and the hierarchy rule the issue states, never
from a list of cases: granted, or 403 (404 where the route hides existence) with nothing in the
body but the bilingual refusal. Without an assertion, or with one not meant for the service or
expired, every officer route answers 401.
"""

from __future__ import annotations

import importlib
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from tests.support.infrastructure import Infrastructure
from tests.support.officers import assertion_headers
from tests.support.services import migrated_database, settings_for
from wbs_contracts.registry import SERVICES
from wbs_contracts.roles import Role
from wbs_gateway.app import is_internal
from wbs_gateway.routes import OPERATIONS_PATHS, match
from wbs_runtime.auth.access import (
    FORBIDDEN,
    NOT_FOUND,
    SIGN_IN_NEEDED,
    AccessKind,
    AccessRule,
    Caller,
    DeclaredRoute,
    declared_routes,
)
from wbs_runtime.auth.keys import issue_assertion_keys
from wbs_runtime.auth.permissions import RULES, Reach
from wbs_runtime.cli import ServiceProgram
from wbs_runtime.service import ServiceRuntime

# The hierarchy the matrix runs in: the officer's roles are granted in PROVINCE.
NATION, PROVINCE, KABUPATEN, UNRELATED = "matrix-nasional", "matrix-provinsi", "matrix-kabupaten", "matrix-lain"
ANCESTORS = {NATION: (), PROVINCE: (NATION,), KABUPATEN: (PROVINCE, NATION), UNRELATED: ()}
RELATIONS = {"own": PROVINCE, "child": KABUPATEN, "parent": NATION, "unrelated": UNRELATED}
#: The issue's rule: case content only where the role is granted; administration also in the
#: tenants below; operations everywhere.
REACHES = {
    Reach.TENANT: {"own"},
    Reach.DESCENDANTS: {"own", "child"},
    Reach.DEPLOYMENT: {"own", "child", "parent", "unrelated"},
}
#: What FastAPI serves itself (not APIRoutes): the API description, not routed by the gateway.
FRAMEWORK_ROUTES = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}


class FakeAncestry:
    def ancestors(self, tenant: str) -> tuple[str, ...]:
        return ANCESTORS.get(tenant, ())


class Observed:
    """Keeps the Caller the access dependency authorised (None: it refused, or was not reached)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.caller: Caller | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state: dict[str, Any] = scope.setdefault("state", {})
        await self.app(scope, receive, send)
        found = state.get("caller")
        self.caller = found if isinstance(found, Caller) else None


@dataclass
class ServiceApp:
    name: str
    runtime: ServiceRuntime[Any]
    app: FastAPI
    observed: Observed
    client: httpx.AsyncClient


def program(service: str) -> ServiceProgram:
    found = importlib.import_module(f"wbs_{service}.entrypoint").PROGRAM
    assert isinstance(found, ServiceProgram)
    return found


@pytest.fixture(scope="module")
def key_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("keys")
    issue_assertion_keys(root, SERVICES)
    return root


@pytest.fixture(scope="module")
async def services(infra: Infrastructure, key_root: Path) -> AsyncIterator[dict[str, ServiceApp]]:
    built: dict[str, ServiceApp] = {}
    try:
        for service in SERVICES:
            declared = program(service)
            url = await migrated_database(infra, service, declared.migrations, declared.metadata)
            runtime = declared.build(settings_for(declared.settings, infra, url, key_dir=key_root / service))
            runtime.access.ancestry = FakeAncestry()
            app = runtime.create_app(title=service)
            observed = Observed(app)
            client = httpx.AsyncClient(transport=httpx.ASGITransport(app=observed), base_url="http://wbs.test")
            built[service] = ServiceApp(service, runtime, app, observed, client)
        yield built
    finally:
        for service_app in built.values():
            await service_app.client.aclose()
            await service_app.runtime.engine.dispose()


def every_route(services: dict[str, ServiceApp]) -> Iterator[tuple[str, DeclaredRoute]]:
    for name, service_app in services.items():
        for route in declared_routes(service_app.app):
            yield name, route


def described(route: DeclaredRoute) -> str:
    return f"{','.join(sorted(route.methods))} {route.path}"


async def test_every_route_of_every_service_declares_its_access_rule(services: dict[str, ServiceApp]) -> None:
    undeclared = []
    for service, route in every_route(services):
        if not route.api:
            assert route.path in FRAMEWORK_ROUTES, f"{service}: {route.path} is served outside the access rules"
            continue
        if route.rule is None:
            undeclared.append(f"{service}: {described(route)} {route.rules or 'declares no access rule'}")
    assert undeclared == [], (
        "every route needs public(), officer(), require(...), own_session(), internal() or operations()"
    )


async def test_routes_are_reachable_only_as_their_rule_says(services: dict[str, ServiceApp]) -> None:
    for service, route in every_route(services):
        rule = route.rule
        if rule is None:
            continue
        if rule.kind is AccessKind.INTERNAL:
            assert route.path.startswith("/internal/"), f"{service}: internal route outside /internal/"
            assert is_internal(route.path)
        if rule.kind is AccessKind.OPERATIONS:
            assert route.path.strip("/") in OPERATIONS_PATHS, f"{service}: {route.path} is not an operations path"
            assert match(route.path) is None
        if rule.kind is AccessKind.SESSION:
            assert service == "directory", f"{service}: only directory owns sessions"
            routed = match(route.path)
            assert routed is not None, f"{service}: {route.path} is not routed by the gateway"
            assert routed.service == "directory"
        if rule.kind is AccessKind.OFFICER:
            if rule.needs_tenant:
                assert f"{{{rule.tenant_parameter}}}" in route.path, f"{service}: {route.path} names no tenant"
            routed = match(concrete(route.path, rule, PROVINCE))
            assert routed is not None, f"{service}: {route.path} is not routed by the gateway"
            assert routed.service == service, f"{service}: the gateway sends {route.path} to {routed.service}"


def officer_routes(services: dict[str, ServiceApp]) -> list[tuple[str, DeclaredRoute, AccessRule]]:
    return [
        (service, route, route.rule)
        for service, route in every_route(services)
        if route.rule is not None and route.rule.kind is AccessKind.OFFICER
    ]


_PARAMETER = re.compile(r"{([^}:]+)(?::([^}]+))?}")
_SAMPLES = {"int": "1", "float": "1", "uuid": str(uuid.UUID(int=1)), "path": "contoh", "str": "contoh"}


def concrete(path: str, rule: AccessRule, tenant: str) -> str:
    """The path with the tenant filled in and every other parameter given a value of its type."""

    def value(found: re.Match[str]) -> str:
        name, convertor = found.group(1), found.group(2) or "str"
        return tenant if name == rule.tenant_parameter else _SAMPLES[convertor]

    return _PARAMETER.sub(value, path)


def method_of(route: DeclaredRoute) -> str:
    return "GET" if "GET" in route.methods else sorted(route.methods)[0]


async def test_the_officer_routes_are_known_to_the_matrix(services: dict[str, ServiceApp]) -> None:
    """The matrix is not empty: reporting's statistics and directory's administration pages are
    officer routes today."""
    paths = {(service, route.path) for service, route, _ in officer_routes(services)}
    assert ("reporting", "/api/v1/tenants/{tenant}/statistics") in paths
    assert ("reporting", "/statistik/{tenant}/{year}") in paths
    assert ("directory", "/admin/{tenant}") in paths
    assert ("directory", "/admin/{tenant}/petugas/sandi") in paths
    assert {("notify", "/kotak-masuk"), ("notify", "/api/v1/inbox")} <= paths  # any signed-in officer's own


async def test_without_a_valid_assertion_every_officer_route_answers_401(
    services: dict[str, ServiceApp], key_root: Path
) -> None:
    for service, route, rule in officer_routes(services):
        path, method = concrete(route.path, rule, PROVINCE), method_of(route)
        everything = {PROVINCE: set(Role)}
        other_service = next(s for s in SERVICES if s != service)
        for headers in (
            {},
            {"X-WBS-Assertion": "not-an-assertion"},
            assertion_headers(key_root, other_service, everything),
            assertion_headers(key_root, service, everything, iat=1_000_000, exp=1_000_060),
        ):
            answer = await services[service].client.request(method, path, headers=headers)
            assert answer.status_code == 401, f"{service} {method} {path} with {list(headers)}: {answer.status_code}"
            assert answer.json() == SIGN_IN_NEEDED
            assert services[service].observed.caller is None


def expected_to_pass(rule: AccessRule, roles: set[Role], relation: str) -> bool:
    if rule.permission is None:
        return True  # any signed-in officer
    permission = RULES[rule.permission]
    return bool(roles & permission.roles) and relation in REACHES[permission.reach]


async def test_every_role_in_its_own_a_child_a_parent_and_an_unrelated_tenant(
    services: dict[str, ServiceApp], key_root: Path
) -> None:
    holdings: list[set[Role]] = [{role} for role in Role] + [set(Role)]  # each role alone, and all at once
    checked = 0
    for service, route, rule in officer_routes(services):
        target = services[service]
        method = method_of(route)
        for roles in holdings:
            headers = assertion_headers(key_root, service, {PROVINCE: roles})
            for relation, tenant in RELATIONS.items():
                path = concrete(route.path, rule, tenant)
                answer = await target.client.request(method, path, headers=headers)
                case = f"{service} {method} {path}: roles {sorted(roles)} in {PROVINCE} ({relation})"
                if expected_to_pass(rule, roles, relation):
                    assert answer.status_code not in (401, 403), f"{case}: refused with {answer.status_code}"
                    assert answer.status_code < 500, f"{case}: {answer.status_code} {answer.text[:200]}"
                    caller = target.observed.caller
                    assert caller is not None, f"{case}: the access dependency did not authorise it"
                    if rule.needs_tenant:
                        assert caller.tenant == tenant
                        assert caller.acting_roles == roles & RULES[rule.permission].roles  # type: ignore[index]
                else:
                    refusal = (404, NOT_FOUND) if rule.hide else (403, FORBIDDEN)
                    assert (answer.status_code, answer.json()) == refusal, f"{case}: {answer.status_code}"
                    assert target.observed.caller is None, f"{case}: authorised although it should not be"
                checked += 1
    assert checked >= len(holdings) * len(RELATIONS)
