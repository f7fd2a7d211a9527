"""The case register: every case of every body, and whether the telaah sent it to audit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.triage import CaseRegisteredV1, TelaahDecidedV1, TelaahOutcome
from wbs_investigation.domain.case_file import AUDIT_STATUSES, CaseFile, CaseFileStatus
from wbs_investigation.ports import InvestigationUnitOfWork
from wbs_runtime.audit import AuditEntry


@dataclass(frozen=True)
class Officer:
    """The officer acting, as the audit trail names them."""

    officer_id: str
    name: str
    roles: tuple[str, ...]
    session_id: str
    correlation_id: str | None = None


def entry(tenant: str, case_id: UUID, officer: Officer, action: str, **details: Any) -> AuditEntry:
    """An audit entry for ``officer`` doing ``action`` on the case (values never, names of fields only)."""
    return AuditEntry(
        tenant_id=tenant,
        actor=officer.officer_id,
        actor_name=officer.name,
        role=",".join(sorted(officer.roles)) or None,
        session_id=officer.session_id,
        action=action,
        object_type="case",
        object_id=str(case_id),
        details=details,
        correlation_id=officer.correlation_id,
    )


async def open_case_file(event: Envelope[Any], uow: InvestigationUnitOfWork) -> None:
    """Handler of ``case-registered``: the case enters investigation's register, awaiting telaah."""
    data: CaseRegisteredV1 = event.data
    await uow.case_files.open(
        CaseFile(
            case_id=data.case_id,
            tenant=event.tenant,
            agenda_number=data.agenda_number,
            registered_on=data.registered_on,
        )
    )


async def record_telaah_decision(event: Envelope[Any], uow: InvestigationUnitOfWork) -> None:
    """Handler of ``telaah-decided``: an audit-investigasi decision opens the audit (planning); any
    other outcome means nothing to audit here. Triage refuses an audit while BPK or another APIP is
    auditing the same matter (004 BAB II C.4), so such a decision never arrives."""
    data: TelaahDecidedV1 = event.data
    audit = data.outcome is TelaahOutcome.AUDIT_INVESTIGASI
    await uow.case_files.record_telaah(
        data.case_id,
        event.tenant,
        status=CaseFileStatus.PERENCANAAN if audit else CaseFileStatus.TIDAK_DIAUDIT,
        decided_at=data.decided_at,
        policy_version=data.policy_version,
        conclusion=data.conclusion,
        report_substance=data.report_substance,
    )


async def audit_queue(tenant: str, officer: Officer, uow: InvestigationUnitOfWork) -> list[CaseFile]:
    """The tenant's cases under audit, newest decision first; the reading is audited."""
    async with uow:
        files = await uow.case_files.in_tenant(tenant, AUDIT_STATUSES)
        await uow.audit.append(
            AuditEntry(
                tenant_id=tenant,
                actor=officer.officer_id,
                actor_name=officer.name,
                role=",".join(sorted(officer.roles)) or None,
                session_id=officer.session_id,
                action="audit.queue-read",
                details={"count": len(files)},
                correlation_id=officer.correlation_id,
            )
        )
        await uow.commit()
        return files


async def read_case_file(tenant: str, case_id: UUID, officer: Officer, uow: InvestigationUnitOfWork) -> CaseFile | None:
    """The case file if it is ``tenant``'s and under audit (None otherwise); the reading is audited."""
    async with uow:
        case_file = await uow.case_files.get(case_id)
        if case_file is None or case_file.tenant != tenant or not case_file.status.in_audit:
            return None
        await uow.audit.append(entry(tenant, case_id, officer, "audit.case-read"))
        await uow.commit()
        return case_file
