"""People and operators reach everything at one address."""

from __future__ import annotations

import httpx

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
        assert (await client.get("/ops/intake/../../etc/passwd")).status_code == 404
