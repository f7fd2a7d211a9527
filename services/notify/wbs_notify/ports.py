"""What notify's use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Protocol
from uuid import UUID

from wbs_contracts.events.directory import TenantConfiguredV1
from wbs_notify.domain.channels import OfficerContact
from wbs_notify.domain.contact import SealedContact
from wbs_notify.domain.inbox import InboxItem
from wbs_notify.domain.notification import Notification
from wbs_notify.domain.reminders import Deadline, Reminder
from wbs_notify.domain.team import CaseTeam
from wbs_notify.domain.webhook import WebhookEndpoint
from wbs_runtime.roster import RosterEntry
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


class Roster(Protocol):
    """The runtime's roster (``wbs_runtime.roster.OfficerRoster``), kept from directory's officer-roles."""

    async def of_tenant(self, tenant: str) -> list[RosterEntry]: ...


class CaseTeams(Protocol):
    async def keep(self, team: CaseTeam) -> bool:
        """False when a later disposition's team is kept (or this one already)."""
        ...

    async def get(self, case_id: UUID) -> CaseTeam | None: ...


class Reminders(Protocol):
    async def plan(self, reminder: Reminder) -> bool:
        """False when it is planned already (a fired or cancelled one stays so)."""
        ...

    async def cancel(self, deadline: Deadline, reference: UUID, *, keep: tuple[UUID, ...] = ()) -> int: ...
    async def met(self, deadline: Deadline, reference: UUID, at: datetime) -> None:
        """Cancel its waiting reminders and remember it met, so that none is planned later."""
        ...

    async def was_met(self, deadline: Deadline, reference: UUID) -> bool: ...
    async def due(self, now: datetime, limit: int) -> list[Reminder]: ...
    async def fired(self, reminder_id: UUID, at: datetime) -> None: ...
    async def of_reference(self, reference: UUID) -> list[Reminder]: ...


class OfficerInbox(Protocol):
    async def deliver(self, notification: Notification) -> bool:
        """False when a notification with the same idempotency key is there already."""
        ...

    async def of_officer(
        self, officer_id: str, tenants: Collection[str], *, limit: int, unread_only: bool = False
    ) -> list[InboxItem]: ...
    async def unread(self, officer_id: str, tenants: Collection[str], keys: Collection[str] | None = None) -> int: ...
    async def mark_read(
        self, officer_id: str, tenants: Collection[str], keys: Collection[str] | None, at: datetime
    ) -> int: ...


class Tenants(Protocol):
    async def get(self, tenant: str) -> TenantConfiguredV1 | None: ...


class NotifyUnitOfWork(Transactional, Protocol):
    @property
    def notifications(self) -> NotificationQueue: ...
    @property
    def contacts(self) -> ContactBook: ...
    @property
    def officer_contacts(self) -> OfficerContacts: ...
    @property
    def webhook_endpoints(self) -> WebhookEndpoints: ...


class RulesUnitOfWork(NotifyUnitOfWork, Protocol):
    """What the rules' handlers, the reminders' round and the officer's inbox need besides the queue."""

    @property
    def roster(self) -> Roster: ...
    @property
    def case_teams(self) -> CaseTeams: ...
    @property
    def reminders(self) -> Reminders: ...
    @property
    def officer_inbox(self) -> OfficerInbox: ...
    @property
    def tenants(self) -> Tenants: ...
