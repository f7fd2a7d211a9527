"""From an officer's session cookie to the assertion a service trusts.

For each request that carries the ``wbs_sesi`` cookie the gateway asks directory
(``POST /internal/v1/assertions``) for an assertion for the service the request goes to, and
forwards it in ``X-WBS-Assertion``. Assertions are cached per (digest of the session, service) for
a few seconds, never past their expiry, so signing out everywhere takes effect within those seconds;
concurrent requests of one session wait for one answer. A session directory does not know (401),
or a directory that cannot be reached, means no assertion: the service answers 401 itself.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Callable

from wbs_gateway.upstream import Upstreams, UpstreamUnavailable
from wbs_runtime.http import CORRELATION_HEADER

log = logging.getLogger(__name__)

SESSION_COOKIE = "wbs_sesi"
ASSERTIONS_PATH = "/internal/v1/assertions"
#: An assertion is not handed on in its last seconds: the service must still find it valid.
EXPIRY_MARGIN_SECONDS = 2.0
#: RFC 6265 cookie-octets; anything else is not a session directory could have issued.
_COOKIE_VALUE = re.compile(r"[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]{1,512}")


def session_from(cookie_header: str) -> str | None:
    """The ``wbs_sesi`` cookie's value in a ``Cookie`` header, if it holds a plausible one."""
    for pair in cookie_header.split(";"):
        name, _, value = pair.strip().partition("=")
        if name == SESSION_COOKIE:
            value = value.strip().strip('"')
            return value if _COOKIE_VALUE.fullmatch(value) else None
    return None


class AssertionSource:
    def __init__(
        self,
        upstreams: Upstreams,
        directory_url: str,
        *,
        cache_seconds: float = 5.0,
        capacity: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._upstreams = upstreams
        self._url = directory_url.rstrip("/") + ASSERTIONS_PATH
        self._cache_seconds = cache_seconds
        self._capacity = capacity
        self._clock = clock
        #: (session digest, audience) -> (assertion, usable until, epoch seconds)
        self._cache: OrderedDict[tuple[bytes, str], tuple[str, float]] = OrderedDict()
        self._asking: dict[tuple[bytes, str], asyncio.Task[tuple[str, float] | None]] = {}

    async def assertion(self, session: str, audience: str, correlation: str) -> str | None:
        key = (hashlib.sha256(session.encode()).digest(), audience)
        cached = self._cache.get(key)
        if cached is not None:
            if self._clock() < cached[1]:
                return cached[0]
            del self._cache[key]
        task = self._asking.get(key)
        if task is None:
            task = asyncio.create_task(self._ask(session, audience, correlation))
            self._asking[key] = task
            task.add_done_callback(lambda _: self._asking.pop(key, None))
        answer = await asyncio.shield(task)
        if answer is None:
            return None
        token, expires_at = answer
        now = self._clock()
        if now >= expires_at - EXPIRY_MARGIN_SECONDS:
            return None
        until = min(now + self._cache_seconds, expires_at - EXPIRY_MARGIN_SECONDS)
        if until > now:
            self._remember(key, token, until)
        return token

    def _remember(self, key: tuple[bytes, str], token: str, until: float) -> None:
        self._cache[key] = (token, until)
        self._cache.move_to_end(key)
        while len(self._cache) > self._capacity:
            self._cache.popitem(last=False)

    async def _ask(self, session: str, audience: str, correlation: str) -> tuple[str, float] | None:
        body = json.dumps({"session": session, "audience": audience}).encode()
        headers = [("content-type", "application/json"), (CORRELATION_HEADER, correlation)]
        try:
            answer = await self._upstreams.send("POST", self._url, headers, body)
        except UpstreamUnavailable as error:
            log.warning("directory could not be asked for an assertion: %s", error)
            return None
        if answer.status == 401:
            return None  # unknown, expired or revoked session
        try:
            if answer.status != 200:
                raise ValueError(f"status {answer.status}")
            document = json.loads(answer.body)
            token, expires_at = document["assertion"], float(document["expires_at"])
            if not isinstance(token, str) or not token:
                raise ValueError("no assertion")
        except (ValueError, KeyError, TypeError) as error:
            log.warning("directory's answer to an assertion request was not usable: %s", error)
            return None
        return token, expires_at

    def __len__(self) -> int:
        return len(self._cache)
