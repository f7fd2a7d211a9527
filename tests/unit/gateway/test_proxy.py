"""The gateway forwards what it matched, exactly as received, and nothing else."""

from __future__ import annotations

import json

import httpx
from starlette.applications import Starlette

from tests.support.asgi import raw_get
from wbs_gateway.app import GatewaySettings, create_app


def gateway_app(expose_operations: bool = False) -> tuple[Starlette, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def upstream(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = json.dumps({"host": request.url.host, "path": request.url.raw_path.decode()}).encode()
        # A streamed body, as a real upstream sends it (the gateway streams it back).
        return httpx.Response(200, headers={"content-type": "application/json"}, stream=httpx.ByteStream(body))

    settings = GatewaySettings(
        expose_operations=expose_operations,
        upstream_intake="http://intake:8001",
        upstream_reporting="http://reporting:8005",
    )
    return create_app(settings, transport=httpx.MockTransport(upstream)), seen


def gateway(expose_operations: bool = False) -> tuple[httpx.AsyncClient, list[httpx.Request]]:
    app, seen = gateway_app(expose_operations)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wbs.test"), seen


async def test_requests_reach_the_service_that_owns_the_path() -> None:
    client, seen = gateway()
    async with client:
        reports = await client.post("/api/v1/reports?x=1", json={"a": 1}, headers={"X-Report-Secret": "s"})
        stats = await client.get("/api/v1/statistics/bps-1700")
    assert reports.json() == {"host": "intake", "path": "/api/v1/reports?x=1"}
    assert stats.json()["host"] == "reporting"
    assert seen[0].headers["x-report-secret"] == "s"
    assert seen[0].content == b'{"a":1}'


async def test_the_path_is_forwarded_still_encoded() -> None:
    client, _ = gateway()
    async with client:
        response = await client.get("/api/v1/reports/WBS-1%3Fadmin=1")
    assert response.json()["path"] == "/api/v1/reports/WBS-1%3Fadmin=1"  # not a query string upstream


async def test_dot_segments_never_reach_a_service() -> None:
    app, seen = gateway_app(expose_operations=True)
    for path in (
        "/assets/../metrics",
        "/assets/%2e%2e/docs",
        "/api/v1/reports/x%2F..%2F..%2Fopenapi.json",
        "/api/v1/reports/../../openapi.json",
        "/api/v1/statistics/./../../docs",
    ):
        assert await raw_get(app, path) == 404, path
    assert seen == []
    assert await raw_get(app, "/assets/app.js") == 200  # the same route, without the trick, goes through


async def test_operations_paths_only_when_exposed() -> None:
    hidden, _ = gateway(expose_operations=False)
    shown, _ = gateway(expose_operations=True)
    async with hidden, shown:
        assert (await hidden.get("/ops/intake/metrics")).status_code == 404
        assert (await shown.get("/ops/intake/metrics")).json() == {"host": "intake", "path": "/metrics"}
        assert (await shown.get("/ops/intake/docs")).status_code == 404
        assert (await shown.get("/ops/nobody/metrics")).status_code == 404
