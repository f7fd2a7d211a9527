"""A small reverse proxy: forwards each request to the owning service and its answer back.

What the gateway keeps from the services, on purpose: the client's address. It is used here, in
memory, to throttle (see ``throttle``), and never passed inward, logged or stored; headers that
could carry it (``X-Forwarded-For``, ``Forwarded``, ``X-Real-IP``, ...) are removed from every
request. Each request gets a correlation id made here, whatever the client sent.

Who is calling is said only by the gateway: headers a client sends that look like identity
(``X-WBS-Assertion`` and the like) are removed, and for a request with an officer's session cookie
the gateway forwards the assertion directory issues for it (see ``sessions``). Cookies go to
directory only, and ``/internal/`` paths are never proxied.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route as StarletteRoute

from wbs_contracts.events.directory import EvidenceLimits
from wbs_contracts.identity import ASSERTION_HEADER, ASSERTION_LIFETIME_SECONDS
from wbs_contracts.registry import SERVICES
from wbs_gateway.api_docs import ApiDocs
from wbs_gateway.routes import OPERATIONS_PATHS, PUBLIC_ROUTES, Route, match
from wbs_gateway.sessions import AssertionSource, session_from
from wbs_gateway.throttle import ClientThrottle
from wbs_gateway.upstream import AiohttpUpstreams, Body, Upstreams, UpstreamUnavailable
from wbs_runtime.http import (
    CORRELATION_HEADER,
    DEFAULT_MAX_BODY_BYTES,
    BodySizeLimitMiddleware,
    UploadRoutes,
    is_multipart,
)
from wbs_runtime.settings import GATEWAY_PORT, default_http_port
from wbs_runtime.web import CLIENT_PSEUDONYM_HEADER

#: Hop-by-hop headers (RFC 9110 §7.6.1) are never forwarded.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)
#: Headers that carry (or could carry) the client's address or the path it came by, and the
#: client's own correlation or request ids: never passed inward.
CLIENT_IDENTIFYING = frozenset(
    {
        "forwarded",
        "via",
        "x-forwarded-for",
        "x-forwarded-host",
        "x-forwarded-port",
        "x-forwarded-proto",
        "x-forwarded-server",
        "x-forwarded",
        "forwarded-for",
        "x-real-ip",
        "x-client-ip",
        "x-cluster-client-ip",
        "x-originating-ip",
        "x-remote-ip",
        "x-remote-addr",
        "x-host",
        "client-ip",
        "true-client-ip",
        "cf-connecting-ip",
        "cf-connecting-ipv6",
        "cf-pseudo-ipv4",
        "fastly-client-ip",
        "fly-client-ip",
        "x-appengine-user-ip",
        "x-azure-clientip",
        "x-azure-socketip",
        "akamai-client-ip",
        "x-envoy-external-address",
        "x-correlation-id",
        "x-request-id",
        CLIENT_PSEUDONYM_HEADER.lower(),  # made here, never taken from the client
    }
)
#: Headers that say (or could be taken to say) who the caller is: only the gateway says that, with
#: the assertion it obtained from directory. Any ``X-WBS-*`` header is removed as well.
IDENTITY_LIKE = frozenset(
    {
        ASSERTION_HEADER.lower(),
        "authorization",
        "cookie",  # given back to directory alone, below
        "remote-user",
        "x-remote-user",
        "x-user",
        "x-user-id",
        "x-forwarded-user",
        "x-forwarded-email",
        "x-forwarded-preferred-username",
        "x-forwarded-groups",
        "x-forwarded-access-token",
        "x-auth-request-user",
        "x-auth-request-email",
        "x-auth-request-groups",
        "x-auth-request-access-token",
        "x-authenticated-user",
        "x-authenticated-userid",
        "x-ms-client-principal",
        "x-ms-client-principal-id",
        "x-ms-client-principal-name",
        "x-goog-authenticated-user-email",
        "x-goog-authenticated-user-id",
        "x-amzn-oidc-identity",
        "x-amzn-oidc-data",
        "x-amzn-oidc-accesstoken",
        "cf-access-jwt-assertion",
        "cf-access-authenticated-user-email",
    }
)
NOT_FORWARDED = HOP_BY_HOP | CLIENT_IDENTIFYING | IDENTITY_LIKE
#: The one service that sees cookies: its sign-in, sign-out and account pages use them.
COOKIE_SERVICE = "directory"
#: The cookies other services set for themselves and get back (never the officer's session):
#: intake's reporter session, and the pages' language choice and CSRF cookie (the officers' pages of
#: triage and investigation, and the agencies' pages; reporting's public statistics).
SERVICE_COOKIES: dict[str, frozenset[str]] = {
    "intake": frozenset({"wbs_pelapor", "wbs_bahasa", "wbs_csrf"}),
    "triage": frozenset({"wbs_bahasa", "wbs_csrf"}),
    "investigation": frozenset({"wbs_bahasa", "wbs_csrf"}),
    "notify": frozenset({"wbs_bahasa", "wbs_csrf"}),  # the officer's inbox page
    "reporting": frozenset({"wbs_bahasa", "wbs_csrf"}),  # statistics pages, officers' and public
}
#: Routes that take files: their bodies stream through under a larger limit (evidence to intake;
#: an audit's clarifications and evidence, and a recommendation's SK and other evidence of its
#: follow-up, to investigation, which bounds them itself).
UPLOAD_PATHS = (
    r"/api/v1/reporter/evidence",
    r"/pantau/bukti",
    r"/lapor/(?!tanda-terima$)[^/]+",
    r"/api/v1/tenants/[^/]+/audits/[^/]+/(clarifications|evidence)",
    r"/audit/[^/]+/[^/]+/(klarifikasi|bukti)",
    r"/api/v1/tenants/[^/]+/audits/[^/]+/recommendations/[^/]+/documents",
    r"/audit/[^/]+/[^/]+/rekomendasi/[^/]+/dokumen",
)
#: Room in an upload's body for the form's text and the multipart framing, beyond its files.
UPLOAD_MARGIN_BYTES = 1024 * 1024
NOT_FOUND = {"pesan": "Alamat tidak ditemukan.", "message": "Not found."}
UNAVAILABLE = {
    "pesan": "Layanan sedang tidak tersedia. Coba lagi sebentar lagi.",
    "message": "The service is unavailable. Try again shortly.",
}


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WBS_GATEWAY_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=GATEWAY_PORT, validation_alias="WBS_PORT")
    expose_operations: bool = False
    upstream_intake: str = f"http://127.0.0.1:{default_http_port('intake')}"
    upstream_triage: str = f"http://127.0.0.1:{default_http_port('triage')}"
    upstream_investigation: str = f"http://127.0.0.1:{default_http_port('investigation')}"
    upstream_notify: str = f"http://127.0.0.1:{default_http_port('notify')}"
    upstream_reporting: str = f"http://127.0.0.1:{default_http_port('reporting')}"
    upstream_directory: str = f"http://127.0.0.1:{default_http_port('directory')}"
    #: Larger request bodies get a 413 here, before any service sees them.
    max_body_bytes: int = Field(default=DEFAULT_MAX_BODY_BYTES, gt=0)
    #: The limit of the routes that take evidence files (streamed, never read whole here): by
    #: default the policies' default evidence per report plus room for the form. Each tenant's
    #: policy limits evidence exactly in intake; raise this for a tenant allowed more.
    max_upload_bytes: int = Field(default=EvidenceLimits().max_report_bytes + UPLOAD_MARGIN_BYTES, gt=0)
    #: Per client (address, or /64 for IPv6) and window; 0 means unlimited. GlobaLeaks also allows
    #: 5 reports per address per hour.
    submissions_per_window: int = Field(default=5, ge=0)
    #: The reporter's form takes a POST per step (review, corrections, sending): more than reports.
    report_form_posts_per_window: int = Field(default=30, ge=0)
    #: Status checks, sign-ins and receipt PDFs: each tries a secret or a password.
    status_checks_per_window: int = Field(default=60, ge=0)
    throttle_window_seconds: float = Field(default=3600, gt=0)
    #: Addresses of reverse proxies in front of the gateway whose ``X-Forwarded-For`` names the
    #: client (uvicorn's ``forwarded_allow_ips``); empty: the peer is the client.
    trusted_proxies: str = ""
    #: Connections kept open to each service.
    upstream_connections: int = Field(default=100, gt=0)
    #: An assertion is reused for one session and service at most this long (and never past its
    #: expiry): signing out everywhere takes effect within it. 0: ask directory on every request.
    assertion_cache_seconds: float = Field(default=5.0, ge=0, le=ASSERTION_LIFETIME_SECONDS)
    assertion_cache_size: int = Field(default=10_000, gt=0)
    #: The AsyncAPI description of the topics, served at /api/asyncapi.yaml (generated from the
    #: topic registry; a relative path is taken from the working directory).
    asyncapi_file: Path = Path("docs/asyncapi.yaml")

    def upstream(self, service: str) -> str:
        return str(getattr(self, f"upstream_{service}")).rstrip("/")


@dataclass(frozen=True)
class Throttled:
    kind: str
    method: str
    #: A regular expression the whole path must match.
    path: str
    limit: int
    pesan: str
    message: str


def throttled_routes(settings: GatewaySettings) -> list[Throttled]:
    """What a client may do only so often: send reports (the API, or the pages' form, whose every
    step is a POST), and try a secret or password (status checks, signing in, the receipt PDF)."""
    submissions = (
        "Terlalu banyak laporan dikirim dari jaringan Anda.",
        "Too many reports were sent from your network.",
    )
    secrets = ("Terlalu banyak pemeriksaan status dari jaringan Anda.", "Too many status checks from your network.")
    return [
        Throttled("submission", "POST", "/api/v1/reports", settings.submissions_per_window, *submissions),
        Throttled(
            "report-form", "POST", "/lapor/(?!tanda-terima$)[^/]+", settings.report_form_posts_per_window, *submissions
        ),
        Throttled("status-check", "POST", "/api/v1/reports/status", settings.status_checks_per_window, *secrets),
        Throttled("status-check", "POST", "/api/v1/reporter/session", settings.status_checks_per_window, *secrets),
        Throttled("status-check", "POST", "/pantau", settings.status_checks_per_window, *secrets),
        Throttled("status-check", "POST", "/lapor/tanda-terima", settings.status_checks_per_window, *secrets),
    ]


def throttle_rule(rules: list[Throttled], method: str, path: str) -> Throttled | None:
    return next((r for r in rules if r.method == method and re.fullmatch(r.path, path)), None)


def _has_dot_segments(path: str) -> bool:
    return any(segment in {".", ".."} for segment in path.split("/"))


def is_internal(path: str) -> bool:
    """``/internal/...`` (however written) is for the deployment's own parts, never for people."""
    segments = [segment for segment in path.split("/") if segment]
    return bool(segments) and segments[0].lower() == "internal"


