"""Working days (hari kerja): national holidays and cuti bersama, plus a tenant's own changes.

Future Islamic holidays in the ``holidays`` package are estimates until the government's joint
decree (SKB) fixes them, so a tenant can add and remove dates; the resolved list travels in the
tenant's configuration and no consumer recomputes it.
"""

from __future__ import annotations

from datetime import date

import holidays as national

from wbs_contracts.events.directory import Holiday, WorkingCalendar

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Years before and after the current one that a published calendar covers.
YEARS_BEHIND, YEARS_AHEAD = 1, 2


def national_holidays(years: range) -> dict[date, str]:
    """Indonesia's public holidays and cuti bersama (the government category), in Indonesian."""
    found = national.country_holidays("ID", years=list(years), categories=("public", "government"), language="id")
    return {day: str(name) for day, name in found.items()}


def resolve_calendar(
    *,
    today: date,
    weekend: tuple[str, ...],
    include_national: bool,
    additions: dict[date, str],
    removals: frozenset[date],
) -> WorkingCalendar:
    years = range(today.year - YEARS_BEHIND, today.year + YEARS_AHEAD + 1)
    days = national_holidays(years) if include_national else {}
    days.update(additions)
    for removed in removals:
        days.pop(removed, None)
    return WorkingCalendar(
        weekend=tuple(sorted(WEEKDAY_NAMES.index(day) for day in weekend)),
        holidays=tuple(Holiday(date=day, name=name) for day, name in sorted(days.items())),
        covers_from=date(years.start, 1, 1),
        covers_until=date(years.stop - 1, 12, 31),
    )
