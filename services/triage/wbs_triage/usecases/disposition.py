"""Disposisi and the team's clock: a case disposed to a team of the roster (the runtime keeps it
from directory), disposed again (the team replaced), and the follow-up due time paused while the
case waits on the reporter. The working days are the tenant's calendar as triage keeps it (weekends alone for a
tenant not configured here yet, never later than the true due time)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from wbs_contracts.events.triage import CaseDisposedV1, DispositionInstructionV1
from wbs_contracts.registry import CASE_DISPOSED
from wbs_contracts.sealed import Audience
from wbs_runtime.clock import Clock
from wbs_runtime.roster import RosterEntry
from wbs_runtime.working_days import last_day_before
from wbs_triage.domain.disposition import (
    DEFAULT_FOLLOW_UP,
    FOLLOW_UP_LIMIT,
    Disposition,
    DispositionDraft,
    DispositionRefused,
    check_disposable,
    checked_instruction,
    checked_team,
    eligible,
    limit_of,
)
from wbs_triage.ports import Keys, Opener, QueueUnitOfWork, TriageUnitOfWork
from wbs_triage.usecases.cases import Reader, _entry
from wbs_triage.usecases.clocks import working_days_due
from wbs_triage.usecases.entitlement import may_open


async def team_candidates(tenant: str, uow: QueueUnitOfWork) -> list[RosterEntry]:
    """The tenant's active officers who may be on a team, by name."""
    async with uow:
        return eligible(await uow.roster.of_tenant(tenant))


async def dispose_case(
    tenant: str,
    case_id: UUID,
    draft: DispositionDraft,
    author: Reader,
    *,
    uow: QueueUnitOfWork,
    keys: Keys,
    clock: Clock,
    zone: ZoneInfo,
) -> Disposition | None:
    """The pimpinan disposes the case to a team with an instruction: kept (each disposition is),
    the team made the case's, the case ditelaah with the team's follow-up due after the tenant's
    ``tindak-lanjut-tim`` limit (5 working days by default), ``case-disposed`` published (the
    instruction sealed to case-substance) and ``case.disposed`` on the trail, in one transaction.
    None if the case is not ``tenant``'s; ``DispositionRefused`` (nothing changed) for a decided
    case, a team outside the roster, or no instruction."""
    text = checked_instruction(draft.instruction)
    async with uow:
        case = await uow.cases.get(case_id)
        if case is None or case.tenant != tenant:
            return None
        check_disposable(case.status)
        roster = {entry.officer_id: entry for entry in await uow.roster.of_tenant(tenant)}
        team = checked_team(draft, roster)
        configuration = await uow.tenants.get(tenant)
        if configuration is None:
            raise DispositionRefused(
                "status",
                "Konfigurasi instansi ini belum diterima; coba lagi sebentar lagi.",
                "This tenant's configuration has not arrived yet; try again shortly.",
            )
        limit = limit_of(configuration.policy.time_limits, FOLLOW_UP_LIMIT, DEFAULT_FOLLOW_UP)
        now = clock()
        due = working_days_due(configuration.policy.calendar, limit, zone)(now.astimezone(zone).date())
        disposition = Disposition(
            id=uuid4(),
            case_id=case_id,
            tenant=tenant,
            disposed_at=now,
            disposed_by=author.officer_id,
            disposed_by_name=author.name,
            team=team,
            sealed_instruction=keys.seal(
                tenant, Audience.CASE_SUBSTANCE, DispositionInstructionV1(text=text), case=case_id
            ),
            follow_up_due=due,
            policy_version=configuration.policy_version,
        )
        # Disposed again while the case waits on the reporter: the new clock starts paused.
        waiting = now if case.waiting_on_reporter_since is not None else None
        await uow.dispositions.record(disposition, waiting_on_reporter_since=waiting)
        details = {
            "disposition_id": str(disposition.id),
            "team": [{"officer_id": s.officer_id, "role": s.role.value} for s in team],
            "follow_up_due": last_day_before(due, zone).isoformat(),
            "again": case.disposed_at is not None,
        }
        await uow.audit.append(_entry(tenant, case_id, author, "case.disposed", details))
        event = CaseDisposedV1(
            case_id=case_id,
            disposed_at=now,
            disposed_by=author.officer_id,
            team=tuple(s.member() for s in team),
            instruction=disposition.sealed_instruction,
            follow_up_due=last_day_before(due, zone),
            policy_version=configuration.policy_version,
        )
        await uow.outbox.add(
            CASE_DISPOSED,
            CASE_DISPOSED.envelope(
                event,
                tenant=tenant,
                subject=str(case_id),
                time=now,
                correlation_id=author.correlation_id or str(uuid4()),
            ),
        )
        await uow.commit()
    return disposition


@dataclass(frozen=True)
class OpenedDisposition:
    disposition: Disposition
    #: None for an officer who may not open the case (the instruction may speak of the matter).
    instruction: str | None


async def read_dispositions(
    tenant: str,
    case_id: UUID,
    reader: Reader,
    permissions: Collection[str],
    *,
    uow: TriageUnitOfWork,
    opener: Opener,
) -> list[OpenedDisposition] | None:
    """Every disposition of the case, oldest first, its instruction opened for those who may open
    the case (the pimpinan satker, the ketua tim, the team); None if the case is not ``tenant``'s.
    The reading is on the trail (``case.dispositions-read``)."""
    async with uow:
        case = await uow.cases.get(case_id)
        if case is None or case.tenant != tenant:
            return None
        dispositions = await uow.dispositions.of_case(case_id)
        entitled = await may_open(case, reader.officer_id, permissions, uow)
        await uow.audit.append(_entry(tenant, case_id, reader, "case.dispositions-read", {"opened": entitled}))
        await uow.commit()
    return [
        OpenedDisposition(
            d,
            opener.open(d.sealed_instruction, tenant=tenant, case=case_id, model=DispositionInstructionV1).text
            if entitled
            else None,
        )
        for d in dispositions
    ]