def _forwarded_headers(request: Request, service: str) -> list[tuple[str, str]]:
    headers = [
        (k, v)
        for k, v in request.headers.items()
        if k.lower() not in NOT_FORWARDED and not k.lower().startswith("x-wbs-")
    ]
    if service == COOKIE_SERVICE:
        headers += [(k, v) for k, v in request.headers.items() if k.lower() == "cookie"]
    elif own := SERVICE_COOKIES.get(service):
        kept = _cookies_named(request.headers.getlist("cookie"), own)
        if kept:
            headers.append(("cookie", kept))
    return headers


def _cookies_named(cookie_headers: list[str], names: frozenset[str]) -> str:
    """Only the named cookies of the ``Cookie`` headers: an officer's session must not reach a
    service that does not need it."""
    pairs = (pair.strip() for header in cookie_headers for pair in header.split(";"))
    return "; ".join(pair for pair in pairs if pair.partition("=")[0].strip() in names)


def create_app(
    settings: GatewaySettings, upstreams: Upstreams | None = None, routes: tuple[Route, ...] = PUBLIC_ROUTES
) -> Starlette:
    client = upstreams or AiohttpUpstreams(settings.upstream_connections)
    assertions = AssertionSource(
        client,
        settings.upstream(COOKIE_SERVICE),
        cache_seconds=settings.assertion_cache_seconds,
        capacity=settings.assertion_cache_size,
    )
    api_docs = ApiDocs(client, settings.upstream, settings.asyncapi_file, routes)
    throttle = ClientThrottle(settings.throttle_window_seconds)
    throttled = throttled_routes(settings)
    uploads = UploadRoutes()
    for upload_path in UPLOAD_PATHS:
        uploads.allow("POST", upload_path, settings.max_upload_bytes)

    def answer(
        content: dict[str, str], status: int, correlation: str, headers: dict[str, str] | None = None
    ) -> Response:
        return JSONResponse(content, status, headers={CORRELATION_HEADER: correlation, **(headers or {})})

    async def forward(
        request: Request,
        service: str,
        raw_path: str,
        correlation: str,
        *,
        identity: bool = True,
        officer: bool = True,
    ) -> Response:
        """``identity``: cookies and the officer's assertion may go on; ``officer``: the officer's
        session is looked up (never for the reporter's routes)."""
        query = request.scope.get("query_string", b"")
        url = settings.upstream(service) + raw_path + ("?" + query.decode("latin-1") if query else "")
        headers = _forwarded_headers(request, service) if identity else _forwarded_headers(request, "")
        headers.append((CORRELATION_HEADER, correlation))
        cookies = "; ".join(request.headers.getlist("cookie"))
        session = session_from(cookies) if identity and officer else None
        if session is not None:
            assertion = await assertions.assertion(session, service, correlation)
            if assertion is not None:
                headers.append((ASSERTION_HEADER, assertion))
        if service == "directory":
            # Directory throttles wrong passwords per client: it gets a pseudonym that changes
            # every throttling window, never the address.
            address = request.client.host if request.client else ""
            headers.append((CLIENT_PSEUDONYM_HEADER, throttle.pseudonym(address)))
        # A body is small (the size limit holds it to 64 KiB by default), so it is read whole and
        # sent with a Content-Length: cheaper than chunked streaming for services and gateway
        # alike. Uploads of evidence stream through as they arrive, never held whole here.
        streamed = is_multipart(request.scope) and uploads(request.method, request.url.path) is not None
        body: Body = request.stream() if streamed else await request.body()
        try:
            upstream = await client.send(request.method, url, headers, body)
        except UpstreamUnavailable:
            return answer(UNAVAILABLE, 502, correlation)
        response: Response
        if upstream.stream is not None:
            # A large answer (an evidence file, decrypted as it streams) goes on as it arrives.
            response = StreamingResponse(upstream.stream, status_code=upstream.status)
            length = [
                (b"content-length", v.encode("latin-1")) for k, v in upstream.headers if k.lower() == "content-length"
            ]
            response.raw_headers = [*(h for h in response.raw_headers if h[0] != b"content-type"), *length[:1]]
        else:
            response = Response(upstream.body, status_code=upstream.status)
        response.raw_headers = [
            *response.raw_headers,
            *(
                (k.lower().encode("latin-1"), v.encode("latin-1"))
                for k, v in upstream.headers
                if k.lower() not in HOP_BY_HOP
            ),
        ]
        return response

    def refused(rule: Throttled, retry_after: float, correlation: str) -> Response:
        seconds = max(1, math.ceil(retry_after))
        body = {
            "pesan": f"{rule.pesan} Coba lagi setelah {seconds} detik.",
            "message": f"{rule.message} Try again after {seconds} seconds.",
        }
        return answer(body, 429, correlation, {"Retry-After": str(seconds), "Cache-Control": "no-store"})

    async def proxy(request: Request) -> Response:
        correlation = str(uuid.uuid4())
        path = request.url.path
        # Forwarded exactly as received (still percent-encoded), so the service sees the path that
        # was matched here; dot segments are refused, or /assets/../metrics would reach /metrics.
        raw_path = request.scope.get("raw_path", path.encode()).decode("latin-1")
        if _has_dot_segments(path) or _has_dot_segments(unquote(raw_path)):
            return answer(NOT_FOUND, 404, correlation)
        if is_internal(path) or is_internal(unquote(raw_path)):
            return answer(NOT_FOUND, 404, correlation)
        route = match(path, routes)
        if route is not None:
            rule = throttle_rule(throttled, request.method, path)
            if rule is not None:
                address = request.client.host if request.client else ""
                wait = throttle.admit(rule.kind, rule.limit, address)
                if wait > 0:
                    return refused(rule, wait, correlation)
            return await forward(request, route.service, raw_path, correlation, officer=not route.anonymous)
        parts = path.strip("/").split("/")
        if (
            settings.expose_operations
            and len(parts) == 3
            and parts[0] == "ops"
            and parts[1] in SERVICES
            and parts[2] in OPERATIONS_PATHS
        ):
            return await forward(request, parts[1], "/" + parts[2], correlation, identity=False)
        return answer(NOT_FOUND, 404, correlation)

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok", "service": "gateway"})

    async def readyz(_: Request) -> Response:
        async def ready(service: str) -> bool:
            try:
                async with asyncio.timeout(3.0):
                    return (await client.send("GET", settings.upstream(service) + "/readyz", [], b"")).status == 200
            except (UpstreamUnavailable, TimeoutError):
                return False

        results = await asyncio.gather(*(ready(s) for s in SERVICES))
        checks = {s: "ok" if ok else "not-ready" for s, ok in zip(SERVICES, results, strict=True)}
        status = 200 if all(results) else 503
        return JSONResponse({"status": "ready" if status == 200 else "not-ready", "checks": checks}, status)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        await client.close()

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    return Starlette(
        routes=[
            StarletteRoute("/healthz", healthz),
            StarletteRoute("/readyz", readyz),
            *api_docs.routes(),
            StarletteRoute("/{path:path}", proxy, methods=methods),
        ],
        middleware=[Middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes, uploads=uploads)],
        lifespan=lifespan,
    )
