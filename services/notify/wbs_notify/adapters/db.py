"""Notify's tables: the notification queue, unique by idempotency key, and each case's sealed contact."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, Table, Text, Uuid, text
from sqlalchemy.dialects.postgresql import JSONB, insert

from wbs_notify.domain.contact import SealedContact
from wbs_notify.domain.notification import Notification
from wbs_runtime.roster import OfficerRoster
from wbs_runtime.unit_of_work import Repository, UnitOfWork

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

#: Built once: building a statement per call costs more than executing it.
_ENQUEUE = insert(notification_table).on_conflict_do_nothing().returning(notification_table.c.idempotency_key)
_KEEP = insert(contact_table).on_conflict_do_nothing().returning(contact_table.c.case_id)


class SqlNotificationQueue(Repository):
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
                "recipient_kind": notification.recipient_kind.value,
                "recipient": notification.recipient,
                "subject": notification.subject.value if notification.subject else None,
                "link": notification.link,
                "next_attempt_at": notification.next_attempt_at,
            },
        )
        return result.first() is not None


class SqlContactBook(Repository):
    async def keep(self, contact: SealedContact) -> bool:
        result = await self._session.execute(
            _KEEP,
            {
                "case_id": contact.case_id,
                "tenant_id": contact.tenant,
                "sealed_contact": contact.sealed,
                "received_at": contact.received_at,
            },
        )
        return result.first() is not None


class SqlNotifyUnitOfWork(UnitOfWork):
    notifications: SqlNotificationQueue
    contacts: SqlContactBook
    officer_contacts: channels_db.SqlOfficerContacts
    webhook_endpoints: channels_db.SqlWebhookEndpoints
    roster: OfficerRoster  # the runtime's, kept from directory's officer-roles: who holds which role
    case_teams: rules_db.SqlCaseTeams
    reminders: rules_db.SqlReminders
    officer_inbox: rules_db.SqlOfficerInbox
    tenants: rules_db.SqlTenants


# Last: the channels' and the rules' tables join ``metadata`` above (their modules import it from here).
from wbs_notify.adapters import channels_db, rules_db  # noqa: E402
