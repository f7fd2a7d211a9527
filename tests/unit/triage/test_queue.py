"""The queue's clocks, pure: the team's follow-up due after the tenant's working days (across a
weekend and public holidays), a reporter's unanswered question with its own due time, what makes a
case late, and the registration day a query filters late cases by."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from wbs_contracts.events.directory import Holiday, TimeLimit, WorkingCalendar
from wbs_triage.domain.agenda import agenda_entry
from wbs_triage.domain.case import Case
from wbs_triage.domain.queue import (
    DEFAULT_FOLLOW_UP,
    OpenQuestion,
    Waiting,
    follow_up_limit,
    late_if_registered_by,
    queue_entry,
)
from wbs_triage.usecases.queue import WEEKENDS_ALONE, follow_up_clock

pytestmark = pytest.mark.unit
JAKARTA = ZoneInfo("Asia/Jakarta")
CALENDAR = WorkingCalendar(
    holidays=(
        Holiday(date=date(2026, 12, 24), name="Cuti Bersama Hari Raya Natal"),
        Holiday(date=date(2026, 12, 25), name="Hari Raya Natal"),
    ),
    covers_from=date(2026, 1, 1),
    covers_until=date(2026, 12, 31),
)
FIVE_DAYS = TimeLimit(working_days=5, basis="SOP")
DUE = follow_up_clock(CALENDAR, FIVE_DAYS, JAKARTA)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=JAKARTA)


def case_registered(at: datetime) -> Case:
    return Case(
        id=uuid4(),
        tenant="bps-1700",
        category="lainnya",
        channel="web",
        received_at=at,
        agenda=agenda_entry("bps-1700", 1, at, JAKARTA),
        sealed_substance={},
    )


def test_five_working_days_skip_the_weekend_and_christmas() -> None:
    # Monday 21 December: Tue 22, Wed 23, (Thu 24, Fri 25 holidays, the weekend), Mon 28, Tue 29, Wed 30.
    assert DUE(date(2026, 12, 21)) == local(2026, 12, 31)
    # Friday 18 December: the weekend and the holidays do not count either.
    assert DUE(date(2026, 12, 18)) == local(2026, 12, 30)


def test_a_case_is_late_from_the_end_of_its_last_working_day() -> None:
    case = case_registered(local(2026, 12, 21, 16, 55))
    before = queue_entry(case, [], follow_up_due=DUE, now=local(2026, 12, 30, 23, 59))
    after = queue_entry(case, [], follow_up_due=DUE, now=local(2026, 12, 31, 0, 0))
    assert before.first is not None
    assert (before.first.waiting, before.first.since, before.first.due) == (
        Waiting.TINDAK_LANJUT,
        case.agenda.registered_at,
        local(2026, 12, 31),
    )
    assert (before.late, after.late) == (False, True)


def test_a_case_registered_late_at_night_utc_counts_from_its_local_day() -> None:
    # 20:00 UTC on Sunday 20 December is 03:00 on Monday 21 December in Jakarta.
    case = case_registered(datetime(2026, 12, 20, 20, 0, tzinfo=UTC))
    entry = queue_entry(case, [], follow_up_due=DUE, now=local(2026, 12, 22))
    assert entry.first is not None
    assert entry.first.due == local(2026, 12, 31)


def test_an_unanswered_question_runs_its_own_clock_and_comes_first_when_due_sooner() -> None:
    case = case_registered(local(2026, 12, 21, 9, 0))
    asked = OpenQuestion(uuid4(), case.id, local(2026, 12, 22, 10, 0), answer_due=local(2026, 12, 24))
    other_case = OpenQuestion(uuid4(), uuid4(), local(2026, 12, 22, 10, 0), answer_due=local(2026, 12, 23))
    entry = queue_entry(case, [other_case, asked], follow_up_due=DUE, now=local(2026, 12, 23, 12, 0))
    assert [a.waiting for a in entry.awaited] == [Waiting.JAWABAN_PELAPOR, Waiting.TINDAK_LANJUT]
    assert entry.awaited[0].since == asked.asked_at
    assert not entry.late
    overdue = queue_entry(case, [asked], follow_up_due=DUE, now=local(2026, 12, 24, 0, 0))
    assert overdue.late  # the question is due, though the follow-up is not


@pytest.mark.parametrize("hours", range(0, 24 * 20, 7))
def test_the_last_late_registration_day_agrees_with_each_case_s_own_due_time(hours: int) -> None:
    now = local(2026, 12, 17) + timedelta(hours=hours)
    late_by = late_if_registered_by(DUE, now)
    for offset in range(-20, 5):
        day = now.date() + timedelta(days=offset)
        assert (day <= late_by) == (DUE(day) <= now), (now, day)


def test_the_tenant_s_limit_or_the_banten_sop_s_five_days() -> None:
    assert follow_up_limit({"tindak-lanjut-tim": TimeLimit(working_days=3)}).working_days == 3
    assert follow_up_limit({"tindak-lanjut-tim": TimeLimit(months=1)}) == DEFAULT_FOLLOW_UP
    assert follow_up_limit(None).working_days == 5
    # A tenant not configured here yet: weekends alone (Christmas counts as a working day).
    assert follow_up_clock(WEEKENDS_ALONE, FIVE_DAYS, JAKARTA)(date(2026, 12, 21)) == local(2026, 12, 29)
