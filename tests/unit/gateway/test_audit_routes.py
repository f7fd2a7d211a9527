"""The gateway in front of investigation's audit pages: the pages' language and CSRF cookies reach it
(never the officer's session), and the routes that take an audit's files stream under the upload
limit while its other bodies keep 64 KiB."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

from tests.unit.gateway.test_proxy import FakeUpstreams, gateway
from wbs_gateway.app import GatewaySettings, create_app


async def test_investigation_s_pages_get_the_language_and_csrf_cookies_and_never_a_session() -> None:
    client, seen = gateway(upstream_investigation="http://investigation:8003")
    cookies = "wbs_sesi=officer-session-token; wbs_pelapor=reporter-token; wbs_csrf=c-1; wbs_bahasa=en"
    async with client:
        await client.post("/audit/inspektorat-bengkulu/0f1e/rencana/surat-tugas", headers={"Cookie": cookies})
    (to_investigation,) = [r for r in seen if r.url.host == "investigation"]
    assert to_investigation.headers.get_list("cookie") == ["wbs_csrf=c-1; wbs_bahasa=en"]


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
