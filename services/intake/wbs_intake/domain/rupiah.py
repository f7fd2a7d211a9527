"""Amounts of money as Indonesians write them: ``1.500.000`` (a dot between thousands), perhaps
with ``Rp`` before and ``,00`` after; plain digits too."""

from __future__ import annotations

import re

#: The largest suspected loss accepted (the contract's bound): ten quadrillion rupiah.
MAX_RUPIAH = 10**16

_GROUPED_DOTS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_GROUPED_COMMAS = re.compile(r"\d{1,3}(?:,\d{3})+")
_PLAIN = re.compile(r"\d+")
_SEN = re.compile(r"(.*),(\d{1,2})")


class NotAnAmount(ValueError):
    """The text is not an amount of rupiah."""


def parse_rupiah(text: str) -> int | None:
    """Whole rupiah from what a person typed; None for nothing typed. Sen (``,50``) are dropped.

    Raises :class:`NotAnAmount` for anything else (a negative amount, letters, a decimal point
    that cannot be a thousands separator)."""
    cleaned = "".join(text.split())
    if cleaned[:2].lower() == "rp":
        cleaned = cleaned[2:].lstrip(".")
    if not cleaned:
        return None
    if _GROUPED_COMMAS.fullmatch(cleaned):  # 1,500,000 as in English
        value = int(cleaned.replace(",", ""))
    else:
        sen = _SEN.fullmatch(cleaned)
        whole = sen.group(1) if sen else cleaned
        if _GROUPED_DOTS.fullmatch(whole):
            value = int(whole.replace(".", ""))
        elif _PLAIN.fullmatch(whole):
            value = int(whole)
        else:
            raise NotAnAmount(text)
    if value > MAX_RUPIAH:
        raise NotAnAmount(text)
    return value


def format_rupiah(amount: int) -> str:
    """``Rp 1.500.000``."""
    return "Rp " + f"{amount:,}".replace(",", ".")
