"""Who opens an audit's records and who works on them, decided once for every step of the audit."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from uuid import UUID

from wbs_investigation.domain.audit import NOT_ON_TEAM, check_may_work, check_running, may_work_audit
from wbs_investigation.domain.case_file import CaseFile
from wbs_investigation.domain.team import TeamMember, may_open_audit
from wbs_investigation.ports import InvestigationUnitOfWork
from wbs_investigation.usecases.case_files import Officer


@dataclass(frozen=True)
class AuditCase:
    """A case under audit as one officer reaches it."""

    case: CaseFile
    team: list[TeamMember]
    on_team: bool
    #: Whether the officer records the audit's work (the ketua tim; an auditor on the team).
    may_work: bool


async def audit_case(
    tenant: str,
    case_id: UUID,
    officer: Officer,
    permissions: Collection[str],
    uow: InvestigationUnitOfWork,
    *,
    lock: bool = False,
) -> AuditCase | None:
    """The case under audit, if it is ``tenant``'s (None otherwise: the caller answers 404);
    ``AuditRefused`` (403) for an officer who may not open its records (an auditor not on its
    team). With ``lock``, the case file stays locked until the transaction ends."""
    case = await (uow.case_files.lock(case_id) if lock else uow.case_files.get(case_id))
    if case is None or case.tenant != tenant or not case.status.in_audit:
        return None
    team = await uow.teams.of_case(case_id)
    on_team = any(member.officer_id == officer.officer_id for member in team)
    if not may_open_audit(permissions, on_team=on_team):
        raise NOT_ON_TEAM
    return AuditCase(case, team, on_team, may_work_audit(permissions, on_team=on_team))


async def working_case(
    tenant: str, case_id: UUID, officer: Officer, permissions: Collection[str], uow: InvestigationUnitOfWork
) -> AuditCase | None:
    """The case, locked, for recording the audit's work: refused unless the officer works on it and
    the audit runs (after the Surat Tugas, before the final report)."""
    found = await audit_case(tenant, case_id, officer, permissions, uow, lock=True)
    if found is None:
        return None
    check_may_work(permissions, on_team=found.on_team)
    check_running(found.case.status)
    return found
