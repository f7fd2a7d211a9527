"""The queue's clocks, pure: a registered case waits for its disposition (1 working day by
default), a disposed one for its team's follow-up (due as kept on the case), a case waiting on its
reporter for them (no team clock), one awaiting approval for the roles the policy names; counted
across a weekend and public holidays; a reporter's unanswered question with its own due time; what
makes a case late, and the registration day a query filters late cases by."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from wbs_contracts.events.directory import Approval, Decision, Holiday, TimeLimit, WorkingCalendar
from wbs_contracts.events.triage import TeamRole, TelaahOutcome
from wbs_contracts.roles import Role
from wbs_contracts.sealed import SealedPayload
from wbs_triage.domain.agenda import agenda_entry
from wbs_triage.domain.case import Case, CaseStatus
from wbs_triage.domain.decision import Proposal
from wbs_triage.domain.disposition import DEFAULT_DISPOSISI, DEFAULT_FOLLOW_UP, TeamSeat, limit_of
from wbs_triage.domain.queue import (
    OpenQuestion,
    Waiting,
    late_if_registered_by,
    queue_entry,
    telaah_approvers,
)
from wbs_triage.usecases.clocks import WEEKENDS_ALONE, working_days_due

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
DUE = working_days_due(CALENDAR, FIVE_DAYS, JAKARTA)
ONE_DAY = working_days_due(CALENDAR, DEFAULT_DISPOSISI, JAKARTA)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=JAKARTA)


def case_registered(at: datetime, **more: object) -> Case:
    return Case(
        id=uuid4(),
        tenant="bps-1700",
        category="lainnya",
        channel="web",
        received_at=at,
        agenda=agenda_entry("bps-1700", 1, at, JAKARTA),
        sealed_substance={},
        **more,  # type: ignore[arg-type]
    )


def test_five_working_days_skip_the_weekend_and_christmas() -> None:
    # Monday 21 December: Tue 22, Wed 23, (Thu 24, Fri 25 holidays, the weekend), Mon 28, Tue 29, Wed 30.
    assert DUE(date(2026, 12, 21)) == local(2026, 12, 31)
    # Friday 18 December: the weekend and the holidays do not count either.
    assert DUE(date(2026, 12, 18)) == local(2026, 12, 30)


def test_a_registered_case_waits_for_the_pimpinan_and_is_late_after_its_working_day() -> None:
    # Wednesday 23 December: the next working day is Monday 28 (Christmas and the weekend between).
    case = case_registered(local(2026, 12, 23, 16, 55))
    before = queue_entry(case, [], disposition_due=ONE_DAY, now=local(2026, 12, 28, 23, 59))
    after = queue_entry(case, [], disposition_due=ONE_DAY, now=local(2026, 12, 29, 0, 0))
    assert before.first is not None
    assert (before.first.waiting, before.first.since, before.first.due, before.first.roles) == (
        Waiting.DISPOSISI,
        case.agenda.registered_at,
        local(2026, 12, 29),
        (Role.PIMPINAN_SATKER,),
    )
    assert (before.late, after.late) == (False, True)


def test_a_case_registered_late_at_night_utc_counts_from_its_local_day() -> None:
    # 20:00 UTC on Sunday 20 December is 03:00 on Monday 21 December in Jakarta.
    case = case_registered(datetime(2026, 12, 20, 20, 0, tzinfo=UTC))
    entry = queue_entry(case, [], disposition_due=ONE_DAY, now=local(2026, 12, 22))
    assert entry.first is not None
    assert entry.first.due == local(2026, 12, 23)


def test_a_disposed_case_waits_for_its_team_until_its_follow_up_is_due() -> None:
    disposed = local(2026, 12, 21, 10, 0)
    team = (TeamSeat("p-1", TeamRole.KETUA, "Budi"), TeamSeat("p-2", TeamRole.ANGGOTA, "Sari"))
    case = case_registered(
        local(2026, 12, 18, 9, 0),
        status=CaseStatus.DITELAAH,
        disposed_at=disposed,
        follow_up_due=DUE(disposed.date()),
    )
    entry = queue_entry(case, [], disposition_due=ONE_DAY, now=local(2026, 12, 30, 23, 0), team=team)
    assert entry.first is not None
    assert (entry.first.waiting, entry.first.since, entry.first.due, entry.first.names) == (
        Waiting.TINDAK_LANJUT,
        disposed,
        local(2026, 12, 31),
        ("Budi", "Sari"),
    )
    assert not entry.late
    assert queue_entry(case, [], disposition_due=ONE_DAY, now=local(2026, 12, 31), team=team).late


def test_a_case_waiting_on_its_reporter_is_not_late_for_its_team() -> None:
    case = case_registered(
        local(2026, 12, 1, 9, 0),
        status=CaseStatus.DITELAAH,
        disposed_at=local(2026, 12, 1, 10, 0),
        follow_up_due=local(2026, 12, 9),
        waiting_on_reporter_since=local(2026, 12, 3, 11, 0),
    )
    entry = queue_entry(case, [], disposition_due=ONE_DAY, now=local(2026, 12, 20))
    assert [(a.waiting, a.since, a.due) for a in entry.awaited] == [
        (Waiting.INFORMASI_PELAPOR, local(2026, 12, 3, 11, 0), None)
    ]
    assert not entry.late


def test_a_proposed_decision_waits_for_the_approvers_the_policy_names() -> None:
    approvals = (
        Approval(decision=Decision.TELAAH_NOT_PROCESSED, approver_roles=(Role.KETUA_TIM,)),
        Approval(decision=Decision.TELAAH_AUDIT, approver_roles=(Role.PIMPINAN_SATKER, Role.KETUA_TIM)),
        Approval(decision=Decision.ESCALATION, approver_roles=(Role.PIMPINAN_DAERAH,)),
    )
    approvers = telaah_approvers(approvals)
    assert approvers == (Role.KETUA_TIM, Role.PIMPINAN_SATKER)
    case = case_registered(local(2026, 12, 1, 9, 0), status=CaseStatus.MENUNGGU_PERSETUJUAN)
    entry = queue_entry(case, [], disposition_due=ONE_DAY, now=local(2026, 12, 20), approvers=approvers)
    assert entry.first is not None
    assert (entry.first.waiting, entry.first.roles, entry.late) == (Waiting.PERSETUJUAN, approvers, False)


def test_a_proposed_decision_waits_since_it_was_proposed_for_the_roles_named_for_its_outcome() -> None:
    case = case_registered(local(2026, 12, 1, 9, 0), status=CaseStatus.MENUNGGU_PERSETUJUAN)
    proposed_at = local(2026, 12, 14, 10, 30)
    proposal = Proposal(
        id=uuid4(),
        case_id=case.id,
        tenant=case.tenant,
        outcome=TelaahOutcome.AUDIT_INVESTIGASI,
        status_before=CaseStatus.DITELAAH,
        proposed_by="penelaah-1",
        proposed_by_name="Penelaah",
        proposed_at=proposed_at,
        policy_version=3,
        approver_roles=(Role.PIMPINAN_SATKER,),
        sealed_text=SealedPayload(audience="case-substance", kid="k", ciphertext="AA=="),
    )
    every_telaah_approver = (Role.KETUA_TIM, Role.PIMPINAN_SATKER)
    entry = queue_entry(
        case, [], disposition_due=ONE_DAY, now=local(2026, 12, 20), approvers=every_telaah_approver, proposal=proposal
    )
    assert entry.first is not None
    assert (entry.first.waiting, entry.first.since, entry.first.roles) == (
        Waiting.PERSETUJUAN,
        proposed_at,
        (Role.PIMPINAN_SATKER,),
    )


def test_a_decided_case_waits_for_nobody() -> None:
    case = case_registered(local(2026, 12, 1, 9, 0), status=CaseStatus.TIDAK_DIPROSES)
    entry = queue_entry(case, [], disposition_due=ONE_DAY, now=local(2026, 12, 20))
    assert (entry.awaited, entry.late) == ((), False)


def test_an_unanswered_question_runs_its_own_clock_and_comes_first_when_due_sooner() -> None:
    case = dataclasses.replace(
        case_registered(local(2026, 12, 21, 9, 0)),
        status=CaseStatus.DITELAAH,
        disposed_at=local(2026, 12, 21, 10, 0),
        follow_up_due=local(2026, 12, 31),
    )
    asked = OpenQuestion(uuid4(), case.id, local(2026, 12, 22, 10, 0), answer_due=local(2026, 12, 24))
    other_case = OpenQuestion(uuid4(), uuid4(), local(2026, 12, 22, 10, 0), answer_due=local(2026, 12, 23))
    entry = queue_entry(case, [other_case, asked], disposition_due=ONE_DAY, now=local(2026, 12, 23, 12, 0))
    assert [a.waiting for a in entry.awaited] == [Waiting.JAWABAN_PELAPOR, Waiting.TINDAK_LANJUT]
    assert entry.awaited[0].since == asked.asked_at
    assert not entry.late
    overdue = queue_entry(case, [asked], disposition_due=ONE_DAY, now=local(2026, 12, 24, 0, 0))
    assert overdue.late  # the question is due, though the follow-up is not


@pytest.mark.parametrize("hours", range(0, 24 * 20, 7))
def test_the_last_late_registration_day_agrees_with_each_case_s_own_due_time(hours: int) -> None:
    now = local(2026, 12, 17) + timedelta(hours=hours)
    for clock in (ONE_DAY, DUE):
        late_by = late_if_registered_by(clock, now)
        for offset in range(-20, 5):
            day = now.date() + timedelta(days=offset)
            assert (day <= late_by) == (clock(day) <= now), (now, day)


def test_the_tenant_s_limits_or_the_banten_sop_s() -> None:
    limits = {"tindak-lanjut-tim": TimeLimit(working_days=3), "disposisi": TimeLimit(months=1)}
    assert limit_of(limits, "tindak-lanjut-tim", DEFAULT_FOLLOW_UP).working_days == 3
    assert limit_of(limits, "disposisi", DEFAULT_DISPOSISI) == DEFAULT_DISPOSISI
    assert limit_of(None, "tindak-lanjut-tim", DEFAULT_FOLLOW_UP).working_days == 5
    assert limit_of(None, "disposisi", DEFAULT_DISPOSISI).working_days == 1
    # A tenant not configured here yet: weekends alone (Christmas counts as a working day).
    assert working_days_due(WEEKENDS_ALONE, FIVE_DAYS, JAKARTA)(date(2026, 12, 21)) == local(2026, 12, 29)
