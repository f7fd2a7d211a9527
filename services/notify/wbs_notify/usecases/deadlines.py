"""When reminders fire, on the tenant's working-day calendar (``wbs_runtime.working_days``).

A reminder N working days before a deadline fires at the start of the Nth working day before the
deadline's day; the deadline passes at the end of its day. Past the calendar's coverage only
weekends count (a reminder is never refused, and comes no later than the true one).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from wbs_contracts.events.directory import WorkingCalendar
from wbs_runtime.working_days import WEEKENDS_ONLY, end_of_day, is_working_day

#: A calendar with no day a working day would loop forever: no lead is looked for further back.
_FURTHEST = timedelta(days=3 * 366)


def weekends_only(day: date) -> WorkingCalendar:
    """The calendar to use while the tenant's has not arrived: Saturdays and Sundays off."""
    return WorkingCalendar(covers_from=day, covers_until=day)


def approaching_at(calendar: WorkingCalendar, due_on: date, working_days: int, zone: ZoneInfo) -> datetime:
    """The start of the ``working_days``-th working day before ``due_on``."""
    day, counted = due_on, 0
    while counted < working_days and due_on - day < _FURTHEST:
        day -= timedelta(days=1)
        if is_working_day(calendar, day, beyond=WEEKENDS_ONLY):
            counted += 1
    return datetime.combine(day, time.min, tzinfo=zone)


def passed_at(due_on: date, zone: ZoneInfo) -> datetime:
    """The deadline's day is over: 24:00 of it, in the service's zone."""
    return end_of_day(due_on, zone)
