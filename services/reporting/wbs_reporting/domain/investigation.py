"""What became of the audits of a body's cases, per month (investigation's events): final reports
by result with the estimated loss, recommendations by kind (issued, overdue, carried out on time
or late, and those still open), and hand-overs to APH or the KPK. A fact counts in the month it
happened, in the body's local months; nothing here names a person or a case."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

AUDIT_RESULTS = ("tpk", "pelanggaran-administratif", "tidak-ada-penyimpangan")
RECOMMENDATION_KINDS = (
    "hukuman-disiplin",
    "pengembalian-kerugian",
    "penyerahan-aph",
    "penyerahan-kpk",
    "pemulihan-nama-baik",
    "rujukan-lpsk",
    "penghargaan-pelapor",
)
HAND_OVER_TARGETS = ("aph", "kpk")


class Measure(StrEnum):
    """What is counted, each in the month it happened."""

    #: A final report issued, by result.
    LAPORAN = "laporan"
    #: A recommendation issued, overdue (announced), carried out on time or late, by kind.
    DIBERIKAN = "diberikan"
    TERLAMBAT = "terlambat"
    SELESAI_TEPAT_WAKTU = "selesai-tepat-waktu"
    SELESAI_TERLAMBAT = "selesai-terlambat"
    #: A case handed over, by target.
    DISERAHKAN = "diserahkan"


@dataclass(frozen=True)
class MonthCount:
    month: int
    measure: Measure
    #: The result, the kind or the target.
    key: str
    count: int
    #: The estimated loss of the final reports counted (rupiah); 0 for other measures.
    loss_idr: int = 0


@dataclass
class Tallies:
    """One measure: month (1-12) -> key -> count, every month and every known key present."""

    months: dict[int, dict[str, int]]
    total: dict[str, int]

    @classmethod
    def empty(cls, keys: Iterable[str]) -> Tallies:
        known = list(keys)
        return cls({m: dict.fromkeys(known, 0) for m in range(1, 13)}, dict.fromkeys(known, 0))

    def add(self, month: int, key: str, count: int) -> None:
        self.months[month][key] = self.months[month].get(key, 0) + count
        self.total[key] = self.total.get(key, 0) + count


@dataclass
class InvestigationRecap:
    year: int
    reports: Tallies
    #: The estimated loss of the final reports issued each month, and in the year.
    loss_by_month: dict[int, int]
    loss_total: int
    recommendations: dict[Measure, Tallies]
    hand_overs: Tallies
    #: Recommendations not yet carried out today (whatever the year), and those among them overdue.
    open_now: dict[str, int] = field(default_factory=dict)
    overdue_now: dict[str, int] = field(default_factory=dict)


RECOMMENDATION_MEASURES = (
    Measure.DIBERIKAN,
    Measure.TERLAMBAT,
    Measure.SELESAI_TEPAT_WAKTU,
    Measure.SELESAI_TERLAMBAT,
)


def investigation_recap(
    year: int,
    rows: Iterable[MonthCount],
    *,
    open_now: dict[str, int] | None = None,
    overdue_now: dict[str, int] | None = None,
) -> InvestigationRecap:
    recap = InvestigationRecap(
        year=year,
        reports=Tallies.empty(AUDIT_RESULTS),
        loss_by_month=dict.fromkeys(range(1, 13), 0),
        loss_total=0,
        recommendations={m: Tallies.empty(RECOMMENDATION_KINDS) for m in RECOMMENDATION_MEASURES},
        hand_overs=Tallies.empty(HAND_OVER_TARGETS),
        open_now=dict.fromkeys(RECOMMENDATION_KINDS, 0) | (open_now or {}),
        overdue_now=dict.fromkeys(RECOMMENDATION_KINDS, 0) | (overdue_now or {}),
    )
    for row in rows:
        if not 1 <= row.month <= 12:
            raise ValueError(f"month {row.month} out of range")
        if row.measure is Measure.LAPORAN:
            recap.reports.add(row.month, row.key, row.count)
            recap.loss_by_month[row.month] += row.loss_idr
            recap.loss_total += row.loss_idr
        elif row.measure is Measure.DISERAHKAN:
            recap.hand_overs.add(row.month, row.key, row.count)
        else:
            recap.recommendations[row.measure].add(row.month, row.key, row.count)
    return recap
