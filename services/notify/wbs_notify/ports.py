"""What notify's use cases need from the outside world."""

from __future__ import annotations

from typing import Protocol

from wbs_notify.domain.contact import SealedContact
from wbs_notify.domain.notification import Notification
from wbs_runtime.unit_of_work import Transactional


class NotificationQueue(Protocol):
    async def enqueue(self, notification: Notification) -> bool:
        """False when a notification with the same idempotency key is already queued."""
        ...


class ContactBook(Protocol):
    async def keep(self, contact: SealedContact) -> bool:
        """False when the case's contact is kept already (the first one stays)."""
        ...


class NotifyUnitOfWork(Transactional, Protocol):
    @property
    def notifications(self) -> NotificationQueue: ...
    @property
    def contacts(self) -> ContactBook: ...
