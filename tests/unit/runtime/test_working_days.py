"""Working days on a tenant's calendar: weekends, public holidays and cuti bersama, the zone's days,
and what happens at the edge of the calendar's coverage."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from wbs_contracts.events.directory import Holiday, TimeLimit, WorkingCalendar
from wbs_runtime.working_days import (
    WEEKENDS_ONLY,
    CalendarNotCovering,
    due,
    is_working_day,
    last_day_before,
    months_due,
    nth_working_day_after,
    working_days_due,
)

JAKARTA = ZoneInfo("Asia/Jakarta")
CALENDAR_2026 = WorkingCalendar(
    holidays=(
        Holiday(date=date(2026, 8, 17), name="Hari Kemerdekaan"),
        Holiday(date=date(2026, 12, 24), name="Cuti Bersama Hari Raya Natal"),
        Holiday(date=date(2026, 12, 25), name="Hari Raya Natal"),
    ),
    covers_from=date(2026, 1, 1),
    covers_until=date(2026, 12, 31),
)


def wib(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=JAKARTA)


def test_weekends_and_holidays_are_not_working_days() -> None:
    assert is_working_day(CALENDAR_2026, date(2026, 8, 14))  # Friday
    assert not is_working_day(CALENDAR_2026, date(2026, 8, 15))  # Saturday
    assert not is_working_day(CALENDAR_2026, date(2026, 8, 16))  # Sunday
    assert not is_working_day(CALENDAR_2026, date(2026, 8, 17))  # Hari Kemerdekaan, a Monday
    assert not is_working_day(CALENDAR_2026, date(2026, 12, 24))  # cuti bersama


def test_five_working_days_from_a_friday_skip_the_weekend_and_a_public_holiday() -> None:
    # Friday 14 August 2026, 16:00 WIB: Monday the 17th is Independence Day, so day 1 is Tuesday.
    asked = wib(2026, 8, 14, 16, 0)
    assert nth_working_day_after(CALENDAR_2026, asked.date(), 5) == date(2026, 8, 24)
    answer_due = working_days_due(CALENDAR_2026, asked, 5, zone=JAKARTA)
    assert answer_due == wib(2026, 8, 25, 0, 0)  # the end of Monday the 24th
    assert last_day_before(answer_due, JAKARTA) == date(2026, 8, 24)


def test_the_day_the_clock_starts_never_counts_even_on_a_weekend() -> None:
    # Asked on Saturday: Monday is a holiday, Tuesday is day 1, day 5 is Monday the 24th.
    assert working_days_due(CALENDAR_2026, wib(2026, 8, 15, 9, 0), 5, zone=JAKARTA) == wib(2026, 8, 25)
    # Asked on a Wednesday: Thursday is day 1, one working day is due at the end of Thursday.
    assert working_days_due(CALENDAR_2026, wib(2026, 8, 5, 8, 0), 1, zone=JAKARTA) == wib(2026, 8, 7)


def test_days_are_the_zones_days_not_utcs() -> None:
    # Thursday 18:00 UTC is already Friday 01:00 in Jakarta: the clock starts on Friday.
    asked = datetime(2026, 8, 13, 18, 0, tzinfo=UTC)
    assert working_days_due(CALENDAR_2026, asked, 5, zone=JAKARTA) == wib(2026, 8, 25)
    # Counted on UTC's days it would have started on Thursday and been due four days earlier.
    assert working_days_due(CALENDAR_2026, asked, 5, zone=ZoneInfo("UTC")) == datetime(2026, 8, 22, tzinfo=UTC)


def test_cuti_bersama_and_christmas_push_a_clock_into_the_next_week() -> None:
    # Wednesday 23 December: the 24th (cuti bersama) and 25th (Natal) are off, then the weekend.
    assert nth_working_day_after(CALENDAR_2026, date(2026, 12, 23), 2) == date(2026, 12, 29)


def test_beyond_the_calendars_coverage_the_arithmetic_refuses() -> None:
    # Monday 28 December: the 29th, 30th and 31st count; 1 January 2027 is beyond what is known.
    with pytest.raises(CalendarNotCovering) as refused:
        working_days_due(CALENDAR_2026, wib(2026, 12, 28, 10, 0), 5, zone=JAKARTA)
    assert refused.value.day == date(2027, 1, 1)
    with pytest.raises(CalendarNotCovering):
        is_working_day(CALENDAR_2026, date(2025, 12, 31))
    # The last covered day is still counted without complaint.
    assert working_days_due(CALENDAR_2026, wib(2026, 12, 28, 10, 0), 3, zone=JAKARTA) == wib(2027, 1, 1)


def test_weekends_only_beyond_the_coverage_is_never_later_than_the_true_due_time() -> None:
    # 1 January 2027 (a Friday, New Year's Day in truth) counts as day 4; day 5 is Monday the 4th.
    answer_due = working_days_due(CALENDAR_2026, wib(2026, 12, 28, 10, 0), 5, zone=JAKARTA, beyond=WEEKENDS_ONLY)
    assert answer_due == wib(2027, 1, 5)
    assert is_working_day(CALENDAR_2026, date(2027, 1, 2), beyond=WEEKENDS_ONLY) is False  # a Saturday still


def test_a_limit_in_months_ends_on_the_same_day_or_the_months_last() -> None:
    assert months_due(wib(2026, 3, 10, 15, 0), 3, zone=JAKARTA) == wib(2026, 6, 11)
    assert months_due(wib(2026, 1, 31, 9, 0), 1, zone=JAKARTA) == wib(2026, 3, 1)  # the end of 28 February
    assert months_due(wib(2026, 11, 30, 9, 0), 2, zone=JAKARTA) == wib(2027, 1, 31)  # across the year


def test_due_follows_the_unit_of_the_limit() -> None:
    started = wib(2026, 8, 14, 16, 0)
    assert due(CALENDAR_2026, TimeLimit(working_days=5), started, zone=JAKARTA) == wib(2026, 8, 25)
    assert due(CALENDAR_2026, TimeLimit(months=2), started, zone=JAKARTA) == wib(2026, 10, 15)


def test_nonsense_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        nth_working_day_after(CALENDAR_2026, date(2026, 8, 14), 0)
    with pytest.raises(ValueError, match="aware"):
        working_days_due(CALENDAR_2026, datetime(2026, 8, 14, 16, 0), 5)
    every_day_off = CALENDAR_2026.model_copy(update={"weekend": tuple(range(7))})
    with pytest.raises(ValueError, match="no working days"):
        nth_working_day_after(every_day_off, date(2026, 8, 14), 1)


def test_a_long_limit_counts_exactly_the_working_days_between() -> None:
    started = date(2026, 2, 2)
    end = nth_working_day_after(CALENDAR_2026, started, 100)
    counted = sum(
        1 for offset in range(1, (end - started).days + 1) if is_working_day(CALENDAR_2026, started + timedelta(offset))
    )
    assert counted == 100
    assert is_working_day(CALENDAR_2026, end)
