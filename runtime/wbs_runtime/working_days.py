"""Working-day arithmetic on a tenant's calendar (hari kerja): pure, written once.

The rule, for every clock of the system: a limit of N working days that starts at some instant is
due at the **end of the Nth working day after the day the clock starts**, days taken in the
service's zone (``WBS_TIMEZONE``, Asia/Jakarta). The day the clock starts never counts, whether
it is a working day or not: a question asked on Friday afternoon with 5 working days is due at
the end of the next Friday; one asked on Saturday, at the end of the Friday after (Monday is day 1).
"The end of a day" is the first instant of the next calendar day (24:00): a clock is overdue when
``now >= due``. A working day is a day that is neither a weekend day of the calendar nor one of its
resolved holidays (public holidays, cuti bersama, the tenant's own additions).

A limit in months is due at the end of the same day of the month, N months later (the last day
of that month when it is shorter: 31 January + 1 month is the end of 28 or 29 February).

Beyond the calendar's coverage (``covers_from`` .. ``covers_until``) the holidays are not known.
By default the arithmetic refuses (:class:`CalendarNotCovering`); a caller that must not refuse
(a reporter's question is never turned away) asks for ``beyond=WEEKENDS_ONLY``, which counts
weekends alone past the coverage: the due time comes no later than the true one.
"""

from __future__ import annotations

import calendar as month_lengths
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from wbs_contracts.events.directory import TimeLimit, WorkingCalendar

JAKARTA = ZoneInfo("Asia/Jakarta")


class CalendarNotCovering(ValueError):
    """A day to be counted lies outside the days whose holidays the calendar knows."""

    def __init__(self, day: date, calendar: WorkingCalendar) -> None:
        super().__init__(
            f"{day.isoformat()} is outside the calendar ({calendar.covers_from.isoformat()} .. "
            f"{calendar.covers_until.isoformat()}): its holidays are not known"
        )
        self.day = day


class Beyond(StrEnum):
    """What to do with days beyond the calendar's coverage."""

    REFUSE = "refuse"
    #: Count weekends alone past the coverage (never later than the true due time).
    WEEKENDS_ONLY = "weekends-only"


REFUSE = Beyond.REFUSE
WEEKENDS_ONLY = Beyond.WEEKENDS_ONLY


def is_working_day(calendar: WorkingCalendar, day: date, *, beyond: Beyond = REFUSE) -> bool:
    if day.weekday() in calendar.weekend:
        return False
    if not calendar.covers_from <= day <= calendar.covers_until:
        if beyond is REFUSE:
            raise CalendarNotCovering(day, calendar)
        return True
    return day not in _holidays(calendar)


def nth_working_day_after(calendar: WorkingCalendar, start: date, n: int, *, beyond: Beyond = REFUSE) -> date:
    """The Nth working day after ``start`` (``start`` itself never counts); ``n`` >= 1."""
    if n < 1:
        raise ValueError("a limit in working days counts at least one day")
    if len(set(calendar.weekend)) >= 7:
        raise ValueError("a calendar whose every day is a weekend day has no working days")
    holidays = _holidays(calendar)
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if day.weekday() in calendar.weekend:
            continue
        if not calendar.covers_from <= day <= calendar.covers_until:
            if beyond is REFUSE:
                raise CalendarNotCovering(day, calendar)
        elif day in holidays:
            continue
        counted += 1
    return day


def end_of_day(day: date, zone: ZoneInfo = JAKARTA) -> datetime:
    """The instant ``day`` ends in ``zone``: 24:00, the first instant of the next day."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def last_day_before(due: datetime, zone: ZoneInfo = JAKARTA) -> date:
    """The day a due time ends (what a page shows): the inverse of :func:`end_of_day`."""
    return (due.astimezone(zone) - timedelta(microseconds=1)).date()


def working_days_due(
    calendar: WorkingCalendar, started: datetime, n: int, *, zone: ZoneInfo = JAKARTA, beyond: Beyond = REFUSE
) -> datetime:
    """When N working days that start at ``started`` (aware) are over: the end of the Nth working day
    after the day ``started`` falls on in ``zone``."""
    return end_of_day(nth_working_day_after(calendar, _local_day(started, zone), n, beyond=beyond), zone)


def months_due(started: datetime, months: int, *, zone: ZoneInfo = JAKARTA) -> datetime:
    """The end of the same day of the month, ``months`` later (or of that month's last day)."""
    if months < 1:
        raise ValueError("a limit in months counts at least one month")
    day = _local_day(started, zone)
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = month_lengths.monthrange(year, month)[1]
    return end_of_day(date(year, month, min(day.day, last)), zone)


def due(
    calendar: WorkingCalendar,
    limit: TimeLimit,
    started: datetime,
    *,
    zone: ZoneInfo = JAKARTA,
    beyond: Beyond = REFUSE,
) -> datetime:
    """When ``limit`` (in working days or in months) that starts at ``started`` is over."""
    if limit.working_days is not None:
        return working_days_due(calendar, started, limit.working_days, zone=zone, beyond=beyond)
    assert limit.months is not None  # a TimeLimit has exactly one unit
    return months_due(started, limit.months, zone=zone)


def _local_day(instant: datetime, zone: ZoneInfo) -> date:
    if instant.tzinfo is None:
        raise ValueError("a clock starts at an aware instant")
    return instant.astimezone(zone).date()


def _holidays(calendar: WorkingCalendar) -> frozenset[date]:
    return frozenset(holiday.date for holiday in calendar.holidays)
