"""The Kotak Komunikasi: the reporter's messages and questions, and the officers' answers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.directory import WorkingCalendar
from wbs_contracts.events.intake import (
    MailboxMessageV1,
    ReporterMessageKind,
    ReporterMessageSentV1,
    ReporterMessageV1,
)
from wbs_contracts.events.triage import OfficerMessageSentV1
from wbs_contracts.registry import REPORTER_MESSAGE_SENT
from wbs_contracts.sealed import Audience
from wbs_intake.domain.mailbox import (
    Direction,
    MailboxMessage,
    OpenedMessage,
    answer_limit,
    checked_reply,
    checked_text,
    is_question,
)
from wbs_intake.ports import (
    IntakeUnitOfWork,
    Opener,
    Sealer,
)
from wbs_intake.usecases.errors import UnknownReport
from wbs_runtime.clock import Clock
from wbs_runtime.working_days import WEEKENDS_ONLY, CalendarNotCovering, due

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MessageDraft:
    """What the signed-in reporter wrote."""

    kind: ReporterMessageKind
    text: str
    in_reply_to: UUID | None = None


async def send_reporter_message(
    report_id: UUID,
    draft: MessageDraft,
    *,
    uow: IntakeUnitOfWork,
    sealer: Sealer,
    clock: Clock,
    zone: ZoneInfo,
    correlation_id: str,
) -> MailboxMessage:
    """The reporter writes to the officers: ``reporter-message-sent`` (sealed to case-substance)
    and the reporter's own copy (sealed to reporter-mailbox), in one transaction. A question
    starts the body's clock: its answer is due after the policy's ``jawaban-pelapor`` limit, in
    the tenant's working days. Raises ``MessageRefused`` for text or a reply it cannot take."""
    text = checked_text(draft.text)
    async with uow:
        report = await uow.reports.get(report_id)
        if report is None:
            raise UnknownReport(f"report {report_id} is gone")
        in_reply_to = checked_reply(draft.in_reply_to, await uow.messages.of_report(report.id))
        now = clock()
        answer_due = await _answer_due(report.tenant, now, uow=uow, zone=zone) if is_question(draft.kind) else None
        message = MailboxMessage(
            id=uuid4(),
            report_id=report.id,
            direction=Direction.DARI_PELAPOR,
            kind=draft.kind.value,
            sent_at=now,
            sealed=sealer.seal(report.tenant, Audience.REPORTER_MAILBOX, MailboxMessageV1(text=text), case=report.id),
            in_reply_to=in_reply_to,
            answer_due=answer_due,
        )
        event = ReporterMessageSentV1(
            report_id=report.id,
            message_id=message.id,
            kind=draft.kind,
            sent_at=now,
            body=sealer.seal(report.tenant, Audience.CASE_SUBSTANCE, ReporterMessageV1(text=text), case=report.id),
            answer_due=answer_due,
            in_reply_to=in_reply_to,
        )
        await uow.messages.add(message)
        await uow.outbox.add(
            REPORTER_MESSAGE_SENT,
            REPORTER_MESSAGE_SENT.envelope(
                event, tenant=report.tenant, subject=str(report.id), time=now, correlation_id=correlation_id
            ),
        )
        await uow.commit()
    return message


async def _answer_due(tenant: str, now: datetime, *, uow: IntakeUnitOfWork, zone: ZoneInfo) -> datetime:
    configuration = await uow.configurations.get(tenant)
    if configuration is None:  # a report's tenant was kept when it was offered; only a lost copy gets here
        log.warning("no kept configuration of %s: a question's answer is due counting weekends only", tenant)
        calendar = WorkingCalendar(covers_from=now.date(), covers_until=now.date())
        limits = {}
    else:
        calendar, limits = configuration.policy.calendar, dict(configuration.policy.time_limits)
    limit = answer_limit(limits)
    try:
        return due(calendar, limit, now, zone=zone)
    except CalendarNotCovering as beyond:
        # A question is never turned away: past the calendar, weekends alone are counted, which is
        # never later than the true due time. Directory republishes calendars (wbs tenants publish).
        log.warning("%s's calendar does not cover %s: counting weekends only beyond it", tenant, beyond.day)
        return due(calendar, limit, now, zone=zone, beyond=WEEKENDS_ONLY)


def record_officer_message(opener: Opener) -> Callable[[Envelope[Any], IntakeUnitOfWork], Awaitable[None]]:
    """Handler of ``officer-message-sent``: keep the message sealed for the reporter. A message
    delivered again (another event id, a replay) is kept once: its id is the key. It is opened once
    here, so one that cannot be opened is dead-lettered now rather than failing the reporter later."""

    async def handle(event: Envelope[Any], uow: IntakeUnitOfWork) -> None:
        data: OfficerMessageSentV1 = event.data
        report = await uow.reports.get(data.case_id)
        if report is None or report.tenant != event.tenant:
            raise UnknownReport(f"an officer wrote about case {data.case_id}, which intake never received here")
        opener.open(data.body, tenant=report.tenant, case=report.id, model=MailboxMessageV1)
        await uow.messages.add(
            MailboxMessage(
                id=data.message_id,
                report_id=report.id,
                direction=Direction.DARI_PETUGAS,
                kind=data.kind.value,
                sent_at=data.sent_at,
                sealed=data.body,
                in_reply_to=data.in_reply_to,
            )
        )

    return handle


async def read_mailbox(report_id: UUID, *, uow: IntakeUnitOfWork, opener: Opener) -> list[OpenedMessage]:
    """The signed-in reporter's messages, both ways, opened, oldest first."""
    async with uow:
        report = await uow.reports.get(report_id)
        if report is None:
            raise UnknownReport(f"report {report_id} is gone")
        messages = await uow.messages.of_report(report.id)
    return [
        OpenedMessage(m, opener.open(m.sealed, tenant=report.tenant, case=report.id, model=MailboxMessageV1).text)
        for m in messages
    ]
