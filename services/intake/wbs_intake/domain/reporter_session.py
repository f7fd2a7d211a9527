"""A reporter who proved a report is theirs (number and secret, or pseudonym and password) is
signed in for a short while, so that reading answers, writing messages and adding files do not
ask for the secret each time. The session names the report and nothing about the person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID


@dataclass(frozen=True)
class SessionPolicy:
    #: Signed out after this long without a request (a shared or seized computer).
    idle: timedelta = timedelta(minutes=20)
    #: Signed out after this long whatever happens.
    absolute: timedelta = timedelta(hours=2)


@dataclass(frozen=True)
class ReporterSession:
    token_digest: bytes
    report_id: UUID
    created_at: datetime
    expires_at: datetime

    @classmethod
    def open(cls, token_digest: bytes, report_id: UUID, now: datetime, policy: SessionPolicy) -> ReporterSession:
        return cls(token_digest, report_id, now, min(now + policy.idle, now + policy.absolute))

    def is_valid(self, now: datetime) -> bool:
        return now < self.expires_at

    def touched(self, now: datetime, policy: SessionPolicy) -> ReporterSession:
        """The session after a request at ``now``: idle time starts again, up to the absolute limit."""
        expires_at = min(now + policy.idle, self.created_at + policy.absolute)
        return ReporterSession(self.token_digest, self.report_id, self.created_at, expires_at)
