from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from tests.support.events import case_registered
from tests.unit.notify.fakes import FakeNotifyUnitOfWork
from wbs_notify.domain.notification import Channel, DeliveryStatus, Kind
from wbs_notify.usecases import acknowledge_registration

NOW = datetime(2026, 11, 21, tzinfo=UTC)


async def test_a_registered_case_queues_one_acknowledgement_without_content() -> None:
    uow = FakeNotifyUnitOfWork()
    event = case_registered()
    handle = acknowledge_registration(lambda: NOW)
    await handle(event, uow)
    await handle(case_registered(case_id=event.data.case_id), uow)  # the same case, announced again
    [notification] = uow.notifications.queued.values()
    assert notification.case_id == event.data.case_id
    assert (notification.kind, notification.channel, notification.status) == (
        Kind.TANDA_TERIMA,
        Channel.KOTAK_MASUK,
        DeliveryStatus.ANTRE,
    )
    assert notification.template == "tanda-terima.v1"
    # A notification names a template; nothing of the report travels with it.
    assert set(vars(notification)) == {
        "idempotency_key", "case_id", "tenant", "kind", "channel", "template", "status", "queued_at",
        "recipient_kind", "recipient", "subject", "link", "next_attempt_at",
    }  # fmt: skip
    # The reporter is addressed by the case alone; the acknowledgement points nowhere but their status page.
    assert (notification.recipient, notification.subject, notification.link) == (None, None, None)


async def test_a_case_registered_for_a_forwarded_report_acknowledges_nobody_again() -> None:
    uow = FakeNotifyUnitOfWork()
    event = case_registered(tenant="bps-3603")
    forwarded = event.model_copy(update={"data": event.data.model_copy(update={"forwarded_from": uuid4()})})
    await acknowledge_registration(lambda: NOW)(forwarded, uow)
    assert not uow.notifications.queued
