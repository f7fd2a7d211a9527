"""People and operators reach everything at one address."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from wbs_contracts.registry import SERVICES
from wbs_launcher.stack import Stack


async def test_one_address_for_people_and_operators(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as client:
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["checks"] == dict.fromkeys(SERVICES, "ok")
        tenant = (await client.get("/api/v1/tenants/bps-1700")).json()
        assert tenant["name"] == "BPS Provinsi Bengkulu"
        assert [c["slug"] for c in tenant["categories"]] == [
            "korupsi-gratifikasi",
            "etika-pegawai",
            "kinerja-pegawai",
            "lainnya",
        ]
        for service in SERVICES:
            assert (await client.get(f"/ops/{service}/readyz")).json()["service"] == service
            assert "wbs_outbox_backlog_events" in (await client.get(f"/ops/{service}/metrics")).text
        missing = await client.get("/tidak-ada")
        assert missing.status_code == 404
        assert missing.json() == {"pesan": "Alamat tidak ditemukan.", "message": "Not found."}
        assert (await client.get("/api/v1/statistics/bps-1700")).status_code == 404  # the old internal path
        statistics = await client.get("/api/v1/tenants/bps-1700/statistics")
        assert statistics.status_code == 401  # officers only, and no one is signed in
        assert set(statistics.json()) == {"pesan", "message"}


async def raw_get(port: int, target: str) -> tuple[int, bytes]:
    """Sends the request line exactly as written: HTTP clients resolve ``..`` before sending, so
    only a raw request shows what the gateway does with one."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), timeout=10)
    finally:
        writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body


@pytest.mark.parametrize(
    "target",
    [
        "/assets/../metrics",
        "/assets/./../metrics",
        "/api/v1/tenants/../../../metrics",
        "/assets/%2e%2e/metrics",
        "/api/v1/reports/..%2F..%2F..%2Fmetrics",
    ],
)
async def test_dot_segments_sent_raw_reach_no_service(stack: Stack, target: str) -> None:
    status, body = await raw_get(stack.config.gateway_port, target)
    assert status == 404, body
    assert b"wbs_" not in body  # not the metrics
    assert (await raw_get(stack.config.gateway_port, "/assets/app.js"))[0] == 200  # the raw request itself works
