"""The register of an audit's files (the bytes are in the blob store, their key sealed here)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import insert, select

from wbs_contracts.sealed import SealedPayload
from wbs_investigation.adapters.db.tables import case_document_table
from wbs_investigation.domain.documents import CaseDocument, DocumentKind
from wbs_runtime.unit_of_work import Repository

_table = case_document_table


def document_of(row: Any) -> CaseDocument:
    return CaseDocument(
        document_id=row.id,
        case_id=row.case_id,
        tenant=row.tenant_id,
        kind=DocumentKind(row.kind),
        title=row.title,
        media_type=row.media_type,
        size=row.size,
        sha256=row.sha256,
        added_by=row.added_by,
        added_at=row.added_at,
    )


class SqlCaseDocuments(Repository):
    async def add(self, document: CaseDocument, *, blob: str, sealed_key: SealedPayload) -> None:
        await self._session.execute(
            insert(_table).values(
                id=document.document_id,
                case_id=document.case_id,
                tenant_id=document.tenant,
                kind=document.kind.value,
                title=document.title,
                media_type=document.media_type,
                size=document.size,
                sha256=document.sha256,
                blob=blob,
                sealed_key=sealed_key.model_dump(mode="json"),
                added_by=document.added_by,
                added_at=document.added_at,
            )
        )

    async def of_case(self, case_id: UUID, kinds: tuple[DocumentKind, ...] = ()) -> list[CaseDocument]:
        statement = select(_table).where(_table.c.case_id == case_id)
        if kinds:
            statement = statement.where(_table.c.kind.in_([k.value for k in kinds]))
        return [document_of(row) for row in await self._session.execute(statement.order_by(_table.c.added_at))]

    async def locate(self, document_id: UUID) -> tuple[CaseDocument, str, SealedPayload] | None:
        """The document, its blob's name and its sealed key."""
        row = (await self._session.execute(select(_table).where(_table.c.id == document_id))).first()
        if row is None:
            return None
        return document_of(row), row.blob, SealedPayload.model_validate(row.sealed_key)
