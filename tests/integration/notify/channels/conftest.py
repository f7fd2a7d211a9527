"""Notify's channels against real PostgreSQL and a real broker, with the delivery round driven by
the test on a clock it moves (the service's own round is switched off)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import delete, select

from tests.support.clock import MovableClock
from tests.support.infrastructure import Infrastructure
from tests.support.services import migrated_database, running, settings_for
from wbs_contracts.events.directory import NotificationSubject
from wbs_notify.adapters.channels_db import webhook_delivery_table
from wbs_notify.adapters.db import SqlNotifyUnitOfWork, metadata, notification_table
from wbs_notify.adapters.delivery import Caller, DeliveryOptions, DeliveryRound, Mailer
from wbs_notify.adapters.webhook_secrets import webhook_sealer
from wbs_notify.domain.notification import Channel, DeliveryStatus, Kind, Notification, RecipientKind
from wbs_notify.entrypoint import PROGRAM, NotifySettings, build
from wbs_runtime.crypto import issue_for_services
from wbs_runtime.crypto.secret_sealer import SecretSealer
from wbs_runtime.service import ServiceRuntime

#: A tenant of its own: the session's topics also carry other modules' events.
TENANT = "inspektorat-uji-kanal"
PUBLIC_URL = "https://wbs.uji.go.id"


class NoCalls:
    async def call(self, url: str, headers: dict[str, str], body: bytes) -> int:
        raise AssertionError("no webhook call expected")


@dataclass
class Channels:
    runtime: ServiceRuntime[SqlNotifyUnitOfWork]
    infra: Infrastructure
    keys: Path
    clock: MovableClock

    def round(self, *, mailer: Mailer | None = None, caller: Caller | None = None, **options: Any) -> DeliveryRound:
        return DeliveryRound(
            self.runtime.sessionmaker,
            self.runtime.keyring,
            mailer=mailer,
            caller=caller or NoCalls(),
            clock=self.clock,
            options=DeliveryOptions(public_url=PUBLIC_URL, mail_domain="wbs.uji.go.id", **{"batch": 5, **options}),
            sealer=self.sealer,
        )

    @property
    def sealer(self) -> SecretSealer:
        return webhook_sealer(self.keys / "notify")

    async def enqueue(
        self,
        *,
        channel: Channel,
        recipient_kind: RecipientKind,
        recipient: str | None,
        subject: NotificationSubject,
        case_id: UUID | None = None,
        link: str | None = None,
        key: str | None = None,
    ) -> Notification:
        notification = Notification(
            idempotency_key=key or f"{subject}:{uuid4()}:{recipient}:{channel}",
            case_id=case_id,
            tenant=TENANT,
            kind=Kind.PERHATIAN,
            channel=channel,
            template=f"{subject}.v1",
            status=DeliveryStatus.ANTRE,
            queued_at=self.clock(),
            recipient_kind=recipient_kind,
            recipient=recipient,
            subject=subject,
            link=link or f"/perkara/{TENANT}/{case_id or uuid4()}",
            next_attempt_at=self.clock(),
        )
        async with self.runtime.unit_of_work() as uow:
            await uow.notifications.enqueue(notification)
            await uow.commit()
        return notification

    async def row(self, key: str) -> Any:
        async with self.runtime.sessionmaker() as session:
            query = select(notification_table).where(notification_table.c.idempotency_key == key)
            return (await session.execute(query)).one()

    async def forget(self, keys: list[str]) -> None:
        """Take rows out of the queue: the package's later tests' rounds would send them to their servers."""
        async with self.runtime.sessionmaker() as session, session.begin():
            await session.execute(delete(notification_table).where(notification_table.c.idempotency_key.in_(keys)))

    def topic(self, name: str) -> str:
        """The topic ``name`` as this notify reads it (its own prefix)."""
        return f"{self.runtime.settings.kafka_topic_prefix}{name}"

    async def deliveries(self, key: str) -> list[Any]:
        async with self.runtime.sessionmaker() as session:
            query = select(webhook_delivery_table).where(webhook_delivery_table.c.notification_key == key)
            return list((await session.execute(query)).all())


@pytest.fixture(scope="package")
async def channels(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Channels]:
    keys = tmp_path_factory.mktemp("keys")
    issue_for_services(keys, TENANT, ["intake", "notify"])
    url = await migrated_database(infra, "notify", PROGRAM.migrations, metadata, label="channels")
    # Topics of its own: the session's other tests publish cases, hand-overs and messages on the shared
    # ones, which notify's rules would turn into deliveries these tests do not expect.
    prefix = f"{infra.namespace}.channels."
    settings = settings_for(
        NotifySettings, infra, url, keys / "notify", delivery_enabled=False, kafka_topic_prefix=prefix
    )
    runtime = build(settings)
    async with running(runtime):
        yield Channels(runtime, infra, keys, MovableClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)))
