"""How the gateway talks to the services: HTTP/1.1 with kept-alive connections, through aiohttp.

Measured on the submission path, httpx (httpcore, h11, anyio) took three quarters of the
gateway's CPU, about 4 ms per request; aiohttp's C parser does the same work in a fraction of it.
The gateway needs only this small interface, so tests give it a fake instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from typing import Protocol

import aiohttp
from yarl import URL


class UpstreamUnavailable(Exception):
    """The service could not be reached or did not answer in time."""


#: An answer up to this size (with a Content-Length) is read whole; a larger one, or one without a
#: length (a file being decrypted as it streams), goes on to the client as it arrives.
WHOLE_ANSWER_BYTES = 1024 * 1024
STREAM_CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class UpstreamAnswer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    #: Instead of ``body``: the answer's bytes as they arrive (the connection is released at the end).
    stream: AsyncIterator[bytes] | None = None


#: A request body: read whole (the usual small one), or streamed through as it arrives (uploads).
Body = bytes | AsyncIterable[bytes]


class Upstreams(Protocol):
    async def send(self, method: str, url: str, headers: list[tuple[str, str]], body: Body) -> UpstreamAnswer:
        """Raises :class:`UpstreamUnavailable`."""
        ...

    async def close(self) -> None: ...


class AiohttpUpstreams:
    def __init__(
        self,
        connections: int = 100,
        timeout_seconds: float = 30.0,
        connect_seconds: float = 3.0,
        upload_idle_seconds: float = 120.0,
    ) -> None:
        self._connections = connections
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds, connect=connect_seconds)
        # An upload takes as long as the reporter's connection needs; only silence ends it.
        self._upload_timeout = aiohttp.ClientTimeout(total=None, connect=connect_seconds, sock_read=upload_idle_seconds)
        # A download (a file streamed through) too: its length is not known before the answer starts.
        self._download_timeout = aiohttp.ClientTimeout(total=None, connect=connect_seconds, sock_read=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        # Made on first use, inside the running event loop.
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections, limit_per_host=self._connections),
                timeout=self._timeout,
                auto_decompress=False,  # bodies go back exactly as the service sent them
                skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding"),  # only what the client sent
                cookie_jar=aiohttp.DummyCookieJar(),  # the gateway keeps no cookies of anyone's
            )
        return self._session

    async def send(self, method: str, url: str, headers: list[tuple[str, str]], body: Body) -> UpstreamAnswer:
        streamed = not isinstance(body, bytes)
        try:
            response = await self._client().request(
                method,
                URL(url, encoded=True),  # the path exactly as received, still percent-encoded
                headers=headers,
                data=body if body else None,  # a stream goes on chunked, as it arrives
                allow_redirects=False,
                timeout=self._timeout_for(method, streamed),
            )
        except (aiohttp.ClientError, TimeoutError) as error:
            raise UpstreamUnavailable(type(error).__name__) from None
        headers_sent = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.raw_headers]
        length = response.content_length
        if method == "HEAD" or (length is not None and length <= WHOLE_ANSWER_BYTES):
            try:
                content = await response.read()
            except (aiohttp.ClientError, TimeoutError) as error:
                raise UpstreamUnavailable(type(error).__name__) from None
            finally:
                response.release()
            return UpstreamAnswer(response.status, headers_sent, content)
        return UpstreamAnswer(response.status, headers_sent, b"", stream=_passed_on(response))

    def _timeout_for(self, method: str, streamed: bool) -> aiohttp.ClientTimeout:
        """An upload or a download takes as long as the client's connection needs: only silence ends it."""
        if streamed:
            return self._upload_timeout
        return self._download_timeout if method in {"GET", "HEAD"} else self._timeout

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


async def _passed_on(response: aiohttp.ClientResponse) -> AsyncIterator[bytes]:
    """The answer's bytes as they arrive, never more than a chunk of them held here."""
    try:
        async for chunk in response.content.iter_chunked(STREAM_CHUNK_BYTES):
            yield chunk
    finally:
        response.release()
