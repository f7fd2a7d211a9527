"""A letter recorded by a petugas of BPS Provinsi Banten and forwarded to BPS Kabupaten Tangerang
(seed 001's Banten case), over the running system: triage registers it in the receiving body's
agenda and list, not in the province's; the reporter sees it registered and forwarded."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import asyncpg
import httpx

from tests.support.officers import assertion_headers
from tests.support.reports import check_status
from tests.support.waiting import eventually
from wbs_contracts.roles import Role
from wbs_launcher.stack import Stack

LETTER = {
    "channel": "surat",
    "forward_to": "bps-3603",
    "category": "kkn",
    "what": "Permintaan imbalan kepada calon mitra pencacah sensus",
    "where": "Kantor BPS Kabupaten Tangerang",
    "when": "Agustus 2023",
    "who": "Koordinator statistik kecamatan",
    "terlapor": [{"nama": "R. S.", "jabatan": "Koordinator Statistik Kecamatan"}],
}


async def cases(stack: Stack, tenant: str) -> list[dict[str, Any]]:
    penelaah = assertion_headers(stack.key_root, "triage", {tenant: {Role.PENELAAH}})
    async with httpx.AsyncClient(base_url=stack.service_url("triage"), timeout=10) as triage:
        response = await triage.get(f"/api/v1/tenants/{tenant}/cases", headers=penelaah)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


async def letters(stack: Stack, tenant: str) -> tuple[int, int]:
    """(letters counted by channel, reports counted in all) in the tenant's statistics this year."""
    reader = assertion_headers(stack.key_root, "reporting", {tenant: {Role.PENELAAH}})
    async with httpx.AsyncClient(base_url=stack.service_url("reporting"), timeout=10) as reporting:
        response = await reporting.get(f"/api/v1/tenants/{tenant}/statistics", headers=reader)
    assert response.status_code == 200, response.text
    body = response.json()
    return body["by_channel"].get("surat", {}).get("received", 0), body["total"]["received"]


async def test_a_letter_forwarded_to_a_kabupaten_is_in_its_queue_and_not_the_provinces(stack: Stack) -> None:
    received_on = date.today() - timedelta(days=1)
    province_before, kabupaten_before = await letters(stack, "bps-3600"), await letters(stack, "bps-3603")
    petugas = assertion_headers(stack.key_root, "intake", {"bps-3600": {Role.PETUGAS_PENGADUAN}})
    async with httpx.AsyncClient(base_url=stack.service_url("intake"), timeout=10) as intake:
        response = await intake.post(
            "/api/v1/tenants/bps-3600/reports",
            json={**LETTER, "received_on": received_on.isoformat()},
            headers=petugas,
        )
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert receipt["handled_by"]["id"] == "bps-3603"

    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as client:

        async def registered() -> dict[str, Any] | None:
            body: dict[str, Any] = (await check_status(client, receipt)).json()
            return body if body["status"] == "terdaftar" else None

        status = await eventually(registered, what="the forwarded letter registered", within=60)
    assert [n["kind"] for n in status["notices"]] == ["diteruskan"]
    assert "BPS Kabupaten Tangerang" in status["notices"][0]["pesan"]

    connection = await asyncpg.connect(stack.database_urls["intake"])
    try:
        case_id = await connection.fetchval(
            "SELECT id FROM report WHERE registration_number = $1", receipt["registration_number"]
        )
    finally:
        await connection.close()
    [case] = [c for c in await cases(stack, "bps-3603") if c["case_id"] == str(case_id)]
    assert (case["channel"], case["received_by"], case["received_on"]) == ("surat", "bps-3600", received_on.isoformat())
    assert case["agenda_number"].startswith("WBS/BPS-3603/")
    assert case["case_id"] not in [c["case_id"] for c in await cases(stack, "bps-3600")]

    # The channel statistics count the letter where it arrived; the case counts where it is handled.
    async def counted() -> bool:
        return await letters(stack, "bps-3603") != kabupaten_before

    await eventually(counted, what="reporting counted the forwarded letter", within=60)
    province, kabupaten = await letters(stack, "bps-3600"), await letters(stack, "bps-3603")
    assert province == (province_before[0] + 1, province_before[1])
    assert kabupaten == (kabupaten_before[0], kabupaten_before[1] + 1)
