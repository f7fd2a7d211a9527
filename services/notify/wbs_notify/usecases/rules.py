"""Notify's rules at work: the handlers that decide who is told what and queue it, and the round
that turns due reminders into notifications.

Every notification says what needs attention (its subject), when, and where (a page behind
sign-in); never the report's substance or anyone's identity. Its idempotency key
(``{subject}:{event or reminder id}:{recipient}:{channel}``) makes a redelivered event queue nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterable
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.approvals import ApprovalRequestedV1
from wbs_contracts.events.directory import NotificationRule, NotificationSubject
from wbs_contracts.events.intake import ReporterMessageSentV1
from wbs_contracts.events.investigation import (
    CaseHandedOverV1,
    RecommendationCompletedV1,
    RecommendationIssuedV1,
    RecommendationOverdueV1,
)
from wbs_contracts.events.triage import CaseDisposedV1, CaseRegisteredV1, OfficerMessageSentV1, TelaahDecidedV1
from wbs_contracts.roles import Role
from wbs_notify.domain import links
from wbs_notify.domain.notification import Channel, Notification
from wbs_notify.domain.reminders import Deadline, Reminder, plan
from wbs_notify.domain.rules import (
    BEFORE_DISPOSITION,
    FOLLOW_UP_LEAD_DAYS,
    NOBODY_ELSE,
    RECOMMENDATION_LEAD_DAYS,
    Occasion,
    for_officers,
    for_reporter,
    for_tenant_endpoints,
    lead_days,
    rule_for,
)
from wbs_notify.domain.team import CaseTeam
from wbs_notify.ports import RulesUnitOfWork
from wbs_notify.usecases import deadlines
from wbs_runtime.clock import Clock

S = NotificationSubject
Handler = Callable[[Envelope[Any], RulesUnitOfWork], Awaitable[None]]

#: How many due reminders one round turns into notifications in one transaction.
REMINDER_BATCH = 50


# -- telling ------------------------------------------------------------------------------------------


async def tell(uow: RulesUnitOfWork, notifications: Iterable[Notification]) -> int:
    """The officer's inbox gets it at once; e-mail and webhooks wait in the queue for their round.
    How many were new."""
    made = 0
    for notification in notifications:
        if notification.channel is Channel.KOTAK_MASUK_PETUGAS:
            made += await uow.officer_inbox.deliver(notification)
        else:
            made += await uow.notifications.enqueue(notification)
    return made


async def rule_of(uow: RulesUnitOfWork, tenant: str, subject: NotificationSubject) -> NotificationRule:
    configuration = await uow.tenants.get(tenant)
    return rule_for(subject, configuration.policy.notifications if configuration else ())


async def holders(uow: RulesUnitOfWork, tenant: str, roles: Collection[Role]) -> set[str]:
    """The active officers holding one of ``roles`` in ``tenant``, as the roster last heard."""
    if not roles:
        return set()
    return {entry.officer_id for entry in await uow.roster.of_tenant(tenant) if entry.holds_any(roles)}


async def tell_officers(
    uow: RulesUnitOfWork,
    occasion: Occasion,
    officers: Collection[str],
    rule: NotificationRule | None = None,
    *,
    not_to: Collection[str] = (),
) -> int:
    """``officers`` and the holders of the rule's roles, through the rule's channels (and the
    tenant's webhook endpoints when the rule names them); never those in ``not_to`` (whoever did
    what the notification is about), even when they hold one of the rule's roles."""
    rule = rule or await rule_of(uow, occasion.tenant, occasion.subject)
    everyone = (set(officers) | await holders(uow, occasion.tenant, rule.roles)) - set(not_to)
    return await tell(
        uow, for_officers(occasion, rule, everyone) + for_tenant_endpoints(occasion, rule, occasion.tenant)
    )


def occasion_of(
    event: Envelope[Any], subject: NotificationSubject, case_id: UUID | None, link: str, clock: Clock
) -> Occasion:
    """Dated when notify queues it (an event may be applied late)."""
    return Occasion(subject=subject, cause=event.id, tenant=event.tenant, case_id=case_id, link=link, at=clock())


# -- the handlers ---------------------------------------------------------------------------------------


def tell_new_case(clock: Clock) -> Handler:
    """``case-registered``: the petugas pengaduan and the pimpinan satker (by default)."""

    async def handle(event: Envelope[Any], uow: RulesUnitOfWork) -> None:
        registered: CaseRegisteredV1 = event.data
        link = links.case_page(event.tenant, registered.case_id)
        await tell_officers(uow, occasion_of(event, S.KASUS_BARU, registered.case_id, link, clock), ())

    return handle


