from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from wbs_triage.domain.agenda import agenda_entry, agenda_year

WIB = ZoneInfo("Asia/Jakarta")


def test_agenda_numbers_are_per_tenant_and_year() -> None:
    entry = agenda_entry("bps-1700", 7, datetime(2026, 5, 4, 2, 0, tzinfo=UTC), WIB)
    assert entry.number == "WBS/BPS-1700/2026/0007"
    assert (entry.year, entry.sequence, entry.registered_on) == (2026, 7, date(2026, 5, 4))


def test_the_date_and_year_are_the_bodys_local_ones() -> None:
    new_years_eve_utc = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 06:30 on 1 January in Bengkulu
    assert agenda_year(new_years_eve_utc, WIB) == 2027
    entry = agenda_entry("bps-1700", 1, new_years_eve_utc, WIB)
    assert (entry.registered_on, entry.number) == (date(2027, 1, 1), "WBS/BPS-1700/2027/0001")


def test_sequences_start_at_one() -> None:
    with pytest.raises(ValueError, match="start at 1"):
        agenda_entry("bps-1700", 0, datetime(2026, 1, 1, tzinfo=UTC), WIB)
