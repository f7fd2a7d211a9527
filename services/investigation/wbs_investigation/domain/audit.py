"""The audit investigasi itself (Perbup Lebak 18/2021 BAB II C.4; Pergub Bengkulu 49/2017 Lampiran
BAB II C.4): who may work an audit, in which stage each record may be made, how a sum in rupiah is
read, and the sealed records of the programme, the clarifications (Berita Acara Klarifikasi) and
the evidence register. Pure rules, no I/O.

The stages: the Surat Tugas is issued in ``perencanaan`` (and may be issued again to change the team
until the final report); the programme, clarifications, evidence, result and the auditee's response
are recorded while the audit runs (``pelaksanaan``, or ``pengujian-ulang`` when an exposé sent the
case back to test new evidence); the final report ends it (``laporan-terbit``).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from wbs_contracts.events.intake import NAME_LIMIT, SHORT_TEXT_LIMIT, TEXT_LIMIT
from wbs_contracts.sealed import Audience, SealedDocument, SealedPayload
from wbs_investigation.domain.case_file import CaseFileStatus
from wbs_investigation.domain.refusal import Refusal, Refused
from wbs_investigation.domain.team import ASSIGN_CASES, INVESTIGATE_CASES

#: The largest sum an audit records (ten thousand trillion rupiah: far above any state loss).
RUPIAH_LIMIT = 10**16
#: Names of signatories, parties, files: at most this many in one record.
LIST_LIMIT = 50
FILE_NAME_LIMIT = 255


class AuditRefused(Refused):
    """Something the audit's rules do not allow, said in both languages; nothing was changed. The
    kind of refusal is given outright (the form's fields by default)."""

    forbidden_fields: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, field: str, pesan: str, message: str, refusal: Refusal = Refusal.INVALID) -> None:
        super().__init__(field, pesan, message, refusal)


NOT_ON_TEAM = AuditRefused(
    "officer",
    "Hanya tim audit yang ditunjuk dalam Surat Tugas perkara ini, ketua tim (Inspektur), dan pimpinan yang "
    "membuka berkas audit ini.",
    "Only the audit team named in this case's Surat Tugas, the ketua tim (Inspektur) and the head of the body "
    "open this audit's records.",
    Refusal.FORBIDDEN,
)
NOT_A_WORKER = AuditRefused(
    "officer",
    "Hanya auditor anggota tim dalam Surat Tugas perkara ini dan ketua tim (Inspektur) yang mencatat pekerjaan audit.",
    "Only auditors on the team of this case's Surat Tugas and the ketua tim (Inspektur) record the audit's work.",
    Refusal.FORBIDDEN,
)

#: The stages in which the audit's records are made.
RUNNING = frozenset({CaseFileStatus.PELAKSANAAN, CaseFileStatus.PENGUJIAN_ULANG})
#: The stages in which a Surat Tugas may be issued (again: a new team replaces the old).
PLANNABLE = frozenset({CaseFileStatus.PERENCANAAN, *RUNNING})


def may_work_audit(permissions: Collection[str], *, on_team: bool) -> bool:
    """Whether an officer records the audit's work: the ketua tim (Inspektur) always; an auditor
    only while on the case's team. (The pimpinan satker reads, see ``may_open_audit``, but does not
    record.)"""
    return ASSIGN_CASES in permissions or (on_team and INVESTIGATE_CASES in permissions)


def check_may_work(permissions: Collection[str], *, on_team: bool) -> None:
    if not may_work_audit(permissions, on_team=on_team):
        raise NOT_A_WORKER


def check_running(status: CaseFileStatus) -> None:
    """The audit's records are made after the Surat Tugas and before the final report."""
    if status is CaseFileStatus.PERENCANAAN:
        raise AuditRefused(
            "status",
            "Terbitkan Surat Tugas terlebih dahulu: pekerjaan audit dicatat setelah tim ditugaskan.",
            "Issue the Surat Tugas first: the audit's work is recorded once the team is assigned.",
            Refusal.CONFLICT,
        )
    if status not in RUNNING:
        raise AuditRefused(
            "status",
            "Laporan hasil audit sudah terbit: catatan audit tidak dapat diubah lagi kecuali perkara dikembalikan "
            "untuk pengujian ulang.",
            "The final audit report has been issued: the audit's records can no longer change unless the case is "
            "sent back for testing.",
            Refusal.CONFLICT,
        )


