"""The pseudonym (nama samaran) a reporter may choose instead of receiving a secret, as both
regulations allow. It is never kept: only a keyed digest of its normal form, so that
"Elang Biru", "elang  biru" and "ＥＬＡＮＧ BIRU" are one pseudonym, and a database alone does not
tell which pseudonyms exist.
"""

from __future__ import annotations

import unicodedata

from wbs_intake.domain.messages import N_

MIN_LENGTH = 4
MAX_LENGTH = 64

TOO_SHORT = N_("Nama samaran terlalu pendek: paling sedikit 4 karakter.")
TOO_LONG = N_("Nama samaran terlalu panjang: paling banyak 64 karakter.")
NOT_PRINTABLE = N_("Nama samaran hanya boleh berisi huruf, angka, spasi, dan tanda baca biasa.")


def normalise_pseudonym(text: str) -> str:
    """One form per pseudonym: Unicode NFKC (full-width and compatibility characters become
    ordinary ones), case-folded, runs of white space made one space, trimmed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    # Case folding can produce characters NFKC would change again (rare); normalise once more.
    return " ".join(unicodedata.normalize("NFKC", folded).split())


def pseudonym_problems(text: str) -> list[str]:
    """Why ``text`` cannot be a pseudonym (catalogue messages); empty when it can."""
    normal = normalise_pseudonym(text)
    problems: list[str] = []
    if len(normal) < MIN_LENGTH:
        problems.append(TOO_SHORT)
    if len(normal) > MAX_LENGTH:
        problems.append(TOO_LONG)
    if any(unicodedata.category(ch)[0] in {"C", "Z"} and ch != " " for ch in normal):
        problems.append(NOT_PRINTABLE)
    return problems
