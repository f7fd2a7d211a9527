"""The registration records the officers completed, sealed."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as upsert

from wbs_contracts.sealed import SealedPayload
from wbs_runtime.unit_of_work import Repository
from wbs_triage.adapters.db.telaah_tables import case_registration_table


class SqlRegistrationRepository(Repository):
    async def get(self, case_id: UUID) -> SealedPayload | None:
        query = select(case_registration_table.c.sealed).where(case_registration_table.c.case_id == case_id)
        sealed = (await self._session.execute(query)).scalar_one_or_none()
        return None if sealed is None else SealedPayload.model_validate(sealed)

    async def put(self, case_id: UUID, tenant: str, sealed: SealedPayload, *, at: datetime, by: str) -> None:
        values = {"sealed": sealed.model_dump(mode="json"), "updated_at": at, "updated_by": by}
        statement = (
            upsert(case_registration_table)
            .values(case_id=case_id, tenant_id=tenant, **values)
            .on_conflict_do_update(index_elements=[case_registration_table.c.case_id], set_=values)
        )
        await self._session.execute(statement)
