"""Throttling per client without keeping who the client is.

Requests are counted in memory per client and kind of request, in fixed windows (an hour by
default). A client is known only by an HMAC of its address under a key drawn at random when the
window starts; when the window ends the key and every count made under it are dropped, so no
count outlives its window and none can be traced back to an address afterwards. Nothing here is
written to disk or logged. IPv6 clients are counted per /64 network, which one subscriber
usually holds whole.
"""

from __future__ import annotations

import hmac
import ipaddress
import math
import secrets
import time
from collections.abc import Callable


def client_network(address: str) -> bytes:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address.encode()
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return parsed.ipv4_mapped.packed
        return ipaddress.IPv6Network((parsed, 64), strict=False).network_address.packed
    return parsed.packed


class ClientThrottle:
    def __init__(
        self, window_seconds: float = 3600.0, capacity: int = 200_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.window_seconds = window_seconds
        self.capacity = capacity
        self._clock = clock
        self._window = -1
        self._key = b""
        self._counts: dict[bytes, int] = {}

    def admit(self, kind: str, limit: int, address: str) -> float:
        """0 if the request may pass (and it is counted), else the seconds until the window ends.
        A limit of 0 means unlimited."""
        if limit <= 0:
            return 0.0
        now = self._clock()
        window = self._roll(now)
        counter = hmac.digest(self._key, kind.encode() + b"\0" + client_network(address), "sha256")[:16]
        count = self._counts.get(counter, 0)
        if count >= limit:
            return (window + 1) * self.window_seconds - now
        if count == 0 and len(self._counts) >= self.capacity:
            del self._counts[next(iter(self._counts))]  # the oldest count goes first
        self._counts[counter] = count + 1
        return 0.0

    def pseudonym(self, address: str) -> str:
        """What directory may know of a client to count its wrong passwords: an HMAC of its
        network under this window's key. It changes with every window and cannot be turned back
        into an address."""
        self._roll(self._clock())
        return hmac.digest(self._key, b"pseudonym\0" + client_network(address), "sha256")[:16].hex()

    def _roll(self, now: float) -> int:
        window = math.floor(now / self.window_seconds)
        if window != self._window:
            self._window, self._key, self._counts = window, secrets.token_bytes(32), {}
        return window

    def __len__(self) -> int:
        return len(self._counts)
