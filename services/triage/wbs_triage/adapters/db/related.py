"""The related-reports index: keyed digests and signatures, never the words they come from.

Every report registered is indexed in the consumer's transaction, so what is kept is held here and
written at commit in three statements for the whole batch (as the cases themselves are), not
several per report."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from wbs_runtime.unit_of_work import Repository
from wbs_triage.adapters.db.tables import case_table
from wbs_triage.adapters.db.telaah_tables import related_signature_table
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

#: Cases the index does not hold yet, oldest first; one at a time per indexer (another skips them).
_UNINDEXED = """
    SELECT id FROM "case" WHERE NOT related_indexed {tenant}
    ORDER BY registered_at LIMIT $1 FOR UPDATE SKIP LOCKED
"""
_MARK_INDEXED = 'UPDATE "case" SET related_indexed = true WHERE id = ANY($1::uuid[]) AND NOT related_indexed'
_FORGET_DIGESTS = "DELETE FROM related_digest WHERE case_id = ANY($1::uuid[])"
_FORGET_SIGNATURES = "DELETE FROM related_signature WHERE case_id = ANY($1::uuid[])"
_KEEP_DIGESTS = """
    INSERT INTO related_digest (tenant_id, label, digest, case_id)
    SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[], $4::uuid[])
    ON CONFLICT DO NOTHING
"""
_KEEP_SIGNATURES = """
    INSERT INTO related_signature (case_id, tenant_id, signature)
    SELECT case_id, tenant_id, string_to_array(signature, ',')::bigint[]
    FROM unnest($1::uuid[], $2::text[], $3::text[]) AS kept(case_id, tenant_id, signature)
"""


class SqlRelatedIndex(Repository):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
        #: case -> (tenant, entry), written at :meth:`flush`
        self._held: dict[UUID, tuple[str, RelatedIndexEntry]] = {}

    async def replace(self, case_id: UUID, tenant: str, entry: RelatedIndexEntry) -> None:
        self._held.pop(case_id, None)  # kept in the order replaced
        self._held[case_id] = (tenant, entry)

    def mark(self) -> dict[UUID, tuple[str, RelatedIndexEntry]]:
        return dict(self._held)

    def rewind(self, mark: object) -> None:
        assert isinstance(mark, dict)
        self._held = dict(mark)

    async def flush(self) -> None:
        if not self._held:
            return
        held, self._held = self._held, {}
        cases = list(held)
        driver = await self._driver()
        await driver.execute(_MARK_INDEXED, cases)
        await driver.execute(_FORGET_DIGESTS, cases)
        await driver.execute(_FORGET_SIGNATURES, cases)
        digests = [(tenant, label, d, case) for case, (tenant, entry) in held.items() for label, d in entry.digests]
        if digests:
            await driver.execute(_KEEP_DIGESTS, *(list(column) for column in zip(*digests, strict=True)))
        signed = [(case, tenant, entry.signature) for case, (tenant, entry) in held.items() if entry.signature]
        if signed:
            await driver.execute(
                _KEEP_SIGNATURES,
                [case for case, _, _ in signed],
                [tenant for _, tenant, _ in signed],
                [",".join(map(str, signature)) for _, _, signature in signed],
            )

    async def signature(self, case_id: UUID) -> tuple[int, ...] | None:
        await self.flush()  # what this transaction indexed counts
        query = select(related_signature_table.c.signature).where(related_signature_table.c.case_id == case_id)
        found = (await self._session.execute(query)).scalar_one_or_none()
        return None if found is None else tuple(found)

    async def unindexed(self, *, tenant: str | None = None, limit: int) -> list[UUID]:
        driver = await self._driver()
        if tenant is None:
            rows = await driver.fetch(_UNINDEXED.format(tenant=""), limit)
        else:
            rows = await driver.fetch(_UNINDEXED.format(tenant="AND tenant_id = $2"), limit, tenant)
        return [row["id"] for row in rows]

    async def cases_after(self, tenant: str, after: UUID | None, *, limit: int) -> list[UUID]:
        query = select(case_table.c.id).where(case_table.c.tenant_id == tenant).order_by(case_table.c.id).limit(limit)
        if after is not None:
            query = query.where(case_table.c.id > after)
        return list((await self._session.execute(query)).scalars())

    async def candidates(self, case_id: UUID, tenant: str, *, limit: int = 50) -> list[Candidate]:
        await self.flush()
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
