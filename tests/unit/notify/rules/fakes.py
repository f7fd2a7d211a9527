"""Notify's unit of work with the rules' repositories, in memory."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import datetime
from uuid import UUID

from tests.unit.notify.fakes import FakeNotifyUnitOfWork
from wbs_contracts.events.directory import TenantConfiguredV1
from wbs_contracts.roles import Role
from wbs_notify.domain.inbox import InboxItem
from wbs_notify.domain.notification import Notification
from wbs_notify.domain.reminders import Deadline, Reminder, ReminderState
from wbs_notify.domain.team import CaseTeam, replaces
from wbs_runtime.roster import RosterEntry


class FakeRoster:
    def __init__(self) -> None:
        self.entries: list[RosterEntry] = []

    def add(self, tenant: str, officer: str, *roles: Role, active: bool = True) -> None:
        self.entries.append(
            RosterEntry(tenant, officer, officer.title(), frozenset(roles), active, datetime(2026, 1, 1).astimezone())
        )

    async def of_tenant(self, tenant: str) -> list[RosterEntry]:
        return [e for e in self.entries if e.tenant == tenant]


class FakeCaseTeams:
    def __init__(self) -> None:
        self.kept: dict[UUID, CaseTeam] = {}

    async def keep(self, team: CaseTeam) -> bool:
        if not replaces(self.kept.get(team.case_id), team):
            return False
        self.kept[team.case_id] = team
        return True

    async def get(self, case_id: UUID) -> CaseTeam | None:
        return self.kept.get(case_id)


class FakeReminders:
    def __init__(self) -> None:
        self.planned: dict[UUID, Reminder] = {}
        self.met_deadlines: set[tuple[Deadline, UUID]] = set()

    async def met(self, deadline: Deadline, reference: UUID, at: datetime) -> None:
        self.met_deadlines.add((deadline, reference))
        await self.cancel(deadline, reference)

    async def was_met(self, deadline: Deadline, reference: UUID) -> bool:
        return (deadline, reference) in self.met_deadlines

    async def plan(self, reminder: Reminder) -> bool:
        if reminder.id in self.planned:
            return False
        self.planned[reminder.id] = reminder
        return True

    async def cancel(self, deadline: Deadline, reference: UUID, *, keep: tuple[UUID, ...] = ()) -> int:
        cancelled = [
            r
            for r in self.planned.values()
            if r.deadline == deadline
            and r.reference == reference
            and r.state is ReminderState.MENUNGGU
            and r.id not in keep
        ]
        for r in cancelled:
            self.planned[r.id] = replace(r, state=ReminderState.BATAL)
        return len(cancelled)

    async def due(self, now: datetime, limit: int) -> list[Reminder]:
        due = [r for r in self.planned.values() if r.state is ReminderState.MENUNGGU and r.fire_at <= now]
        return sorted(due, key=lambda r: r.fire_at)[:limit]

    async def fired(self, reminder_id: UUID, at: datetime) -> None:
        self.planned[reminder_id] = replace(self.planned[reminder_id], state=ReminderState.TERKIRIM)

    async def of_reference(self, reference: UUID) -> list[Reminder]:
        return [r for r in self.planned.values() if r.reference == reference]


class FakeOfficerInbox:
    def __init__(self) -> None:
        self.delivered: dict[str, Notification] = {}
        self.read: dict[str, datetime] = {}

    async def deliver(self, notification: Notification) -> bool:
        if notification.idempotency_key in self.delivered:
            return False
        self.delivered[notification.idempotency_key] = notification
        return True

    async def of_officer(
        self, officer_id: str, tenants: Collection[str], *, limit: int, unread_only: bool = False
    ) -> list[InboxItem]:
        items = [
            InboxItem(k, n.tenant, n.subject, n.link or "/", n.queued_at, self.read.get(k))
            for k, n in self.delivered.items()
            if n.recipient == officer_id and n.tenant in tenants and n.subject is not None
        ]
        return [i for i in items if i.unread or not unread_only][:limit]

    async def unread(self, officer_id: str, tenants: Collection[str], keys: Collection[str] | None = None) -> int:
        items = await self.of_officer(officer_id, tenants, limit=1000, unread_only=True)
        return len([i for i in items if keys is None or i.key in keys])

    async def mark_read(
        self, officer_id: str, tenants: Collection[str], keys: Collection[str] | None, at: datetime
    ) -> int:
        marked = 0
        for k, n in self.delivered.items():
            mine = n.recipient == officer_id and n.tenant in tenants
            if mine and k not in self.read and (keys is None or k in keys):
                self.read[k] = at
                marked += 1
        return marked


class FakeTenants:
    def __init__(self) -> None:
        self.configurations: dict[str, TenantConfiguredV1] = {}

    async def get(self, tenant: str) -> TenantConfiguredV1 | None:
        return self.configurations.get(tenant)


class FakeRulesUnitOfWork(FakeNotifyUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.roster = FakeRoster()
        self.case_teams = FakeCaseTeams()
        self.reminders = FakeReminders()
        self.officer_inbox = FakeOfficerInbox()
        self.tenants = FakeTenants()

    def everything(self) -> list[Notification]:
        return [*self.officer_inbox.delivered.values(), *self.notifications.queued.values()]
