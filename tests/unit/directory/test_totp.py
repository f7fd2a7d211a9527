"""TOTP codes: the window either side of now, never the same step twice; recovery codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp

from wbs_directory.domain.totp import (
    STEP_SECONDS,
    looks_like_recovery_code,
    matching_step,
    new_recovery_codes,
    new_secret,
    provisioning_uri,
    recovery_digest,
    step_at,
)

NOW = datetime(2026, 11, 23, 8, 0, 10, tzinfo=UTC)


def code_at(secret: str, moment: datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


def test_a_code_is_accepted_in_its_step_and_one_either_side() -> None:
    secret = new_secret()
    for offset in (-1, 0, 1):
        moment = NOW + timedelta(seconds=offset * STEP_SECONDS)
        assert matching_step(secret, code_at(secret, moment), at=NOW, last_used_step=None) == step_at(moment)
    for offset in (-3, -2, 2, 3):
        moment = NOW + timedelta(seconds=offset * STEP_SECONDS)
        assert matching_step(secret, code_at(secret, moment), at=NOW, last_used_step=None) is None


def test_a_code_cannot_be_used_twice_nor_an_older_one_after_a_newer() -> None:
    secret = new_secret()
    code = code_at(secret, NOW)
    step = matching_step(secret, code, at=NOW, last_used_step=None)
    assert step is not None
    assert matching_step(secret, code, at=NOW + timedelta(seconds=5), last_used_step=step) is None
    older = code_at(secret, NOW - timedelta(seconds=STEP_SECONDS))
    assert matching_step(secret, older, at=NOW, last_used_step=step) is None
    newer = code_at(secret, NOW + timedelta(seconds=STEP_SECONDS))
    assert matching_step(secret, newer, at=NOW + timedelta(seconds=STEP_SECONDS), last_used_step=step) == step + 1


def test_codes_of_another_secret_or_malformed_are_refused() -> None:
    secret = new_secret()
    window = {code_at(secret, NOW + timedelta(seconds=o * STEP_SECONDS)) for o in (-1, 0, 1)}
    other = next(c for c in (code_at(new_secret(), NOW) for _ in range(100)) if c not in window)
    assert matching_step(secret, other, at=NOW, last_used_step=None) is None
    for wrong in ("", "12345", "1234567", "abcdef"):
        assert matching_step(secret, wrong, at=NOW, last_used_step=None) is None
    spaced = code_at(secret, NOW)
    assert matching_step(secret, f"{spaced[:3]} {spaced[3:]}", at=NOW, last_used_step=None) == step_at(NOW)


def test_the_enrolment_uri_names_the_issuer_and_the_account() -> None:
    secret = new_secret()
    uri = provisioning_uri(secret, "siti.rahma")
    assert uri.startswith("otpauth://totp/WBS:siti.rahma?")
    assert f"secret={secret}" in uri
    assert "issuer=WBS" in uri
    assert len(secret) == 32  # 160 bits


def test_recovery_codes_are_ten_distinct_and_kept_only_as_digests() -> None:
    codes = new_recovery_codes()
    assert len(set(codes)) == 10
    for code in codes:
        assert looks_like_recovery_code(code)
        assert recovery_digest(code) == recovery_digest(code.upper().replace("-", " "))
        assert code.replace("-", "") not in recovery_digest(code)
    assert len({recovery_digest(c) for c in codes}) == 10
    assert not looks_like_recovery_code("123456")
