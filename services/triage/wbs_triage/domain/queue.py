"""The officers' queue: what each case is waiting for, for whom, since when, and when that is due.

The clocks of a case, in working days of the tenant's calendar (SOP BPS Provinsi Banten, seed 001
Gambar 8):

- registered (terdaftar), it waits for the pimpinan satker's disposition, due after the tenant's
  ``disposisi`` limit from the day it was registered (1 working day when its policy names none);
- disposed (ditelaah), it waits for the team's follow-up, due after the ``tindak-lanjut-tim`` limit
  from the disposition (5 working days by default; kept on the case as ``follow_up_due``); while
  an officer's request for more information is unanswered it waits for the reporter instead, and
  the team's clock stands still (the due day moves on by the working days waited);
- a decision proposed (menunggu-persetujuan), it waits for the approvers the tenant's policy names;
- a reporter's question not yet answered runs on its own clock, due when intake said it is
  (``answer_due``, never recomputed).

A case is late when any of its clocks is due.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from uuid import UUID

from wbs_contracts.events.directory import Approval
from wbs_contracts.roles import Role
from wbs_triage.domain.case import Case, CaseStatus
from wbs_triage.domain.decision import Proposal
from wbs_triage.domain.disposition import TeamSeat

#: When the disposition of a case registered on a day (the tenant's local day) is due: the end of
#: the limit's last working day after it, on the tenant's calendar (``wbs_runtime.working_days``).
FollowUpDue = Callable[[date], datetime]
#: The statuses in which the case waits for its disposition (its clock runs from registration).
DISPOSITION_RUNS = frozenset({CaseStatus.TERDAFTAR})
#: How far back :func:`late_if_registered_by` looks for the last late day (a limit is at most 3650 days).
LOOK_BACK_DAYS = 3650 * 2 + 366


class Waiting(StrEnum):
    #: The pimpinan satker's disposition of a registered case.
    DISPOSISI = "disposisi"
    #: The team's follow-up (the telaah) of a disposed case.
    TINDAK_LANJUT = "tindak-lanjut"
    #: The reporter's answer to an officer's request for more information.
    INFORMASI_PELAPOR = "informasi-pelapor"
    #: The approval of a proposed decision, by the roles the tenant's policy names.
    PERSETUJUAN = "persetujuan"
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
    """One thing a case waits for, and from whom (roles, or the team's names)."""

    waiting: Waiting
    since: datetime
    due: datetime | None
    roles: tuple[Role, ...] = ()
    names: tuple[str, ...] = ()

    def late(self, now: datetime) -> bool:
        return self.due is not None and now >= self.due


@dataclass(frozen=True)
class QueueEntry:
    case: Case
    #: What the case waits for, the soonest due first.
    awaited: tuple[Awaited, ...]
    late: bool
    team: tuple[TeamSeat, ...] = ()

    @property
    def first(self) -> Awaited | None:
        return self.awaited[0] if self.awaited else None


def telaah_approvers(approvals: Iterable[Approval]) -> tuple[Role, ...]:
    """The roles the tenant's policy names to approve an end of the telaah (any of its outcomes:
    which one was proposed is the decision's own record)."""
    roles = {role for a in approvals if a.decision.value.startswith("telaah-") for role in a.approver_roles}
    return tuple(sorted(roles))


def queue_entry(
    case: Case,
    questions: list[OpenQuestion],
    *,
    disposition_due: FollowUpDue,
    now: datetime,
    team: Sequence[TeamSeat] = (),
    approvers: tuple[Role, ...] = (),
    proposal: Proposal | None = None,
) -> QueueEntry:
    """What ``case`` waits for. A proposed decision (``proposal``, the case's pending one) waits
    since it was proposed for the roles the policy named for its outcome then; without it, for
    ``approvers`` (every role the policy names for a telaah decision)."""
    awaited: list[Awaited] = []
    since = case.disposed_at or case.agenda.registered_at
    if case.status in DISPOSITION_RUNS:
        due = disposition_due(case.agenda.registered_on)
        awaited.append(Awaited(Waiting.DISPOSISI, case.agenda.registered_at, due, roles=(Role.PIMPINAN_SATKER,)))
    elif case.status is CaseStatus.DITELAAH and case.waiting_on_reporter_since is not None:
        awaited.append(Awaited(Waiting.INFORMASI_PELAPOR, case.waiting_on_reporter_since, None))
    elif case.status is CaseStatus.DITELAAH:
        names = tuple(seat.name for seat in team)
        awaited.append(Awaited(Waiting.TINDAK_LANJUT, since, case.follow_up_due, names=names))
    elif case.status is CaseStatus.MENUNGGU_PERSETUJUAN and proposal is not None:
        awaited.append(Awaited(Waiting.PERSETUJUAN, proposal.proposed_at, None, roles=proposal.approver_roles))
    elif case.status is CaseStatus.MENUNGGU_PERSETUJUAN:
        awaited.append(Awaited(Waiting.PERSETUJUAN, since, None, roles=approvers))
    awaited.extend(
        Awaited(Waiting.JAWABAN_PELAPOR, q.asked_at, q.answer_due) for q in questions if q.case_id == case.id
    )
    awaited.sort(key=lambda a: (a.due is None, a.due or a.since))
    return QueueEntry(case, tuple(awaited), any(a.late(now) for a in awaited), tuple(team))


def late_if_registered_by(disposition_due: FollowUpDue, now: datetime) -> date:
    """The last day of registration whose disposition is due by ``now``: a case registered on it or
    before and not disposed is late, one registered after is not. (The Nth working day after a day
    never comes sooner for a later day, so the late days are all the days up to one: a query
    filters by it.)"""
    day = now.date()  # any day whose due time is not past yet: a start from which to look back
    while disposition_due(day) <= now:
        day += timedelta(days=1)
    for _ in range(LOOK_BACK_DAYS):
        day -= timedelta(days=1)
        if disposition_due(day) <= now:
            return day
    return day


@dataclass(frozen=True)
class QueueQuery:
    """Which of a tenant's cases to list, newest first, one page at a time."""

    status: str | None = None
    category: str | None = None
    channel: str | None = None
    #: Cases whose current team includes this officer.
    officer: str | None = None
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
    #: A case awaiting its disposition registered on this day or before is late.
    registered_by: date
    disposition_statuses: frozenset[CaseStatus] = DISPOSITION_RUNS
    #: A case in this status whose ``follow_up_due`` has come, not waiting on its reporter, is late.
    follow_up_status: CaseStatus = CaseStatus.DITELAAH
