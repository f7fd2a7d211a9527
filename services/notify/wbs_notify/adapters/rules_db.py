"""Notify's tables for the rules: each case's team, the reminders of deadlines, and the officer's
in-app inbox (rows of the notification queue on channel ``kotak-masuk-petugas``)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ARRAY, Column, Date, DateTime, Index, Table, Text, Uuid, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from wbs_contracts.events.directory import NotificationSubject, TenantConfiguredV1
from wbs_notify.adapters.db import NotificationRows, metadata, notification_table
from wbs_notify.domain.inbox import InboxItem
from wbs_notify.domain.notification import Channel, Notification, RecipientKind
from wbs_notify.domain.reminders import Deadline, Reminder, ReminderState
from wbs_notify.domain.team import CaseTeam
from wbs_runtime.roster import OfficerRoster, RosterEntry
from wbs_runtime.tenancy import TenantDirectory
from wbs_runtime.unit_of_work import ReadOnce, Repository

#: The team the latest disposition of a case named (case-disposed).
case_team_table = Table(
    "case_team",
    metadata,
    Column("case_id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("members", ARRAY(Text), nullable=False),
    Column("disposed_at", DateTime(timezone=True), nullable=False),
    Column("follow_up_due", Date, nullable=False),
)

#: Reminders of deadlines, planned when the deadline is set, fired by the round, cancelled when met.
reminder_table = Table(
    "reminder",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("case_id", Uuid, nullable=False),
    Column("deadline", Text, nullable=False),
    Column("reference", Uuid, nullable=False),
    Column("subject", Text, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("fire_at", DateTime(timezone=True), nullable=False),
    Column("link", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("fired_at", DateTime(timezone=True)),
    Index("ix_reminder_due", "fire_at", postgresql_where=text("state = 'menunggu'")),
    Index("ix_reminder_reference", "reference", "deadline"),
)

#: Deadlines met (telaah-decided, recommendation-completed), kept even when nothing was planned
#: yet: the event that sets the deadline may come later, and must then plan no reminder.
met_deadline_table = Table(
    "met_deadline",
    metadata,
    Column("deadline", Text, primary_key=True),
    Column("reference", Uuid, primary_key=True),
    Column("met_at", DateTime(timezone=True), nullable=False),
)

_TEAM = insert(case_team_table)
#: A later disposition replaces the team; an older one (redelivered, read late) changes nothing.
_KEEP_TEAM = _TEAM.on_conflict_do_update(
    index_elements=[case_team_table.c.case_id],
    set_={c: _TEAM.excluded[c] for c in ("tenant_id", "members", "disposed_at", "follow_up_due")},
    where=case_team_table.c.disposed_at < _TEAM.excluded.disposed_at,
).returning(case_team_table.c.case_id)
_PLAN = insert(reminder_table).on_conflict_do_nothing().returning(reminder_table.c.id)
_INBOX = (notification_table.c.channel == Channel.KOTAK_MASUK_PETUGAS.value) & (
    notification_table.c.recipient_kind == RecipientKind.PETUGAS.value
)


class SqlCaseTeams(Repository):
    async def keep(self, team: CaseTeam) -> bool:
        """Keep ``team`` unless a later disposition's is kept; whether it was kept."""
        values = {
            "case_id": team.case_id,
            "tenant_id": team.tenant,
            "members": list(team.members),
            "disposed_at": team.disposed_at,
            "follow_up_due": team.follow_up_due,
        }
        return (await self._session.execute(_KEEP_TEAM, values)).first() is not None

    async def get(self, case_id: UUID) -> CaseTeam | None:
        row = (await self._session.execute(select(case_team_table).where(case_team_table.c.case_id == case_id))).first()
        if row is None:
            return None
        return CaseTeam(
            case_id=row.case_id,
            tenant=row.tenant_id,
            members=tuple(row.members),
            disposed_at=row.disposed_at,
            follow_up_due=row.follow_up_due,
        )


