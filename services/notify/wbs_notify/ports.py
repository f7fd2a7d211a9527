"""What notify's use cases need from the outside world."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from wbs_notify.domain.channels import OfficerContact
from wbs_notify.domain.contact import SealedContact
from wbs_notify.domain.notification import Notification
from wbs_notify.domain.webhook import WebhookEndpoint
from wbs_runtime.unit_of_work import Transactional


class NotificationQueue(Protocol):
    async def enqueue(self, notification: Notification) -> bool:
        """False when a notification with the same idempotency key is already queued."""
        ...


class ContactBook(Protocol):
    async def keep(self, contact: SealedContact) -> bool:
        """False when the case's contact is kept already (the first one stays)."""
        ...


class OfficerContacts(Protocol):
    async def keep(self, contact: OfficerContact) -> None:
        """Store the officer's contact unless a newer one is kept already."""
        ...

    async def get(self, officer_id: str) -> OfficerContact | None: ...


class WebhookEndpoints(Protocol):
    async def add(self, endpoint: WebhookEndpoint) -> None: ...
    async def get(self, endpoint_id: UUID) -> WebhookEndpoint | None: ...
    async def of_tenant(self, tenant: str | None = None) -> list[WebhookEndpoint]: ...
    async def set_enabled(self, endpoint_id: UUID, enabled: bool, reason: str | None = None) -> bool: ...
    async def remove(self, endpoint_id: UUID) -> bool: ...


class NotifyUnitOfWork(Transactional, Protocol):
    @property
    def notifications(self) -> NotificationQueue: ...
    @property
    def contacts(self) -> ContactBook: ...
    @property
    def officer_contacts(self) -> OfficerContacts: ...
    @property
    def webhook_endpoints(self) -> WebhookEndpoints: ...
