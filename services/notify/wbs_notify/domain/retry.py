"""When a channel that retries (e-mail, webhooks) tries again: the Standard Webhooks schedule.

The spec's schedule counts from the previous attempt: immediately, then 5 seconds, 5 minutes,
30 minutes, 2 hours, 5 hours, 10 hours and 10 hours; after the last one the delivery is given up.
"""

from __future__ import annotations

from datetime import datetime, timedelta

#: The wait before attempt n + 1 (index n = attempts made so far); its length is the number of tries.
SCHEDULE: tuple[timedelta, ...] = (
    timedelta(0),
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)


def next_attempt(attempts_made: int, failed_at: datetime) -> datetime | None:
    """When to try again after ``attempts_made`` attempts, the last of which failed at
    ``failed_at``; None when the schedule is spent (the delivery is given up)."""
    if attempts_made < 1:
        raise ValueError("a retry follows an attempt")
    if attempts_made >= len(SCHEDULE):
        return None
    return failed_at + SCHEDULE[attempts_made]
