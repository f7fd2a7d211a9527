"""Notify's tables: the notification queue, unique by idempotency key, and each case's sealed contact."""

from __future__ import annotations

import json

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, Table, Text, Uuid, text
from sqlalchemy.dialects.postgresql import JSONB

from wbs_notify.domain.contact import SealedContact
from wbs_notify.domain.notification import Notification
from wbs_runtime.roster import RosterUnitOfWork
from wbs_runtime.unit_of_work import Repository

metadata = MetaData()

notification_table = Table(
    "notification",
    metadata,
    Column("idempotency_key", Text, primary_key=True),
    Column("case_id", Uuid, nullable=True, index=True),
    Column("tenant_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("template", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("queued_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True)),
    Column("recipient_kind", Text, nullable=False, server_default="pelapor"),
    Column("recipient", Text),
    Column("subject", Text),
    Column("link", Text),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("read_at", DateTime(timezone=True)),
    Index(
        "ix_notification_due",
        "next_attempt_at",
        postgresql_where=text("status = 'antre' AND channel IN ('surel', 'webhook')"),
    ),
    Index("ix_notification_recipient", "recipient_kind", "recipient", "tenant_id", "queued_at"),
)

#: One sealed contact per case, kept for every case (it may say "no contact" once opened).
contact_table = Table(
    "reporter_contact",
    metadata,
    Column("case_id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("sealed_contact", JSONB, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)

#: Every notification made, queued or (the officer's inbox) delivered at once; on the driver, as
#: each new case makes several and SQLAlchemy's session cost more per row than PostgreSQL did.
_INSERT_NOTIFICATION = """
    INSERT INTO notification (
        idempotency_key, case_id, tenant_id, kind, channel, template, status, queued_at,
        delivered_at, recipient_kind, recipient, subject, link, next_attempt_at
    ) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
    ON CONFLICT DO NOTHING
    RETURNING idempotency_key
"""

_KEEP_CONTACT = """
    INSERT INTO reporter_contact (case_id, tenant_id, sealed_contact, received_at) VALUES ($1, $2, $3::jsonb, $4)
    ON CONFLICT DO NOTHING
    RETURNING case_id
"""


class NotificationRows(Repository):
    """Writes notification rows: the queue's and the officer's inbox's."""

    async def _insert(self, notification: Notification, *, delivered: bool) -> bool:
        """Keep ``notification`` once (False when its idempotency key is there already);
        ``delivered`` for the officer's inbox, where making it is delivering it."""
        driver = await self._driver()
        kept = await driver.fetchval(
            _INSERT_NOTIFICATION,
            notification.idempotency_key,
            notification.case_id,
            notification.tenant,
            notification.kind.value,
            notification.channel.value,
            notification.template,
            notification.status.value,
            notification.queued_at,
            notification.queued_at if delivered else None,
            notification.recipient_kind.value,
            notification.recipient,
            notification.subject.value if notification.subject else None,
            notification.link,
            None if delivered else notification.next_attempt_at,
        )
        return kept is not None


class SqlNotificationQueue(NotificationRows):
    async def enqueue(self, notification: Notification) -> bool:
        return await self._insert(notification, delivered=False)


class SqlContactBook(Repository):
    async def keep(self, contact: SealedContact) -> bool:
        driver = await self._driver()
        kept = await driver.fetchval(
            _KEEP_CONTACT, contact.case_id, contact.tenant, json.dumps(contact.sealed), contact.received_at
        )
        return kept is not None


class SqlNotifyUnitOfWork(RosterUnitOfWork):
    notifications: SqlNotificationQueue
    contacts: SqlContactBook
    officer_contacts: channels_db.SqlOfficerContacts
    webhook_endpoints: channels_db.SqlWebhookEndpoints
    roster: rules_db.SqlRoster  # the runtime's, kept from directory's officer-roles: who holds which role
    case_teams: rules_db.SqlCaseTeams
    reminders: rules_db.SqlReminders
    officer_inbox: rules_db.SqlOfficerInbox
    tenants: rules_db.SqlTenants


# Last: the channels' and the rules' tables join ``metadata`` above (their modules import it from here).
from wbs_notify.adapters import channels_db, rules_db  # noqa: E402
