"""Text for the generated PDFs (receipts, audit letters, minutes, annual reports): written once."""

from __future__ import annotations

import unicodedata
from datetime import datetime


def latin1(text: str) -> str:
    """What the PDF core fonts can print: Latin-1 as is, anything else without its accents or as ``?``."""
    kept = []
    for ch in text:
        if ord(ch) < 256:
            kept.append(ch)
            continue
        plain = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
        kept.append(plain or "?")
    return "".join(kept)


#: Indonesia's zones as people write them (a ZoneInfo's own abbreviation is often a bare offset).
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def zone_name(local: datetime) -> str:
    """``WIB``, ``WITA`` or ``WIT`` for a time in one of Indonesia's zones; else the zone's abbreviation."""
    return ZONE_NAMES.get(str(local.tzinfo), local.strftime("%Z"))
