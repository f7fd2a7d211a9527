"""A service that is stopped misses nothing: what was published meanwhile waits in Kafka (and in
the producers' outboxes) and is applied when it comes back."""

from __future__ import annotations

import asyncio

import httpx

from tests.support.reports import check_status
from tests.support.waiting import eventually
from wbs_launcher.stack import Stack

REPORT = {
    "tenant": "bps-1700",
    "category": "lainnya",
    "what": "Penyalahgunaan kendaraan dinas",
    "where": "Parkiran kantor",
    "when": "Akhir pekan",
    "who": "Pengemudi",
    "how": "Kendaraan dipakai untuk keperluan pribadi",
}


async def test_reports_sent_while_triage_is_down_are_registered_when_it_returns(stack: Stack) -> None:
    stack.stop_service("triage")
    try:
        async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as client:
            receipts = [(await client.post("/api/v1/reports", json=REPORT)).json() for _ in range(3)]

            async def statuses() -> list[str]:
                found = []
                for receipt in receipts:
                    answer = await check_status(client, receipt)
                    found.append(answer.json()["status"])
                return found

            await asyncio.sleep(1.0)
            assert await statuses() == ["diterima"] * 3
            await asyncio.to_thread(stack.start_service, "triage")

            async def all_registered() -> bool:
                return await statuses() == ["terdaftar"] * 3

            await eventually(all_registered, what="the three reports registered", within=90)
    finally:
        if "triage" not in stack.processes:
            stack.start_service("triage")
