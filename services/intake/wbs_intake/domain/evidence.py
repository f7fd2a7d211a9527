"""Evidence files as intake sees them: what was stored, how much more a report may take, and why
a file is refused. The bytes themselves are encrypted in the blob store before any of this."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar
from uuid import UUID

from pydantic import ConfigDict, Field

from wbs_contracts.events.directory import EvidenceLimits
from wbs_contracts.sealed import Audience, SealedDocument, SealedPayload

FILE_NAME_LIMIT = 255


class EvidenceReceiptV1(SealedDocument):
    """The reporter's own note of a file they sent (its name and type), sealed to
    ``reporter-mailbox`` so that only the signed-in reporter's page opens it. Kept by intake only,
    never on the bus."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "evidence-receipt"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.REPORTER_MAILBOX
    padded_to_at_least: ClassVar[int] = 1024

    file_name: str = Field(default="", max_length=FILE_NAME_LIMIT)
    content_type: str = Field(max_length=100)


@dataclass(frozen=True)
class StoredFile:
    """A file encrypted into the blob store under its own key, not yet recorded."""

    evidence_id: UUID
    blob: str
    file_key: bytes
    file_name: str
    content_type: str
    size_bytes: int


@dataclass(frozen=True)
class Evidence:
    """A recorded file of a report: sizes and dates in the clear, the name sealed."""

    id: UUID
    report_id: UUID
    blob: str
    size_bytes: int
    added_at: datetime
    late: bool
    receipt: SealedPayload


@dataclass
class Allowance:
    """What a report may still take, counted down as bytes arrive (the tenant's ``EvidenceLimits``
    less what the report holds already)."""

    max_file_bytes: int
    bytes_left: int
    files_left: int

    @classmethod
    def of(cls, limits: EvidenceLimits, *, stored_files: int = 0, stored_bytes: int = 0) -> Allowance:
        return cls(
            max_file_bytes=limits.max_file_bytes,
            bytes_left=max(0, limits.max_report_bytes - stored_bytes),
            files_left=max(0, limits.max_files_per_report - stored_files),
        )

    def for_next_file(self) -> int:
        """Bytes the next file may have; raises :class:`TooManyFiles` when no file may come."""
        if self.files_left <= 0:
            raise TooManyFiles()
        return min(self.max_file_bytes, self.bytes_left)

    def check(self, file_bytes: int, file_name: str) -> None:
        """Raises when a file that has reached ``file_bytes`` may not go on."""
        if file_bytes > self.max_file_bytes:
            raise FileTooLarge(file_name, self.max_file_bytes)
        if file_bytes > self.bytes_left:
            raise ReportTooLarge(file_name, self.bytes_left)

    def took(self, file_bytes: int) -> None:
        self.files_left -= 1
        self.bytes_left -= file_bytes


class EvidenceRefused(Exception):
    """A file that was not stored; ``status`` is the HTTP status that says why (413 or 415)."""

    status: ClassVar[int] = 413

    def __init__(self, file_name: str, pesan: str, message: str) -> None:
        super().__init__(message)
        self.file_name = file_name
        self.pesan = pesan
        self.message = message


def format_size(size: int) -> str:
    """A size as people read it in a limit: whole MiB, or bytes (bita) below one."""
    return f"{size / (1024 * 1024):.0f} MiB" if size >= 1024 * 1024 else f"{size} bita"


class FileTooLarge(EvidenceRefused):
    def __init__(self, file_name: str, limit: int) -> None:
        super().__init__(
            file_name,
            f"Berkas {file_name!r} terlalu besar: paling besar {format_size(limit)} per berkas. "
            "Berkas ini tidak disimpan.",
            f"The file {file_name!r} is too large: at most {format_size(limit)} per file. This file was not stored.",
        )


class ReportTooLarge(EvidenceRefused):
    def __init__(self, file_name: str, left: int) -> None:
        super().__init__(
            file_name,
            f"Berkas {file_name!r} melebihi batas ukuran bukti untuk satu laporan (sisa {format_size(left)}). "
            "Berkas ini tidak disimpan.",
            f"The file {file_name!r} goes beyond the evidence one report may hold ({format_size(left)} left). "
            "This file was not stored.",
        )


class TooManyFiles(EvidenceRefused):
    def __init__(self, file_name: str = "") -> None:
        super().__init__(
            file_name,
            "Jumlah berkas bukti untuk laporan ini sudah mencapai batas. Berkas berikutnya tidak disimpan.",
            "This report holds as many evidence files as it may. Further files were not stored.",
        )


class UnsupportedFileType(EvidenceRefused):
    status: ClassVar[int] = 415

    def __init__(self, file_name: str) -> None:
        super().__init__(
            file_name,
            f"Jenis berkas {file_name!r} tidak diterima. Kirim dokumen (PDF, Word, Excel, PowerPoint, "
            "OpenDocument), gambar, rekaman suara, video, atau teks biasa. Jenis berkas dinilai dari isinya, "
            "bukan dari namanya. Berkas ini tidak disimpan.",
            f"The file {file_name!r} is of a kind that is not accepted. Send documents (PDF, Word, Excel, "
            "PowerPoint, OpenDocument), images, audio, video or plain text. A file's kind is judged by its "
            "content, not its name. This file was not stored.",
        )


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")


#: Unicode categories that change how a name reads without being seen: controls, formats (the
#: right-to-left override that turns ``laporan\u202efdp.vbs`` into "laporansbv.pdf"), line and
#: paragraph separators.
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp"})


def clean_file_name(raw: str) -> str:
    """The name as the reporter gave it, without any folder a browser added, control or invisible
    formatting characters, or separators; at most 255 characters. It is shown back to the reporter
    and to officers, never used as a path."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", _UNSAFE.sub("", name))
    name = "".join(c for c in name if unicodedata.category(c) not in _INVISIBLE).strip()
    return name[:FILE_NAME_LIMIT]
