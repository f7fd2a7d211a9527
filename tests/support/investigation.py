"""Case files in a given state of audit, for tests of one step without walking the steps before it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert

from wbs_contracts.events.investigation import AuditResult
from wbs_investigation.adapters.db import case_file_table
from wbs_investigation.domain.case_file import CaseFileStatus
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
