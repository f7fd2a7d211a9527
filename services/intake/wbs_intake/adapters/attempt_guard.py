"""Counting wrong secrets per registration number, in this process's memory only.

Records are keyed by an HMAC of the number under a random key drawn at start, so even a memory
dump does not list which numbers were tried. Each process counts on its own: with several intake
processes the limits apply per process.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable

from wbs_intake.domain.attempts import AttemptLimiter, AttemptPolicy


class InMemoryAttemptGuard:
    def __init__(self, policy: AttemptPolicy, clock: Callable[[], float] = time.monotonic) -> None:
        self._limiter = AttemptLimiter(policy)
        self._clock = clock
        self._key = secrets.token_bytes(32)

    def _record_key(self, registration_number: str) -> bytes:
        return hmac.digest(self._key, registration_number.encode(), "sha256")[:16]

    def begin(self, registration_number: str) -> float:
        return self._limiter.begin(self._record_key(registration_number), self._clock())

    def succeeded(self, registration_number: str) -> None:
        self._limiter.succeeded(self._record_key(registration_number))
