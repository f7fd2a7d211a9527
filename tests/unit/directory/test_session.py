"""Sessions expire when idle and absolutely; a sign-in not finished expires sooner; the steps."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from wbs_directory.domain.session import (
    Ended,
    SessionPolicy,
    SessionState,
    SignInSession,
    Stage,
    new_token,
    next_stage,
    token_digest,
)

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
POLICY = SessionPolicy(idle=timedelta(minutes=30), absolute=timedelta(hours=12), unfinished=timedelta(minutes=10))


def session(stage: Stage = Stage.ACTIVE) -> SignInSession:
    return SignInSession(uuid4(), uuid4(), stage, ("pwd",), created_at=START, last_seen_at=START)


def test_a_session_expires_after_idling() -> None:
    live = session()
    assert live.state(START + timedelta(minutes=29), POLICY) is SessionState.LIVE
    assert live.state(START + timedelta(minutes=30), POLICY) is SessionState.IDLE_EXPIRED
    used = live.seen(START + timedelta(minutes=29))
    assert used.state(START + timedelta(minutes=58), POLICY) is SessionState.LIVE
    assert used.deadline(POLICY) == START + timedelta(minutes=59)


def test_a_session_in_use_still_expires_absolutely() -> None:
    live = session()
    moment = START
    while moment < START + timedelta(hours=12) - timedelta(minutes=20):
        moment += timedelta(minutes=20)
        live = live.seen(moment)
    assert live.state(moment + timedelta(minutes=10), POLICY) is SessionState.LIVE
    assert live.state(START + timedelta(hours=12), POLICY) is SessionState.ABSOLUTE_EXPIRED
    assert live.deadline(POLICY) == START + timedelta(hours=12)


def test_an_unfinished_sign_in_is_abandoned_sooner() -> None:
    waiting = session(Stage.TOTP).seen(START + timedelta(minutes=9))
    assert waiting.state(START + timedelta(minutes=9, seconds=59), POLICY) is SessionState.LIVE
    assert waiting.state(START + timedelta(minutes=10), POLICY) is SessionState.ABSOLUTE_EXPIRED


def test_an_ended_session_stays_ended() -> None:
    ended = replace(session(), ended_at=START, ended=Ended.SIGNED_OUT)
    assert ended.state(START + timedelta(seconds=1), POLICY) is SessionState.ENDED


def test_tokens_are_random_and_kept_as_digests() -> None:
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100
    token = tokens.pop()
    assert len(token) >= 43
    assert token_digest(token) == token_digest(token)
    assert token.encode() not in token_digest(token)


def test_the_steps_of_a_sign_in_come_in_order() -> None:
    def stage(**flags: bool) -> Stage:
        values = {"totp_enrolled": False, "totp_done": False, "must_change_password": False, "totp_required": False}
        return next_stage(**(values | flags))

    assert stage() is Stage.ACTIVE
    assert stage(totp_enrolled=True, must_change_password=True) is Stage.TOTP
    assert stage(totp_enrolled=True, totp_done=True, must_change_password=True) is Stage.PASSWORD_CHANGE
    assert stage(must_change_password=True, totp_required=True) is Stage.PASSWORD_CHANGE
    assert stage(totp_required=True) is Stage.TOTP_ENROLMENT
    assert stage(totp_required=True, totp_enrolled=True, totp_done=True) is Stage.ACTIVE
