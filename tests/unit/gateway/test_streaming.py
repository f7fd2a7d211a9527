"""Large answers (an evidence file decrypted as it streams) pass through the gateway as they arrive;
small ones are read whole, as before. Against a real HTTP server on a local port."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import web

from wbs_gateway.app import GatewaySettings, create_app
from wbs_gateway.upstream import STREAM_CHUNK_BYTES, WHOLE_ANSWER_BYTES, AiohttpUpstreams

FILE = bytes(range(256)) * (3 * 4096 + 7)  # about 3 MiB, not a whole number of chunks


async def evidence(request: web.Request) -> web.StreamResponse:
    answer = web.StreamResponse(headers={"Content-Type": "application/pdf", "X-Content-Type-Options": "nosniff"})
    await answer.prepare(request)  # chunked: no Content-Length, as triage sends a decrypted file
    for start in range(0, len(FILE), 10_000):
        await answer.write(FILE[start : start + 10_000])
    await answer.write_eof()
    return answer


async def sized(request: web.Request) -> web.Response:
    return web.Response(body=FILE, content_type="application/pdf")  # with a Content-Length


async def small(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


@pytest.fixture
async def service() -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_get("/api/v1/tenants/bps-1700/cases/{case}/evidence/{id}", evidence)
    app.router.add_get("/api/v1/tenants/bps-1700/cases/{case}", small)
    app.router.add_get("/api/v1/tenants/bps-1700/cases/{case}/sized", sized)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_an_answer_without_a_length_is_passed_on_as_it_arrives(service: str) -> None:
    upstreams = AiohttpUpstreams()
    try:
        answer = await upstreams.send("GET", f"{service}/api/v1/tenants/bps-1700/cases/c/evidence/e", [], b"")
        assert answer.stream is not None
        assert answer.body == b""
        chunks = [chunk async for chunk in answer.stream]
        assert max(len(c) for c in chunks) <= STREAM_CHUNK_BYTES
        assert b"".join(chunks) == FILE
        whole = await upstreams.send("GET", f"{service}/api/v1/tenants/bps-1700/cases/c", [], b"")
        assert whole.stream is None
        assert whole.body == b'{"ok": true}'
        assert len(FILE) > WHOLE_ANSWER_BYTES
    finally:
        await upstreams.close()


async def test_the_gateway_streams_a_file_to_the_client_with_the_services_headers(service: str) -> None:
    settings = GatewaySettings(upstream_triage=service)
    upstreams = AiohttpUpstreams()
    app = create_app(settings, upstreams)
    transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 50000))
    client = httpx.AsyncClient(transport=transport, base_url="http://wbs.test")
    async with client, client.stream("GET", "/api/v1/tenants/bps-1700/cases/c/evidence/e") as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["x-content-type-options"] == "nosniff"
        digest = hashlib.sha256()
        async for chunk in response.aiter_bytes():
            digest.update(chunk)
    assert digest.hexdigest() == hashlib.sha256(FILE).hexdigest()
    await upstreams.close()


async def test_a_large_answer_of_known_length_streams_with_its_length(service: str) -> None:
    upstreams = AiohttpUpstreams()
    app = create_app(GatewaySettings(upstream_triage=service), upstreams)
    transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 50000))
    client = httpx.AsyncClient(transport=transport, base_url="http://wbs.test")
    async with client, client.stream("GET", "/api/v1/tenants/bps-1700/cases/c/sized") as response:
        assert response.headers["content-length"] == str(len(FILE))
        assert await response.aread() == FILE
    await upstreams.close()
