"""The exposé's rules (002/004 BAB II C.6): invitations 3 calendar days ahead, at the rule's edges and
across the zone's midnight; the presenter team; the minutes and how each ending moves the exposé; the
leaders' meeting; the result to the head of region; who may work on it; which cases allow one."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.support.keys import key_rings
from wbs_contracts.events.investigation import AuditResult
from wbs_contracts.sealed import Audience, SealedPayload
from wbs_investigation.domain.case_file import CaseFile, CaseFileStatus
from wbs_investigation.domain.ekspose import (
    Ekspose,
    EksposeConclusionV1,
    EksposeKind,
    EksposeMinutesV1,
    EksposeRefused,
    EksposeState,
    LeadersDecision,
    LeadersMeeting,
    LeadersMeetingDraft,
    LeadersMeetingV1,
    Minutes,
    MinutesConclusion,
    MinutesDraft,
    PersonDraft,
    PresenterDraft,
    PresenterSeat,
    ResultSent,
    ResultSentDraft,
    ScheduleDraft,
    check_case_allows_ekspose,
    check_invitation_lead,
    check_may_read,
    check_may_work,
    checked_leaders_meeting,
    checked_minutes,
    checked_presenters,
    checked_result_sent,
    checked_schedule,
    conclusion_of,
    earliest_day,
)
from wbs_investigation.domain.team import TeamMember, TeamSeat

WIB = ZoneInfo("Asia/Jakarta")
#: Monday 4 May 2026.
MONDAY = date(2026, 5, 4)
TEAM = [
    TeamMember("ketua-1", "Rahmat Hidayat", TeamSeat.KETUA_TIM),
    TeamMember("auditor-1", "Siti Aminah", TeamSeat.ANGGOTA),
]
OPAQUE = SealedPayload(audience=Audience.CASE_SUBSTANCE, kid="k", ciphertext="AAAA", format=2)


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=WIB)


def presenters() -> list[PresenterDraft]:
    return [
        PresenterDraft("penyaji", officer_id="ketua-1"),
        PresenterDraft("notulen", officer_id="auditor-1"),
        PresenterDraft("moderator", name="Drs. Bambang Sutrisno", position="Sekretaris Inspektorat"),
    ]


def draft(scheduled_at: datetime | None, **changes: object) -> ScheduleDraft:
    base = ScheduleDraft(
        kind="eksternal",
        scheduled_at=scheduled_at,
        place="Ruang Rapat Inspektorat Provinsi Bengkulu",
        topic="Ekspose hasil audit investigasi pengadaan alat kesehatan",
        presenters=presenters(),
        attendees=[PersonDraft("AKBP Joko Santoso", "Polda Bengkulu", "Kasubdit Tipikor"), PersonDraft("", "", "")],
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def ekspose(scheduled_at: datetime, **changes: object) -> Ekspose:
    base = Ekspose(
        id=uuid.uuid4(),
        case_id=uuid.uuid4(),
        tenant="inspektorat-bengkulu",
        kind=EksposeKind.EKSTERNAL,
        scheduled_at=scheduled_at,
        place="Ruang Rapat",
        letter_number="",
        invited_at=scheduled_at - timedelta(days=5),
        invited_by="ketua-1",
        invited_by_name="Rahmat Hidayat",
        sealed_invitation=OPAQUE,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def minutes(conclusion: MinutesConclusion) -> Minutes:
    return Minutes(conclusion, "ketua-1", "Rahmat Hidayat", at(MONDAY), OPAQUE)


def leaders(decision: LeadersDecision) -> LeadersMeeting:
    return LeadersMeeting(MONDAY, decision, "ketua-1", "Rahmat Hidayat", at(MONDAY), OPAQUE)


# -- the 3-day rule ----------------------------------------------------------------------------------


def test_the_earliest_day_is_the_third_calendar_day_after_the_invitation_whatever_the_hour() -> None:
    assert earliest_day(at(MONDAY, 0, 0), WIB) == date(2026, 5, 7)
    assert earliest_day(at(MONDAY, 23, 59), WIB) == date(2026, 5, 7)
    # Calendar days: a Friday invitation allows Monday.
    assert earliest_day(at(date(2026, 5, 8), 16), WIB) == date(2026, 5, 11)


def test_an_invitation_late_on_monday_allows_thursday_at_midnight() -> None:
    check_invitation_lead(at(MONDAY, 23, 59), at(date(2026, 5, 7), 0, 0), WIB)


def test_an_invitation_early_on_monday_does_not_allow_wednesday_at_its_last_minute() -> None:
    with pytest.raises(EksposeRefused) as refused:
        check_invitation_lead(at(MONDAY, 0, 0), at(date(2026, 5, 6), 23, 59), WIB)
    assert refused.value.field == "scheduled_at"
    assert "3 (tiga) hari" in refused.value.pesan
    assert "Senin, 4 Mei 2026" in refused.value.pesan
    assert "paling cepat pada Kamis, 7 Mei 2026" in refused.value.pesan
    assert "Thursday 7 May 2026 at the earliest" in refused.value.message


def test_days_are_counted_in_the_services_zone_not_in_utc() -> None:
    # 17:30 UTC on Monday is 00:30 on Tuesday in Jakarta: the invitation's day is Tuesday.
    invited = datetime(2026, 5, 4, 17, 30, tzinfo=UTC)
    assert earliest_day(invited, WIB) == date(2026, 5, 8)
    with pytest.raises(EksposeRefused, match="Friday 8 May 2026"):
        check_invitation_lead(invited, datetime(2026, 5, 7, 16, 59, tzinfo=UTC), WIB)  # Thursday 23:59 WIB
    check_invitation_lead(invited, datetime(2026, 5, 7, 17, 0, tzinfo=UTC), WIB)  # Friday 00:00 WIB


def test_an_expose_in_the_past_or_today_is_refused() -> None:
    for scheduled in (at(MONDAY, 8), at(MONDAY, 15), at(MONDAY - timedelta(days=1))):
        with pytest.raises(EksposeRefused):
            check_invitation_lead(at(MONDAY, 10), scheduled, WIB)


# -- scheduling -----------------------------------------------------------------------------------------


def test_a_schedule_names_the_presenter_team_from_the_audit_team_or_by_name() -> None:
    checked = checked_schedule(draft(at(date(2026, 5, 7), 9)), TEAM, invited_at=at(MONDAY, 10), zone=WIB)
    assert checked.kind is EksposeKind.EKSTERNAL
    assert [(p.seat, p.name, p.officer_id) for p in checked.invitation.presenters] == [
        (PresenterSeat.PENYAJI, "Rahmat Hidayat", "ketua-1"),
        (PresenterSeat.NOTULEN, "Siti Aminah", "auditor-1"),
        (PresenterSeat.MODERATOR, "Drs. Bambang Sutrisno", None),
    ]
    assert [(a.name, a.institution) for a in checked.invitation.attendees] == [("AKBP Joko Santoso", "Polda Bengkulu")]


def test_a_naive_time_is_taken_in_the_services_zone() -> None:
    naive = datetime(2026, 5, 7, 9, 0)
    checked = checked_schedule(draft(naive), TEAM, invited_at=at(MONDAY, 10), zone=WIB)
    assert checked.scheduled_at == at(date(2026, 5, 7), 9)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "rahasia"}, "kind"),
        ({"scheduled_at": None}, "scheduled_at"),
        ({"place": "  "}, "place"),
        ({"topic": ""}, "topic"),
        ({"attendees": [PersonDraft("", "", "")]}, "attendees"),
        ({"attendees": [PersonDraft("Tanpa Instansi", "")]}, "attendees.0"),
        ({"presenters": presenters()[:2]}, "presenters.moderator"),
        (
            {"presenters": [*presenters()[:2], PresenterDraft("moderator", officer_id="bukan-tim")]},
            "presenters.moderator",
        ),
        ({"presenters": [*presenters(), PresenterDraft("penyaji", name="Dua Kali")]}, "presenters.penyaji"),
        ({"presenters": [*presenters(), PresenterDraft("juru-foto", name="X")]}, "presenters"),
    ],
)
def test_a_schedule_missing_something_is_refused_naming_the_field(changes: dict[str, object], field: str) -> None:
    scheduled = changes.pop("scheduled_at", at(date(2026, 5, 7), 9))
    with pytest.raises(EksposeRefused) as refused:
        checked_schedule(draft(scheduled, **changes), TEAM, invited_at=at(MONDAY, 10), zone=WIB)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert refused.value.pesan
    assert refused.value.message


def test_presenters_missing_are_named() -> None:
    with pytest.raises(EksposeRefused) as refused:
        checked_presenters([PresenterDraft("penyaji", name="A")], TEAM)
    assert "notulen, moderator" in refused.value.pesan


# -- who may, and when --------------------------------------------------------------------------------


def test_the_team_or_a_ketua_tim_works_on_the_expose_and_others_are_refused() -> None:
    check_may_work({"investigate-cases", "read-cases"}, on_team=True)
    check_may_work({"assign-cases", "read-cases"}, on_team=False)
    for permissions, on_team in (({"investigate-cases"}, False), ({"dispose-cases"}, False), ({"read-cases"}, True)):
        with pytest.raises(EksposeRefused) as refused:
            check_may_work(permissions, on_team=on_team)
        assert refused.value.field == "officer"
    check_may_read({"dispose-cases"}, on_team=False)  # the pimpinan satker reads
    with pytest.raises(EksposeRefused, match="Surat Tugas"):
        check_may_read({"investigate-cases"}, on_team=False)


def case(status: CaseFileStatus, result: AuditResult | None = AuditResult.TPK) -> CaseFile:
    return CaseFile(uuid.uuid4(), "inspektorat-bengkulu", "A/1", MONDAY, status=status, result=result)


def test_an_expose_follows_a_final_report_with_a_tpk_result() -> None:
    check_case_allows_ekspose(case(CaseFileStatus.LAPORAN_TERBIT))
    refusals = {
        "pengujian ulang": case(CaseFileStatus.PENGUJIAN_ULANG),
        "sudah dilimpahkan": case(CaseFileStatus.DISERAHKAN),
        "setelah laporan hasil audit terbit": case(CaseFileStatus.PELAKSANAAN, None),
        "bukan TPK": case(CaseFileStatus.LAPORAN_TERBIT, AuditResult.PELANGGARAN_ADMINISTRATIF),
    }
    for words, file in refusals.items():
        with pytest.raises(EksposeRefused, match=words) as refused:
            check_case_allows_ekspose(file)
        assert refused.value.field == "case"


# -- minutes, the leaders' meeting, the result ----------------------------------------------------------


def minutes_draft(conclusion: str, **changes: object) -> MinutesDraft:
    base = MinutesDraft(
        conclusion=conclusion,
        discussion="Tim menyajikan temuan; penyidik menanggapi.",
        chaired_by="Sekretaris Inspektorat",
        agreed="Unsur TPK terpenuhi; kerugian Rp 1.200.000.000.",
        disagreement="Penyidik menilai unsur melawan hukum belum cukup bukti.",
        new_evidence="Kuitansi tambahan Rp 300.000.000.",
        signatories=[("Siti Aminah", "Notulis"), ("Rahmat Hidayat", "Ketua Tim"), ("", "")],
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_minutes_wait_for_the_expose_to_take_place() -> None:
    held = ekspose(at(date(2026, 5, 7), 9))
    with pytest.raises(EksposeRefused, match=r"Kamis, 7 Mei 2026 pukul 09\.00"):
        checked_minutes(minutes_draft("sepakat"), held, now=at(date(2026, 5, 7), 8, 59), zone=WIB)
    recorded = checked_minutes(minutes_draft("sepakat"), held, now=at(date(2026, 5, 7), 9), zone=WIB)
    assert [s.name for s in recorded.signatories] == ["Siti Aminah", "Rahmat Hidayat"]


@pytest.mark.parametrize(
    ("conclusion", "emptied", "field"),
    [
        ("sepakat", "agreed", "agreed"),
        ("tidak-sepakat", "disagreement", "disagreement"),
        ("bukti-baru", "new_evidence", "new_evidence"),
        ("sepakat", "discussion", "discussion"),
        ("lain", "discussion", "conclusion"),
    ],
)
def test_each_ending_needs_its_words(conclusion: str, emptied: str, field: str) -> None:
    held = ekspose(at(date(2026, 5, 7), 9))
    changes: dict[str, object] = {emptied: ""} if conclusion != "lain" else {}
    with pytest.raises(EksposeRefused) as refused:
        checked_minutes(minutes_draft(conclusion, **changes), held, now=at(date(2026, 5, 8)), zone=WIB)
    assert refused.value.field == field


def test_minutes_need_a_signatory_and_come_once() -> None:
    held = ekspose(at(date(2026, 5, 7), 9))
    with pytest.raises(EksposeRefused) as refused:
        checked_minutes(minutes_draft("sepakat", signatories=[("", "")]), held, now=at(date(2026, 5, 8)), zone=WIB)
    assert refused.value.field == "signatories"
    done = replace(held, minutes=minutes(MinutesConclusion.SEPAKAT))
    with pytest.raises(EksposeRefused) as again:
        checked_minutes(minutes_draft("sepakat"), done, now=at(date(2026, 5, 8)), zone=WIB)
    assert again.value.field == "ekspose"


def test_how_each_ending_moves_the_expose() -> None:
    held = ekspose(at(date(2026, 5, 7), 9))
    assert held.state is EksposeState.DIJADWALKAN
    assert replace(held, minutes=minutes(MinutesConclusion.SEPAKAT)).state is EksposeState.SEPAKAT
    assert replace(held, minutes=minutes(MinutesConclusion.BUKTI_BARU)).state is EksposeState.PENGUJIAN_ULANG
    disagreed = replace(held, minutes=minutes(MinutesConclusion.TIDAK_SEPAKAT))
    assert disagreed.state is EksposeState.MENUNGGU_RAPAT_PIMPINAN
    assert not disagreed.state.closed
    settled = replace(disagreed, leaders_meeting=leaders(LeadersDecision.DISEPAKATI))
    assert settled.state is EksposeState.DISEPAKATI_PIMPINAN
    assert settled.state.concluded
    retest = replace(disagreed, leaders_meeting=leaders(LeadersDecision.PENGUJIAN_ULANG))
    assert retest.state is EksposeState.PENGUJIAN_ULANG
    assert retest.state.closed
    assert not retest.state.concluded


def test_a_leaders_meeting_follows_a_disagreement_only() -> None:
    held = ekspose(at(date(2026, 5, 7), 9))
    meeting = LeadersMeetingDraft(
        held_on=date(2026, 5, 11),
        decision="disepakati",
        text="Perkara dilimpahkan kepada Kejaksaan Tinggi.",
        participants=[PersonDraft("Sekretaris Daerah"), PersonDraft("Inspektur")],
    )
    with pytest.raises(EksposeRefused) as refused:
        checked_leaders_meeting(meeting, held, today=date(2026, 5, 12), zone=WIB)
    assert refused.value.field == "ekspose"
    disagreed = replace(held, minutes=minutes(MinutesConclusion.TIDAK_SEPAKAT))
    held_on, decision, record = checked_leaders_meeting(meeting, disagreed, today=date(2026, 5, 12), zone=WIB)
    assert (held_on, decision, [p.name for p in record.participants]) == (
        date(2026, 5, 11),
        LeadersDecision.DISEPAKATI,
        ["Sekretaris Daerah", "Inspektur"],
    )
    for wrong in (date(2026, 5, 6), date(2026, 5, 13), None):
        with pytest.raises(EksposeRefused) as dated:
            checked_leaders_meeting(replace(meeting, held_on=wrong), disagreed, today=date(2026, 5, 12), zone=WIB)
        assert dated.value.field == "held_on"
    with pytest.raises(EksposeRefused) as nobody:
        checked_leaders_meeting(replace(meeting, participants=[]), disagreed, today=date(2026, 5, 12), zone=WIB)
    assert nobody.value.field == "participants"


def test_the_result_goes_to_the_head_of_region_once_the_expose_is_over_and_once() -> None:
    held = ekspose(at(date(2026, 5, 7), 9))
    sent = ResultSentDraft("Gubernur Bengkulu", date(2026, 5, 8), " 700/123/INSP ")
    with pytest.raises(EksposeRefused, match="setelah ekspose selesai"):
        checked_result_sent(sent, held, today=date(2026, 5, 8), zone=WIB)
    agreed = replace(held, minutes=minutes(MinutesConclusion.SEPAKAT))
    assert checked_result_sent(sent, agreed, today=date(2026, 5, 8), zone=WIB).letter_number == "700/123/INSP"
    retested = replace(held, minutes=minutes(MinutesConclusion.BUKTI_BARU))
    checked_result_sent(sent, retested, today=date(2026, 5, 8), zone=WIB)
    with pytest.raises(EksposeRefused) as nobody:
        checked_result_sent(replace(sent, sent_to=" "), agreed, today=date(2026, 5, 8), zone=WIB)
    assert nobody.value.field == "sent_to"
    with pytest.raises(EksposeRefused) as future:
        checked_result_sent(sent, agreed, today=date(2026, 5, 7), zone=WIB)
    assert future.value.field == "sent_on"
    done = replace(agreed, result_sent=ResultSent("Gubernur", date(2026, 5, 8), "", "k", "K", at(MONDAY)))
    with pytest.raises(EksposeRefused, match="sudah disampaikan"):
        checked_result_sent(sent, done, today=date(2026, 5, 9), zone=WIB)


def test_the_conclusion_kept_for_a_hand_over_and_its_summary() -> None:
    held = ekspose(at(date(2026, 5, 7), 9))
    recorded = EksposeMinutesV1(discussion="…", conclusion="Unsur TPK terpenuhi.", disagreement="", signatories=[])
    agreed = conclusion_of(held, recorded)
    assert agreed.state is EksposeState.SEPAKAT
    assert agreed.summary(WIB) == "Ekspose eksternal, Kamis, 7 Mei 2026: sepakat. Unsur TPK terpenuhi."
    disputed = recorded.model_copy(update={"disagreement": "Unsur melawan hukum diperdebatkan."})
    settled = conclusion_of(
        held, disputed, (date(2026, 5, 11), LeadersMeetingV1(participants=[], decision="Dilimpahkan ke Kejati."))
    )
    assert settled.state is EksposeState.DISEPAKATI_PIMPINAN
    assert settled.summary(WIB) == (
        "Ekspose eksternal, Kamis, 7 Mei 2026: tidak sepakat (Unsur melawan hukum diperdebatkan.). "
        "Rapat antar pimpinan Senin, 11 Mei 2026 memutuskan: Dilimpahkan ke Kejati."
    )
    sealing, opening = key_rings("inspektorat-bengkulu")
    sealed = sealing.seal("inspektorat-bengkulu", Audience.CASE_SUBSTANCE, settled, case=held.case_id)
    opened = opening.open(sealed, tenant="inspektorat-bengkulu", case=held.case_id, model=EksposeConclusionV1)
    assert opened == settled
