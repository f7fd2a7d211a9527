"""The clocks of a case on the tenant's working days: when a limit is due, and the team's clock
paused while the case waits on the reporter (from an officer's ``permintaan-informasi`` until the
reporter's next message). The calendar is the tenant's as triage keeps it; a tenant not configured
here yet is counted on weekends alone (never later than the true due time)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from wbs_contracts.events.directory import TimeLimit, WorkingCalendar
from wbs_runtime.working_days import WEEKENDS_ONLY, end_of_day, is_working_day, last_day_before, nth_working_day_after
from wbs_triage.domain.case import Case
from wbs_triage.domain.disposition import resumed_due_day
from wbs_triage.ports import TriageUnitOfWork

#: Counted on weekends alone: no holiday is known (a tenant not configured here yet).
WEEKENDS_ALONE = WorkingCalendar(covers_from=date.min, covers_until=date.min)


def working_days_due(calendar: WorkingCalendar, limit: TimeLimit, zone: ZoneInfo) -> Callable[[date], datetime]:
    """When a limit in working days that starts on a (local) day is due: the end of its last day."""
    assert limit.working_days is not None
    days = limit.working_days

    def due(start: date) -> datetime:
        return end_of_day(nth_working_day_after(calendar, start, days, beyond=WEEKENDS_ONLY), zone)

    return due


async def asked_reporter(case: Case, at: datetime, uow: TriageUnitOfWork) -> None:
    """An officer asked the reporter for more information: the case waits on them from ``at``."""
    if case.status.is_open:
        await uow.dispositions.wait_on_reporter(case.id, at)


async def reporter_wrote(case_id: UUID, tenant: str, at: datetime, uow: TriageUnitOfWork, *, zone: ZoneInfo) -> None:
    """The reporter wrote on the case: if it waited on them (since before ``at``), it no longer
    does, and the team's due day moves by the working days spent waiting."""
    case = await uow.cases.get(case_id)
    if case is None or case.tenant != tenant or case.waiting_on_reporter_since is None:
        return
    since = case.waiting_on_reporter_since
    if at < since:
        return  # written before the request reached them: not their answer
    due = case.follow_up_due
    if due is not None:
        configuration = await uow.tenants.get(tenant)
        calendar = configuration.policy.calendar if configuration is not None else WEEKENDS_ALONE

        def working(day: date) -> bool:
            return is_working_day(calendar, day, beyond=WEEKENDS_ONLY)

        moved = resumed_due_day(
            last_day_before(due, zone), since.astimezone(zone).date(), at.astimezone(zone).date(), working
        )
        due = end_of_day(moved, zone)
    await uow.dispositions.resume(case_id, due)
