"""The reporter's API as tests use it: the status check carries number and secret in its body."""

from __future__ import annotations

from typing import Any

import httpx

STATUS_PATH = "/api/v1/reports/status"


async def check_status(client: httpx.AsyncClient, receipt: dict[str, Any]) -> httpx.Response:
    return await client.post(
        STATUS_PATH, json={"registration_number": receipt["registration_number"], "secret": receipt["secret"]}
    )