def tell_team_and_plan(clock: Clock, zone: ZoneInfo) -> Handler:
    """``case-disposed``: keep the team, tell it, and plan the reminders of its follow-up limit
    (before it, and when it passes without a telaah decision). A later disposition replaces the
    team and the reminders; an older one, or the same redelivered, changes nothing."""

    async def handle(event: Envelope[Any], uow: RulesUnitOfWork) -> None:
        disposed: CaseDisposedV1 = event.data
        team = CaseTeam(
            case_id=disposed.case_id,
            tenant=event.tenant,
            members=tuple(member.officer_id for member in disposed.team),
            disposed_at=disposed.disposed_at,
            follow_up_due=disposed.follow_up_due,
        )
        if not await uow.case_teams.keep(team):
            return
        link = links.case_page(event.tenant, disposed.case_id)
        occasion = occasion_of(event, S.DISPOSISI, disposed.case_id, link, clock)
        await tell_officers(uow, occasion, team.members, not_to={disposed.disposed_by})
        configuration = await uow.tenants.get(event.tenant)
        calendar = configuration.policy.calendar if configuration else deadlines.weekends_only(disposed.follow_up_due)
        lead = lead_days(await rule_of(uow, event.tenant, S.TENGGAT_MENDEKAT), FOLLOW_UP_LEAD_DAYS)
        planned = plan(
            tenant=event.tenant,
            case_id=disposed.case_id,
            deadline=Deadline.TINDAK_LANJUT,
            reference=disposed.case_id,
            due_on=disposed.follow_up_due,
            link=link,
            approaching_at=deadlines.approaching_at(calendar, disposed.follow_up_due, lead, zone),
            passed_at=deadlines.passed_at(disposed.follow_up_due, zone),
        )
        await _replace_reminders(uow, Deadline.TINDAK_LANJUT, disposed.case_id, planned)

    return handle


def tell_reporter_wrote(clock: Clock) -> Handler:
    """``reporter-message-sent``: the case's team, or the petugas pengaduan before a disposition."""

    async def handle(event: Envelope[Any], uow: RulesUnitOfWork) -> None:
        message: ReporterMessageSentV1 = event.data
        case_id = message.report_id  # a case keeps its report's id
        team = await uow.case_teams.get(case_id)
        officers = set(team.members) if team else await holders(uow, event.tenant, BEFORE_DISPOSITION)
        link = links.case_page(event.tenant, case_id)
        await tell_officers(uow, occasion_of(event, S.PESAN_PELAPOR, case_id, link, clock), officers)

    return handle


def tell_reporter_of_reply(clock: Clock) -> Handler:
    """``officer-message-sent``: the reporter, by e-mail, only if they left an address (the e-mail
    channel opens the sealed contact at delivery and gives up on a case without one)."""

    async def handle(event: Envelope[Any], uow: RulesUnitOfWork) -> None:
        sent: OfficerMessageSentV1 = event.data
        occasion = occasion_of(event, S.BALASAN, sent.case_id, links.REPORTER_PAGE, clock)
        await tell(uow, for_reporter(occasion, await rule_of(uow, event.tenant, S.BALASAN)))

    return handle


def end_follow_up() -> Handler:
    """``telaah-decided``: the follow-up limit is met; its reminders are cancelled, and none is
    planned by a disposition read after it."""

    async def handle(event: Envelope[Any], uow: RulesUnitOfWork) -> None:
        decided: TelaahDecidedV1 = event.data
        await uow.reminders.met(Deadline.TINDAK_LANJUT, decided.case_id, event.time)

    return handle


def plan_recommendation(zone: ZoneInfo) -> Handler:
    """``recommendation-issued``: a reminder before its deadline (the passing is announced by
    investigation's recommendation-overdue)."""

    async def handle(event: Envelope[Any], uow: RulesUnitOfWork) -> None:
        issued: RecommendationIssuedV1 = event.data
        if issued.due is None:
            return
        configuration = await uow.tenants.get(event.tenant)
        calendar = configuration.policy.calendar if configuration else deadlines.weekends_only(issued.due)
        lead = lead_days(await rule_of(uow, event.tenant, S.TENGGAT_MENDEKAT), RECOMMENDATION_LEAD_DAYS)
        planned = plan(
            tenant=event.tenant,
            case_id=issued.case_id,
            deadline=Deadline.REKOMENDASI,
            reference=issued.recommendation_id,
            due_on=issued.due,
            link=links.recommendations_page(event.tenant, issued.case_id),
            approaching_at=deadlines.approaching_at(calendar, issued.due, lead, zone),
        )
        await _replace_reminders(uow, Deadline.REKOMENDASI, issued.recommendation_id, planned)

    return handle


