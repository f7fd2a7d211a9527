"""Wrong secrets for one registration number slow down, then lock that number for a while.

Every try counts as a failure until it succeeds, so tries sent in parallel cannot slip past the
count. A number's record is forgotten some time after its last failure; the table holds a bounded
number of records (the least recently tried goes first), so a flood of numbers cannot exhaust
memory. Records are keyed by whatever the caller passes (a keyed hash of the number), and the rule
is the same whether or not the number exists, so a lock reveals nothing about which numbers do.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class AttemptPolicy:
    #: Wrong secrets answered at once.
    free_attempts: int = 5
    #: After these many wrong secrets the number is locked for ``lock_seconds``; every later wrong
    #: secret locks it again.
    lock_after: int = 10
    lock_seconds: float = 900.0
    #: Between ``free_attempts`` and ``lock_after``, the wait doubles from this.
    first_delay_seconds: float = 1.0
    #: A number's failures are forgotten this long after it may be tried again.
    forget_after_seconds: float = 3600.0
    capacity: int = 100_000

    def wait_after(self, failures: int) -> float:
        if failures < self.free_attempts:
            return 0.0
        if failures >= self.lock_after:
            return self.lock_seconds
        return float(min(self.lock_seconds, self.first_delay_seconds * 2 ** (failures - self.free_attempts)))


@dataclass
class _Record:
    failures: int
    allowed_at: float


class AttemptLimiter:
    def __init__(self, policy: AttemptPolicy) -> None:
        self.policy = policy
        self._records: OrderedDict[bytes, _Record] = OrderedDict()

    def begin(self, key: bytes, now: float) -> float:
        """Seconds to wait before a try is allowed (nothing is counted then), or 0: the try is
        allowed and counted as a failure until :meth:`succeeded` says otherwise."""
        record = self._records.get(key)
        if record is not None and now > record.allowed_at + self.policy.forget_after_seconds:
            del self._records[key]
            record = None
        if record is not None and now < record.allowed_at:
            return record.allowed_at - now
        if record is None:
            record = self._records[key] = _Record(0, now)
            while len(self._records) > self.policy.capacity:
                self._records.popitem(last=False)
        record.failures += 1
        record.allowed_at = now + self.policy.wait_after(record.failures)
        self._records.move_to_end(key)
        return 0.0

    def succeeded(self, key: bytes) -> None:
        self._records.pop(key, None)

    def __len__(self) -> int:
        return len(self._records)
