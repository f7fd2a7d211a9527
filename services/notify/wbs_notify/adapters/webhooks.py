"""Calls to webhook endpoints over HTTP(S): checked addresses, a timeout, no redirects.

The host is resolved and every address it resolves to checked (``domain.address``) before each
call, so that an endpoint's name cannot be pointed at the deployment's own network later. (The
HTTP client resolves again to connect; a name that changes its answer between the two is not
caught here: a deployment that fears it routes notify's calls through an egress proxy.)
"""

from __future__ import annotations

import asyncio
import socket
from urllib.parse import urlsplit

import httpx

from wbs_notify.domain.address import check_addresses, check_url


class Unreachable(Exception):
    """The call did not get an answer (name not resolved, connection refused, timed out): try later."""


async def resolve(url: str) -> list[str]:
    host = check_url(url)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise Unreachable(f"nama host tidak ditemukan / host not found: {error}") from None
    return sorted({str(info[4][0]) for info in infos})


async def check_endpoint(url: str, *, allow_private: bool) -> None:
    """Raises ``RefusedEndpoint`` for a URL a webhook may not call (``Unreachable`` if it does not resolve)."""
    check_addresses(await resolve(url), allow_private=allow_private)


class WebhookCaller:
    def __init__(self, *, timeout: float, allow_private: bool) -> None:
        self.allow_private = allow_private
        # Redirects are failures to the spec, and following one could reach a refused address.
        self._client = httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False)

    async def call(self, url: str, headers: dict[str, str], body: bytes) -> int:
        """The receiver's HTTP status. Raises ``RefusedEndpoint`` (never to be called) or
        ``Unreachable`` (try again later)."""
        await check_endpoint(url, allow_private=self.allow_private)
        try:
            response = await self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as error:
            raise Unreachable(f"{type(error).__name__}: {error}"[:300]) from None
        return response.status_code

    async def close(self) -> None:
        await self._client.aclose()
