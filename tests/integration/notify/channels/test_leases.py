"""A claimed row is the round's only while its lease lasts: each send has a deadline, a row whose
lease ran out is not sent, and a round that overran never records over the round that took its
rows over. E-mail and webhooks run as rounds of their own."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from uuid import uuid4

from tests.integration.notify.channels.conftest import Channels
from tests.integration.notify.channels.test_email import officer_with_address
from wbs_contracts.events.directory import NotificationSubject
from wbs_notify.adapters.delivery import DeliveryRound
from wbs_notify.adapters.webhook_commands import add_endpoint, remove
from wbs_notify.domain.email import Email
from wbs_notify.domain.notification import Channel, DeliveryStatus, RecipientKind

LEASE = timedelta(minutes=5)


class Hanging:
    """A server that accepts the connection and never answers."""

    async def send(self, to: str, email: Email) -> None:
        await asyncio.sleep(3600)

    async def call(self, url: str, headers: dict[str, str], body: bytes) -> int:
        await asyncio.sleep(3600)
        return 200

    async def close(self) -> None:
        """Nothing kept open between messages."""


class Failing:
    async def send(self, to: str, email: Email) -> None:
        raise ConnectionRefusedError

    async def close(self) -> None:
        """Nothing was opened."""


class Recording:
    def __init__(self, during_first: Callable[[], Awaitable[None]] | None = None) -> None:
        self.sent: list[str] = []
        self._during_first = during_first

    async def send(self, to: str, email: Email) -> None:
        self.sent.append(to)
        if len(self.sent) == 1 and self._during_first is not None:
            await self._during_first()

    async def close(self) -> None:
        """Nothing kept open between messages."""


async def officer_mail(channels: Channels, address: str) -> str:
    officer = await officer_with_address(channels, address)
    queued = await channels.enqueue(
        channel=Channel.SUREL,
        recipient_kind=RecipientKind.PETUGAS,
        recipient=officer,
        subject=NotificationSubject.DISPOSISI,
    )
    return queued.idempotency_key


async def test_an_e_mail_that_overruns_its_deadline_is_tried_again(channels: Channels) -> None:
    key = await officer_mail(channels, f"petugas.lambat.{uuid4().hex[:6]}@inspektorat.uji.go.id")
    await asyncio.wait_for(channels.round(mailer=Hanging(), mail_deadline_seconds=0.2).emails(), timeout=30)
    row = await channels.row(key)
    assert (row.status, row.attempts, row.last_error) == (DeliveryStatus.ANTRE, 1, "SMTP: TimeoutError")
    assert row.next_attempt_at == channels.clock.now + timedelta(seconds=5)
    channels.clock.advance(seconds=5)
    await channels.round(mailer=Recording()).emails()  # delivered: out of the later tests' way
    assert (await channels.row(key)).status == DeliveryStatus.TERKIRIM


async def test_a_webhook_call_that_overruns_its_deadline_is_tried_again(channels: Channels) -> None:
    tenant = "pemkab-uji-tenggat"
    endpoint = await add_endpoint(
        channels.runtime.unit_of_work(),
        tenant=tenant,
        url="http://127.0.0.1:9/hook",
        subjects=(),
        allow_private=True,
        clock=channels.clock,
        sealer=channels.sealer,
    )
    queued = await channels.enqueue(
        channel=Channel.WEBHOOK,
        recipient_kind=RecipientKind.TENANT,
        recipient=tenant,
        subject=NotificationSubject.PELIMPAHAN,
    )
    try:
        delivery = channels.round(caller=Hanging(), call_deadline_seconds=0.2)
        await asyncio.wait_for(delivery.webhook_deliveries(), timeout=30)
        [call] = await channels.deliveries(queued.idempotency_key)
        assert (call.status, call.attempts) == (DeliveryStatus.ANTRE, 1)
        assert call.last_error.startswith("Timeout")
    finally:
        await remove(channels.runtime.unit_of_work(), endpoint.id)


async def test_a_round_that_overran_its_lease_neither_sends_nor_records_what_another_round_took_over(
    channels: Channels,
) -> None:
    first = f"petugas.satu.{uuid4().hex[:6]}@inspektorat.uji.go.id"
    second = f"petugas.dua.{uuid4().hex[:6]}@inspektorat.uji.go.id"
    first_key = await officer_mail(channels, first)
    second_key = await officer_mail(channels, second)
    claimed_at = channels.clock.now

    async def stalls_past_its_lease() -> None:
        # While round A is still sending the first row, its lease runs out and round B claims both
        # rows, fails to send them, and schedules them again.
        channels.clock.advance(seconds=LEASE.total_seconds() + 60)
        await channels.round(mailer=Failing()).emails()

    slow = Recording(during_first=stalls_past_its_lease)
    await DeliveryRound.emails(channels.round(mailer=slow))

    # Round A sent one row; the other's lease was over by its turn: not sent.
    assert len([to for to in slow.sent if to in (first, second)]) == 1
    retried_at = claimed_at + LEASE + timedelta(seconds=60) + timedelta(seconds=5)
    for key in (first_key, second_key):
        row = await channels.row(key)
        # Round B's outcome stands: round A's late "delivered" did not overwrite it.
        assert (row.status, row.attempts, row.next_attempt_at) == (DeliveryStatus.ANTRE, 1, retried_at)
        assert row.last_error == "SMTP: ConnectionRefusedError"
    channels.clock.advance(seconds=5)
    await channels.round(mailer=Recording()).emails()
    assert {(await channels.row(key)).status for key in (first_key, second_key)} == {DeliveryStatus.TERKIRIM}
