"""The reporter's receipt: a registration number to quote and a secret to prove it is theirs.

Both use Crockford's base32 (no I, L, O, U), so they can be read aloud and typed from paper.
The registration number is random, so numbers reveal nothing about volumes; the secret has
125 bits of entropy, so it cannot be guessed.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RandomBytes = Callable[[int], bytes]
REGISTRATION_PREFIX = "WBS-"
REGISTRATION_SYMBOLS = 12
SECRET_SYMBOLS = 25


def _symbols(count: int, random_bytes: RandomBytes) -> str:
    value = int.from_bytes(random_bytes((count * 5 + 7) // 8), "big")
    return "".join(ALPHABET[(value >> (5 * i)) & 31] for i in range(count))


def _grouped(text: str, size: int) -> str:
    return "-".join(text[i : i + size] for i in range(0, len(text), size))


@dataclass(frozen=True)
class Credentials:
    registration_number: str
    secret: str


def issue_registration_number(random_bytes: RandomBytes = secrets.token_bytes) -> str:
    """``WBS-7KQ3-M9XD-2P4T``: 12 symbols, 60 bits."""
    return REGISTRATION_PREFIX + _grouped(_symbols(REGISTRATION_SYMBOLS, random_bytes), 4)


def issue_secret(random_bytes: RandomBytes = secrets.token_bytes) -> str:
    """``H4ZQ8-K2M9D-...``: 25 symbols, 125 bits."""
    return _grouped(_symbols(SECRET_SYMBOLS, random_bytes), 5)


def issue_credentials(random_bytes: RandomBytes = secrets.token_bytes) -> Credentials:
    return Credentials(registration_number=issue_registration_number(random_bytes), secret=issue_secret(random_bytes))


def _symbols_only(text: str) -> str:
    """What people type, reduced to symbols: case, spaces and dashes ignored; O, I, L read as 0, 1, 1."""
    kept = "".join(ch for ch in text.upper() if ch.isascii() and ch.isalnum())
    return kept.translate(str.maketrans("OIL", "011"))


def canonical_registration_number(text: str) -> str | None:
    """The stored form of a typed registration number, or None when it cannot be one."""
    symbols = _symbols_only(text)
    if len(symbols) == REGISTRATION_SYMBOLS + 3 and symbols.startswith("WBS"):
        symbols = symbols[3:]
    if len(symbols) != REGISTRATION_SYMBOLS or any(ch not in ALPHABET for ch in symbols):
        return None
    return REGISTRATION_PREFIX + _grouped(symbols, 4)


def canonical_secret(text: str) -> str:
    """The form of a secret that is hashed and verified: symbols only, no grouping."""
    return _symbols_only(text)


#: A secret drawn at random has 17 or 18 different symbols on average; fewer than 8 happens about
#: once in 10^10 draws, so it betrays a broken generator, not bad luck.
_FEWEST_DISTINCT_SYMBOLS = 8


def accept_client_secret(text: str) -> str | None:
    """A secret the reporter's browser drew itself (same format and entropy as :func:`issue_secret`),
    in its grouped form; None if it cannot be one."""
    symbols = _symbols_only(text)
    if len(symbols) != SECRET_SYMBOLS or any(ch not in ALPHABET for ch in symbols):
        return None
    if len(set(symbols)) < _FEWEST_DISTINCT_SYMBOLS:
        return None
    return _grouped(symbols, 5)
