"""Signed webhooks to a real HTTP receiver on 127.0.0.1 (allowed by the setting): verified with
the Standard Webhooks library, retried after a 500 on the spec's schedule, the endpoint disabled by
a 410, a slow receiver timed out, and a loopback receiver refused without the setting."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from aiohttp import web
from sqlalchemy import delete, select
from standardwebhooks.webhooks import Webhook

from tests.integration.notify.channels.conftest import PUBLIC_URL, TENANT, Channels
from tests.support.clock import MovableClock
from wbs_contracts.events.directory import NotificationSubject
from wbs_notify.adapters.channels_db import webhook_endpoint_table
from wbs_notify.adapters.delivery import ENDPOINT_GONE, NO_ENDPOINT, SIGNING_KEY_UNREADABLE
from wbs_notify.adapters.webhook_commands import add_endpoint, remove
from wbs_notify.adapters.webhook_secrets import webhook_sealer
from wbs_notify.adapters.webhooks import WebhookCaller
from wbs_notify.domain.address import RefusedEndpoint
from wbs_notify.domain.notification import Channel, DeliveryStatus, RecipientKind
from wbs_notify.domain.webhook import WebhookEndpoint
from wbs_runtime.crypto.secret_sealer import SecretUnreadable


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    #: The statuses to answer with, in order; 200 once they run out.
    answers: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    delay: float = 0.0

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append(Received(dict(request.headers), await request.read()))
        if self.delay:
            await asyncio.sleep(self.delay)
        return web.Response(status=self.answers.pop(0) if self.answers else 200)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    found = Receiver("")
    app = web.Application()
    app.router.add_post("/wbs-hook", found.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    found.url = f"http://127.0.0.1:{port}/wbs-hook"
    try:
        yield found
    finally:
        await runner.cleanup()


@pytest.fixture(autouse=True)
async def fresh(channels: Channels) -> AsyncIterator[None]:
    """Each test on a clock at the real time (receivers check the signed timestamp against theirs),
    and without the endpoints of the tests before (a receiver may get a freed port again)."""
    channels.clock = MovableClock(datetime.now(UTC).replace(microsecond=0))
    yield
    async with channels.runtime.sessionmaker() as session, session.begin():
        await session.execute(delete(webhook_endpoint_table))


@pytest.fixture
async def caller() -> AsyncIterator[WebhookCaller]:
    made = WebhookCaller(timeout=1.0, allow_private=True)
    yield made
    await made.close()


async def endpoint_for(
    channels: Channels, receiver: Receiver, tenant: str, *subjects: NotificationSubject
) -> WebhookEndpoint:
    return await add_endpoint(
        channels.runtime.unit_of_work(),
        tenant=tenant,
        url=receiver.url,
        subjects=subjects,
        allow_private=True,
        clock=channels.clock,
        sealer=channels.sealer,
    )


async def handed_over(
    channels: Channels, tenant: str, subject: NotificationSubject = NotificationSubject.PELIMPAHAN
) -> str:
    queued = await channels.enqueue(
        channel=Channel.WEBHOOK, recipient_kind=RecipientKind.TENANT, recipient=tenant, subject=subject
    )
    return queued.idempotency_key


async def test_a_webhook_is_signed_retried_after_a_failure_and_delivered_once(
    channels: Channels, receiver: Receiver, caller: WebhookCaller
) -> None:
    tenant = "pemkab-uji-webhook"
    endpoint = await endpoint_for(channels, receiver, tenant, NotificationSubject.PELIMPAHAN)
    receiver.answers = [500]
    key = await handed_over(channels, tenant)
    delivery = channels.round(caller=caller)

    await delivery()  # fans out, and calls at once: 500
    assert len(receiver.received) == 1
    [call] = await channels.deliveries(key)
    assert (call.status, call.attempts, call.last_status, call.last_error) == (DeliveryStatus.ANTRE, 1, 500, "HTTP 500")
    assert call.next_attempt_at == channels.clock.now + timedelta(seconds=5)
    assert (await channels.row(key)).status == DeliveryStatus.TERKIRIM  # handed to its endpoints

    channels.clock.advance(seconds=4)
    await delivery()
    assert len(receiver.received) == 1  # not due yet
    channels.clock.advance(seconds=1)
    await delivery()
    verifier = Webhook(endpoint.secret)
    documents = [verifier.verify(r.body, r.headers) for r in receiver.received]
    channels.clock.advance(hours=1)
    await delivery()  # delivered: never again
    assert len(receiver.received) == 2

    [call] = await channels.deliveries(key)
    assert (call.status, call.attempts, call.last_status) == (DeliveryStatus.TERKIRIM, 2, 200)
    assert documents[0] == documents[1]
    assert documents[0]["type"] == "wbs.notification.pelimpahan"
    assert documents[0]["data"]["tenant"] == tenant
    assert documents[0]["data"]["link"].startswith(f"{PUBLIC_URL}/perkara/{TENANT}/")
    ids = {r.headers["webhook-id"] for r in receiver.received}
    assert len(ids) == 1  # the same message, tried twice: the receiver can tell


async def test_410_disables_the_endpoint(channels: Channels, receiver: Receiver, caller: WebhookCaller) -> None:
    tenant = "pemkab-uji-gone"
    endpoint = await endpoint_for(channels, receiver, tenant)
    receiver.answers = [410]
    key = await handed_over(channels, tenant, NotificationSubject.TENGGAT_LEWAT)
    delivery = channels.round(caller=caller)
    await delivery()
    [call] = await channels.deliveries(key)
    assert (call.status, call.last_status, call.last_error) == (DeliveryStatus.GAGAL, 410, ENDPOINT_GONE)
    async with channels.runtime.unit_of_work() as uow:
        stored = await uow.webhook_endpoints.get(endpoint.id)
    assert stored is not None
    assert not stored.enabled
    assert stored.disabled_reason == ENDPOINT_GONE

    later = await handed_over(channels, tenant)
    channels.clock.advance(days=1)
    await delivery()
    assert len(receiver.received) == 1  # nothing more to an endpoint that is gone
    assert await channels.deliveries(later) == []
    assert (await channels.row(later)).last_error == NO_ENDPOINT


async def test_a_slow_receiver_times_out_and_is_tried_again(
    channels: Channels, receiver: Receiver, caller: WebhookCaller
) -> None:
    tenant = "pemkab-uji-slow"
    await endpoint_for(channels, receiver, tenant)
    receiver.delay = 3.0  # the caller waits 1 s
    key = await handed_over(channels, tenant)
    await channels.round(caller=caller)()
    [call] = await channels.deliveries(key)
    assert (call.status, call.attempts) == (DeliveryStatus.ANTRE, 1)
    assert "Timeout" in call.last_error


async def test_only_the_subjects_an_endpoint_wants_reach_it(
    channels: Channels, receiver: Receiver, caller: WebhookCaller
) -> None:
    tenant = "pemkab-uji-subjects"
    await endpoint_for(channels, receiver, tenant, NotificationSubject.PELIMPAHAN)
    key = await handed_over(channels, tenant, NotificationSubject.KASUS_BARU)
    await channels.round(caller=caller)()
    assert receiver.received == []
    assert await channels.deliveries(key) == []


async def test_a_loopback_receiver_is_refused_without_the_setting(channels: Channels, receiver: Receiver) -> None:
    tenant = "pemkab-uji-refused"
    with pytest.raises(RefusedEndpoint):
        await add_endpoint(
            channels.runtime.unit_of_work(),
            tenant=tenant,
            url=receiver.url,
            subjects=(),
            allow_private=False,
            clock=channels.clock,
            sealer=channels.sealer,
        )
    # Registered while allowed, called by a notify that is not: refused at the call, never sent.
    endpoint = await endpoint_for(channels, receiver, tenant)
    strict = WebhookCaller(timeout=1.0, allow_private=False)
    try:
        key = await handed_over(channels, tenant)
        await channels.round(caller=strict)()
    finally:
        await strict.close()
    assert receiver.received == []
    [call] = await channels.deliveries(key)
    assert call.status == DeliveryStatus.GAGAL
    assert "loopback" in call.last_error
    await remove(channels.runtime.unit_of_work(), endpoint.id)
    assert await channels.deliveries(key) == []  # removed with its calls


async def test_the_signing_secret_is_kept_sealed(channels: Channels, receiver: Receiver) -> None:
    """A database dump must not let anyone sign calls an agency's receiver would take for ours."""
    endpoint = await endpoint_for(channels, receiver, "pemkab-uji-sealed", NotificationSubject.PELIMPAHAN)
    async with channels.runtime.sessionmaker() as session:
        query = select(webhook_endpoint_table.c.secret).where(webhook_endpoint_table.c.id == endpoint.id)
        stored = (await session.execute(query)).scalar_one()
    assert endpoint.secret.startswith("whsec_")
    assert stored.startswith("sealed:v1:")
    assert endpoint.secret.removeprefix("whsec_") not in stored
    assert channels.sealer.open(endpoint.id, stored) == endpoint.secret
    with pytest.raises(SecretUnreadable, match="another endpoint"):
        channels.sealer.open(uuid4(), stored)  # copied onto another endpoint's row, it does not open


async def test_a_secret_sealed_under_another_key_ends_its_call_and_the_round_goes_on(
    channels: Channels, receiver: Receiver, caller: WebhookCaller
) -> None:
    tenant = "pemkab-uji-kunci-lain"
    await add_endpoint(
        channels.runtime.unit_of_work(),
        tenant=tenant,
        url=receiver.url,
        subjects=(),
        allow_private=True,
        clock=channels.clock,
        sealer=webhook_sealer(None, value="k" * 40, create=False),  # not notify's key
    )
    good = await endpoint_for(channels, receiver, tenant)
    key = await handed_over(channels, tenant)
    await channels.round(caller=caller)()
    calls = {call.endpoint_id: call for call in await channels.deliveries(key)}
    unreadable = next(call for endpoint_id, call in calls.items() if endpoint_id != good.id)
    assert (unreadable.status, unreadable.attempts, unreadable.last_error) == (
        DeliveryStatus.GAGAL,
        1,
        SIGNING_KEY_UNREADABLE,
    )
    assert calls[good.id].status == DeliveryStatus.TERKIRIM  # the other endpoint was still called
    assert len(receiver.received) == 1
