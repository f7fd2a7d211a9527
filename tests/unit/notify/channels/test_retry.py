"""The Standard Webhooks retry schedule, counted from each failed attempt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wbs_notify.domain.retry import SCHEDULE, next_attempt

FAILED_AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_the_waits_are_the_specs() -> None:
    waits = [next_attempt(n, FAILED_AT) for n in range(1, len(SCHEDULE))]
    assert [w - FAILED_AT for w in waits if w is not None] == [
        timedelta(seconds=5),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=5),
        timedelta(hours=10),
        timedelta(hours=10),
    ]


def test_eight_attempts_then_given_up() -> None:
    assert len(SCHEDULE) == 8
    assert SCHEDULE[0] == timedelta(0)  # the first attempt is immediate
    assert next_attempt(7, FAILED_AT) == FAILED_AT + timedelta(hours=10)
    assert next_attempt(8, FAILED_AT) is None
    assert next_attempt(9, FAILED_AT) is None


def test_a_retry_follows_an_attempt() -> None:
    with pytest.raises(ValueError, match="follows an attempt"):
        next_attempt(0, FAILED_AT)
