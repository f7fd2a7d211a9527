"""A small reverse proxy: streams requests to the owning service and its answer back."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from urllib.parse import unquote

import httpx
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route as StarletteRoute

from wbs_contracts.registry import SERVICES
from wbs_gateway.routes import OPERATIONS_PATHS, match
from wbs_runtime.settings import GATEWAY_PORT, default_http_port

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

    def upstream(self, service: str) -> str:
        return str(getattr(self, f"upstream_{service}")).rstrip("/")


def _has_dot_segments(path: str) -> bool:
    return any(segment in {".", ".."} for segment in path.split("/"))


def create_app(settings: GatewaySettings, transport: httpx.AsyncBaseTransport | None = None) -> Starlette:
    client = httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=3.0), follow_redirects=False, transport=transport)

    async def forward(request: Request, service: str, raw_path: str) -> Response:
        query = request.scope.get("query_string", b"")
        url = httpx.URL(settings.upstream(service) + raw_path + ("?" + query.decode("latin-1") if query else ""))
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP]
        client_host = request.client.host if request.client else ""
        headers.append(("x-forwarded-for", client_host))
        headers.append(("x-forwarded-proto", request.url.scheme))
        upstream_request = client.build_request(request.method, url, headers=headers, content=request.stream())
        try:
            upstream = await client.send(upstream_request, stream=True)
        except httpx.TransportError:
            return JSONResponse(UNAVAILABLE, status_code=502)
        return StreamingResponse(
            upstream.aiter_raw(),
            status_code=upstream.status_code,
            headers={k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP},
            background=BackgroundTask(upstream.aclose),
        )

    async def proxy(request: Request) -> Response:
        path = request.url.path
        # Forwarded exactly as received (still percent-encoded), so the service sees the path that
        # was matched here; dot segments are refused, or /assets/../metrics would reach /metrics.
        raw_path = request.scope.get("raw_path", path.encode()).decode("latin-1")
        if _has_dot_segments(path) or _has_dot_segments(unquote(raw_path)):
            return JSONResponse(NOT_FOUND, status_code=404)
        route = match(path)
        if route is not None:
            return await forward(request, route.service, raw_path)
        parts = path.strip("/").split("/")
        if (
            settings.expose_operations
            and len(parts) == 3
            and parts[0] == "ops"
            and parts[1] in SERVICES
            and parts[2] in OPERATIONS_PATHS
        ):
            return await forward(request, parts[1], "/" + parts[2])
        return JSONResponse(NOT_FOUND, status_code=404)

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok", "service": "gateway"})

    async def readyz(_: Request) -> Response:
        async def ready(service: str) -> bool:
            try:
                return (await client.get(settings.upstream(service) + "/readyz", timeout=3.0)).status_code == 200
            except httpx.HTTPError:
                return False

        results = await asyncio.gather(*(ready(s) for s in SERVICES))
        checks = {s: "ok" if ok else "not-ready" for s, ok in zip(SERVICES, results, strict=True)}
        status = 200 if all(results) else 503
        return JSONResponse({"status": "ready" if status == 200 else "not-ready", "checks": checks}, status)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        await client.aclose()

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    return Starlette(
        routes=[
            StarletteRoute("/healthz", healthz),
            StarletteRoute("/readyz", readyz),
            StarletteRoute("/{path:path}", proxy, methods=methods),
        ],
        lifespan=lifespan,
    )
