"""Wrong secrets for a number: a few at once, then waits that double, then a lock; bounded memory."""

from __future__ import annotations

from wbs_intake.adapters.attempt_guard import InMemoryAttemptGuard
from wbs_intake.domain.attempts import AttemptLimiter, AttemptPolicy

POLICY = AttemptPolicy(
    free_attempts=2, lock_after=4, lock_seconds=600, first_delay_seconds=1, forget_after_seconds=3600, capacity=3
)


def test_tries_are_free_then_slowed_then_locked() -> None:
    limiter = AttemptLimiter(POLICY)
    assert limiter.begin(b"n", 0) == 0  # 1st wrong
    assert limiter.begin(b"n", 0) == 0  # 2nd wrong: now one must wait 1 s
    assert limiter.begin(b"n", 0.25) == 0.75
    assert limiter.begin(b"n", 1) == 0  # 3rd wrong: wait 2 s
    assert limiter.begin(b"n", 2) == 1
    assert limiter.begin(b"n", 3) == 0  # 4th wrong: locked
    assert limiter.begin(b"n", 300) == 303
    assert limiter.begin(b"n", 603) == 0  # every wrong try after the lock locks again
    assert limiter.begin(b"n", 604) == 599


def test_tries_in_flight_count_until_they_succeed() -> None:
    limiter = AttemptLimiter(POLICY)
    assert [limiter.begin(b"n", 0) for _ in range(3)] == [0, 0, 1.0]  # parallel tries cannot slip past
    limiter.succeeded(b"n")
    assert limiter.begin(b"n", 0) == 0


def test_failures_are_forgotten_and_memory_is_bounded() -> None:
    limiter = AttemptLimiter(POLICY)
    limiter.begin(b"n", 0)
    limiter.begin(b"n", 0)
    assert limiter.begin(b"n", 3602) == 0  # allowed again at 1 s; forgotten an hour after that
    assert limiter.begin(b"n", 3602) == 0
    for key in (b"a", b"b", b"c", b"d"):
        limiter.begin(key, 3602)
    assert len(limiter) == 3  # the least recently tried went first


def test_the_guard_keys_records_by_a_keyed_hash_of_the_number() -> None:
    now = [0.0]
    guard = InMemoryAttemptGuard(POLICY, clock=lambda: now[0])
    assert guard.begin("WBS-0000-0000-0000") == 0
    assert guard.begin("WBS-0000-0000-0000") == 0
    assert guard.begin("WBS-0000-0000-0000") == 1
    assert guard.begin("WBS-1111-1111-1111") == 0
    records = guard._limiter._records  # what a memory dump would show
    assert all(b"WBS" not in key and len(key) == 16 for key in records)
