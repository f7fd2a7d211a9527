"""Who is calling, and may they: the FastAPI dependencies every service protects its routes with.

Every route declares its access rule with one dependency, which also tags the route so a test can
list the routes without one (``routes_without_rule``)::

    @router.get("/api/v1/tenants/{tenant}/statistics")
    async def statistics(tenant: str, caller: Annotated[Caller, require(Permission.READ_STATISTICS)]): ...

    @router.get("/api/v1/me")
    async def me(caller: Annotated[Caller, officer()]): ...      # any signed-in officer

    router = APIRouter(dependencies=[public()])                  # reporters' pages and API
    router = APIRouter(dependencies=[internal()])                # /internal/..., never routed outward
    router = APIRouter(dependencies=[operations()])              # health, readiness, metrics

``officer()`` verifies the ``X-WBS-Assertion`` header (directory's signature, this service as
audience, not expired): without a valid one, 401. ``require(permission)`` also checks the
permission in the tenant of the request (the ``tenant`` path parameter unless told otherwise) by
the rules of ``permissions``: 403, or with ``hide=True`` the same 404 the service gives for
something that is not there (``not_found()``). Answers are bilingual, JSON for API clients and a
short page for browsers, and say nothing about what exists.
"""

from __future__ import annotations

import inspect
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from fastapi import Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute, iter_route_contexts
from joserfc.jwk import KeySet
from starlette.exceptions import HTTPException

from wbs_contracts.identity import ASSERTION_HEADER, CallerClaims
from wbs_contracts.roles import Role
from wbs_runtime.auth.assertions import VERIFY_KEYS_FILE, AssertionVerifier, InvalidAssertion
from wbs_runtime.auth.permissions import RULES, Permission, Reach, roles_granting

log = logging.getLogger(__name__)

#: Where a browser that is not signed in is sent: directory's sign-in page, behind the gateway.
SIGN_IN_PATH = "/masuk"
#: The app's state attribute that holds the service's ``AccessControl``.
STATE_ATTRIBUTE = "wbs_access"
#: The key directory is looked at at most this often; the keys reload when the file changed.
KEY_CHECK_SECONDS = 3.0

SIGN_IN_NEEDED = {
    "pesan": "Anda perlu masuk terlebih dahulu, atau sesi Anda telah berakhir.",
    "message": "You need to sign in, or your session has ended.",
}
FORBIDDEN = {
    "pesan": "Anda tidak berwenang melakukan ini untuk instansi ini.",
    "message": "You are not allowed to do this for this body.",
}
NOT_FOUND = {"pesan": "Alamat tidak ditemukan.", "message": "Not found."}


# -- who is calling ----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Caller:
    """The officer behind a request, from their verified assertion."""

    officer_id: str
    name: str
    session_id: str
    #: tenant -> roles, exactly as granted (no inheritance applied).
    grants: Mapping[str, frozenset[Role]]
    #: How they signed in: pwd, otp, oidc.
    methods: tuple[str, ...] = ()
    #: Set by ``require``: the tenant the request was authorised for, and the roles that allowed it.
    tenant: str | None = None
    acting_roles: frozenset[Role] = field(default_factory=frozenset)

    @classmethod
    def from_claims(cls, claims: CallerClaims) -> Caller:
        grants: dict[str, frozenset[Role]] = {}
        for grant in claims.grants:
            grants[grant.tenant] = grants.get(grant.tenant, frozenset()) | frozenset(grant.roles)
        return cls(officer_id=claims.sub, name=claims.name, session_id=claims.sid, grants=grants, methods=claims.amr)

    def roles_in(self, tenant: str) -> frozenset[Role]:
        """The roles granted in ``tenant`` itself."""
        return self.grants.get(tenant, frozenset())


class TenantAncestry(Protocol):
    """The tenants above one tenant (parent first), from the service's local copy of the tenants'
    configuration. Only administration reaches down the hierarchy, so this is asked only then.
    Either a plain or an async method."""

    def ancestors(self, tenant: str) -> tuple[str, ...] | Awaitable[tuple[str, ...]]: ...


class NoAncestry:
    """Every tenant stands alone: until a service keeps the tenants' configuration, an
    administrator's grant reaches only their own tenant."""

    def ancestors(self, tenant: str) -> tuple[str, ...]:
        return ()


