"""Case files in a given state of audit, for tests of one step without walking the steps before it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert

from wbs_contracts.events.investigation import AuditResult
from wbs_contracts.sealed import Audience
from wbs_investigation.adapters.db import case_file_table
from wbs_investigation.domain.audit_result import AuditFindingsV1, RecordedResult
from wbs_investigation.domain.case_file import CaseFileStatus
from wbs_investigation.domain.ekspose import EksposeConclusionV1
from wbs_runtime.service import ServiceRuntime


async def case_in_audit(
    runtime: ServiceRuntime[Any],
    tenant: str,
    *,
    status: CaseFileStatus = CaseFileStatus.PELAKSANAAN,
    result: AuditResult | None = None,
    estimated_loss_idr: int | None = None,
    report_issued: bool = False,
    ekspose_concluded: bool = False,
    sequence: int = 1,
) -> uuid.UUID:
    """A case file of ``tenant`` as the steps before would have left it; returns its id."""
    case_id = uuid.uuid4()
    now = datetime.now(UTC)
    async with runtime.sessionmaker() as session:
        await session.execute(
            insert(case_file_table).values(
                case_id=case_id,
                tenant_id=tenant,
                agenda_number=f"WBS/{tenant.upper()}/{now.year}/{sequence:04d}",
                registered_on=now.date(),
                status=status.value,
                audit_decided_at=now,
                telaah_policy_version=1,
                result=result.value if result else None,
                estimated_loss_idr=estimated_loss_idr,
                report_number=f"LHA-{sequence:04d}" if report_issued else None,
                report_issued_at=now if report_issued else None,
                ekspose_concluded_at=now if ekspose_concluded else None,
            )
        )
        await session.commit()
    return case_id


async def result_recorded(
    runtime: ServiceRuntime[Any],
    tenant: str,
    case_id: uuid.UUID,
    findings: str,
    *,
    result: AuditResult = AuditResult.TPK,
    estimated_loss_idr: int = 0,
    version: int = 1,
) -> None:
    """A version of the audit's result with its summary of findings, sealed as the audit step seals it."""
    async with runtime.unit_of_work() as uow:
        await uow.audit_results.add_result(
            RecordedResult(
                id=uuid.uuid4(),
                case_id=case_id,
                tenant=tenant,
                version=version,
                result=result,
                estimated_loss_idr=estimated_loss_idr,
                sealed_findings=runtime.keyring.seal(
                    tenant, Audience.CASE_SUBSTANCE, AuditFindingsV1(summary=findings), case=case_id
                ),
                recorded_by="auditor",
                recorded_by_name="Auditor",
                recorded_at=datetime.now(UTC),
            )
        )
        await uow.commit()


async def ekspose_concluded(
    runtime: ServiceRuntime[Any], tenant: str, case_id: uuid.UUID, conclusion: EksposeConclusionV1
) -> None:
    """The case file's exposé conclusion, as the ekspose step leaves it when an exposé concludes."""
    async with runtime.unit_of_work() as uow:
        sealed = runtime.keyring.seal(tenant, Audience.CASE_SUBSTANCE, conclusion, case=case_id)
        await uow.eksposes.conclude_case(case_id, conclusion.held_at, sealed)
        await uow.commit()
