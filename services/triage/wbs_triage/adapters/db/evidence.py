"""Where each evidence file is, and its key sealed to case-substance."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as upsert

from wbs_runtime.unit_of_work import Repository
from wbs_triage.adapters.db.tables import evidence_table
from wbs_triage.domain.evidence import CaseEvidence


class SqlEvidenceRepository(Repository):
    async def add(self, evidence: CaseEvidence) -> None:
        statement = (
            upsert(evidence_table)
            .values(
                id=evidence.id,
                case_id=evidence.case_id,
                tenant_id=evidence.tenant,
                blob=evidence.blob,
                size_bytes=evidence.size_bytes,
                added_at=evidence.added_at,
                late=evidence.late,
                sealed_key=evidence.sealed_key,
            )
            .on_conflict_do_nothing(index_elements=[evidence_table.c.id])
        )
        await self._session.execute(statement)

    async def of_case(self, case_id: UUID) -> list[CaseEvidence]:
        rows = await self._session.execute(
            select(evidence_table)
            .where(evidence_table.c.case_id == case_id)
            .order_by(evidence_table.c.added_at, evidence_table.c.id)
        )
        return [_evidence(row) for row in rows]

    async def get(self, evidence_id: UUID) -> CaseEvidence | None:
        row = (await self._session.execute(select(evidence_table).where(evidence_table.c.id == evidence_id))).first()
        return _evidence(row) if row is not None else None


def _evidence(row: Any) -> CaseEvidence:
    return CaseEvidence(
        id=row.id,
        case_id=row.case_id,
        tenant=row.tenant_id,
        blob=row.blob,
        size_bytes=row.size_bytes,
        added_at=row.added_at,
        late=row.late,
        sealed_key=row.sealed_key,
    )
