"""Signed-in sessions: an opaque random token in the browser, its digest on the server.

A session expires when idle (no request for ``idle``) and absolutely (``absolute`` after sign-in),
and ends at sign-out, sign-out everywhere, a password reset or the officer's deactivation. Before
it is active it passes through the steps sign-in still needs (a TOTP code, a new password, TOTP
enrolment when a tenant requires it); a session that is not active opens nothing but those steps.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID


class Stage(StrEnum):
    """What the session still needs before it opens anything, or ``ACTIVE``."""

    TOTP = "kode"
    PASSWORD_CHANGE = "ganti-sandi"  # noqa: S105 - a step, not a password
    TOTP_ENROLMENT = "daftar-totp"
    ACTIVE = "aktif"


class Ended(StrEnum):
    SIGNED_OUT = "keluar"
    SIGNED_OUT_EVERYWHERE = "keluar-semua"
    PASSWORD_RESET = "sandi-direset"  # noqa: S105 - a reason, not a password
    DEACTIVATED = "dinonaktifkan"
    REPLACED = "diganti"


class SessionState(StrEnum):
    LIVE = "live"
    IDLE_EXPIRED = "idle-expired"
    ABSOLUTE_EXPIRED = "absolute-expired"
    ENDED = "ended"


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)
    #: A sign-in not finished (code, new password, enrolment) within this is abandoned.
    unfinished: timedelta = timedelta(minutes=10)


@dataclass(frozen=True)
class SignInSession:
    id: UUID
    officer_id: UUID
    stage: Stage
    #: How the officer proved who they are (``pwd``, ``otp``), as the assertion's ``amr``.
    amr: tuple[str, ...]
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None = None
    ended: Ended | None = None

    def deadline(self, policy: SessionPolicy) -> datetime:
        """When the session expires unless it is used before."""
        absolute = self.created_at + (policy.absolute if self.stage is Stage.ACTIVE else policy.unfinished)
        return min(self.last_seen_at + policy.idle, absolute)

    def state(self, now: datetime, policy: SessionPolicy) -> SessionState:
        if self.ended is not None:
            return SessionState.ENDED
        limit = policy.absolute if self.stage is Stage.ACTIVE else policy.unfinished
        if now >= self.created_at + limit:
            return SessionState.ABSOLUTE_EXPIRED
        if now >= self.last_seen_at + policy.idle:
            return SessionState.IDLE_EXPIRED
        return SessionState.LIVE

    def seen(self, now: datetime) -> SignInSession:
        return replace(self, last_seen_at=now)


def new_token() -> str:
    """The cookie's value: 256 random bits."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> bytes:
    """What the server keeps: the token has 256 bits, so a plain digest cannot be reversed."""
    return hashlib.sha256(b"wbs-session\0" + token.encode()).digest()


def next_stage(*, totp_enrolled: bool, totp_done: bool, must_change_password: bool, totp_required: bool) -> Stage:
    """The next step of a sign-in, in order: the code, then a new password, then enrolment."""
    if totp_enrolled and not totp_done:
        return Stage.TOTP
    if must_change_password:
        return Stage.PASSWORD_CHANGE
    if totp_required and not totp_enrolled:
        return Stage.TOTP_ENROLMENT
    return Stage.ACTIVE
