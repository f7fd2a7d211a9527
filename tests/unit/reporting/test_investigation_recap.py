"""What became of the audits, per month: reports by result with the loss, recommendations by kind
(issued, overdue, carried out on time or late, open today), hand-overs by target."""

from __future__ import annotations

import pytest

from wbs_reporting.domain.investigation import (
    AUDIT_RESULTS,
    RECOMMENDATION_KINDS,
    Measure,
    MonthCount,
    investigation_recap,
)


def test_an_empty_year_has_every_month_and_every_key_at_zero() -> None:
    recap = investigation_recap(2026, [])
    assert sorted(recap.reports.months) == list(range(1, 13))
    assert recap.reports.total == dict.fromkeys(AUDIT_RESULTS, 0)
    assert recap.recommendations[Measure.DIBERIKAN].months[7] == dict.fromkeys(RECOMMENDATION_KINDS, 0)
    assert recap.hand_overs.total == {"aph": 0, "kpk": 0}
    assert (recap.loss_total, recap.open_now["hukuman-disiplin"]) == (0, 0)


def test_each_fact_counts_in_its_month_under_its_measure() -> None:
    rows = [
        MonthCount(3, Measure.LAPORAN, "tpk", 2, 1_500_000_000),
        MonthCount(4, Measure.LAPORAN, "tidak-ada-penyimpangan", 1, 0),
        MonthCount(3, Measure.DIBERIKAN, "hukuman-disiplin", 3),
        MonthCount(6, Measure.TERLAMBAT, "hukuman-disiplin", 1),
        MonthCount(5, Measure.SELESAI_TEPAT_WAKTU, "hukuman-disiplin", 1),
        MonthCount(7, Measure.SELESAI_TERLAMBAT, "hukuman-disiplin", 1),
        MonthCount(8, Measure.DISERAHKAN, "kpk", 1),
    ]
    recap = investigation_recap(2026, rows, open_now={"hukuman-disiplin": 1}, overdue_now={"hukuman-disiplin": 0})
    assert recap.reports.months[3]["tpk"] == 2
    assert recap.reports.total == {"tpk": 2, "pelanggaran-administratif": 0, "tidak-ada-penyimpangan": 1}
    assert (recap.loss_by_month[3], recap.loss_by_month[4], recap.loss_total) == (1_500_000_000, 0, 1_500_000_000)
    assert recap.recommendations[Measure.DIBERIKAN].total["hukuman-disiplin"] == 3
    assert recap.recommendations[Measure.TERLAMBAT].months[6]["hukuman-disiplin"] == 1
    assert recap.recommendations[Measure.SELESAI_TEPAT_WAKTU].months[5]["hukuman-disiplin"] == 1
    assert recap.recommendations[Measure.SELESAI_TERLAMBAT].months[7]["hukuman-disiplin"] == 1
    assert recap.hand_overs.months[8] == {"aph": 0, "kpk": 1}
    assert recap.open_now["hukuman-disiplin"] == 1
    assert recap.open_now["rujukan-lpsk"] == 0


def test_a_month_outside_the_year_is_refused() -> None:
    with pytest.raises(ValueError, match="month 13"):
        investigation_recap(2026, [MonthCount(13, Measure.LAPORAN, "tpk", 1)])
