"""The officers' queue: a page of the tenant's cases with what each waits for and when it is due.

The due times are counted on the tenant's calendar as triage keeps it (``wbs_runtime.tenancy``),
with the tenant's ``tindak-lanjut-tim`` limit (5 working days when its policy names none). A tenant
whose configuration has not reached triage yet is counted on weekends alone (never later than the
true due time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from wbs_contracts.events.directory import Category, TimeLimit, WorkingCalendar
from wbs_runtime.audit import AuditEntry
from wbs_runtime.clock import Clock
from wbs_runtime.working_days import WEEKENDS_ONLY, end_of_day, nth_working_day_after
from wbs_triage.domain.queue import (
    FollowUpDue,
    Lateness,
    QueueEntry,
    QueueQuery,
    follow_up_limit,
    late_if_registered_by,
    queue_entry,
)
from wbs_triage.ports import QueueUnitOfWork
from wbs_triage.usecases.cases import Reader

#: Counted on weekends alone: no holiday is known (a tenant not configured here yet).
WEEKENDS_ALONE = WorkingCalendar(covers_from=date.min, covers_until=date.min)


def follow_up_clock(calendar: WorkingCalendar, limit: TimeLimit, zone: ZoneInfo) -> FollowUpDue:
    assert limit.working_days is not None
    days = limit.working_days

    def due(registered_on: date) -> datetime:
        return end_of_day(nth_working_day_after(calendar, registered_on, days, beyond=WEEKENDS_ONLY), zone)

    return due


@dataclass(frozen=True)
class QueuePage:
    entries: list[QueueEntry]
    total: int
    query: QueueQuery
    limit: TimeLimit
    categories: tuple[Category, ...]
    #: False when the tenant's calendar has not reached triage: weekends alone are counted.
    calendar_known: bool

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


async def read_queue(
    tenant: str, query: QueueQuery, reader: Reader, uow: QueueUnitOfWork, *, clock: Clock, zone: ZoneInfo
) -> QueuePage:
    """One page of the tenant's queue (registrations only, never substance); the reading is on the
    tenant's audit trail (``case.queue-read``, with the filters) in the same transaction."""
    now = clock()
    async with uow:
        configuration = await uow.tenants.get(tenant)
        policy = configuration.policy if configuration is not None else None
        calendar = policy.calendar if policy is not None else WEEKENDS_ALONE
        limit = follow_up_limit(policy.time_limits if policy is not None else None)
        due = follow_up_clock(calendar, limit, zone)
        lateness = Lateness(now=now, registered_by=late_if_registered_by(due, now))
        cases, total = await uow.cases.queue(tenant, query, lateness)
        questions = await uow.open_questions.of_cases(tenant, [c.id for c in cases])
        await uow.audit.append(
            AuditEntry(
                tenant_id=tenant,
                actor=reader.officer_id,
                actor_name=reader.name,
                role=",".join(sorted(reader.roles)) or None,
                session_id=reader.session_id,
                action="case.queue-read",
                details={
                    "count": len(cases),
                    "page": query.page,
                    "filters": {
                        k: v
                        for k, v in {
                            "status": query.status,
                            "category": query.category,
                            "channel": query.channel,
                            "late": query.late,
                        }.items()
                        if v is not None
                    },
                },
                correlation_id=reader.correlation_id,
            )
        )
        await uow.commit()
    entries = [queue_entry(case, questions, follow_up_due=due, now=now) for case in cases]
    return QueuePage(
        entries=entries,
        total=total,
        query=query,
        limit=limit,
        categories=policy.categories if policy is not None else (),
        calendar_known=configuration is not None,
    )
