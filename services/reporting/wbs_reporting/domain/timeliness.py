"""Time to each step of a case against its limit (seed 001, Gambar 8 "SOP Penanganan Pengaduan",
and the tenant's policy ``time_limits``): how many cases reached the step, the median time they
took, and how many took no longer than the limit.

The SOP's limits in minutes (record 5 min; report to the head 1 min and disposition 10 min) are
the seed's own; the team's follow-up (5 hari kerja in the SOP) is the ``follow_up_due`` date that
triage computed with the tenant's calendar and ``time_limits["tindak-lanjut-tim"]`` at the
disposition, so it is measured against that date. Steps the seeds give no limit for (the audit's
final report, the hand-over) show their median only.

A case that has not reached a limited step although its limit has passed (as of ``now``) is late,
not absent: it is counted beside those that reached the step (``overdue``), and the share within the
limit is taken over both, so that leaving a step undone never looks better than doing it late.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from wbs_reporting.domain.cases import CaseSteps
from wbs_reporting.domain.messages import N_

#: SOP BPS Provinsi Banten (seed 001, Gambar 8): activity 2, and activities 3 and 4 together.
RECORDING_LIMIT = timedelta(minutes=5)
DISPOSITION_LIMIT = timedelta(minutes=1 + 10)
FOLLOW_UP_LIMIT_KEY = "tindak-lanjut-tim"
#: The policy's ``time_limits`` keys that bound a recommendation kind (as investigation reads them).
RECOMMENDATION_LIMIT_KEYS = {"hukuman-disiplin": "tindak-lanjut-disiplin"}


@dataclass(frozen=True)
class StepTimeliness:
    step: str
    #: What is measured, from which event to which (msgid: the Indonesian text).
    label: str
    #: The limit as the SOP or policy states it (msgid, with ``%(n)s`` for ``limit_count``), or "".
    limit: str
    basis: str
    reached: int
    median_seconds: float | None
    #: How many reached it within the limit; None when the step has no limit.
    within: int | None
    limit_count: int | None = None
    #: Cases past the limit that have not reached the step (late); 0 when the step has no limit.
    overdue: int = 0

    @property
    def within_percent(self) -> int | None:
        """Within the limit, of the cases that reached the step or are past its limit without it."""
        counted = self.reached + self.overdue
        if self.within is None or counted == 0:
            return None
        return self.within * 100 // counted


Span = Callable[[CaseSteps], tuple[datetime | None, datetime | None]]


def _measure(
    cases: Iterable[CaseSteps],
    span: Span,
    within: Callable[[CaseSteps, timedelta], bool] | None,
    late: Callable[[CaseSteps, datetime], bool] | None = None,
) -> tuple[int, float | None, int | None, int]:
    """Reached, the median seconds, how many within the limit, and how many past it without the step."""
    seconds: list[float] = []
    inside = overdue = 0
    for case in cases:
        start, end = span(case)
        if start is not None and end is None and late is not None and late(case, start):
            overdue += 1
        if start is None or end is None:
            continue
        took = max(end - start, timedelta(0))
        seconds.append(took.total_seconds())
        if within is not None and within(case, took):
            inside += 1
    return len(seconds), (median(seconds) if seconds else None), (inside if within is not None else None), overdue


def timeliness(
    cases: list[CaseSteps], zone: ZoneInfo, follow_up_basis: str = "", now: datetime | None = None
) -> list[StepTimeliness]:
    """The steps in the SOP's order, measured over ``cases`` (those received in the period); ``now``:
    when the tables are made, to count the cases past a limit without its step (None: none)."""

    def past(limit: timedelta) -> Callable[[CaseSteps, datetime], bool] | None:
        if now is None:
            return None
        return lambda _case, start: now - start > limit

    def follow_up_late(case: CaseSteps, _start: datetime) -> bool:
        return now is not None and case.follow_up_due is not None and now.astimezone(zone).date() > case.follow_up_due

    def follow_up_in_time(case: CaseSteps, _took: timedelta) -> bool:
        decided = case.decided_at
        return (
            case.follow_up_due is not None
            and decided is not None
            and (decided.astimezone(zone).date() <= case.follow_up_due)
        )

    rows: list[StepTimeliness] = []

    def add(
        step: str,
        label: str,
        limit: str,
        basis: str,
        span: Span,
        within: Callable[..., bool] | None,
        late: Callable[[CaseSteps, datetime], bool] | None = None,
    ) -> None:
        reached, middle, inside, overdue = _measure(cases, span, within, late)
        rows.append(StepTimeliness(step, label, limit, basis, reached, middle, inside, overdue=overdue))

    sop = N_("SOP penanganan pengaduan (seed 001, Gambar 8)")
    add(
        "pencatatan",
        N_("Pencatatan: dari pengaduan diterima sampai tercatat di register"),
        N_("5 menit"),
        sop,
        lambda c: (c.submitted_at, c.registered_at),
        lambda _c, took: took <= RECORDING_LIMIT,
        past(RECORDING_LIMIT),
    )
    add(
        "disposisi",
        N_("Disposisi: dari pencatatan sampai pimpinan satker mendisposisikan"),
        N_("11 menit (lapor 1 menit, disposisi 10 menit)"),
        sop,
        lambda c: (c.registered_at, c.disposed_at),
        lambda _c, took: took <= DISPOSITION_LIMIT,
        past(DISPOSITION_LIMIT),
    )
    add(
        "tindak-lanjut-tim",
        N_("Tindak lanjut tim: dari disposisi sampai keputusan telaah"),
        N_("batas tindak lanjut tim (hari kerja)"),
        follow_up_basis or sop,
        lambda c: (c.disposed_at, c.decided_at),
        follow_up_in_time,
        follow_up_late if now is not None else None,
    )
    add(
        "keputusan-telaah",
        N_("Keputusan telaah: dari pengaduan diterima"),
        "",
        "",
        lambda c: (c.submitted_at, c.decided_at),
        None,
    )
    add(
        "laporan-hasil-audit",
        N_("Laporan hasil audit: dari keputusan telaah"),
        "",
        "",
        lambda c: (c.decided_at, c.report_issued_at),
        None,
    )
    add(
        "pelimpahan",
        N_("Pelimpahan ke APH/KPK: dari keputusan telaah"),
        "",
        "",
        lambda c: (c.decided_at, c.handed_over_at),
        None,
    )
    add(
        "selesai",
        N_("Selesai: dari pengaduan diterima"),
        "",
        "",
        lambda c: (c.submitted_at, c.finished_at),
        None,
    )
    return rows


def duration_text(seconds: float | None) -> str:
    """Symbols that read the same in both languages: ``42 s``, ``3 min``, ``2 h 5 min``, ``4 d 3 h``
    (d: days); "-" when nothing was measured."""
    if seconds is None:
        return "-"
    whole = int(seconds)
    if whole < 60:
        return f"{seconds:.0f} s"
    if whole < 3600:
        return f"{whole // 60} min"
    if whole < 86400:
        return f"{whole // 3600} h {whole % 3600 // 60} min"
    return f"{whole // 86400} d {whole % 86400 // 3600} h"


#: Recommendations (investigation's recommendation-issued/-completed), by kind.
RECOMMENDATION_LABELS = {
    "hukuman-disiplin": N_("Rekomendasi hukuman disiplin dilaksanakan: dari diterbitkan"),
    "pengembalian-kerugian": N_("Rekomendasi pengembalian kerugian dilaksanakan: dari diterbitkan"),
    "penyerahan-aph": N_("Rekomendasi penyerahan ke APH dilaksanakan: dari diterbitkan"),
    "penyerahan-kpk": N_("Rekomendasi penyerahan ke KPK dilaksanakan: dari diterbitkan"),
    "pemulihan-nama-baik": N_("Rekomendasi pemulihan nama baik dilaksanakan: dari diterbitkan"),
    "rujukan-lpsk": N_("Rekomendasi rujukan ke LPSK dilaksanakan: dari diterbitkan"),
    "penghargaan-pelapor": N_("Rekomendasi penghargaan pelapor dilaksanakan: dari diterbitkan"),
}
MONTHS_LIMIT = N_("%(n)s bulan")
WORKING_DAYS_LIMIT = N_("%(n)s hari kerja")
#: A recommendation without a limit in the policy has the deadline the officer set when issuing it.
OWN_DEADLINE = N_("tenggat yang ditetapkan saat diterbitkan")


@dataclass(frozen=True)
class RecommendationSteps:
    kind: str
    issued_at: datetime | None
    completed_at: datetime | None
    #: Carried out by its deadline (investigation decides, with the tenant's calendar).
    on_time: bool | None
    #: Its deadline (a date in the body's working days), and when investigation found it overdue.
    due: date | None = None
    overdue_at: datetime | None = None

    def late_without_completion(self, today: date | None) -> bool:
        """Not carried out, and its deadline has passed (investigation said so, or ``today`` is later)."""
        if self.completed_at is not None:
            return False
        return self.overdue_at is not None or (today is not None and self.due is not None and today > self.due)


@dataclass(frozen=True)
class PolicyLimit:
    """A ``time_limits`` entry of the policy: N months or N working days, and its basis."""

    months: int | None
    working_days: int | None
    basis: str = ""


def recommendation_timeliness(
    recommendations: list[RecommendationSteps], limits: dict[str, PolicyLimit], today: date | None = None
) -> list[StepTimeliness]:
    """One row per kind issued (or limited by the policy), in the regulations' order: how many were
    carried out, the median time it took, how many by their deadline, and how many are past it
    without being carried out (``today``: the body's date; None: only those investigation found overdue)."""
    kinds = {r.kind for r in recommendations} | set(limits)
    rows: list[StepTimeliness] = []
    for kind in [k for k in RECOMMENDATION_LABELS if k in kinds]:
        done = [r for r in recommendations if r.kind == kind and r.issued_at and r.completed_at]
        seconds = [
            max((r.completed_at - r.issued_at).total_seconds(), 0.0) for r in done if r.completed_at and r.issued_at
        ]
        limit = limits.get(kind)
        if limit is None:
            text, count, basis = OWN_DEADLINE, None, ""
        elif limit.months is not None:
            text, count, basis = MONTHS_LIMIT, limit.months, limit.basis
        else:
            text, count, basis = WORKING_DAYS_LIMIT, limit.working_days, limit.basis
        rows.append(
            StepTimeliness(
                f"rekomendasi-{kind}",
                RECOMMENDATION_LABELS[kind],
                text,
                basis,
                len(done),
                median(seconds) if seconds else None,
                sum(1 for r in done if r.on_time),
                count,
                overdue=sum(1 for r in recommendations if r.kind == kind and r.late_without_completion(today)),
            )
        )
    return rows
