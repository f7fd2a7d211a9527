from __future__ import annotations

import pytest

from wbs_reporting.domain.statistics import BULAN, CountRow, recap


def test_an_empty_year_prints_twelve_zero_months_like_the_annual_report() -> None:
    table = recap(2024, [], ["korupsi-gratifikasi", "etika-pegawai", "kinerja-pegawai", "lainnya"])
    assert [m.bulan for m in table.months] == list(BULAN)
    assert all(m.total.received == 0 for m in table.months)
    assert list(table.months[0].by_category) == ["korupsi-gratifikasi", "etika-pegawai", "kinerja-pegawai", "lainnya"]
    assert table.total.received == table.total.registered == 0


def test_counts_by_month_category_and_channel() -> None:
    rows = [
        CountRow(3, "korupsi-gratifikasi", "web", received=2, registered=2),
        CountRow(3, "etika-pegawai", "kotak-saran", received=1, registered=0),
        CountRow(11, "korupsi-gratifikasi", "web", received=4, registered=3),
    ]
    table = recap(2026, rows, ["korupsi-gratifikasi"])
    march = table.months[2]
    assert (march.bulan, march.total.received, march.total.registered) == ("Maret", 3, 2)
    assert march.by_category["etika-pegawai"].received == 1
    assert table.categories == ["korupsi-gratifikasi", "etika-pegawai"]
    assert table.by_category["korupsi-gratifikasi"].received == 6
    assert {c: (t.received, t.registered) for c, t in table.by_channel.items()} == {
        "web": (6, 5),
        "kotak-saran": (1, 0),
    }
    assert (table.total.received, table.total.registered) == (7, 5)


def test_a_month_outside_the_year_is_refused() -> None:
    with pytest.raises(ValueError, match="month 13"):
        recap(2026, [CountRow(13, "lainnya", "web", 1, 1)])


def test_a_forwarded_report_counts_by_channel_where_it_arrived_and_by_category_where_it_is_handled() -> None:
    # Seed 001: a SP4N-LAPOR! complaint reached BPS Provinsi Banten and went on to BPS Kabupaten
    # Tangerang. Banten's channel table counts it; Tangerang's queue and category table do.
    forwarded_on_arrival = CountRow(8, "kkn", "sp4n-lapor", 1, 1, handled_here=False, arrived_here=True)
    own = CountRow(8, "kkn", "surat", 2, 1)
    at_banten = recap(2023, [forwarded_on_arrival, own])
    assert at_banten.by_channel["sp4n-lapor"].received == 1
    assert at_banten.by_channel["surat"].received == 2
    assert at_banten.total.received == 2
    assert at_banten.by_category["kkn"].received == 2

    forwarded_when_handled = CountRow(8, "kkn", "sp4n-lapor", 1, 1, handled_here=True, arrived_here=False)
    at_tangerang = recap(2023, [forwarded_when_handled])
    assert at_tangerang.channels == []
    assert at_tangerang.by_channel == {}
    assert at_tangerang.total.received == 1
    assert at_tangerang.months[7].by_category["kkn"].registered == 1