class AssertionKeys:
    """The service's verifier, from ``assertion-verify.jwks`` at the root of its key directory,
    reloaded when the file changes (a key added for a rotation). Without the file every
    assertion is refused."""

    def __init__(
        self,
        key_dir: Path | None,
        audience: str,
        *,
        check_seconds: float = KEY_CHECK_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._path = key_dir / VERIFY_KEYS_FILE if key_dir is not None else None
        self._audience = audience
        self._check_seconds = check_seconds
        self._clock = clock
        self._verifier: AssertionVerifier | None = None
        self._stamp: tuple[int, int] | None = None
        self._next_check = 0.0
        self._refresh()

    def _refresh(self) -> None:
        if self._path is None or self._clock() < self._next_check:
            return
        self._next_check = self._clock() + self._check_seconds
        try:
            status = self._path.stat()
            stamp = (status.st_mtime_ns, status.st_size)
            if stamp == self._stamp:
                return
            keys = KeySet.import_key_set(json.loads(self._path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            if self._stamp is not None or self._verifier is None:
                log.warning("no %s: every officer request will be refused", self._path)
            self._verifier, self._stamp = None, None
            return
        except (OSError, ValueError, KeyError) as error:
            # Half-written by hand, say: keep the keys we have and look again later.
            log.warning("%s could not be read, keeping the keys loaded before: %r", self._path, error)
            return
        self._verifier, self._stamp = AssertionVerifier(keys, self._audience), stamp
        log.info("assertion keys loaded from %s", self._path)

    def verify(self, token: str) -> CallerClaims:
        self._refresh()
        if self._verifier is None:
            raise InvalidAssertion("no verification keys")
        return self._verifier.verify(token)


class Verifier(Protocol):
    def verify(self, token: str) -> CallerClaims: ...


class AccessControl:
    """What a service's access dependencies need: its verifier and where ancestry comes from.
    ``ServiceRuntime`` makes one and puts it in the app's state; a service with a local copy of
    the tenants sets ``ancestry``."""

    def __init__(self, verifier: Verifier, ancestry: TenantAncestry | None = None) -> None:
        self.verifier = verifier
        self.ancestry: TenantAncestry = ancestry or NoAncestry()

    async def ancestors(self, tenant: str) -> tuple[str, ...]:
        found = self.ancestry.ancestors(tenant)
        return tuple(await found) if inspect.isawaitable(found) else tuple(found)

    def install(self, app: FastAPI) -> None:
        setattr(app.state, STATE_ATTRIBUTE, self)
        install_access_handlers(app)


# -- the answers -------------------------------------------------------------------------------


class AccessDenied(HTTPException):
    """Raised by the access dependencies; ``install_access_handlers`` turns it into a bilingual answer."""

    def __init__(self, status_code: int, body: Mapping[str, str]) -> None:
        headers = {"Cache-Control": "no-store"}
        if status_code == 401:
            headers["WWW-Authenticate"] = 'WBS-Assertion realm="wbs"'
        super().__init__(status_code, detail=body["message"], headers=headers)
        self.body = dict(body)


def not_found() -> AccessDenied:
    """The 404 of a hidden route, for the service to raise when the thing is not there either:
    "not there" and "not yours" must look the same."""
    return AccessDenied(404, NOT_FOUND)


_PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{pesan}</title></head>
<body><main><h1>{pesan}</h1><p lang="en">{message}</p>{link}</main></body></html>
"""


def _wants_page(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept


async def _answer_denial(request: Request, error: Exception) -> Response:
    assert isinstance(error, AccessDenied)
    if not _wants_page(request):
        return JSONResponse(error.body, error.status_code, headers=error.headers)
    link = ""
    if error.status_code == 401:
        link = f'<p><a href="{SIGN_IN_PATH}">Masuk</a> / <a href="{SIGN_IN_PATH}" lang="en">Sign in</a></p>'
    page = _PAGE.format(pesan=error.body["pesan"], message=error.body["message"], link=link)
    headers = {**(error.headers or {}), "Content-Security-Policy": "default-src 'none'"}
    return HTMLResponse(page, error.status_code, headers=headers)


def install_access_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AccessDenied, _answer_denial)


# -- the rules routes declare ------------------------------------------------------------------


class AccessKind(StrEnum):
    PUBLIC = "public"
    OFFICER = "officer"
    INTERNAL = "internal"
    OPERATIONS = "operations"
    #: Directory's own sign-in and account pages: they read the session cookie that directory owns
    #: (an officer still changing a temporary password has a session but no assertion yet).
    SESSION = "session"


@dataclass(frozen=True)
class AccessRule:
    kind: AccessKind
    #: For officer routes: the permission needed (None: any signed-in officer).
    permission: Permission | None = None
    #: The path parameter naming the tenant the request concerns.
    tenant_parameter: str = "tenant"
    #: Refuse with the 404 of something that is not there, not with a 403.
    hide: bool = False

    @property
    def needs_tenant(self) -> bool:
        return self.permission is not None and RULES[self.permission].reach is not Reach.DEPLOYMENT


#: The attribute by which a dependency declares its route's rule.
_RULE_ATTRIBUTE = "wbs_access_rule"


def _declaring(rule: AccessRule, dependency: Callable[..., Awaitable[Any]]) -> Any:
    setattr(dependency, _RULE_ATTRIBUTE, rule)
    return Depends(dependency)


def _access(request: Request) -> AccessControl:
    access = getattr(request.app.state, STATE_ATTRIBUTE, None)
    if not isinstance(access, AccessControl):
        raise RuntimeError("no AccessControl in the app's state: build the app with ServiceRuntime.create_app")
    return access


async def _verified(request: Request, access: AccessControl) -> Caller:
    token = request.headers.get(ASSERTION_HEADER, "")
    if not token:
        raise AccessDenied(401, SIGN_IN_NEEDED)
    try:
        return Caller.from_claims(access.verifier.verify(token))
    except InvalidAssertion as error:
        log.info("assertion refused: %s", error)
        raise AccessDenied(401, SIGN_IN_NEEDED) from None


async def _authorised(request: Request, access: AccessControl, caller: Caller, rule: AccessRule) -> Caller:
    assert rule.permission is not None
    tenant = ""
    if rule.needs_tenant:
        tenant = request.path_params.get(rule.tenant_parameter, "")
        if not tenant:
            raise RuntimeError(f"{request.url.path}: no path parameter {rule.tenant_parameter!r}")
    roles = roles_granting(caller.grants, rule.permission, tenant)
    if not roles and RULES[rule.permission].reach is Reach.DESCENDANTS:
        roles = roles_granting(caller.grants, rule.permission, tenant, await access.ancestors(tenant))
    if not roles:
        raise AccessDenied(404, NOT_FOUND) if rule.hide else AccessDenied(403, FORBIDDEN)
    return replace(caller, tenant=tenant or None, acting_roles=roles)


def _officer_dependency(rule: AccessRule) -> Any:
    async def caller(request: Request) -> Caller:
        access = _access(request)
        verified = await _verified(request, access)
        if rule.permission is not None:
            verified = await _authorised(request, access, verified, rule)
        request.state.caller = verified
        return verified

    return _declaring(rule, caller)


def _unchecked(rule: AccessRule) -> Any:
    async def declared() -> None:
        return None

    return _declaring(rule, declared)


def officer() -> Any:
    """Any signed-in officer (their own things: home page, account, sign-out); the Caller."""
    return _officer_dependency(AccessRule(AccessKind.OFFICER))


def require(permission: Permission, *, tenant: str = "tenant", hide: bool = False) -> Any:
    """An officer holding ``permission`` in the tenant named by the path parameter ``tenant``
    (not needed for deployment-wide permissions); the Caller, with ``tenant`` and ``acting_roles``."""
    return _officer_dependency(AccessRule(AccessKind.OFFICER, permission, tenant, hide))


def public() -> Any:
    """Anyone: reporters' pages and API."""
    return _unchecked(AccessRule(AccessKind.PUBLIC))


def own_session() -> Any:
    """Directory's sign-in and account pages, which authenticate by the session itself."""
    return _unchecked(AccessRule(AccessKind.SESSION))


def internal() -> Any:
    """Other parts of the deployment only, under ``/internal/``, which the gateway never routes."""
    return _unchecked(AccessRule(AccessKind.INTERNAL))


def operations() -> Any:
    """Probes and scrapers: health, readiness, metrics. Not routed publicly (only under ``/ops/``
    when the gateway is told to), and they show no case content."""
    return _unchecked(AccessRule(AccessKind.OPERATIONS))


# -- for tests and checks ----------------------------------------------------------------------


@dataclass(frozen=True)
class DeclaredRoute:
    """A route of an app as served (router prefixes and dependencies applied) and its rules."""

    path: str
    methods: frozenset[str]
    rules: tuple[AccessRule, ...]
    #: False for what FastAPI or Starlette serve themselves (the API docs, mounts).
    api: bool

    @property
    def rule(self) -> AccessRule | None:
        """The one rule it declares; None when it declares none, or several that differ."""
        distinct = set(self.rules)
        return distinct.pop() if len(distinct) == 1 else None


def access_rules(dependant: Dependant) -> tuple[AccessRule, ...]:
    """The rules declared by a route's dependencies (its own and its routers')."""
    found: list[AccessRule] = []
    pending = list(dependant.dependencies)
    while pending:
        current = pending.pop()
        rule = getattr(current.call, _RULE_ATTRIBUTE, None)
        if isinstance(rule, AccessRule):
            found.append(rule)
        pending.extend(current.dependencies)
    return tuple(found)


def declared_routes(app: FastAPI) -> list[DeclaredRoute]:
    routes = []
    for context in iter_route_contexts(app.routes):
        path = context.path or ""
        methods = frozenset(context.methods or ())
        if isinstance(context.original_route, APIRoute):
            routes.append(DeclaredRoute(path, methods, access_rules(context.dependant), api=True))
        else:
            routes.append(DeclaredRoute(path, methods, (), api=False))
    return routes


def routes_without_rule(app: FastAPI) -> list[str]:
    """``METHODS path`` of every API route that declares no rule, or several that differ."""
    return [
        f"{','.join(sorted(route.methods))} {route.path}"
        for route in declared_routes(app)
        if route.api and route.rule is None
    ]
