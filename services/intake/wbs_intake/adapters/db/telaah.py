"""What intake keeps of triage's telaah: how each ended, and the cases registered elsewhere for a
report forwarded there."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from wbs_contracts.sealed import SealedPayload
from wbs_intake.adapters.db.tables import forwarded_case_table, telaah_end_table
from wbs_intake.domain.report import ReportStatus
from wbs_intake.domain.telaah import TelaahEnd
from wbs_runtime.unit_of_work import Repository


class SqlTelaahRepository(Repository):
    async def add_end(self, end: TelaahEnd) -> None:
        await self._session.execute(
            insert(telaah_end_table)
            .values(
                report_id=end.report_id,
                status=end.status.value,
                at=end.at,
                body_name=end.body_name,
                sealed_reason=None if end.sealed_reason is None else end.sealed_reason.model_dump(mode="json"),
                reason_tenant=end.reason_tenant,
                reason_case=end.reason_case,
            )
            .on_conflict_do_nothing()
        )

    async def ends_of(self, report_id: UUID) -> list[TelaahEnd]:
        rows = await self._session.execute(
            select(telaah_end_table).where(telaah_end_table.c.report_id == report_id).order_by(telaah_end_table.c.at)
        )
        return [
            TelaahEnd(
                report_id=row.report_id,
                status=ReportStatus(row.status),
                at=row.at,
                body_name=row.body_name,
                sealed_reason=None if row.sealed_reason is None else SealedPayload.model_validate(row.sealed_reason),
                reason_tenant=row.reason_tenant,
                reason_case=row.reason_case,
            )
            for row in rows
        ]

    async def add_forwarded_case(self, case_id: UUID, report_id: UUID, tenant: str) -> None:
        await self._session.execute(
            insert(forwarded_case_table)
            .values(case_id=case_id, report_id=report_id, tenant_id=tenant)
            .on_conflict_do_nothing()
        )

    async def report_of_forwarded_case(self, case_id: UUID) -> UUID | None:
        row = (
            await self._session.execute(
                select(forwarded_case_table.c.report_id).where(forwarded_case_table.c.case_id == case_id)
            )
        ).first()
        return None if row is None else row.report_id
