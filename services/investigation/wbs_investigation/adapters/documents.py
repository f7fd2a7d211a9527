"""Storing and opening an audit's files: the bytes encrypted in the blob store under a random key,
the key sealed to the tenant's case-substance (bound to the case), the register in the database.

Used by every step that keeps files (the Surat Tugas and the final report it generates, clarifications,
evidence, exposés, recommendations' SK) and by the agency's page that opens what was sent to it.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import AsyncIterator
from datetime import datetime
from uuid import UUID, uuid4

from wbs_contracts.events.intake import EvidenceKeyV1
from wbs_contracts.sealed import Audience
from wbs_investigation.domain.documents import CaseDocument, DocumentKind
from wbs_investigation.ports import CaseDocuments
from wbs_runtime.blobs import BlobStore, decrypt, encrypt, new_file_key
from wbs_runtime.crypto import KeyRing


async def _once(content: bytes) -> AsyncIterator[bytes]:
    yield content


class DocumentVault:
    def __init__(self, blobs: BlobStore, keys: KeyRing) -> None:
        self._blobs = blobs
        self._keys = keys

    async def store(
        self,
        documents: CaseDocuments,
        *,
        tenant: str,
        case_id: UUID,
        kind: DocumentKind,
        title: str,
        media_type: str,
        content: bytes,
        added_by: str,
        added_at: datetime,
    ) -> CaseDocument:
        """Encrypt ``content`` into the blob store and register it in the caller's transaction. The
        blob is written first: a rolled-back transaction leaves an orphan blob, never a dangling row."""
        document = CaseDocument(
            document_id=uuid4(),
            case_id=case_id,
            tenant=tenant,
            kind=kind,
            title=title,
            media_type=media_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            added_by=added_by,
            added_at=added_at,
        )
        key = new_file_key()
        blob = f"investigation/{document.document_id}"
        await self._blobs.put(blob, encrypt(_once(content), key))
        sealed_key = self._keys.seal(
            tenant,
            Audience.CASE_SUBSTANCE,
            EvidenceKeyV1(file_key=base64.b64encode(key).decode(), file_name=title[:255], content_type=media_type),
            case=case_id,
        )
        await documents.add(document, blob=blob, sealed_key=sealed_key)
        return document

    async def read(self, documents: CaseDocuments, document_id: UUID) -> tuple[CaseDocument, bytes] | None:
        """The document and its bytes (checked against their digest), or None when unknown."""
        located = await documents.locate(document_id)
        if located is None:
            return None
        document, blob, sealed_key = located
        key = self._keys.open(sealed_key, tenant=document.tenant, case=document.case_id, model=EvidenceKeyV1)
        content = b"".join([chunk async for chunk in decrypt(self._blobs.open(blob), base64.b64decode(key.file_key))])
        if hashlib.sha256(content).hexdigest() != document.sha256:
            raise ValueError(f"document {document_id} does not match its digest")
        return document, content
