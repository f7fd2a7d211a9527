"""Who is told what: notify's defaults, a tenant's rules replacing them, and the handlers queueing
notifications once, with nothing of the matter in them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4
from zoneinfo import ZoneInfo

from tests.support.events import case_registered, telaah_decided
from tests.unit.notify.rules.events import (
    TENANT,
    approval_requested,
    case_disposed,
    handed_over,
    officer_replied,
    recommendation_completed,
    recommendation_issued,
    recommendation_overdue,
    reporter_wrote,
)
from tests.unit.notify.rules.fakes import FakeRulesUnitOfWork
from wbs_contracts.events.directory import (
    Holiday,
    NotificationChannel,
    NotificationRule,
    NotificationSubject,
    WorkingCalendar,
)
from wbs_contracts.events.triage import TelaahOutcome
from wbs_contracts.roles import Role
from wbs_notify.domain.notification import Channel, DeliveryStatus, RecipientKind
from wbs_notify.domain.reminders import Deadline, ReminderState
from wbs_notify.domain.rules import DEFAULT_RULES, rule_for
from wbs_notify.usecases.deadlines import approaching_at, passed_at
from wbs_notify.usecases.rules import (
    end_follow_up,
    end_recommendation,
    plan_recommendation,
    send_due_reminders,
    tell_agency,
    tell_approvers,
    tell_new_case,
    tell_recommendation_overdue,
    tell_reporter_of_reply,
    tell_reporter_wrote,
    tell_team_and_plan,
)

S = NotificationSubject
JAKARTA = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 30, 3, tzinfo=UTC)
MONDAY = date(2026, 12, 7)


def clock() -> datetime:
    return NOW


def staffed() -> FakeRulesUnitOfWork:
    uow = FakeRulesUnitOfWork()
    uow.roster.add(TENANT, "petugas", Role.PETUGAS_PENGADUAN)
    uow.roster.add(TENANT, "pimpinan", Role.PIMPINAN_SATKER)
    uow.roster.add(TENANT, "penelaah", Role.PENELAAH)
    uow.roster.add(TENANT, "ketua", Role.KETUA_TIM)
    uow.roster.add(TENANT, "mantan", Role.PETUGAS_PENGADUAN, active=False)
    uow.roster.add("kpk", "pelanggan", Role.AGENCY_SUBSCRIBER)
    return uow


def told(uow: FakeRulesUnitOfWork, subject: NotificationSubject) -> set[tuple[str | None, Channel]]:
    return {(n.recipient, n.channel) for n in uow.everything() if n.subject is subject}


def test_every_subject_has_a_default_and_a_tenant_rule_replaces_it_subject_by_subject() -> None:
    assert set(DEFAULT_RULES) == set(NotificationSubject)
    mine = NotificationRule(subject=S.KASUS_BARU, roles=(Role.KETUA_TIM,), channels=(NotificationChannel.KOTAK_MASUK,))
    assert rule_for(S.KASUS_BARU, (mine,)) is mine
    assert rule_for(S.DISPOSISI, (mine,)) is DEFAULT_RULES[S.DISPOSISI]


async def test_a_new_case_tells_the_active_petugas_and_pimpinan_by_inbox_and_mail_once() -> None:
    uow = staffed()
    event = case_registered(tenant=TENANT)
    await tell_new_case(clock)(event, uow)
    await tell_new_case(clock)(event, uow)  # redelivered
    assert told(uow, S.KASUS_BARU) == {
        ("petugas", Channel.KOTAK_MASUK_PETUGAS),
        ("petugas", Channel.SUREL),
        ("pimpinan", Channel.KOTAK_MASUK_PETUGAS),
        ("pimpinan", Channel.SUREL),
    }
    inbox = [n for n in uow.everything() if n.channel is Channel.KOTAK_MASUK_PETUGAS]
    assert {n.status for n in inbox} == {DeliveryStatus.TERKIRIM}
    mail = [n for n in uow.everything() if n.channel is Channel.SUREL]
    assert {(n.status, n.next_attempt_at) for n in mail} == {(DeliveryStatus.ANTRE, NOW)}
    for n in uow.everything():
        assert n.link == f"/perkara/{TENANT}/{event.data.case_id}"
        assert n.idempotency_key == f"kasus-baru:{event.id}:{n.recipient}:{n.channel}"
        assert n.recipient_kind is RecipientKind.PETUGAS
        assert event.data.agenda_number not in repr(n)  # not even the agenda number


async def test_a_tenant_rule_changes_whom_and_how_and_a_disabled_one_tells_nobody() -> None:
    uow = staffed()
    configuration = _configuration(
        NotificationRule(subject=S.KASUS_BARU, roles=(Role.KETUA_TIM,), channels=(NotificationChannel.KOTAK_MASUK,)),
        NotificationRule(subject=S.PESAN_PELAPOR, enabled=False),
    )
    uow.tenants.configurations[TENANT] = configuration
    await tell_new_case(clock)(case_registered(tenant=TENANT), uow)
    assert told(uow, S.KASUS_BARU) == {("ketua", Channel.KOTAK_MASUK_PETUGAS)}
    await tell_reporter_wrote(clock)(reporter_wrote(uuid4()), uow)
    assert told(uow, S.PESAN_PELAPOR) == set()


async def test_a_disposition_tells_the_team_but_the_pimpinan_and_plans_its_follow_up_reminders() -> None:
    uow = staffed()
    case = uuid4()
    event = case_disposed(case, MONDAY, "ketua", "penelaah")
    await tell_team_and_plan(clock, JAKARTA)(event, uow)
    await tell_team_and_plan(clock, JAKARTA)(event, uow)  # redelivered: nothing new
    assert {r for r, _ in told(uow, S.DISPOSISI)} == {"ketua", "penelaah"}
    assert len(uow.everything()) == 4
    reminders = sorted(uow.reminders.planned.values(), key=lambda r: r.fire_at)
    # No calendar yet: weekends only. One working day before Monday is Friday; it passes at Tuesday 00:00.
    assert [(r.subject, r.fire_at) for r in reminders] == [
        (S.TENGGAT_MENDEKAT, datetime(2026, 12, 4, tzinfo=JAKARTA)),
        (S.TENGGAT_LEWAT, datetime(2026, 12, 8, tzinfo=JAKARTA)),
    ]


async def test_a_re_disposition_replaces_the_team_and_the_reminders() -> None:
    uow = staffed()
    case = uuid4()
    first = case_disposed(case, MONDAY, "ketua", at=datetime(2026, 11, 30, tzinfo=UTC))
    later = case_disposed(case, date(2026, 12, 14), "penelaah", at=datetime(2026, 12, 1, tzinfo=UTC))
    await tell_team_and_plan(clock, JAKARTA)(first, uow)
    await tell_team_and_plan(clock, JAKARTA)(later, uow)
    await tell_team_and_plan(clock, JAKARTA)(first, uow)  # the older one, read late: ignored
    assert uow.case_teams.kept[case].members == ("penelaah",)
    waiting = {r.due_on for r in uow.reminders.planned.values() if r.state is ReminderState.MENUNGGU}
    assert waiting == {date(2026, 12, 14)}


async def test_the_round_fires_due_reminders_once_and_a_telaah_decision_cancels_the_rest() -> None:
    uow = staffed()
    case = uuid4()
    await tell_team_and_plan(clock, JAKARTA)(case_disposed(case, MONDAY, "ketua", "penelaah"), uow)
    friday = datetime(2026, 12, 4, 1, tzinfo=JAKARTA)
    assert await send_due_reminders(lambda: uow, clock=lambda: NOW) == 0
    assert await send_due_reminders(lambda: uow, clock=lambda: friday) == 1
    assert await send_due_reminders(lambda: uow, clock=lambda: friday) == 0
    assert told(uow, S.TENGGAT_MENDEKAT) == {
        ("ketua", Channel.KOTAK_MASUK_PETUGAS),
        ("ketua", Channel.SUREL),
        ("penelaah", Channel.KOTAK_MASUK_PETUGAS),
        ("penelaah", Channel.SUREL),
    }
    await end_follow_up()(telaah_decided(TENANT, TelaahOutcome.DIGABUNG, case_id=case, merged_into=uuid4()), uow)
    assert await send_due_reminders(lambda: uow, clock=lambda: datetime(2026, 12, 9, tzinfo=UTC)) == 0
    assert told(uow, S.TENGGAT_LEWAT) == set()


async def test_a_telaah_decision_read_before_the_disposition_leaves_no_reminder() -> None:
    uow = staffed()
    case = uuid4()
    await end_follow_up()(telaah_decided(TENANT, TelaahOutcome.DIGABUNG, case_id=case, merged_into=uuid4()), uow)
    await tell_team_and_plan(clock, JAKARTA)(case_disposed(case, MONDAY, "ketua", "penelaah"), uow)
    assert "penelaah" in {r for r, _ in told(uow, S.DISPOSISI)}  # the team is still told of it
    assert uow.reminders.planned == {}
    assert await send_due_reminders(lambda: uow, clock=lambda: datetime(2026, 12, 9, tzinfo=UTC)) == 0


async def test_a_recommendation_completed_before_it_is_read_as_issued_leaves_no_reminder() -> None:
    uow = staffed()
    case, recommendation = uuid4(), uuid4()
    await end_recommendation()(recommendation_completed(case, recommendation), uow)
    await plan_recommendation(JAKARTA)(recommendation_issued(case, recommendation, date(2026, 12, 11)), uow)
    assert uow.reminders.planned == {}


async def test_a_follow_up_limit_passed_without_decision_tells_the_team_and_the_pimpinan() -> None:
    uow = staffed()
    case = uuid4()
    await tell_team_and_plan(clock, JAKARTA)(case_disposed(case, MONDAY, "ketua"), uow)
    assert await send_due_reminders(lambda: uow, clock=lambda: datetime(2026, 12, 8, tzinfo=JAKARTA)) == 2
    assert {r for r, _ in told(uow, S.TENGGAT_LEWAT)} == {"ketua", "pimpinan"}


async def test_a_recommendation_is_reminded_five_working_days_before_and_completion_cancels() -> None:
    uow = staffed()
    case, recommendation = uuid4(), uuid4()
    uow.tenants.configurations[TENANT] = _configuration()
    due = date(2026, 12, 11)  # a Friday; the configuration makes Tuesday 8 December a holiday
    await plan_recommendation(JAKARTA)(recommendation_issued(case, recommendation, due), uow)
    [reminder] = uow.reminders.planned.values()
    assert (reminder.deadline, reminder.subject) == (Deadline.REKOMENDASI, S.TENGGAT_MENDEKAT)
    assert reminder.fire_at == datetime(2026, 12, 3, tzinfo=JAKARTA)
    assert reminder.link == f"/audit/{TENANT}/{case}/rekomendasi"
    await end_recommendation()(recommendation_completed(case, recommendation), uow)
    assert uow.reminders.planned[reminder.id].state is ReminderState.BATAL
    await plan_recommendation(JAKARTA)(recommendation_issued(case, uuid4(), None), uow)  # no deadline
    assert len(uow.reminders.planned) == 1


async def test_an_overdue_recommendation_tells_the_team_and_the_pimpinan_and_cancels_its_reminder() -> None:
    uow = staffed()
    case, recommendation = uuid4(), uuid4()
    await tell_team_and_plan(clock, JAKARTA)(case_disposed(case, MONDAY, "ketua"), uow)
    await plan_recommendation(JAKARTA)(recommendation_issued(case, recommendation, date(2026, 12, 11)), uow)
    await tell_recommendation_overdue(clock)(recommendation_overdue(case, recommendation, date(2026, 12, 11)), uow)
    assert {r for r, _ in told(uow, S.TENGGAT_LEWAT)} == {"ketua", "pimpinan"}
    assert uow.reminders.planned[next(iter(await uow.reminders.of_reference(recommendation))).id].state is (
        ReminderState.BATAL
    )


async def test_a_reporters_message_goes_to_the_team_or_before_a_disposition_to_the_petugas() -> None:
    uow = staffed()
    undisposed, disposed = uuid4(), uuid4()
    await tell_team_and_plan(clock, JAKARTA)(case_disposed(disposed, MONDAY, "penelaah"), uow)
    await tell_reporter_wrote(clock)(reporter_wrote(undisposed), uow)
    await tell_reporter_wrote(clock)(reporter_wrote(disposed), uow)
    recipients = {(n.recipient, n.case_id) for n in uow.everything() if n.subject is S.PESAN_PELAPOR}
    assert recipients == {("petugas", undisposed), ("penelaah", disposed)}


async def test_a_reply_queues_one_mail_for_the_reporter_and_nothing_else() -> None:
    uow = staffed()
    event = officer_replied(uuid4())
    await tell_reporter_of_reply(clock)(event, uow)
    [mail] = uow.everything()
    assert (mail.channel, mail.recipient_kind, mail.recipient, mail.link) == (
        Channel.SUREL,
        RecipientKind.PELAPOR,
        None,
        "/pantau",
    )
    assert mail.idempotency_key == f"balasan:{event.id}:pelapor:surel"


async def test_approvers_holding_the_roles_are_told_but_not_the_proposer() -> None:
    uow = staffed()
    uow.roster.add(TENANT, "pimpinan-2", Role.PIMPINAN_SATKER, Role.PENELAAH)
    event = approval_requested(uuid4(), "pimpinan-2", Role.PIMPINAN_SATKER)
    await tell_approvers(clock)(event, uow)
    assert {r for r, _ in told(uow, S.PERSETUJUAN)} == {"pimpinan"}
    assert {n.link for n in uow.everything()} == {event.data.page}


async def test_the_proposer_and_the_disposer_are_not_told_of_their_own_act_even_by_a_tenants_rule() -> None:
    uow = staffed()
    uow.roster.add(TENANT, "pimpinan-2", Role.PIMPINAN_SATKER, Role.PENELAAH)
    uow.tenants.configurations[TENANT] = _configuration(
        NotificationRule(subject=S.PERSETUJUAN, roles=(Role.PENELAAH,)),
        NotificationRule(subject=S.DISPOSISI, roles=(Role.PIMPINAN_SATKER,)),
    )
    await tell_approvers(clock)(approval_requested(uuid4(), "pimpinan-2", Role.PIMPINAN_SATKER), uow)
    assert "pimpinan-2" not in {r for r, _ in told(uow, S.PERSETUJUAN)}
    assert "pimpinan" in {r for r, _ in told(uow, S.PERSETUJUAN)}
    await tell_team_and_plan(clock, JAKARTA)(case_disposed(uuid4(), MONDAY, "ketua", by="pimpinan-2"), uow)
    assert {r for r, _ in told(uow, S.DISPOSISI)} >= {"ketua", "pimpinan"}
    assert "pimpinan-2" not in {r for r, _ in told(uow, S.DISPOSISI)}


async def test_a_hand_over_tells_the_agencys_subscribers_and_its_webhooks_once() -> None:
    uow = staffed()
    event = handed_over(uuid4(), "kpk")
    await tell_agency(clock)(event, uow)
    await tell_agency(clock)(event, uow)
    assert told(uow, S.PELIMPAHAN) == {
        ("pelanggan", Channel.KOTAK_MASUK_PETUGAS),
        ("pelanggan", Channel.SUREL),
        ("kpk", Channel.WEBHOOK),
    }
    [webhook] = [n for n in uow.everything() if n.channel is Channel.WEBHOOK]
    assert (webhook.recipient_kind, webhook.tenant, webhook.link) == (RecipientKind.TENANT, "kpk", "/pelimpahan/kpk")


def test_reminder_times_count_the_tenants_working_days() -> None:
    calendar = _configuration().policy.calendar
    # Tuesday 8 December is a holiday: the 2nd working day before Thursday 10 is Monday 7.
    assert approaching_at(calendar, date(2026, 12, 10), 2, JAKARTA) == datetime(2026, 12, 7, tzinfo=JAKARTA)
    assert approaching_at(calendar, MONDAY, 1, JAKARTA) == datetime(2026, 12, 4, tzinfo=JAKARTA)
    assert passed_at(MONDAY, JAKARTA) == datetime(2026, 12, 8, tzinfo=JAKARTA)
    beyond = WorkingCalendar(covers_from=date(2026, 1, 1), covers_until=date(2026, 1, 2))
    assert approaching_at(beyond, MONDAY, 1, JAKARTA) == datetime(2026, 12, 4, tzinfo=JAKARTA)


def _configuration(*rules: NotificationRule):  # type: ignore[no-untyped-def]
    from tests.support.tenants import demo_configuration

    configuration = demo_configuration(TENANT)
    calendar = WorkingCalendar(
        holidays=(Holiday(date=date(2026, 12, 8), name="Libur uji"),),
        covers_from=date(2026, 1, 1),
        covers_until=date(2026, 12, 31),
    )
    policy = configuration.policy.model_copy(update={"calendar": calendar, "notifications": rules})
    return configuration.model_copy(update={"policy": policy})
