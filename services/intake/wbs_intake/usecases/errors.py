"""What intake's use cases refuse with, where more than one of them does."""

from __future__ import annotations

from wbs_runtime.errors import Unretryable


class UnknownReport(Unretryable, LookupError):
    """An event refers to a report intake never received: no retry can fix that, so the consumer
    dead-letters it at once."""


class TooManyAttempts(Exception):
    """Too many wrong secrets for this registration number: wait ``retry_after`` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"retry after {retry_after:.0f} s")
        self.retry_after = retry_after


class CaseNotFound(LookupError):
    """No such case in this tenant (answered like one the officer may not see)."""
