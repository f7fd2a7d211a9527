"""Triage's use cases."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.intake import ReportSubmittedV1
from wbs_contracts.events.triage import CaseRegisteredV1
from wbs_contracts.registry import CASE_REGISTERED
from wbs_runtime.audit import AuditEntry, ChainedEntry
from wbs_runtime.clock import Clock
from wbs_triage.domain.agenda import agenda_entry, agenda_year
from wbs_triage.domain.case import Case
from wbs_triage.ports import TriageUnitOfWork


def register_case(clock: Clock, timezone: ZoneInfo) -> Callable[[Envelope[Any], TriageUnitOfWork], Any]:
    """Handler of ``report-submitted``: record the case in the tenant's agenda (pencatatan)."""

    async def handle(event: Envelope[Any], uow: TriageUnitOfWork) -> None:
        report: ReportSubmittedV1 = event.data
        if await uow.cases.get(report.report_id) is not None:
            return  # registered already: the inbox missed nothing, but registering twice must not happen
        now = clock()
        sequence = await uow.agenda.next_sequence(event.tenant, agenda_year(now, timezone))
        entry = agenda_entry(event.tenant, sequence, now, timezone)
        case = Case(
            id=report.report_id,
            tenant=event.tenant,
            category=report.category,
            channel=report.channel,
            received_at=report.submitted_at,
            agenda=entry,
            sealed_substance=report.substance.model_dump(mode="json"),
            received_by=report.received_by,
            received_on=report.received_on,
        )
        await uow.cases.add(case)
        registered = CaseRegisteredV1(
            case_id=case.id,
            agenda_number=entry.number,
            agenda_year=entry.year,
            agenda_sequence=entry.sequence,
            registered_on=entry.registered_on,
            registered_at=entry.registered_at,
        )
        await uow.outbox.add(CASE_REGISTERED, CASE_REGISTERED.caused_by(event, registered, time=now))

    return handle


@dataclass(frozen=True)
class Reader:
    """The officer reading a case, as the audit trail names them."""

    officer_id: str
    name: str
    roles: tuple[str, ...]
    session_id: str
    correlation_id: str | None = None


async def read_case(tenant: str, case_id: UUID, reader: Reader, uow: TriageUnitOfWork) -> Case | None:
    """The case's registration (never its substance), if it is ``tenant``'s; the reading is on the
    tenant's audit trail in the same transaction, so there is no read without its entry."""
    async with uow:
        case = await uow.cases.get(case_id)
        if case is None or case.tenant != tenant:
            return None
        await uow.audit.append(_entry(tenant, case_id, reader, "case.read"))
        await uow.commit()
        return case


async def list_cases(tenant: str, reader: Reader, uow: TriageUnitOfWork, *, limit: int = 200) -> list[Case]:
    """The tenant's cases, newest first (their registrations, never their substance); the reading
    is on the tenant's audit trail."""
    async with uow:
        cases = await uow.cases.in_tenant(tenant, limit=limit)
        await uow.audit.append(
            AuditEntry(
                tenant_id=tenant,
                actor=reader.officer_id,
                actor_name=reader.name,
                role=",".join(sorted(reader.roles)) or None,
                session_id=reader.session_id,
                action="case.list-read",
                details={"count": len(cases)},
                correlation_id=reader.correlation_id,
            )
        )
        await uow.commit()
        return cases


async def case_history(tenant: str, case_id: UUID, reader: Reader, uow: TriageUnitOfWork) -> list[ChainedEntry] | None:
    """Who did what with the case here, oldest first (reading the history is recorded too)."""
    async with uow:
        case = await uow.cases.get(case_id)
        if case is None or case.tenant != tenant:
            return None
        await uow.audit.append(_entry(tenant, case_id, reader, "case.history-read"))
        history = await uow.audit.history(tenant, "case", str(case_id))
        await uow.commit()
        return history


def _entry(tenant: str, case_id: UUID, reader: Reader, action: str) -> AuditEntry:
    return AuditEntry(
        tenant_id=tenant,
        actor=reader.officer_id,
        actor_name=reader.name,
        role=",".join(sorted(reader.roles)) or None,
        session_id=reader.session_id,
        action=action,
        object_type="case",
        object_id=str(case_id),
        correlation_id=reader.correlation_id,
    )
