"""The officers' queue: a page of the tenant's cases with what each waits for, for whom, and when
it is due.

The due times are counted on the tenant's calendar as triage keeps it (``wbs_runtime.tenancy``):
the ``disposisi`` limit from registration (1 working day when its policy names none), the team's
``tindak-lanjut-tim`` from the disposition (kept on the case). A tenant whose configuration has
not reached triage yet is counted on weekends alone (never later than the true due time).
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from wbs_contracts.events.directory import Category, TimeLimit
from wbs_runtime.audit import AuditEntry
from wbs_runtime.clock import Clock
from wbs_runtime.roster import RosterEntry
from wbs_triage.domain.case import CaseStatus
from wbs_triage.domain.disposition import (
    DEFAULT_DISPOSISI,
    DEFAULT_FOLLOW_UP,
    DISPOSISI_LIMIT,
    FOLLOW_UP_LIMIT,
    eligible,
    limit_of,
)
from wbs_triage.domain.queue import (
    Lateness,
    QueueEntry,
    QueueQuery,
    late_if_registered_by,
    queue_entry,
    telaah_approvers,
)
from wbs_triage.ports import QueueUnitOfWork
from wbs_triage.usecases.cases import Reader
from wbs_triage.usecases.clocks import WEEKENDS_ALONE, working_days_due

#: A clock in working days from a (local) day: ``follow_up_clock(calendar, limit, zone)(day)``.
follow_up_clock = working_days_due


@dataclass(frozen=True)
class QueuePage:
    entries: list[QueueEntry]
    total: int
    query: QueueQuery
    #: The pimpinan's limit for a disposition, and the team's for its follow-up.
    disposition_limit: TimeLimit
    follow_up_limit: TimeLimit
    categories: tuple[Category, ...]
    #: Whom the officer filter offers: the tenant's officers who may be on a team.
    officers: list[RosterEntry]
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
        limits = policy.time_limits if policy is not None else None
        disposition_limit = limit_of(limits, DISPOSISI_LIMIT, DEFAULT_DISPOSISI)
        due = working_days_due(calendar, disposition_limit, zone)
        lateness = Lateness(now=now, registered_by=late_if_registered_by(due, now))
        cases, total = await uow.cases.queue(tenant, query, lateness)
        ids = [c.id for c in cases]
        questions = await uow.open_questions.of_cases(tenant, ids)
        teams = await uow.dispositions.teams(ids)
        waiting_approval = [c.id for c in cases if c.status is CaseStatus.MENUNGGU_PERSETUJUAN]
        proposals = await uow.proposals.pending_of_cases(waiting_approval) if waiting_approval else {}
        officers = eligible(await uow.roster.of_tenant(tenant))
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
                            "officer": query.officer,
                            "late": query.late,
                        }.items()
                        if v is not None
                    },
                },
                correlation_id=reader.correlation_id,
            )
        )
        await uow.commit()
    approvers = telaah_approvers(policy.approvals if policy is not None else ())
    entries = [
        queue_entry(
            case,
            questions,
            disposition_due=due,
            now=now,
            team=teams.get(case.id, ()),
            approvers=approvers,
            proposal=proposals.get(case.id),
        )
        for case in cases
    ]
    return QueuePage(
        entries=entries,
        total=total,
        query=query,
        disposition_limit=disposition_limit,
        follow_up_limit=limit_of(limits, FOLLOW_UP_LIMIT, DEFAULT_FOLLOW_UP),
        categories=policy.categories if policy is not None else (),
        officers=officers,
        calendar_known=configuration is not None,
    )


async def categories_of(tenant: str, uow: QueueUnitOfWork) -> tuple[Category, ...]:
    """The tenant's categories as its policy names them (none before its configuration arrives)."""
    async with uow:
        configuration = await uow.tenants.get(tenant)
    return configuration.policy.categories if configuration is not None else ()
