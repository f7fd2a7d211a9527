"""Requests sent exactly as written. HTTP clients resolve ``..`` before sending, so a test of
dot-segment handling must hand the path to the ASGI app itself, as a server would."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import unquote

from starlette.types import ASGIApp, Message


async def raw_get(app: ASGIApp, raw_path: str) -> int:
    """GET ``raw_path`` unresolved (percent-encoding kept in ``raw_path``); returns the status."""
    path, _, query = raw_path.partition("?")

    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote(path),
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": [(b"host", b"wbs.test")],
        "client": ("127.0.0.1", 12345),
        "server": ("wbs.test", 80),
    }
    statuses: list[int] = []
    requested, finished = False, asyncio.Event()

    async def receive() -> Message:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await finished.wait()  # as a server does: the client goes away once it has the answer
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            finished.set()

    await app(scope, receive, send)
    return statuses[0]
