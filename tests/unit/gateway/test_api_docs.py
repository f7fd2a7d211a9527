"""API documentation at the gateway: each service's OpenAPI as reachable here, the listing page, and
the AsyncAPI file when it has been generated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from wbs_contracts.registry import SERVICES
from wbs_gateway.app import GatewaySettings, create_app
from wbs_gateway.upstream import Body, UpstreamAnswer, UpstreamUnavailable


def openapi_of(host: str) -> dict[str, Any]:
    """What a service's FastAPI app would generate: routed paths and some the gateway never routes."""
    operation = {"summary": f"<b>{host}</b> operation", "responses": {"200": {"description": "OK"}}}
    paths = {
        "/healthz": {"get": operation},
        "/metrics": {"get": operation},
        "/internal/v1/assertions": {"post": operation},
        "/api/v1/reports": {"post": operation},
        "/api/v1/tenants/{tenant}/statistics": {"get": operation},
        "/api/v1/tenants/{tenant}/cases/{case_id}": {"get": operation},
    }
    return {"openapi": "3.1.0", "info": {"title": f"WBS {host}", "version": "1"}, "paths": paths}


class DocumentingUpstreams:
    def __init__(self, down: frozenset[str] = frozenset()) -> None:
        self.down = down
        self.asked: list[str] = []

    async def send(self, method: str, url: str, headers: list[tuple[str, str]], body: Body) -> UpstreamAnswer:
        host = httpx.URL(url).host
        self.asked.append(url)
        if host in self.down:
            raise UpstreamUnavailable(host)
        return UpstreamAnswer(200, [("content-type", "application/json")], json.dumps(openapi_of(host)).encode())

    async def close(self) -> None:
        pass


def client(tmp_path: Path, down: frozenset[str] = frozenset()) -> httpx.AsyncClient:
    upstreams: dict[str, Any] = {f"upstream_{s}": f"http://{s}:8000" for s in SERVICES}
    settings = GatewaySettings.model_validate({"asyncapi_file": tmp_path / "asyncapi.yaml", **upstreams})
    app = create_app(settings, DocumentingUpstreams(down))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wbs.test")


async def test_a_services_openapi_holds_only_what_the_gateway_routes_to_it(tmp_path: Path) -> None:
    async with client(tmp_path) as gateway:
        intake = (await gateway.get("/api/openapi/intake.json")).json()
        triage = (await gateway.get("/api/openapi/triage.json")).json()
        reporting = (await gateway.get("/api/openapi/reporting.json")).json()
    assert set(intake["paths"]) == {"/api/v1/reports"}
    assert set(triage["paths"]) == {"/api/v1/tenants/{tenant}/cases/{case_id}"}
    assert set(reporting["paths"]) == {"/api/v1/tenants/{tenant}/statistics"}
    assert intake["servers"] == [{"url": "/"}]
    assert intake["info"]["title"] == "WBS intake"


async def test_an_unknown_or_silent_service_gets_a_bilingual_answer(tmp_path: Path) -> None:
    async with client(tmp_path, down=frozenset({"notify"})) as gateway:
        unknown = await gateway.get("/api/openapi/gudang.json")
        silent = await gateway.get("/api/openapi/notify.json")
    assert unknown.status_code == 404
    assert set(unknown.json()) == {"pesan", "message"}
    assert silent.status_code == 502
    assert set(silent.json()) == {"pesan", "message"}


async def test_the_docs_page_lists_every_service_with_its_document_and_operations(tmp_path: Path) -> None:
    async with client(tmp_path, down=frozenset({"notify"})) as gateway:
        page = await gateway.get("/api/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src" not in page.headers["content-security-policy"]
    for service in SERVICES:
        assert f'<section data-service="{service}">' in page.text
        if service != "notify":
            assert f'href="/api/openapi/{service}.json"' in page.text
    assert "<code>POST</code></td><td><code>/api/v1/reports</code>" in page.text
    assert "<b>intake</b>" not in page.text  # summaries are text, never markup
    assert "&lt;b&gt;intake&lt;/b&gt; operation" in page.text
    assert "tidak menjawab" in page.text  # notify did not answer
    assert 'class="warning">Deskripsi AsyncAPI belum dibuat' in page.text


async def test_the_asyncapi_description_is_served_once_generated(tmp_path: Path) -> None:
    async with client(tmp_path) as gateway:
        before = await gateway.get("/api/asyncapi.yaml")
        (tmp_path / "asyncapi.yaml").write_text("asyncapi: 3.0.0\ninfo: {title: WBS, version: '1'}\n")
        after = await gateway.get("/api/asyncapi.yaml")
        page = await gateway.get("/api/docs")
    assert before.status_code == 404
    assert set(before.json()) == {"pesan", "message"}
    assert after.status_code == 200
    assert after.headers["content-type"].startswith("application/yaml")
    assert after.text.startswith("asyncapi: 3.0.0")
    assert 'href="/api/asyncapi.yaml"' in page.text
