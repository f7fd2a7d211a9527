"""The related-reports index: keyed digests and signatures, never the words they come from."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import delete, insert, select, text

from wbs_runtime.unit_of_work import Repository
from wbs_triage.adapters.db.telaah_tables import related_digest_table, related_signature_table
from wbs_triage.domain.related import Candidate, RelatedIndexEntry

#: The tenant's other cases sharing a digest with this one: the primary key of ``related_digest``
#: (tenant, label, digest, case) answers each of the case's digests.
_CANDIDATES = text(
    """
    SELECT other.case_id, array_agg(DISTINCT other.label) AS labels, s.signature, c.agenda_number
    FROM related_digest mine
    JOIN related_digest other
      ON other.tenant_id = mine.tenant_id AND other.label = mine.label AND other.digest = mine.digest
     AND other.case_id <> mine.case_id
    JOIN "case" c ON c.id = other.case_id AND c.tenant_id = mine.tenant_id
    LEFT JOIN related_signature s ON s.case_id = other.case_id
    WHERE mine.case_id = :case_id AND mine.tenant_id = :tenant
    GROUP BY other.case_id, s.signature, c.agenda_number, c.registered_at
    ORDER BY count(*) DESC, c.registered_at DESC
    LIMIT :limit
    """
)


class SqlRelatedIndex(Repository):
    async def replace(self, case_id: UUID, tenant: str, entry: RelatedIndexEntry) -> None:
        await self._session.execute(delete(related_digest_table).where(related_digest_table.c.case_id == case_id))
        await self._session.execute(delete(related_signature_table).where(related_signature_table.c.case_id == case_id))
        digests = {(label, digest) for label, digest in entry.digests}
        if digests:
            await self._session.execute(
                insert(related_digest_table),
                [{"tenant_id": tenant, "label": label, "digest": d, "case_id": case_id} for label, d in digests],
            )
        if entry.signature:
            await self._session.execute(
                insert(related_signature_table).values(
                    case_id=case_id, tenant_id=tenant, signature=list(entry.signature)
                )
            )

    async def signature(self, case_id: UUID) -> tuple[int, ...] | None:
        query = select(related_signature_table.c.signature).where(related_signature_table.c.case_id == case_id)
        found = (await self._session.execute(query)).scalar_one_or_none()
        return None if found is None else tuple(found)

    async def candidates(self, case_id: UUID, tenant: str, *, limit: int = 50) -> list[Candidate]:
        rows = await self._session.execute(_CANDIDATES, {"case_id": case_id, "tenant": tenant, "limit": limit})
        return [
            Candidate(
                case_id=row.case_id,
                labels=frozenset(row.labels),
                signature=tuple(row.signature or ()),
                agenda_number=row.agenda_number,
            )
            for row in rows
        ]
