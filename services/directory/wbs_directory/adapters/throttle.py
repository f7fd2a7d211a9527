"""Wrong passwords and codes counted in this process's memory.

Records are keyed by an HMAC of (kind, key) under a random key drawn at start, so a memory dump
does not list which account names were tried; the client key is already a pseudonym made by the
gateway (see ``wbs_runtime.web.CLIENT_PSEUDONYM_HEADER``). Bounded: past ``capacity`` records,
those with nothing left to remember go first, then the oldest. With several directory processes
each counts on its own.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from datetime import timedelta

from wbs_directory.domain.throttle import FailurePolicy, Failures, failed, forgotten, wait
from wbs_runtime.clock import Clock


class InMemorySignInThrottle:
    def __init__(self, policies: Mapping[str, FailurePolicy], clock: Clock, capacity: int = 100_000) -> None:
        self._policies = dict(policies)
        self._clock = clock
        self._capacity = capacity
        self._key = secrets.token_bytes(32)
        self._records: dict[bytes, Failures] = {}

    def _record_key(self, kind: str, key: str) -> bytes:
        return hmac.digest(self._key, kind.encode() + b"\0" + key.encode(), "sha256")[:16]

    def wait(self, kind: str, key: str) -> timedelta:
        return wait(self._records.get(self._record_key(kind, key)), self._clock())

    def failed(self, kind: str, key: str) -> None:
        record_key = self._record_key(kind, key)
        now = self._clock()
        record = failed(self._records.pop(record_key, None), now, self._policies[kind])
        if len(self._records) >= self._capacity:
            self._make_room()
        self._records[record_key] = record  # re-inserted last: the dict keeps the order of last failure

    def succeeded(self, kind: str, key: str) -> None:
        self._records.pop(self._record_key(kind, key), None)

    def _make_room(self) -> None:
        now = self._clock()
        longest = max(self._policies.values(), key=lambda p: p.forget_after)
        for record_key in [k for k, r in self._records.items() if forgotten(r, now, longest)]:
            del self._records[record_key]
        while len(self._records) >= self._capacity:
            del self._records[next(iter(self._records))]

    def __len__(self) -> int:
        return len(self._records)
