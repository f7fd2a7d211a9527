"""The channels' tables: officers' e-mail addresses, tenants' webhook endpoints and each
endpoint's deliveries. In ``metadata`` beside the queue (``adapters/db.py``)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, Table, Text, Uuid, select, text, update
from sqlalchemy.dialects.postgresql import JSONB, insert

from wbs_contracts.events.directory import NotificationSubject
from wbs_notify.adapters.db import metadata
from wbs_notify.domain.channels import OfficerContact
from wbs_notify.domain.webhook import WebhookEndpoint
from wbs_runtime.unit_of_work import Repository

#: How notify reaches each officer by e-mail, as directory last published it (``officer-contact``).
officer_contact_table = Table(
    "officer_contact",
    metadata,
    Column("officer_id", Text, primary_key=True),
    Column("email", Text),
    Column("active", Boolean, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

#: A tenant's webhook endpoints (``wbs webhooks``); the secret is shown once, when added.
webhook_endpoint_table = Table(
    "webhook_endpoint",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False, index=True),
    Column("url", Text, nullable=False),
    Column("secret", Text, nullable=False),
    Column("subjects", JSONB, nullable=False, server_default="[]"),
    Column("enabled", Boolean, nullable=False, server_default="true"),
    Column("disabled_reason", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

#: One notification to one endpoint, with its own attempts (a webhook row fans out to these).
webhook_delivery_table = Table(
    "webhook_delivery",
    metadata,
    Column("notification_key", Text, primary_key=True),
    Column("endpoint_id", Uuid, ForeignKey("webhook_endpoint.id", ondelete="CASCADE"), primary_key=True),
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("last_error", Text),
    Column("last_status", Integer),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True)),
    Index("ix_webhook_delivery_due", "next_attempt_at", postgresql_where=text("status = 'antre'")),
    # Disabling or removing an endpoint finds its calls (the key's first column is the notification).
    Index("ix_webhook_delivery_endpoint", "endpoint_id"),
)

_KEEP_CONTACT = insert(officer_contact_table)
_KEEP_CONTACT = _KEEP_CONTACT.on_conflict_do_update(
    index_elements=[officer_contact_table.c.officer_id],
    set_={
        "email": _KEEP_CONTACT.excluded.email,
        "active": _KEEP_CONTACT.excluded.active,
        "changed_at": _KEEP_CONTACT.excluded.changed_at,
    },
    # Events may arrive out of order after a replay: the newest change wins.
    where=officer_contact_table.c.changed_at < _KEEP_CONTACT.excluded.changed_at,
)


class SqlOfficerContacts(Repository):
    async def keep(self, contact: OfficerContact) -> None:
        await self._session.execute(
            _KEEP_CONTACT,
            {
                "officer_id": contact.officer_id,
                "email": contact.email,
                "active": contact.active,
                "changed_at": contact.changed_at,
            },
        )

    async def get(self, officer_id: str) -> OfficerContact | None:
        row = (
            await self._session.execute(
                select(officer_contact_table).where(officer_contact_table.c.officer_id == officer_id)
            )
        ).first()
        if row is None:
            return None
        return OfficerContact(officer_id=row.officer_id, email=row.email, active=row.active, changed_at=row.changed_at)


def endpoint_of(row: Any) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=row.id,
        tenant=row.tenant_id,
        url=row.url,
        secret=row.secret,
        subjects=tuple(NotificationSubject(s) for s in row.subjects),
        enabled=row.enabled,
        disabled_reason=row.disabled_reason,
        created_at=row.created_at,
    )


class SqlWebhookEndpoints(Repository):
    async def add(self, endpoint: WebhookEndpoint) -> None:
        await self._session.execute(
            insert(webhook_endpoint_table).values(
                id=endpoint.id,
                tenant_id=endpoint.tenant,
                url=endpoint.url,
                secret=endpoint.secret,
                subjects=[s.value for s in endpoint.subjects],
                enabled=endpoint.enabled,
                disabled_reason=endpoint.disabled_reason,
                created_at=endpoint.created_at,
            )
        )

    async def get(self, endpoint_id: UUID) -> WebhookEndpoint | None:
        query = select(webhook_endpoint_table).where(webhook_endpoint_table.c.id == endpoint_id)
        row = (await self._session.execute(query)).first()
        return endpoint_of(row) if row is not None else None

    async def of_tenant(self, tenant: str | None = None) -> list[WebhookEndpoint]:
        query = select(webhook_endpoint_table).order_by(
            webhook_endpoint_table.c.tenant_id, webhook_endpoint_table.c.created_at
        )
        if tenant is not None:
            query = query.where(webhook_endpoint_table.c.tenant_id == tenant)
        return [endpoint_of(row) for row in (await self._session.execute(query)).all()]

    async def set_enabled(self, endpoint_id: UUID, enabled: bool, reason: str | None = None) -> bool:
        result = await self._session.execute(
            update(webhook_endpoint_table)
            .where(webhook_endpoint_table.c.id == endpoint_id)
            .values(enabled=enabled, disabled_reason=None if enabled else reason)
            .returning(webhook_endpoint_table.c.id)
        )
        return result.first() is not None

    async def remove(self, endpoint_id: UUID) -> bool:
        result = await self._session.execute(
            webhook_endpoint_table.delete()
            .where(webhook_endpoint_table.c.id == endpoint_id)
            .returning(webhook_endpoint_table.c.id)
        )
        return result.first() is not None
