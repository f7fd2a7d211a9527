"""Notify's table: the notification queue, unique by idempotency key."""

from __future__ import annotations

from typing import Self

from sqlalchemy import Column, DateTime, MetaData, Table, Text, Uuid
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from wbs_notify.domain.notification import Notification
from wbs_runtime.unit_of_work import UnitOfWork

metadata = MetaData()

notification_table = Table(
    "notification",
    metadata,
    Column("idempotency_key", Text, primary_key=True),
    Column("case_id", Uuid, nullable=False, index=True),
    Column("tenant_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("template", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("queued_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True)),
)


#: Built once: building a statement per call costs more than executing it.
_ENQUEUE = insert(notification_table).on_conflict_do_nothing().returning(notification_table.c.idempotency_key)


class SqlNotificationQueue:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def enqueue(self, notification: Notification) -> bool:
        result = await self._session.execute(
            _ENQUEUE,
            {
                "idempotency_key": notification.idempotency_key,
                "case_id": notification.case_id,
                "tenant_id": notification.tenant,
                "kind": notification.kind.value,
                "channel": notification.channel.value,
                "template": notification.template,
                "status": notification.status.value,
                "queued_at": notification.queued_at,
            },
        )
        return result.first() is not None


class SqlNotifyUnitOfWork(UnitOfWork):
    notifications: SqlNotificationQueue

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.notifications = SqlNotificationQueue(self.session)
        return self
