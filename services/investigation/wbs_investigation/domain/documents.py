"""The files of an audit, and what each is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class DocumentKind(StrEnum):
    SURAT_TUGAS = "surat-tugas"
    BERITA_ACARA_KLARIFIKASI = "berita-acara-klarifikasi"
    BUKTI = "bukti"
    LAPORAN_HASIL_AUDIT = "laporan-hasil-audit"
    UNDANGAN_EKSPOSE = "undangan-ekspose"
    NOTULEN_EKSPOSE = "notulen-ekspose"
    SK_TINDAK_LANJUT = "sk-tindak-lanjut"
    BUKTI_TINDAK_LANJUT = "bukti-tindak-lanjut"


@dataclass(frozen=True)
class CaseDocument:
    """A stored file of a case (its bytes encrypted in the blob store)."""

    document_id: UUID
    case_id: UUID
    tenant: str
    kind: DocumentKind
    title: str
    media_type: str
    size: int
    sha256: str
    added_by: str
    added_at: datetime
