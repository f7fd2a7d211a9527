"""Each case's telaah: its checklist and its free notes, sealed."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as upsert

from wbs_contracts.sealed import SealedPayload
from wbs_runtime.unit_of_work import Repository
from wbs_triage.adapters.db.telaah_tables import telaah_checklist_table, telaah_note_table
from wbs_triage.domain.telaah import TelaahNote


class SqlTelaahRepository(Repository):
    async def checklist(self, case_id: UUID, *, for_update: bool = False) -> SealedPayload | None:
        query = select(telaah_checklist_table.c.sealed).where(telaah_checklist_table.c.case_id == case_id)
        if for_update:
            query = query.with_for_update()
        sealed = (await self._session.execute(query)).scalar_one_or_none()
        return None if sealed is None else SealedPayload.model_validate(sealed)

    async def put_checklist(self, case_id: UUID, tenant: str, sealed: SealedPayload, *, at: datetime) -> None:
        values = {"sealed": sealed.model_dump(mode="json"), "updated_at": at}
        statement = (
            upsert(telaah_checklist_table)
            .values(case_id=case_id, tenant_id=tenant, **values)
            .on_conflict_do_update(index_elements=[telaah_checklist_table.c.case_id], set_=values)
        )
        await self._session.execute(statement)

    async def add_note(self, note: TelaahNote) -> None:
        await self._session.execute(
            insert(telaah_note_table).values(
                id=note.id,
                case_id=note.case_id,
                tenant_id=note.tenant,
                author_id=note.author_id,
                author_name=note.author_name,
                written_at=note.written_at,
                sealed=note.sealed.model_dump(mode="json"),
            )
        )

    async def notes(self, case_id: UUID) -> list[TelaahNote]:
        query = (
            select(telaah_note_table)
            .where(telaah_note_table.c.case_id == case_id)
            .order_by(telaah_note_table.c.written_at, telaah_note_table.c.id)
        )
        return [
            TelaahNote(
                id=row.id,
                case_id=row.case_id,
                tenant=row.tenant_id,
                author_id=row.author_id,
                author_name=row.author_name,
                written_at=row.written_at,
                sealed=SealedPayload.model_validate(row.sealed),
            )
            for row in await self._session.execute(query)
        ]
