"""Wrong passwords and codes: a few are free, then each locks for longer; forgotten in time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from wbs_directory.adapters.throttle import InMemorySignInThrottle
from wbs_directory.domain.throttle import FailurePolicy, failed, wait

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
POLICY = FailurePolicy(
    free_failures=3,
    first_lock=timedelta(seconds=30),
    longest_lock=timedelta(minutes=15),
    forget_after=timedelta(hours=1),
)


def test_free_failures_then_locks_that_double_up_to_a_ceiling() -> None:
    record = None
    locks = []
    for _ in range(10):
        record = failed(record, START, POLICY)
        locks.append(wait(record, START))
    assert locks[:3] == [timedelta(0)] * 3
    assert locks[3:8] == [timedelta(seconds=s) for s in (30, 60, 120, 240, 480)]
    assert locks[8:] == [timedelta(minutes=15)] * 2


def test_a_lock_ends_and_old_failures_are_forgotten() -> None:
    record = None
    for _ in range(4):
        record = failed(record, START, POLICY)
    assert wait(record, START + timedelta(seconds=29)) == timedelta(seconds=1)
    assert wait(record, START + timedelta(seconds=30)) == timedelta(0)
    later = failed(record, START + timedelta(hours=1), POLICY)
    assert later.count == 1
    assert wait(later, START + timedelta(hours=1)) == timedelta(0)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def test_kinds_and_keys_are_counted_apart_and_a_success_forgets() -> None:
    clock = Clock()
    throttle = InMemorySignInThrottle({"account": POLICY, "client": POLICY}, clock)
    for _ in range(4):
        throttle.failed("account", "siti")
    assert throttle.wait("account", "siti") == timedelta(seconds=30)
    assert throttle.wait("account", "budi") == timedelta(0)
    assert throttle.wait("client", "siti") == timedelta(0)
    throttle.succeeded("account", "siti")
    assert throttle.wait("account", "siti") == timedelta(0)


def test_the_records_are_bounded() -> None:
    clock = Clock()
    throttle = InMemorySignInThrottle({"account": POLICY}, clock, capacity=100)
    for number in range(1000):
        throttle.failed("account", f"name-{number}")
    assert len(throttle) <= 100
    for _ in range(3):
        throttle.failed("account", "name-999")
    assert throttle.wait("account", "name-999") > timedelta(0)  # the newest are kept
