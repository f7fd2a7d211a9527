"""The officers' queue: what each case is waiting for, since when, and when that is due.

Two clocks run on a case here. The team's follow-up (tindak lanjut tim) starts when the case is
registered and is due after the tenant's ``tindak-lanjut-tim`` limit in working days of its calendar
(5 working days in the Banten SOP, seed 001 Gambar 8); it runs while the case awaits its telaah. A
reporter's question not yet answered runs on its own clock, due when intake said it is
(``answer_due``, never recomputed). A case is late when any of its clocks is due.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from uuid import UUID

from wbs_contracts.events.directory import TimeLimit
from wbs_triage.domain.case import Case, CaseStatus

FOLLOW_UP_LIMIT = "tindak-lanjut-tim"
#: The Banten SOP's team follow-up, when the tenant's policy names no limit of its own.
DEFAULT_FOLLOW_UP = TimeLimit(working_days=5, basis="SOP BPS Provinsi Banten: tindak lanjut tim 5 hari kerja")
#: The statuses in which the team's follow-up clock runs.
FOLLOW_UP_RUNS = frozenset({CaseStatus.TERDAFTAR})
#: When the follow-up of a case registered on a day (the tenant's local day) is due: the end of the
#: limit's last working day after it, on the tenant's calendar (``wbs_runtime.working_days``).
FollowUpDue = Callable[[date], datetime]
#: How far back :func:`late_if_registered_by` looks for the last late day (a limit is at most 3650 days).
LOOK_BACK_DAYS = 3650 * 2 + 366


class Waiting(StrEnum):
    #: The team's follow-up (the telaah) of a registered case.
    TINDAK_LANJUT = "tindak-lanjut"
    #: The answer to a reporter's question.
    JAWABAN_PELAPOR = "jawaban-pelapor"


@dataclass(frozen=True)
class OpenQuestion:
    """A reporter's question no officer has answered yet."""

    message_id: UUID
    case_id: UUID
    asked_at: datetime
    answer_due: datetime | None


@dataclass(frozen=True)
class Awaited:
    """One thing a case waits for."""

    waiting: Waiting
    since: datetime
    due: datetime | None

    def late(self, now: datetime) -> bool:
        return self.due is not None and now >= self.due


@dataclass(frozen=True)
class QueueEntry:
    case: Case
    #: What the case waits for, the soonest due first.
    awaited: tuple[Awaited, ...]
    late: bool

    @property
    def first(self) -> Awaited | None:
        return self.awaited[0] if self.awaited else None


def follow_up_limit(limits: dict[str, TimeLimit] | None) -> TimeLimit:
    limit = (limits or {}).get(FOLLOW_UP_LIMIT)
    return limit if limit is not None and limit.working_days is not None else DEFAULT_FOLLOW_UP


def queue_entry(
    case: Case,
    questions: list[OpenQuestion],
    *,
    follow_up_due: FollowUpDue,
    now: datetime,
) -> QueueEntry:
    awaited: list[Awaited] = []
    if case.status in FOLLOW_UP_RUNS:
        awaited.append(
            Awaited(Waiting.TINDAK_LANJUT, case.agenda.registered_at, follow_up_due(case.agenda.registered_on))
        )
    awaited.extend(
        Awaited(Waiting.JAWABAN_PELAPOR, q.asked_at, q.answer_due) for q in questions if q.case_id == case.id
    )
    awaited.sort(key=lambda a: (a.due is None, a.due or a.since))
    return QueueEntry(case, tuple(awaited), any(a.late(now) for a in awaited))


def late_if_registered_by(follow_up_due: FollowUpDue, now: datetime) -> date:
    """The last day of registration whose follow-up is due by ``now``: a case registered on it or
    before is late, one registered after is not. (The Nth working day after a day never comes
    sooner for a later day, so the late days are all the days up to one: a query filters by it.)"""
    day = now.date()  # any day whose due time is not past yet: a start from which to look back
    while follow_up_due(day) <= now:
        day += timedelta(days=1)
    for _ in range(LOOK_BACK_DAYS):
        day -= timedelta(days=1)
        if follow_up_due(day) <= now:
            return day
    return day


@dataclass(frozen=True)
class QueueQuery:
    """Which of a tenant's cases to list, newest first, one page at a time."""

    status: str | None = None
    category: str | None = None
    channel: str | None = None
    #: True: late cases only; False: those on time only; None: all.
    late: bool | None = None
    page: int = 1
    per_page: int = 50

    @property
    def offset(self) -> int:
        return (max(self.page, 1) - 1) * self.per_page


@dataclass(frozen=True)
class Lateness:
    """What makes a case late at an instant, in terms a query can use."""

    now: datetime
    #: A case awaiting its follow-up registered on this day or before is late.
    registered_by: date
    follow_up_statuses: frozenset[CaseStatus] = FOLLOW_UP_RUNS
