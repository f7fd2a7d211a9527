"""The monthly recap of the annual WBS reports.

Seed 000 (Lempuk 2024) counts reports per month and category ("Rekapitulasi Jumlah Pengaduan
WBS ... Berdasarkan Jenis Pengaduan"); seed 001 (BPS Banten 2023) counts them per channel and
follows completion per month of receipt. Months are the body's local months; a report counts in
the month it was received, and as registered once triage registered it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip


@dataclass(frozen=True)
class CountRow:
    """Reports received in ``month`` with this category and channel, and how many are registered.

    A report forwarded down the hierarchy (seed 001: SP4N-LAPOR! → BPS Provinsi Banten → BPS
    Kabupaten Tangerang) counts by channel where it arrived, and everywhere else where it is handled.
    """

    month: int
    category: str
    channel: str
    received: int
    registered: int
    #: The body handles these reports (they are in its queue).
    handled_here: bool = True
    #: These reports arrived at the body (by this channel).
    arrived_here: bool = True


@dataclass
class Tally:
    received: int = 0
    registered: int = 0

    def add(self, row: CountRow) -> None:
        self.received += row.received
        self.registered += row.registered


@dataclass
class MonthRecap:
    month: int
    bulan: str
    total: Tally = field(default_factory=Tally)
    by_category: dict[str, Tally] = field(default_factory=dict)


@dataclass
class Recap:
    year: int
    categories: list[str]
    channels: list[str]
    months: list[MonthRecap]
    by_category: dict[str, Tally]
    by_channel: dict[str, Tally]
    total: Tally


def recap(year: int, rows: list[CountRow], categories: list[str] | None = None) -> Recap:
    """All twelve months, every category given or seen (zeros included, as the reports print them)."""
    for row in rows:
        if not 1 <= row.month <= 12:
            raise ValueError(f"month {row.month} out of range")
    known = list(categories or [])
    known += sorted({r.category for r in rows if r.handled_here} - set(known))
    channels = sorted({r.channel for r in rows if r.arrived_here})
    months = [MonthRecap(m, BULAN[m - 1], by_category={c: Tally() for c in known}) for m in range(1, 13)]
    by_category: dict[str, Tally] = {c: Tally() for c in known}
    by_channel: dict[str, Tally] = defaultdict(Tally)
    total = Tally()
    for row in rows:
        if row.arrived_here:
            by_channel[row.channel].add(row)
        if not row.handled_here:
            continue
        month = months[row.month - 1]
        month.total.add(row)
        month.by_category[row.category].add(row)
        by_category[row.category].add(row)
        total.add(row)
    return Recap(year, known, channels, months, by_category, dict(by_channel), total)
