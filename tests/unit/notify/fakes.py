"""Notify's unit of work, in memory."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from tests.support.fakes import FakeTransaction
from wbs_notify.domain.channels import OfficerContact
from wbs_notify.domain.contact import SealedContact
from wbs_notify.domain.notification import Notification
from wbs_notify.domain.webhook import WebhookEndpoint


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


class FakeOfficerContacts:
    def __init__(self) -> None:
        self.kept: dict[str, OfficerContact] = {}

    async def keep(self, contact: OfficerContact) -> None:
        kept = self.kept.get(contact.officer_id)
        if kept is None or kept.changed_at < contact.changed_at:
            self.kept[contact.officer_id] = contact

    async def get(self, officer_id: str) -> OfficerContact | None:
        return self.kept.get(officer_id)


class FakeWebhookEndpoints:
    def __init__(self) -> None:
        self.endpoints: dict[UUID, WebhookEndpoint] = {}

    async def add(self, endpoint: WebhookEndpoint) -> None:
        self.endpoints[endpoint.id] = endpoint

    async def get(self, endpoint_id: UUID) -> WebhookEndpoint | None:
        return self.endpoints.get(endpoint_id)

    async def of_tenant(self, tenant: str | None = None) -> list[WebhookEndpoint]:
        return [e for e in self.endpoints.values() if tenant is None or e.tenant == tenant]

    async def set_enabled(self, endpoint_id: UUID, enabled: bool, reason: str | None = None) -> bool:
        endpoint = self.endpoints.get(endpoint_id)
        if endpoint is None:
            return False
        self.endpoints[endpoint_id] = replace(endpoint, enabled=enabled, disabled_reason=None if enabled else reason)
        return True

    async def remove(self, endpoint_id: UUID) -> bool:
        return self.endpoints.pop(endpoint_id, None) is not None


class FakeNotifyUnitOfWork(FakeTransaction):
    def __init__(self) -> None:
        self.notifications = FakeQueue()
        self.contacts = FakeContactBook()
        self.officer_contacts = FakeOfficerContacts()
        self.webhook_endpoints = FakeWebhookEndpoints()
