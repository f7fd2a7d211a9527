"""Notify's unit of work, in memory."""

from __future__ import annotations

from uuid import UUID

from tests.support.fakes import FakeTransaction
from wbs_notify.domain.contact import SealedContact
from wbs_notify.domain.notification import Notification


class FakeQueue:
    def __init__(self) -> None:
        self.queued: dict[str, Notification] = {}

    async def enqueue(self, notification: Notification) -> bool:
        if notification.idempotency_key in self.queued:
            return False
        self.queued[notification.idempotency_key] = notification
        return True


class FakeContactBook:
    def __init__(self) -> None:
        self.kept: dict[UUID, SealedContact] = {}

    async def keep(self, contact: SealedContact) -> bool:
        if contact.case_id in self.kept:
            return False
        self.kept[contact.case_id] = contact
        return True


class FakeNotifyUnitOfWork(FakeTransaction):
    def __init__(self) -> None:
        self.notifications = FakeQueue()
        self.contacts = FakeContactBook()
