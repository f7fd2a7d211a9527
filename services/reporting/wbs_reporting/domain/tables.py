"""The tables of the annual reports, for one body and one year, optionally with the bodies below it
(rolled up along the tenancy's hierarchy). Months are the body's local months; a report counts in
the month it was received.

- by category (seed 000, BAB II.1 "Rekapitulasi Jumlah Pengaduan ... Berdasarkan Jenis
  Pengaduan"): the reports the bodies in scope handle, 0 printed as 0, with a Total row;
- by channel (seed 001, Tabel 1 "Rekapitulasi Jumlah Aduan Per Bulan"): the reports that arrived
  at the bodies in scope, one column per channel of the body's policy in its order (channels seen
  but no longer in the policy after them), "-" printed for 0 as the seed does, and Jumlah;
- follow-up per month (tindak lanjut): dispositions, telaah decisions by outcome, final audit
  reports and hand-overs, each in the month it happened;
- kendala dan solusi, and the evaluation (seed 000, BAB II.4 and II.5): what the officers wrote;
- completion by month of receipt (seed 001, Lampiran) and time to each step (``timeliness``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from wbs_reporting.domain.cases import CaseSteps, StepEvent
from wbs_reporting.domain.completion import CompletionRow, completion_rows
from wbs_reporting.domain.statistics import BULAN
from wbs_reporting.domain.timeliness import (
    PolicyLimit,
    RecommendationSteps,
    StepTimeliness,
    recommendation_timeliness,
    timeliness,
)

#: The follow-up table's columns, in the order a case goes through them.
FOLLOW_UP_KINDS = (
    "didisposisi",
    "tidak-diproses",
    "diteruskan",
    "digabung",
    "audit-investigasi",
    "laporan-hasil-audit",
    "dilimpahkan",
)


@dataclass(frozen=True)
class Label:
    slug: str
    label_id: str
    label_en: str


@dataclass(frozen=True)
class MonthNote:
    """What the officers wrote for a month (reporting's own record, not a read model)."""

    kendala: str = ""
    solusi: str = ""
    #: The evaluation table (seed 000, BAB II.5): the solution evaluated, its evidence, the evaluation.
    evaluasi_solusi: str = ""
    bukti_tindak_lanjut: str = ""
    evaluasi: str = ""
    #: The Lampiran's columns (seed 001): "Hasil Penanganan", "Keterangan".
    hasil_penanganan: str = ""
    keterangan: str = ""


@dataclass(frozen=True)
class SignOff:
    """Who signs the annual report: the head of the unit (Mengetahui, Kepala ...) and the team
    leader (Ketua Tim ...), with the place and date of signing."""

    kepala_jabatan: str = ""
    kepala_nama: str = ""
    kepala_nip: str = ""
    ketua_jabatan: str = ""
    ketua_nama: str = ""
    ketua_nip: str = ""
    tempat: str = ""
    tanggal: str = ""


def printed(count: int, zero: str = "-") -> str | int:
    """A count as the seed prints it: "-" for none in Tabel 1 and the Lampiran (a number otherwise)."""
    return zero if count == 0 else count


@dataclass
class MonthCounts:
    month: int
    counts: dict[str, int]

    @property
    def bulan(self) -> str:
        return BULAN[self.month - 1]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class CountTable:
    """Twelve months by ``columns``; every month and column present, zeros included."""

    columns: list[Label]
    months: list[MonthCounts]

    @property
    def totals(self) -> dict[str, int]:
        return {c.slug: sum(m.counts.get(c.slug, 0) for m in self.months) for c in self.columns}

    @property
    def total(self) -> int:
        return sum(m.total for m in self.months)

    def month(self, month: int) -> MonthCounts:
        return self.months[month - 1]


@dataclass
class NoteRow:
    month: int
    received: int
    note: MonthNote

    @property
    def bulan(self) -> str:
        return BULAN[self.month - 1]


@dataclass
class AnnualTables:
    tenant: str
    name: str
    year: int
    #: The bodies whose cases are counted: the tenant, and those below it when rolled up.
    scope: list[str]
    rolled_up: bool
    by_category: CountTable
    by_channel: CountTable
    follow_up: CountTable
    notes: list[NoteRow]
    completion: list[CompletionRow]
    timeliness: list[StepTimeliness]
    sign_off: SignOff = field(default_factory=SignOff)

    @property
    def received(self) -> int:
        return sum(row.received for row in self.completion)

    @property
    def finished(self) -> int:
        return sum(row.finished for row in self.completion)


def _local_month(at: datetime | None, year: int, zone: ZoneInfo) -> int | None:
    if at is None:
        return None
    local = at.astimezone(zone)
    return local.month if local.year == year else None


def _ordered(known: Iterable[Label], seen: Iterable[str], labels: dict[str, Label]) -> list[Label]:
    columns = list(known)
    slugs = {c.slug for c in columns}
    columns.extend(labels.get(slug, Label(slug, slug, slug)) for slug in sorted(set(seen) - slugs))
    return columns


def _table(columns: list[Label], counts: dict[int, dict[str, int]]) -> CountTable:
    return CountTable(
        columns,
        [MonthCounts(m, {c.slug: counts.get(m, {}).get(c.slug, 0) for c in columns}) for m in range(1, 13)],
    )


def annual_tables(
    *,
    tenant: str,
    name: str,
    year: int,
    zone: ZoneInfo,
    scope: Iterable[str],
    rolled_up: bool,
    categories: list[Label],
    channels: list[Label],
    channel_labels: dict[str, Label],
    cases: Iterable[CaseSteps],
    events: Iterable[StepEvent],
    notes: dict[int, MonthNote] | None = None,
    sign_off: SignOff | None = None,
    follow_up_basis: str = "",
    recommendations: Iterable[RecommendationSteps] = (),
    recommendation_limits: dict[str, PolicyLimit] | None = None,
    now: datetime | None = None,
) -> AnnualTables:
    """``cases``: those of the bodies in ``scope`` (handled or arrived there), whenever received;
    ``events``: the steps the bodies in scope took, whenever. Only the ``year`` is counted. ``now``:
    when the tables are made (cases past a step's limit without it are late)."""
    bodies = set(scope)
    notes = notes or {}
    by_category: dict[int, dict[str, int]] = {}
    by_channel: dict[int, dict[str, int]] = {}
    received: dict[int, int] = {}
    finished: dict[int, int] = {}
    handled_this_year: list[CaseSteps] = []
    for case in cases:
        month = _local_month(case.submitted_at, year, zone)
        if month is None:
            continue
        handled, arrived = case.tenant in bodies, case.arrived_at in bodies
        if not (handled or arrived):
            continue
        received[month] = received.get(month, 0) + 1
        if case.finished_at is not None:
            finished[month] = finished.get(month, 0) + 1
        if handled:
            handled_this_year.append(case)
            row = by_category.setdefault(month, {})
            row[case.category or "?"] = row.get(case.category or "?", 0) + 1
        if arrived:
            row = by_channel.setdefault(month, {})
            row[case.channel or "?"] = row.get(case.channel or "?", 0) + 1
    follow_up: dict[int, dict[str, int]] = {}
    for event in events:
        month = _local_month(event.at, year, zone)
        if month is None or event.tenant not in bodies:
            continue
        row = follow_up.setdefault(month, {})
        row[event.kind] = row.get(event.kind, 0) + 1
    seen_categories = {slug for counts in by_category.values() for slug in counts}
    seen_channels = {slug for counts in by_channel.values() for slug in counts}
    category_labels = {c.slug: c for c in categories}
    return AnnualTables(
        tenant=tenant,
        name=name,
        year=year,
        scope=sorted(bodies),
        rolled_up=rolled_up,
        by_category=_table(_ordered(categories, seen_categories, category_labels), by_category),
        by_channel=_table(_ordered(channels, seen_channels, channel_labels), by_channel),
        follow_up=_table([Label(k, k, k) for k in FOLLOW_UP_KINDS], follow_up),
        notes=[NoteRow(m, received.get(m, 0), notes.get(m, MonthNote())) for m in range(1, 13)],
        completion=completion_rows(
            received, finished, {m: (n.hasil_penanganan, n.keterangan) for m, n in notes.items()}
        ),
        timeliness=timeliness(handled_this_year, zone, follow_up_basis, now)
        + recommendation_timeliness(
            [r for r in recommendations if _local_month(r.issued_at, year, zone) is not None],
            recommendation_limits or {},
            now.astimezone(zone).date() if now is not None else None,
        ),
        sign_off=sign_off or SignOff(),
    )
