"""The Kotak Komunikasi of each case, sealed."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as upsert

from wbs_contracts.sealed import SealedPayload
from wbs_runtime.unit_of_work import Repository
from wbs_triage.adapters.db.tables import case_message_table
from wbs_triage.domain.messages import Author, CaseMessage


class SqlMessageRepository(Repository):
    async def add(self, message: CaseMessage) -> bool:
        statement = (
            upsert(case_message_table)
            .values(
                id=message.id,
                case_id=message.case_id,
                tenant_id=message.tenant,
                author=message.author.value,
                kind=message.kind,
                sent_at=message.sent_at,
                sealed=message.sealed.model_dump(mode="json"),
                in_reply_to=message.in_reply_to,
                answer_due=message.answer_due,
            )
            .on_conflict_do_nothing(index_elements=[case_message_table.c.id])
            .returning(case_message_table.c.id)
        )
        return (await self._session.execute(statement)).first() is not None

    async def of_case(self, case_id: UUID) -> list[CaseMessage]:
        query = (
            select(case_message_table)
            .where(case_message_table.c.case_id == case_id)
            .order_by(case_message_table.c.sent_at, case_message_table.c.id)
        )
        return [
            CaseMessage(
                id=row.id,
                case_id=row.case_id,
                tenant=row.tenant_id,
                author=Author(row.author),
                kind=row.kind,
                sent_at=row.sent_at,
                sealed=SealedPayload.model_validate(row.sealed),
                in_reply_to=row.in_reply_to,
                answer_due=row.answer_due,
            )
            for row in await self._session.execute(query)
        ]
