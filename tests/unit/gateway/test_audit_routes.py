"""The gateway in front of investigation's audit pages: the routes that take an audit's files stream
under the upload limit while its other bodies keep 64 KiB (its cookies: test_investigation_cookies)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

from tests.unit.gateway.test_proxy import FakeUpstreams
from wbs_gateway.app import GatewaySettings, create_app


async def test_an_audit_s_files_stream_under_the_upload_limit() -> None:
    upstreams = FakeUpstreams()
    settings = GatewaySettings(upstream_investigation="http://investigation:8003", max_upload_bytes=300_000)
    transport = httpx.ASGITransport(app=create_app(settings, upstreams), client=("198.51.100.7", 50000))

    async def body(size: int) -> AsyncIterator[bytes]:
        for _ in range(size // 10_000):
            yield b"x" * 10_000

    files = {"Content-Type": "multipart/form-data; boundary=batas"}
    case = "/audit/inspektorat-bengkulu/0f1e"
    api = "/api/v1/tenants/inspektorat-bengkulu/audits/0f1e"
    async with httpx.AsyncClient(transport=transport, base_url="http://wbs.test") as client:
        taken = [
            await client.post(path, content=body(200_000), headers=files)
            for path in (f"{case}/klarifikasi", f"{case}/bukti", f"{api}/clarifications", f"{api}/evidence")
        ]
        elsewhere = await client.post(f"{api}/result", content=body(200_000), headers=files)
    assert [t.status_code for t in taken] == [200, 200, 200, 200]
    assert elsewhere.status_code == 413
