"""The case register: every case, and whether and where it stands in audit."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert

from wbs_contracts.events.investigation import AuditResult
from wbs_contracts.sealed import SealedPayload
from wbs_investigation.adapters.db.tables import case_file_table
from wbs_investigation.domain.case_file import CaseFile, CaseFileStatus
from wbs_runtime.unit_of_work import Repository

_table = case_file_table

#: A case enters the register (``open``); a telaah decision that came first left the row already.
_OPEN = """
    INSERT INTO case_file (case_id, tenant_id, agenda_number, registered_on, status)
    VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (case_id) DO UPDATE
    SET agenda_number = excluded.agenda_number, registered_on = excluded.registered_on
"""


def case_file_of(row: Any) -> CaseFile:
    return CaseFile(
        case_id=row.case_id,
        tenant=row.tenant_id,
        agenda_number=row.agenda_number,
        registered_on=row.registered_on,
        status=CaseFileStatus(row.status),
        audit_decided_at=row.audit_decided_at,
        telaah_policy_version=row.telaah_policy_version,
        result=AuditResult(row.result) if row.result else None,
        estimated_loss_idr=row.estimated_loss_idr,
        report_number=row.report_number,
        report_issued_at=row.report_issued_at,
        handed_over_at=row.handed_over_at,
        ekspose_concluded_at=row.ekspose_concluded_at,
    )


class SqlCaseFiles(Repository):
    async def open(self, case_file: CaseFile) -> None:
        """Record a registered case; if the telaah's decision came first, fill in its agenda."""
        # On the driver: every case-registered runs it, and building the statement through
        # SQLAlchemy (``excluded`` proxies every column of this wide table) cost 0.3 ms an event.
        await (await self._driver()).execute(
            _OPEN,
            case_file.case_id,
            case_file.tenant,
            case_file.agenda_number,
            case_file.registered_on,
            case_file.status.value,
        )

    async def record_telaah(
        self,
        case_id: UUID,
        tenant: str,
        *,
        status: CaseFileStatus,
        decided_at: datetime,
        policy_version: int,
        conclusion: SealedPayload | None,
        report_substance: SealedPayload | None,
    ) -> None:
        """The telaah ended: ``perencanaan`` for an audit, ``tidak-diaudit`` otherwise. A case
        already past planning is left where it is (a redelivered decision changes nothing)."""
        values = {
            "status": status.value,
            "audit_decided_at": decided_at,
            "telaah_policy_version": policy_version,
            "sealed_conclusion": conclusion.model_dump(mode="json") if conclusion else None,
            "sealed_report_substance": report_substance.model_dump(mode="json") if report_substance else None,
        }
        statement = insert(_table).values(case_id=case_id, tenant_id=tenant, **values)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[_table.c.case_id],
                set_=values,
                where=_table.c.status.in_((CaseFileStatus.MENUNGGU_TELAAH.value, CaseFileStatus.TIDAK_DIAUDIT.value)),
            )
        )

    async def get(self, case_id: UUID) -> CaseFile | None:
        row = (await self._session.execute(select(_table).where(_table.c.case_id == case_id))).first()
        return case_file_of(row) if row else None

    async def lock(self, case_id: UUID) -> CaseFile | None:
        """The case file, locked until the transaction ends (for a change that depends on its state)."""
        statement = select(_table).where(_table.c.case_id == case_id).with_for_update()
        row = (await self._session.execute(statement)).first()
        return case_file_of(row) if row else None

    async def sealed(self, case_id: UUID) -> tuple[SealedPayload | None, SealedPayload | None]:
        """The telaah's conclusion and the report, sealed to case-substance."""
        statement = select(_table.c.sealed_conclusion, _table.c.sealed_report_substance).where(
            _table.c.case_id == case_id
        )
        row = (await self._session.execute(statement)).first()
        if row is None:
            return None, None
        return (
            SealedPayload.model_validate(row.sealed_conclusion) if row.sealed_conclusion else None,
            SealedPayload.model_validate(row.sealed_report_substance) if row.sealed_report_substance else None,
        )

    async def in_tenant(self, tenant: str, statuses: Collection[CaseFileStatus], *, limit: int = 200) -> list[CaseFile]:
        statement = (
            select(_table)
            .where(_table.c.tenant_id == tenant, _table.c.status.in_([s.value for s in statuses]))
            .order_by(_table.c.audit_decided_at.desc().nulls_last(), _table.c.case_id)
            .limit(limit)
        )
        return [case_file_of(row) for row in await self._session.execute(statement)]

    async def set_status(self, case_id: UUID, status: CaseFileStatus) -> None:
        await self._session.execute(update(_table).where(_table.c.case_id == case_id).values(status=status.value))