def check_plannable(status: CaseFileStatus) -> None:
    if status not in PLANNABLE:
        raise AuditRefused(
            "status",
            "Surat Tugas tidak dapat diterbitkan lagi: laporan hasil audit sudah terbit.",
            "A Surat Tugas can no longer be issued: the final audit report has been issued.",
            Refusal.CONFLICT,
        )


# -- reading what officers type ---------------------------------------------------------------------

_RUPIAH_PREFIX = re.compile(r"^(?:rp\.?|idr)\s*", re.IGNORECASE)
#: 1.500.000.000 (Indonesian thousands), 1500000000, each optionally with ,00 or ,- at the end.
_RUPIAH = re.compile(r"^(?P<whole>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?:00?|-))?$")


def rupiah_refused(field: str) -> AuditRefused:
    return AuditRefused(
        field,
        "Tuliskan jumlah dalam rupiah tanpa sen, misalnya Rp 1.500.000.000 atau 1500000000.",
        "Write the sum in whole rupiah, for instance Rp 1.500.000.000 or 1500000000.",
    )


def parse_rupiah(text: str, *, field: str) -> int:
    """A sum in whole rupiah as Indonesians write it: ``Rp 1.500.000.000``, ``Rp1.500.000.000,00``,
    ``1.500.000.000,-``, ``1500000000``. Dots group thousands (never decimals); sen are refused."""
    cleaned = _RUPIAH_PREFIX.sub("", text.strip()).replace(" ", "")
    found = _RUPIAH.fullmatch(cleaned)
    if found is None:
        raise rupiah_refused(field)
    value = int(found.group("whole").replace(".", ""))
    if value >= RUPIAH_LIMIT:
        raise AuditRefused(field, "Jumlah terlalu besar.", "The sum is too large.")
    return value


def rupiah_text(value: int) -> str:
    """``Rp 1.500.000.000``, as the documents print a sum."""
    return "Rp " + f"{value:,}".replace(",", ".")


def required_text(value: str, field: str, limit: int, pesan: str, message: str) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise AuditRefused(field, pesan, message)
    return bounded_text(cleaned, field, limit)


def bounded_text(value: str, field: str, limit: int) -> str:
    cleaned = value.strip()
    if len(cleaned) > limit:
        raise AuditRefused(field, f"Paling banyak {limit} karakter.", f"At most {limit} characters.", Refusal.INVALID)
    return cleaned


def names_of(lines: Collection[str] | str, field: str) -> tuple[str, ...]:
    """Names one per line (or given one by one), blanks dropped, each named once."""
    given = lines.splitlines() if isinstance(lines, str) else [line for item in lines for line in item.splitlines()]
    names = tuple(dict.fromkeys(name.strip() for name in given if name.strip()))
    if len(names) > LIST_LIMIT:
        raise AuditRefused(field, f"Paling banyak {LIST_LIMIT} nama.", f"At most {LIST_LIMIT} names.")
    for name in names:
        bounded_text(name, field, NAME_LIMIT)
    return names


# -- the audit programme (program audit) ----------------------------------------------------------------


