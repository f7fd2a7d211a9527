"""The agenda (buku agenda): each body numbers its cases from 1 every calendar year.

Registration records "nomor dan tanggal agenda" (Pergub Bengkulu 49/2017, Lampiran BAB II C.1;
Perbup Lebak 18/2021, BAB II C.1). The date and the year are the body's local ones: a report
registered at 23:30 UTC on 31 December is already in the next year in Bengkulu (UTC+7).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class AgendaEntry:
    number: str
    year: int
    sequence: int
    registered_on: date
    registered_at: datetime


def agenda_year(at: datetime, timezone: ZoneInfo) -> int:
    return at.astimezone(timezone).year


def agenda_entry(tenant: str, sequence: int, at: datetime, timezone: ZoneInfo) -> AgendaEntry:
    """The entry for the ``sequence``-th case of the year, e.g. ``WBS/BPS-1700/2026/0007``."""
    if sequence < 1:
        raise ValueError("agenda sequences start at 1")
    local_day = at.astimezone(timezone).date()
    return AgendaEntry(
        number=f"WBS/{tenant.upper()}/{local_day.year}/{sequence:04d}",
        year=local_day.year,
        sequence=sequence,
        registered_on=local_day,
        registered_at=at,
    )
