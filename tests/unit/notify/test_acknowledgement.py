from __future__ import annotations

from datetime import UTC, datetime

from tests.support.events import case_registered
from tests.support.fakes import FakeTransaction
from wbs_notify.domain.notification import Channel, DeliveryStatus, Kind, Notification
from wbs_notify.usecases import acknowledge_registration

NOW = datetime(2026, 11, 21, tzinfo=UTC)


class FakeQueue(FakeTransaction):
    def __init__(self) -> None:
        self.queued: dict[str, Notification] = {}
        self.notifications = self

    async def enqueue(self, notification: Notification) -> bool:
        if notification.idempotency_key in self.queued:
            return False
        self.queued[notification.idempotency_key] = notification
        return True


async def test_a_registered_case_queues_one_acknowledgement_without_content() -> None:
    queue = FakeQueue()
    event = case_registered()
    handle = acknowledge_registration(lambda: NOW)
    await handle(event, queue)
    await handle(case_registered(case_id=event.data.case_id), queue)  # the same case, announced again
    [notification] = queue.queued.values()
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
    }  # fmt: skip