class AuditProgrammeV1(SealedDocument):
    """The audit programme (004 BAB II C.4.b): the regulations reviewed, the evidence to obtain, the
    methods, the parties to question. Sealed to case-substance; kept by investigation only."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "audit-programme"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.CASE_SUBSTANCE
    padded_to_at_least: ClassVar[int] = 2048

    regulations: str = Field(default="", max_length=TEXT_LIMIT)
    evidence_to_obtain: str = Field(default="", max_length=TEXT_LIMIT)
    methods: str = Field(default="", max_length=TEXT_LIMIT)
    parties: str = Field(default="", max_length=TEXT_LIMIT)


def checked_programme(regulations: str, evidence_to_obtain: str, methods: str, parties: str) -> AuditProgrammeV1:
    programme = AuditProgrammeV1(
        regulations=bounded_text(regulations, "regulations", TEXT_LIMIT),
        evidence_to_obtain=bounded_text(evidence_to_obtain, "evidence_to_obtain", TEXT_LIMIT),
        methods=bounded_text(methods, "methods", TEXT_LIMIT),
        parties=bounded_text(parties, "parties", TEXT_LIMIT),
    )
    if not any((programme.regulations, programme.evidence_to_obtain, programme.methods, programme.parties)):
        raise AuditRefused(
            "regulations",
            "Isi setidaknya satu bagian program audit.",
            "Fill in at least one part of the audit programme.",
        )
    return programme


@dataclass(frozen=True)
class ProgrammeRecord:
    case_id: UUID
    tenant: str
    sealed: SealedPayload
    updated_by: str
    updated_by_name: str
    updated_at: datetime


# -- Berita Acara Klarifikasi -----------------------------------------------------------------------------


class AttachedFile(BaseModel):
    """A file of a record: its document in the vault, and the name it came with (sealed: a file's
    name can speak of the matter)."""

    model_config = ConfigDict(frozen=True)

    document_id: UUID
    file_name: str = Field(default="", max_length=FILE_NAME_LIMIT)


class ClarificationV1(SealedDocument):
    """A Berita Acara Klarifikasi (004 BAB II C.4.b.4): who was heard and in which position, where,
    what they said, who signed. Sealed to case-substance."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "berita-acara-klarifikasi"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.CASE_SUBSTANCE
    padded_to_at_least: ClassVar[int] = 4096

    heard_name: str = Field(min_length=1, max_length=NAME_LIMIT)
    heard_position: str = Field(default="", max_length=NAME_LIMIT)
    place: str = Field(default="", max_length=SHORT_TEXT_LIMIT)
    statement: str = Field(min_length=1, max_length=TEXT_LIMIT)
    signed_by: tuple[str, ...] = Field(default=(), max_length=LIST_LIMIT)
    files: tuple[AttachedFile, ...] = Field(default=(), max_length=LIST_LIMIT)


@dataclass(frozen=True)
class ClarificationDraft:
    heard_name: str
    heard_position: str
    held_at: datetime | None
    place: str
    statement: str
    signed_by: tuple[str, ...]


def checked_clarification(draft: ClarificationDraft) -> tuple[datetime, ClarificationV1]:
    """When it was held, and the record as the rules want it: who was heard, what they said, who
    signed (its files are added as they are stored)."""
    if draft.held_at is None:
        raise AuditRefused(
            "held_at", "Tuliskan tanggal dan jam klarifikasi.", "Give the clarification's date and time."
        )
    heard = required_text(
        draft.heard_name,
        "heard_name",
        NAME_LIMIT,
        "Tuliskan nama pihak yang dimintai keterangan.",
        "Name the person who was heard.",
    )
    statement = required_text(
        draft.statement,
        "statement",
        TEXT_LIMIT,
        "Tuliskan keterangan yang disampaikan.",
        "Write down what was said.",
    )
    if not draft.signed_by:
        raise AuditRefused(
            "signed_by",
            "Sebutkan siapa yang menandatangani berita acara (satu nama per baris).",
            "Name who signed the record (one name per line).",
        )
    return draft.held_at, ClarificationV1(
        heard_name=heard,
        heard_position=bounded_text(draft.heard_position, "heard_position", NAME_LIMIT),
        place=bounded_text(draft.place, "place", SHORT_TEXT_LIMIT),
        statement=statement,
        signed_by=draft.signed_by,
    )


@dataclass(frozen=True)
class Clarification:
    id: UUID
    case_id: UUID
    tenant: str
    held_at: datetime
    sealed: SealedPayload
    document_ids: tuple[UUID, ...]
    recorded_by: str
    recorded_by_name: str
    recorded_at: datetime


# -- the evidence register and its custody ------------------------------------------------------------