def tell_recommendation_overdue(clock: Clock) -> Handler:
    """``recommendation-overdue``: the team and the pimpinan satker (by default); a reminder still
    waiting is pointless now."""

    async def handle(event: Envelope[Any], uow: RulesUnitOfWork) -> None:
        overdue: RecommendationOverdueV1 = event.data
        await uow.reminders.cancel(Deadline.REKOMENDASI, overdue.recommendation_id)
        link = links.recommendations_page(event.tenant, overdue.case_id)
        occasion = occasion_of(event, S.TENGGAT_LEWAT, overdue.case_id, link, clock)
        await tell_officers(uow, occasion, await _responsible(uow, occasion))

    return handle


def end_recommendation() -> Handler:
    """``recommendation-completed``: its reminders are cancelled, and none is planned by an
    issuing read after it."""

    async def handle(event: Envelope[Any], uow: RulesUnitOfWork) -> None:
        completed: RecommendationCompletedV1 = event.data
        await uow.reminders.met(Deadline.REKOMENDASI, completed.recommendation_id, event.time)

    return handle


def tell_agency(clock: Clock) -> Handler:
    """``case-handed-over``: in the receiving agency (by its own rules), its subscribers and one
    webhook row for its endpoints. The link is the agency's page of what was handed to it."""

    async def handle(event: Envelope[Any], uow: RulesUnitOfWork) -> None:
        handed: CaseHandedOverV1 = event.data
        occasion = Occasion(
            subject=S.PELIMPAHAN,
            cause=event.id,
            tenant=handed.agency,
            case_id=handed.case_id,
            link=links.agency_page(handed.agency),
            at=clock(),
        )
        await tell_officers(uow, occasion, ())

    return handle


def tell_approvers(clock: Clock) -> Handler:
    """``approval-requested`` (telaah, escalation, publication): the officers holding the roles the
    request names, but the proposer; the link is the page where they approve."""

    async def handle(event: Envelope[Any], uow: RulesUnitOfWork) -> None:
        request: ApprovalRequestedV1 = event.data
        occasion = occasion_of(event, S.PERSETUJUAN, request.case_id, request.page, clock)
        approvers = await holders(uow, event.tenant, request.approver_roles)
        await tell_officers(uow, occasion, approvers, not_to={request.requested_by})

    return handle


def one_after_another(*handlers: Handler) -> Handler:
    """Several handlers of one topic, in one transaction (the runtime takes one per topic)."""

    async def handle(event: Envelope[Any], uow: RulesUnitOfWork) -> None:
        for handler in handlers:
            await handler(event, uow)

    return handle


# -- the reminders' round -----------------------------------------------------------------------------


async def send_due_reminders(unit_of_work: Callable[[], RulesUnitOfWork], *, clock: Clock) -> int:
    """Turn the reminders due now into notifications, each once (a concurrent round skips the
    ones locked here); how many reminders fired."""
    async with unit_of_work() as uow:
        now = clock()
        due = await uow.reminders.due(now, REMINDER_BATCH)
        for reminder in due:
            occasion = Occasion(
                subject=reminder.subject,
                cause=reminder.id,
                tenant=reminder.tenant,
                case_id=reminder.case_id,
                link=reminder.link,
                at=now,
            )
            await tell_officers(uow, occasion, await _responsible(uow, occasion))
            await uow.reminders.fired(reminder.id, now)
        await uow.commit()
        return len(due)


async def _responsible(uow: RulesUnitOfWork, occasion: Occasion) -> set[str]:
    """Whoever must meet a case's deadline: its team; when no team is known and the rule names
    no role, the pimpinan satker (somebody must hear of it)."""
    team = await uow.case_teams.get(occasion.case_id) if occasion.case_id else None
    if team is not None:
        return set(team.members)
    rule = await rule_of(uow, occasion.tenant, occasion.subject)
    return set() if rule.roles else await holders(uow, occasion.tenant, NOBODY_ELSE)


async def _replace_reminders(
    uow: RulesUnitOfWork, deadline: Deadline, reference: UUID, planned: list[Reminder]
) -> None:
    """Plan ``planned`` (each once) and cancel the deadline's other waiting reminders (a new limit);
    nothing when the deadline was met already (its event came first)."""
    if await uow.reminders.was_met(deadline, reference):
        return
    for reminder in planned:
        await uow.reminders.plan(reminder)
    await uow.reminders.cancel(deadline, reference, keep=tuple(r.id for r in planned))
