"""The second factor: TOTP codes (RFC 6238, 30-second steps, 6 digits) and recovery codes.

A code is accepted in the step it belongs to or the one before or after (clocks drift), and only
once: the step of the last accepted code is kept, and a code of that step or an earlier one is
refused, so a code seen over a shoulder cannot be replayed within its window.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp

STEP_SECONDS = 30
DIGITS = 6
#: Steps accepted either side of the current one.
WINDOW = 1
ISSUER = "WBS"
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read from paper


def new_secret() -> str:
    """160 random bits in base32, as authenticator apps expect."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, login: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads (typed in, or as a QR code)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(name=login, issuer_name=ISSUER)


def normalise_code(text: str) -> str:
    return "".join(text.split()).replace("-", "")


def step_at(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str, *, at: datetime, last_used_step: int | None) -> int | None:
    """The step ``code`` belongs to if it is valid at ``at`` and newer than the last code used."""
    code = normalise_code(code)
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    now = step_at(at)
    for step in range(now - WINDOW, now + WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            if last_used_step is not None and step <= last_used_step:
                return None
            return step
    return None


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Single-use codes for when the phone is lost: 10 symbols of 31 each (about 50 bits)."""
    codes = []
    for _ in range(count):
        symbols = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{symbols[:5]}-{symbols[5:]}")
    return codes


def normalise_recovery_code(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def recovery_digest(code: str) -> str:
    """Recovery codes are random (50 bits), so a plain digest keeps them safe at rest."""
    return hashlib.sha256(b"wbs-recovery\0" + normalise_recovery_code(code).encode()).hexdigest()


def looks_like_recovery_code(text: str) -> bool:
    return len(normalise_recovery_code(text)) == 10 and not normalise_code(text).isdigit()
