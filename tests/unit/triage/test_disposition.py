"""Disposisi and the team's clock, pure and on fakes: only active penelaah or ketua tim of the
tenant's roster sit on a team, with a bilingual refusal otherwise; a decided case is not disposed;
the roster keeps the latest announcement; the team's clock stops while the case waits on the
reporter (from a permintaan-informasi to the reporter's next message) and its due day moves by the
working days waited, across a weekend and 17 August on the tenant's calendar."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import cast
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest

from tests.support.keys import key_rings
from tests.support.tenants import demo_configuration
from tests.unit.triage.test_messages import reporter_message
from tests.unit.triage.test_reading import READER, registered
from tests.unit.triage.test_register_case import FakeTriage
from wbs_contracts.events.directory import Holiday, WorkingCalendar
from wbs_contracts.events.intake import ReporterMessageKind
from wbs_contracts.events.triage import CaseDisposedV1, DispositionInstructionV1, OfficerMessageKind, TeamRole
from wbs_contracts.registry import CASE_DISPOSED
from wbs_contracts.roles import Role
from wbs_runtime.roster import RosterEntry, newer
from wbs_runtime.working_days import is_working_day
from wbs_triage.domain.case import Case, CaseStatus
from wbs_triage.domain.disposition import (
    DispositionDraft,
    DispositionRefused,
    TeamSeat,
    check_disposable,
    checked_instruction,
    checked_team,
    eligible,
    resumed_due_day,
    working_days_waited,
)
from wbs_triage.domain.queue import Lateness, OpenQuestion, QueueQuery
from wbs_triage.ports import QueueUnitOfWork
from wbs_triage.usecases import OfficerDraft, dispose_case, record_reporter_message, send_officer_message

pytestmark = pytest.mark.unit
JAKARTA = ZoneInfo("Asia/Jakarta")
AT = datetime(2026, 8, 1, tzinfo=JAKARTA)
#: August 2026: Monday 17 August is Hari Kemerdekaan.
AUGUST = WorkingCalendar(
    holidays=(Holiday(date=date(2026, 8, 17), name="Hari Kemerdekaan RI"),),
    covers_from=date(2026, 1, 1),
    covers_until=date(2026, 12, 31),
)


def working(day: date) -> bool:
    return is_working_day(AUGUST, day)


def officer(officer_id: str, *roles: Role, active: bool = True, name: str = "Petugas") -> RosterEntry:
    return RosterEntry("bps-1700", officer_id, name, frozenset(roles), active, AT)


ROSTER = {
    e.officer_id: e
    for e in (
        officer("ketua", Role.KETUA_TIM, name="Budi"),
        officer("penelaah", Role.PENELAAH, name="Ani"),
        officer("pimpinan", Role.PIMPINAN_SATKER, name="Joko"),
        officer("pergi", Role.PENELAAH, active=False, name="Rudi"),
    )
}


def test_the_team_is_the_ketua_first_then_each_member_once() -> None:
    team = checked_team(DispositionDraft("ketua", ("penelaah", "ketua", "penelaah", " ")), ROSTER)
    assert team == (TeamSeat("ketua", TeamRole.KETUA, "Budi"), TeamSeat("penelaah", TeamRole.ANGGOTA, "Ani"))
    # A penelaah may lead the team too.
    assert checked_team(DispositionDraft("penelaah"), ROSTER)[0].role is TeamRole.KETUA


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (DispositionDraft(""), "ketua"),
        (DispositionDraft("pimpinan"), "ketua"),  # no penelaah or ketua-tim role
        (DispositionDraft("ketua", ("pergi",)), "anggota"),  # deactivated
        (DispositionDraft("ketua", ("orang-lain",)), "anggota"),  # not on this tenant's roster
    ],
    ids=["no-ketua", "wrong-role", "inactive", "unknown"],
)
def test_a_team_outside_the_roster_is_refused_in_both_languages(draft: DispositionDraft, field: str) -> None:
    with pytest.raises(DispositionRefused) as refused:
        checked_team(draft, ROSTER)
    assert refused.value.field == field
    assert refused.value.pesan
    assert refused.value.message
    assert refused.value.pesan != refused.value.message


def test_an_instruction_is_needed_and_a_decided_case_is_not_disposed() -> None:
    assert checked_instruction("  Telaah dan laporkan.  ") == "Telaah dan laporkan."
    with pytest.raises(DispositionRefused):
        checked_instruction("   ")
    check_disposable(CaseStatus.TERDAFTAR)
    check_disposable(CaseStatus.DITELAAH)
    for decided in (CaseStatus.MENUNGGU_PERSETUJUAN, CaseStatus.TIDAK_DIPROSES, CaseStatus.DIGABUNG):
        with pytest.raises(DispositionRefused):
            check_disposable(decided)


def test_the_form_offers_the_active_penelaah_and_ketua_tim_by_name() -> None:
    assert [e.officer_id for e in eligible(list(ROSTER.values()))] == ["penelaah", "ketua"]


def test_an_older_announcement_does_not_replace_a_newer_one() -> None:
    kept = officer("ketua", Role.KETUA_TIM)
    assert newer(None, kept)
    assert newer(kept, dataclasses.replace(kept, changed_at=AT + timedelta(seconds=1)))
    assert not newer(kept, dataclasses.replace(kept, changed_at=AT - timedelta(seconds=1), roles=frozenset()))
    assert not newer(kept, kept)


def test_working_days_waited_skip_the_weekend_and_17_august() -> None:
    # Asked Friday 14 August, answered Tuesday 18: Saturday, Sunday and Monday 17 do not count.
    assert working_days_waited(date(2026, 8, 14), date(2026, 8, 18), working) == 1
    assert working_days_waited(date(2026, 8, 14), date(2026, 8, 14), working) == 0  # answered the same day
    assert working_days_waited(date(2026, 8, 13), date(2026, 8, 19), working) == 3


def test_the_due_day_moves_by_the_days_waited_over_the_weekend_and_the_holiday() -> None:
    # Due Friday 14 August; 1 working day waited: Tuesday 18 (not Saturday, Sunday or Monday 17).
    assert resumed_due_day(date(2026, 8, 14), date(2026, 8, 10), date(2026, 8, 11), working) == date(2026, 8, 18)
    assert resumed_due_day(date(2026, 8, 21), date(2026, 8, 14), date(2026, 8, 18), working) == date(2026, 8, 24)
    assert resumed_due_day(date(2026, 8, 21), date(2026, 8, 14), date(2026, 8, 14), working) == date(2026, 8, 21)


async def test_a_request_for_information_pauses_the_team_and_the_reporter_s_answer_moves_its_due_day() -> None:
    sealing, triage_keys = key_rings("bps-1700")
    uow = FakeTriage()
    configuration = demo_configuration("bps-1700")
    uow.tenants.kept["bps-1700"] = configuration.model_copy(
        update={"policy": configuration.policy.model_copy(update={"calendar": AUGUST})}
    )
    case_id = await registered(uow)
    # Disposed Thursday 13 August: 5 working days are Fri 14, Tue 18 .. Fri 21 (Monday 17 a holiday).
    due = datetime(2026, 8, 22, tzinfo=JAKARTA)
    uow.rows[case_id] = dataclasses.replace(
        uow.rows[case_id],
        status=CaseStatus.DITELAAH,
        disposed_at=datetime(2026, 8, 13, 10, tzinfo=JAKARTA),
        follow_up_due=due,
    )
    asked_at = datetime(2026, 8, 14, 15, tzinfo=JAKARTA)
    ask = OfficerDraft(kind=OfficerMessageKind.PERMINTAAN_INFORMASI, text="Mohon kirim bukti transfer.")
    await send_officer_message("bps-1700", case_id, ask, READER, uow=uow, keys=triage_keys, clock=lambda: asked_at)
    assert uow.rows[case_id].waiting_on_reporter_since == asked_at
    # An answer to the reporter does not make the case wait on them.
    answer = OfficerDraft(kind=OfficerMessageKind.JAWABAN, text="Terima kasih.")
    await send_officer_message(
        "bps-1700", case_id, answer, READER, uow=uow, keys=triage_keys, clock=lambda: asked_at + timedelta(hours=1)
    )
    assert uow.rows[case_id].waiting_on_reporter_since == asked_at

    # The reporter answers on Tuesday 18 August: one working day waited; due Monday 24 (end of).
    handle = record_reporter_message(triage_keys, zone=JAKARTA)
    written = reporter_message(
        case_id,
        sealing,
        "Bukti terlampir.",
        kind=ReporterMessageKind.INFORMASI_TAMBAHAN,
        sent_at=datetime(2026, 8, 18, 9, tzinfo=JAKARTA),
    )
    await handle(written, uow)
    assert uow.rows[case_id].waiting_on_reporter_since is None
    assert uow.rows[case_id].follow_up_due == datetime(2026, 8, 25, tzinfo=JAKARTA)
    # The same message delivered again moves nothing.
    await handle(written, uow)
    assert uow.rows[case_id].follow_up_due == datetime(2026, 8, 25, tzinfo=JAKARTA)


async def test_a_message_written_before_the_request_does_not_resume_the_clock() -> None:
    sealing, triage_keys = key_rings("bps-1700")
    uow = FakeTriage()
    case_id = await registered(uow)
    since = datetime(2026, 11, 25, 10, tzinfo=JAKARTA)
    uow.rows[case_id] = dataclasses.replace(
        uow.rows[case_id], status=CaseStatus.DITELAAH, follow_up_due=since, waiting_on_reporter_since=since
    )
    crossed = reporter_message(
        case_id, sealing, "Pesan lama.", kind=ReporterMessageKind.PESAN, sent_at=since - timedelta(minutes=1)
    )
    await record_reporter_message(triage_keys)(crossed, uow)
    assert uow.rows[case_id].waiting_on_reporter_since == since
    # A case with no id of the message's tenant, or none at all, is left alone.
    await record_reporter_message(triage_keys)(reporter_message(uuid4(), sealing, "?"), uow)


class FakeRoster:
    def __init__(self, *entries: RosterEntry) -> None:
        self.entries = {(e.tenant, e.officer_id): e for e in entries}

    async def keep(self, entry: RosterEntry) -> bool:
        kept = self.entries.get((entry.tenant, entry.officer_id))
        if newer(kept, entry):
            self.entries[(entry.tenant, entry.officer_id)] = entry
            return True
        return False

    async def get(self, tenant: str, officer_id: str) -> RosterEntry | None:
        return self.entries.get((tenant, officer_id))

    async def of_tenant(self, tenant: str) -> list[RosterEntry]:
        return [e for (t, _), e in self.entries.items() if t == tenant]


class FakeQueueTriage(FakeTriage):
    """Triage's fake with the roster (the queue's own reads are not used here)."""

    def __init__(self) -> None:
        super().__init__()
        self.roster = FakeRoster(*ROSTER.values())
        self.open_questions = self

    async def queue(self, tenant: str, query: QueueQuery, lateness: Lateness) -> tuple[list[Case], int]:
        raise NotImplementedError

    async def of_cases(self, tenant: str, case_ids: Sequence[UUID]) -> list[OpenQuestion]:
        return []


async def test_the_team_s_follow_up_is_due_five_working_days_after_the_disposition_past_17_august() -> None:
    _, triage_keys = key_rings("bps-1700")
    uow = FakeQueueTriage()
    as_queue = cast(QueueUnitOfWork, uow)  # its cases are itself, which mypy sees as the plain fake
    configuration = demo_configuration("bps-1700")
    uow.tenants.kept["bps-1700"] = configuration.model_copy(
        update={"policy": configuration.policy.model_copy(update={"calendar": AUGUST})}
    )
    case_id = await registered(uow)
    # Thursday 13 August: Fri 14, (weekend, Monday 17 a holiday), Tue 18, Wed 19, Thu 20, Fri 21.
    disposed_at = datetime(2026, 8, 13, 15, tzinfo=JAKARTA)
    draft = DispositionDraft("ketua", ("penelaah",), "Telaah dan laporkan.")
    disposition = await dispose_case(
        "bps-1700", case_id, draft, READER, uow=as_queue, keys=triage_keys, clock=lambda: disposed_at, zone=JAKARTA
    )
    assert disposition is not None
    assert disposition.follow_up_due == datetime(2026, 8, 22, tzinfo=JAKARTA)
    case = uow.rows[case_id]
    assert (case.status, case.disposed_at, case.follow_up_due) == (
        CaseStatus.DITELAAH,
        disposed_at,
        datetime(2026, 8, 22, tzinfo=JAKARTA),
    )
    [(_, envelope)] = [e for e in uow.events if e[0] is CASE_DISPOSED]
    event: CaseDisposedV1 = envelope.data
    assert (event.follow_up_due, event.disposed_by, event.policy_version) == (
        date(2026, 8, 21),
        READER.officer_id,
        configuration.policy_version,
    )
    assert [(m.officer_id, m.role) for m in event.team] == [("ketua", TeamRole.KETUA), ("penelaah", TeamRole.ANGGOTA)]
    opened = triage_keys.open(event.instruction, tenant="bps-1700", case=case_id, model=DispositionInstructionV1)
    assert opened.text == "Telaah dan laporkan."
    assert "Telaah dan" not in envelope.model_dump_json()
    assert [a for a, _ in uow.audit.actions("bps-1700")] == ["case.disposed"]

    # Asked for information, then disposed again: the new team's clock starts paused.
    asked_at = datetime(2026, 8, 14, 9, tzinfo=JAKARTA)
    await uow.dispositions.wait_on_reporter(case_id, asked_at)
    again_at = datetime(2026, 8, 14, 10, tzinfo=JAKARTA)
    again = await dispose_case(
        "bps-1700",
        case_id,
        DispositionDraft("penelaah", (), "Tim baru."),
        READER,
        uow=as_queue,
        keys=triage_keys,
        clock=lambda: again_at,
        zone=JAKARTA,
    )
    assert again is not None
    assert uow.rows[case_id].waiting_on_reporter_since == again_at
    assert len(await uow.dispositions.of_case(case_id)) == 2
    assert (await uow.dispositions.teams([case_id]))[case_id] == [TeamSeat("penelaah", TeamRole.KETUA, "Ani")]

    # Refused: nothing changes, nothing is published or recorded.
    before = (dict(uow.rows), len(uow.events), len(uow.audit.actions("bps-1700")))
    with pytest.raises(DispositionRefused):
        await dispose_case(
            "bps-1700",
            case_id,
            DispositionDraft("pimpinan", (), "x"),
            READER,
            uow=as_queue,
            keys=triage_keys,
            clock=lambda: again_at,
            zone=JAKARTA,
        )
    assert (dict(uow.rows), len(uow.events), len(uow.audit.actions("bps-1700"))) == before
    # Another tenant's case: as if there were none.
    assert (
        await dispose_case(
            "bps-1", case_id, draft, READER, uow=as_queue, keys=triage_keys, clock=lambda: again_at, zone=JAKARTA
        )
        is None
    )