class SqlReminders(Repository):
    async def plan(self, reminder: Reminder) -> bool:
        """False when it is planned already (fired or cancelled, it stays so)."""
        values = {
            "id": reminder.id,
            "tenant_id": reminder.tenant,
            "case_id": reminder.case_id,
            "deadline": reminder.deadline.value,
            "reference": reminder.reference,
            "subject": reminder.subject.value,
            "due_on": reminder.due_on,
            "fire_at": reminder.fire_at,
            "link": reminder.link,
            "state": reminder.state.value,
        }
        return (await self._session.execute(_PLAN, values)).first() is not None

    async def cancel(self, deadline: Deadline, reference: UUID, *, keep: tuple[UUID, ...] = ()) -> int:
        """Cancel the waiting reminders of ``reference``'s deadline, but those in ``keep``; how many."""
        statement = (
            update(reminder_table)
            .where(
                reminder_table.c.reference == reference,
                reminder_table.c.deadline == deadline.value,
                reminder_table.c.state == ReminderState.MENUNGGU.value,
                reminder_table.c.id.not_in(keep) if keep else text("true"),
            )
            .values(state=ReminderState.BATAL.value)
        )
        result: Any = await self._session.execute(statement)
        return int(result.rowcount)

    async def met(self, deadline: Deadline, reference: UUID, at: datetime) -> None:
        """The deadline is met: its waiting reminders are cancelled, and none is planned later."""
        await self._session.execute(
            insert(met_deadline_table)
            .values(deadline=deadline.value, reference=reference, met_at=at)
            .on_conflict_do_nothing()
        )
        await self.cancel(deadline, reference)

    async def was_met(self, deadline: Deadline, reference: UUID) -> bool:
        query = select(met_deadline_table.c.met_at).where(
            met_deadline_table.c.deadline == deadline.value, met_deadline_table.c.reference == reference
        )
        return (await self._session.execute(query)).first() is not None

    async def due(self, now: datetime, limit: int) -> list[Reminder]:
        """Waiting reminders due at ``now``, locked (another replica's round skips them)."""
        statement = (
            select(reminder_table)
            .where(reminder_table.c.state == ReminderState.MENUNGGU.value, reminder_table.c.fire_at <= now)
            .order_by(reminder_table.c.fire_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_reminder(row) for row in await self._session.execute(statement)]

    async def fired(self, reminder_id: UUID, at: datetime) -> None:
        await self._session.execute(
            update(reminder_table)
            .where(reminder_table.c.id == reminder_id)
            .values(state=ReminderState.TERKIRIM.value, fired_at=at)
        )

    async def of_reference(self, reference: UUID) -> list[Reminder]:
        statement = (
            select(reminder_table).where(reminder_table.c.reference == reference).order_by(reminder_table.c.fire_at)
        )
        return [_reminder(row) for row in await self._session.execute(statement)]


def _reminder(row: Any) -> Reminder:
    return Reminder(
        id=row.id,
        tenant=row.tenant_id,
        case_id=row.case_id,
        deadline=Deadline(row.deadline),
        reference=row.reference,
        subject=NotificationSubject(row.subject),
        due_on=row.due_on,
        fire_at=row.fire_at,
        link=row.link,
        state=ReminderState(row.state),
    )


class SqlOfficerInbox(NotificationRows):
    """The officer's in-app inbox: rows of the queue on ``kotak-masuk-petugas``, delivered when made."""

    async def deliver(self, notification: Notification) -> bool:
        """Put ``notification`` in the officer's inbox once (False when its key is there already)."""
        return await self._insert(notification, delivered=True)

    async def of_officer(
        self, officer_id: str, tenants: Collection[str], *, limit: int, unread_only: bool = False
    ) -> list[InboxItem]:
        """The officer's notifications in ``tenants``, newest first."""
        n = notification_table.c
        statement = select(n.idempotency_key, n.tenant_id, n.subject, n.link, n.queued_at, n.read_at).where(
            _INBOX, n.recipient == officer_id, n.tenant_id.in_(list(tenants)), n.subject.is_not(None)
        )
        if unread_only:
            statement = statement.where(n.read_at.is_(None))
        statement = statement.order_by(n.queued_at.desc(), n.idempotency_key).limit(limit)
        return [
            InboxItem(
                key=row.idempotency_key,
                tenant=row.tenant_id,
                subject=NotificationSubject(row.subject),
                link=row.link or "/",
                at=row.queued_at,
                read_at=row.read_at,
            )
            for row in await self._session.execute(statement)
            if row.subject in NotificationSubject._value2member_map_
        ]

    async def unread(self, officer_id: str, tenants: Collection[str], keys: Collection[str] | None = None) -> int:
        """How many of the officer's notifications in ``tenants`` (of ``keys``, if given) are unread."""
        n = notification_table.c
        statement = select(func.count()).where(
            _INBOX, n.recipient == officer_id, n.tenant_id.in_(list(tenants)), n.read_at.is_(None)
        )
        if keys is not None:
            statement = statement.where(n.idempotency_key.in_(list(keys)))
        return int((await self._session.execute(statement)).scalar_one())

    async def mark_read(
        self, officer_id: str, tenants: Collection[str], keys: Collection[str] | None, at: datetime
    ) -> int:
        """Mark the officer's notifications ``keys`` (None: all of them) in ``tenants`` read; how
        many were unread. Another officer's key changes nothing."""
        n = notification_table.c
        statement = update(notification_table).where(
            _INBOX, n.recipient == officer_id, n.tenant_id.in_(list(tenants)), n.read_at.is_(None)
        )
        if keys is not None:
            statement = statement.where(n.idempotency_key.in_(list(keys)))
        result: Any = await self._session.execute(statement.values(read_at=at))
        return int(result.rowcount)


class SqlTenants(Repository):
    """The tenants' configurations notify keeps (``runtime.keep_tenants``): rules and calendars.

    Read once per transaction and tenant: a consumer's batch asks for the same tenant's rules for
    every case in it, and reading and validating the whole configuration cost more than the rest of
    a new case's handling (a configuration changed meanwhile applies from the next batch)."""

    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
        self._configuration = ReadOnce(TenantDirectory(session).get)

    async def get(self, tenant: str) -> TenantConfiguredV1 | None:
        return await self._configuration(tenant)


class SqlRoster(OfficerRoster):
    """The runtime's roster, with each tenant's officers read once per transaction: every new case
    in a batch asks who holds the roles it names. Keeping an announcement forgets what was read, so
    a batch that carries both sees the roster it changed."""

    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
        self._officers = ReadOnce(super().of_tenant)

    async def of_tenant(self, tenant: str) -> list[RosterEntry]:
        return await self._officers(tenant)

    async def keep(self, entry: RosterEntry) -> bool:
        self._officers.forget()
        return await super().keep(entry)

    def rewind(self, mark: object) -> None:
        self._officers.forget()  # what was read after a write that is now undone
