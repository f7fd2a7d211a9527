"""What makes a password acceptable, and the temporary passwords an administrator hands out.

Length and a block list, not composition rules (NIST SP 800-63B): at least 12 characters, not the
officer's own name or login, not a well-known password with digits and symbols added.
"""

from __future__ import annotations

import re
import secrets

from wbs_directory.domain.messages import N_

MIN_LENGTH = 12
MAX_LENGTH = 256
MIN_DIFFERENT_CHARACTERS = 5
#: Words people build weak passwords from; checked after digits and symbols are taken away.
COMMON_WORDS = frozenset(
    {
        "password",
        "passw0rd",
        "passwort",
        "katasandi",
        "sandi",
        "rahasia",
        "qwerty",
        "qwertyuiop",
        "asdfghjkl",
        "admin",
        "administrator",
        "bismillah",
        "indonesia",
        "jakarta",
        "welcome",
        "letmein",
        "iloveyou",
        "selamatdatang",
        "merdeka",
        "garuda",
        "wbs",
        "inspektorat",
        "bps",
        "abc",
        "abcdef",
        "abcdefgh",
    }
)
#: A temporary password: 16 symbols from 32 (80 bits), in groups of four to be read out safely.
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

TOO_SHORT = N_("Kata sandi terlalu pendek: paling sedikit 12 karakter.")
TOO_LONG = N_("Kata sandi terlalu panjang: paling banyak 256 karakter.")
CONTAINS_NAME = N_("Kata sandi tidak boleh memuat nama pengguna atau nama Anda.")
TOO_COMMON = N_("Kata sandi ini terlalu umum dan mudah ditebak.")
TOO_FEW_DIFFERENT = N_("Kata sandi memakai terlalu sedikit karakter yang berbeda.")
SAME_AS_BEFORE = N_("Kata sandi baru harus berbeda dari yang lama.")


class WeakPassword(ValueError):
    """A password the policy refuses; ``problems`` are catalogue messages."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def password_problems(password: str, *, login: str, display_name: str = "") -> list[str]:
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(TOO_SHORT)
    if len(password) > MAX_LENGTH:
        problems.append(TOO_LONG)
    lowered = password.lower()
    names = [login.lower(), *(part.lower() for part in re.split(r"[\s.@_-]+", login) if len(part) >= 4)]
    names += [part.lower() for part in display_name.split() if len(part) >= 4]
    if any(name and name in lowered for name in names):
        problems.append(CONTAINS_NAME)
    letters = _letters(password)
    if letters in COMMON_WORDS or (not letters.strip() and password.isdigit()):
        problems.append(TOO_COMMON)
    if len(set(password)) < MIN_DIFFERENT_CHARACTERS:
        problems.append(TOO_FEW_DIFFERENT)
    return problems


def check_password(password: str, *, login: str, display_name: str = "") -> None:
    problems = password_problems(password, login=login, display_name=display_name)
    if problems:
        raise WeakPassword(problems)


def temporary_password() -> str:
    symbols = "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(16))
    return "-".join(symbols[i : i + 4] for i in range(0, 16, 4))
