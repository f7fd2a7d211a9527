"""Slowing down wrong passwords and codes.

A few failures cost nothing (people mistype); after that each failure locks the key (an account
name as typed, or a client) for longer: 30 s, 1 min, 2 min... up to 15 min. Failures are forgotten
after a quiet period; a success forgets an account's failures. The same rules apply to account
names that exist and to those that do not, so the answer never tells which is which.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class FailurePolicy:
    free_failures: int = 5
    first_lock: timedelta = timedelta(seconds=30)
    longest_lock: timedelta = timedelta(minutes=15)
    #: Failures older than this (since the last one) are forgotten.
    forget_after: timedelta = timedelta(minutes=30)


@dataclass(frozen=True)
class Failures:
    count: int
    last_at: datetime
    locked_until: datetime | None = None


def wait(record: Failures | None, now: datetime) -> timedelta:
    """How long the key must wait before it may try again (zero: it may try now)."""
    if record is None or record.locked_until is None or record.locked_until <= now:
        return timedelta(0)
    return record.locked_until - now


def failed(record: Failures | None, now: datetime, policy: FailurePolicy) -> Failures:
    fresh = record is None or now - record.last_at >= policy.forget_after
    count = 1 if fresh or record is None else record.count + 1
    locked_until = None
    beyond = count - policy.free_failures - 1
    if beyond >= 0:
        lock = min(policy.first_lock * (2 ** min(beyond, 20)), policy.longest_lock)
        locked_until = now + lock
    return Failures(count=count, last_at=now, locked_until=locked_until)


def forgotten(record: Failures | None, now: datetime, policy: FailurePolicy) -> bool:
    """The record can be dropped: no lock in force and nothing left to remember."""
    return record is None or (wait(record, now) == timedelta(0) and now - record.last_at >= policy.forget_after)