class EvidenceItemV1(SealedDocument):
    """An item of the evidence register: what it is, where it came from. Sealed to case-substance."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "audit-evidence-item"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.CASE_SUBSTANCE
    padded_to_at_least: ClassVar[int] = 2048

    title: str = Field(min_length=1, max_length=SHORT_TEXT_LIMIT)
    description: str = Field(default="", max_length=TEXT_LIMIT)
    source: str = Field(default="", max_length=SHORT_TEXT_LIMIT)
    file_name: str = Field(default="", max_length=FILE_NAME_LIMIT)


@dataclass(frozen=True)
class EvidenceDraft:
    title: str
    description: str
    source: str
    obtained_on: date | None


def checked_evidence(draft: EvidenceDraft) -> tuple[date, EvidenceItemV1]:
    """When it was obtained, and the item as the rules want it (its file's name is added as it is stored)."""
    title = required_text(draft.title, "title", SHORT_TEXT_LIMIT, "Tuliskan nama bukti.", "Name the item of evidence.")
    if draft.obtained_on is None:
        raise AuditRefused(
            "obtained_on", "Tuliskan tanggal bukti diperoleh.", "Give the date the evidence was obtained."
        )
    return draft.obtained_on, EvidenceItemV1(
        title=title,
        description=bounded_text(draft.description, "description", TEXT_LIMIT),
        source=bounded_text(draft.source, "source", SHORT_TEXT_LIMIT),
    )


class CustodyAction(StrEnum):
    """What happened to an item of evidence, for its chain of custody."""

    #: Entered in the register (with its file, if any).
    DITAMBAHKAN = "ditambahkan"
    #: Its file was opened (downloaded) by an officer in the system.
    DILIHAT = "dilihat"
    #: Its file was exported out of the system, to someone named.
    DIEKSPOR = "diekspor"


@dataclass(frozen=True)
class EvidenceItem:
    id: UUID
    case_id: UUID
    tenant: str
    #: Its place in the case's register (1, 2, ...), printed as B-1, B-2.
    number: int
    obtained_on: date
    sealed: SealedPayload
    document_id: UUID | None
    added_by: str
    added_by_name: str
    added_at: datetime

    @property
    def label(self) -> str:
        return f"B-{self.number}"


@dataclass(frozen=True)
class CustodyEntry:
    evidence_id: UUID
    case_id: UUID
    tenant: str
    action: CustodyAction
    officer_id: str
    officer_name: str
    at: datetime
    #: For an export: to whom (or what for), as the officer wrote it.
    recipient: str = ""


def checked_recipient(recipient: str) -> str:
    return required_text(
        recipient,
        "recipient",
        SHORT_TEXT_LIMIT,
        "Sebutkan kepada siapa atau untuk apa bukti diekspor.",
        "Say to whom, or what for, the evidence is exported.",
    )


# -- files that come with a record ------------------------------------------------------------------

#: At most this many files with one record.
FILES_LIMIT = 20
_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$")


@dataclass(frozen=True)
class UploadedFile:
    """A file as an officer sent it (the bytes are encrypted into the vault before anything is kept)."""

    file_name: str
    media_type: str
    content: bytes


def checked_files(files: Collection[UploadedFile], *, max_bytes: int, field: str = "files") -> list[UploadedFile]:
    """The files that carry something (a form's empty file input sends none), each within the size
    limit, their names and types tidied."""
    kept = [f for f in files if f.content]
    if len(kept) > FILES_LIMIT:
        raise AuditRefused(
            field, f"Paling banyak {FILES_LIMIT} berkas sekaligus.", f"At most {FILES_LIMIT} files at once."
        )
    tidied = []
    for given in kept:
        if len(given.content) > max_bytes:
            mib = max_bytes // (1024 * 1024)
            raise AuditRefused(
                field,
                f"Berkas {given.file_name[:80]} melebihi {mib} MiB.",
                f"The file {given.file_name[:80]} is larger than {mib} MiB.",
            )
        media_type = given.media_type.split(";")[0].strip().lower()
        tidied.append(
            UploadedFile(
                file_name=given.file_name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:FILE_NAME_LIMIT] or "berkas",
                media_type=media_type if _MEDIA_TYPE.fullmatch(media_type) else "application/octet-stream",
                content=given.content,
            )
        )
    return tidied


def extension_of(file_name: str) -> str:
    """``.pdf`` of ``kuitansi.pdf`` (lower case, letters and digits only), or nothing."""
    _, dot, extension = file_name.rpartition(".")
    return f".{extension.lower()}" if dot and extension.isalnum() and len(extension) <= 8 else ""
