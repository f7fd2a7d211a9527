"""API documentation at the one address.

``/api/docs`` lists every service's HTTP API and links each one's OpenAPI document,
``/api/openapi/{service}.json``, and the AsyncAPI description of the topics, ``/api/asyncapi.yaml``.

Each OpenAPI document is the one the service's own FastAPI app generates from its code, asked of it
when someone reads it, keeping only the paths this gateway routes to that service: a service's
``/healthz``, ``/metrics`` and ``/internal/`` paths cannot be reached here, so they are not described
here, and the gateway is the document's server. The AsyncAPI description is generated from the
topic registry into ``docs/asyncapi.yaml`` and served from that file (``WBS_GATEWAY_ASYNCAPI_FILE``).

The page is plain HTML in both languages, styled by the pages' shared stylesheet; no script, so no
third-party API browser either: the documents open in any OpenAPI or AsyncAPI tool.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route as StarletteRoute

from wbs_contracts.registry import SERVICES
from wbs_gateway.routes import Route, match
from wbs_gateway.upstream import Upstreams, UpstreamUnavailable

DOCS_PATH = "/api/docs"
OPENAPI_PATH = "/api/openapi/{service}.json"
ASYNCAPI_PATH = "/api/asyncapi.yaml"
FETCH_SECONDS = 5.0
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
NOT_THERE = {
    "pesan": "Dokumen API ini tidak ditemukan atau belum dibuat.",
    "message": "This API document was not found, or has not been generated yet.",
}
UNAVAILABLE = {
    "pesan": "Layanan sedang tidak tersedia. Coba lagi sebentar lagi.",
    "message": "The service is unavailable. Try again shortly.",
}
_PARAMETER = re.compile(r"{[^}]+}")


def routed_to(path: str, service: str, routes: tuple[Route, ...]) -> bool:
    """Whether the gateway sends this path (its parameters filled in) to ``service``."""
    found = match(_PARAMETER.sub("contoh", path), routes)
    return found is not None and found.service == service


def published(document: dict[str, Any], service: str, routes: tuple[Route, ...]) -> dict[str, Any]:
    """The service's OpenAPI as reachable at the gateway: its routed paths only, the gateway as server."""
    paths = {p: item for p, item in dict(document.get("paths") or {}).items() if routed_to(p, service, routes)}
    return {**document, "servers": [{"url": "/"}], "paths": paths}


def operations(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(METHOD, path, summary) of every operation, in the document's order."""
    return [
        (method.upper(), path, str(operation.get("summary") or ""))
        for path, item in dict(document.get("paths") or {}).items()
        for method, operation in dict(item).items()
        if method in METHODS and isinstance(operation, dict)
    ]


class ApiDocs:
    def __init__(
        self,
        upstreams: Upstreams,
        upstream_of: Callable[[str], str],
        asyncapi_file: Path,
        routes: tuple[Route, ...],
    ) -> None:
        self._upstreams = upstreams
        self._upstream_of = upstream_of
        self._asyncapi_file = asyncapi_file
        self._routes = routes

    async def document(self, service: str) -> dict[str, Any] | None:
        """The service's published OpenAPI; None when the service does not answer with one."""
        try:
            async with asyncio.timeout(FETCH_SECONDS):
                answer = await self._upstreams.send("GET", self._upstream_of(service) + "/openapi.json", [], b"")
            if answer.status != 200 or answer.stream is not None:
                return None
            found = json.loads(answer.body)
        except (UpstreamUnavailable, TimeoutError, ValueError):
            return None
        return published(found, service, self._routes) if isinstance(found, dict) else None

    async def openapi(self, request: Request) -> Response:
        service = str(request.path_params["service"])
        if service not in SERVICES:
            return JSONResponse(NOT_THERE, 404, headers=HEADERS)
        found = await self.document(service)
        if found is None:
            return JSONResponse(UNAVAILABLE, 502, headers=HEADERS)
        return JSONResponse(found, headers=HEADERS)

    async def asyncapi(self, _: Request) -> Response:
        try:
            content = self._asyncapi_file.read_bytes()
        except OSError:
            return JSONResponse(NOT_THERE, 404, headers=HEADERS)
        return Response(content, media_type="application/yaml", headers=HEADERS)

    async def page(self, _: Request) -> Response:
        documents = await asyncio.gather(*(self.document(service) for service in SERVICES))
        sections = [_service_section(s, d) for s, d in zip(SERVICES, documents, strict=True)]
        if self._asyncapi_file.is_file():
            events = (
                f'<p id="asyncapi"><a href="{ASYNCAPI_PATH}">AsyncAPI: <code>{ASYNCAPI_PATH}</code></a> — '
                "setiap topik Kafka, kuncinya, produsen dan konsumennya, dan skema peristiwanya / "
                '<span lang="en">every Kafka topic, its key, producer, consumers and event schemas</span></p>'
            )
        else:
            events = (
                '<p id="asyncapi" class="warning">Deskripsi AsyncAPI belum dibuat di server ini / '
                '<span lang="en">the AsyncAPI description has not been generated on this server</span>.</p>'
            )
        return Response(
            _PAGE.format(services="\n".join(sections), events=events), media_type="text/html", headers=HEADERS
        )

    def routes(self) -> list[StarletteRoute]:
        return [
            StarletteRoute(DOCS_PATH, self.page, methods=["GET"]),
            StarletteRoute(OPENAPI_PATH, self.openapi, methods=["GET"]),
            StarletteRoute(ASYNCAPI_PATH, self.asyncapi, methods=["GET"]),
        ]


def _service_section(service: str, document: dict[str, Any] | None) -> str:
    link = OPENAPI_PATH.format(service=service)
    if document is None:
        return (
            f'<section data-service="{service}"><h2>{service}</h2>'
            '<p class="warning">Layanan ini tidak menjawab sekarang / '
            '<span lang="en">this service does not answer now</span>.</p></section>'
        )
    info = dict(document.get("info") or {})
    rows = "\n".join(
        f"<tr><td><code>{escape(method)}</code></td><td><code>{escape(path)}</code></td><td>{escape(summary)}</td></tr>"
        for method, path, summary in operations(document)
    )
    return (
        f'<section data-service="{service}"><h2>{service}</h2>'
        f"<p>{escape(str(info.get('title') or service))}</p>"
        f'<p class="note">{escape(str(info.get("description") or ""))}</p>'
        f'<p><a href="{link}">OpenAPI: <code>{link}</code></a></p>'
        '<table><thead><tr><th>Metode / <span lang="en">Method</span></th>'
        '<th>Alamat / <span lang="en">Path</span></th>'
        '<th>Keterangan / <span lang="en">Summary</span></th></tr></thead>'
        f"<tbody>{rows}</tbody></table></section>"
    )


_PAGE = """<!doctype html>
<html lang="id">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Dokumentasi API · WBS</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/static/wbs/wbs.css">
</head>
<body>
  <header class="site"><div class="brand"><a href="/" class="product">WBS</a>
    <span class="tagline">Sistem Pelaporan Pelanggaran</span></div></header>
  <main id="main">
    <section>
      <h1 id="api-docs">Dokumentasi API / <span lang="en">API documentation</span></h1>
      <p>Semua layanan dijangkau di alamat ini; tiap dokumen OpenAPI dibuat dari kode layanannya dan memuat
      hanya alamat yang diteruskan gerbang ini. / <span lang="en">Every service is reached at this address;
      each OpenAPI document is generated from its service's code and lists only the paths this gateway
      routes.</span></p>
      {events}
    </section>
{services}
  </main>
</body>
</html>
"""
