"""Events produced by intake, and the documents it seals inside them."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from wbs_contracts.channels import SLUG_PATTERN
from wbs_contracts.envelope import TENANT_PATTERN, EventData
from wbs_contracts.sealed import Audience, SealedDocument, SealedPayload

TEXT_LIMIT = 10_000
SHORT_TEXT_LIMIT = 500
NAME_LIMIT = 200


class ReportedOfficial(BaseModel):
    """A terlapor as the regulations list them (002/004 BAB II C.1): nama, NIP/NRP, jabatan, unit kerja.
    Every field may be empty: reporters often know only some of them."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    nama: str = Field(default="", max_length=NAME_LIMIT)
    nip: str = Field(default="", max_length=40, description="NIP or NRP.")
    jabatan: str = Field(default="", max_length=NAME_LIMIT)
    unit_kerja: str = Field(default="", max_length=NAME_LIMIT)


class ReportSubstanceV1(SealedDocument):
    """The report itself (4W1H and the suspected loss), sealed to audience ``case-substance``.

    An empty string is an element the reporter did not give (see :class:`ReportCompleteness`)."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "report-substance"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.CASE_SUBSTANCE

    what: str = Field(max_length=TEXT_LIMIT, description="Perbuatan yang dilaporkan.")
    where: str = Field(max_length=SHORT_TEXT_LIMIT, description="Tempat kejadian.")
    when: str = Field(max_length=SHORT_TEXT_LIMIT, description="Waktu kejadian.")
    who: str = Field(max_length=TEXT_LIMIT, description="Pihak yang terlibat (terlapor).")
    how: str = Field(max_length=TEXT_LIMIT, description="Modus / cara perbuatan dilakukan.")
    amount_idr: int | None = Field(default=None, ge=0, description="Dugaan kerugian (Rupiah).")
    terlapor: tuple[ReportedOfficial, ...] = Field(
        default=(), max_length=20, description="Terlapor in the regulations' fields; ``who`` keeps free text."
    )


class ReporterIdentityV1(SealedDocument):
    """Who the reporter is, when they chose to say (all optional). Sealed to ``reporter-identity``,
    which only intake opens, and only for an officer whose disclosure request a custodian approved.
    It never travels on the bus."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "reporter-identity"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.REPORTER_IDENTITY
    padded_to_at_least: ClassVar[int] = 4096

    nama: str = Field(default="", max_length=NAME_LIMIT)
    alamat: str = Field(default="", max_length=SHORT_TEXT_LIMIT)
    telepon: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=254)
    #: For civil servants (002/004 BAB II C.1).
    nip: str = Field(default="", max_length=40)
    jabatan: str = Field(default="", max_length=NAME_LIMIT)
    unit_kerja: str = Field(default="", max_length=NAME_LIMIT)
    pekerjaan: str = Field(default="", max_length=NAME_LIMIT)


class ReporterMessageV1(SealedDocument):
    """What a reporter wrote in the Kotak Komunikasi, sealed to ``case-substance`` for the officers."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "reporter-message"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.CASE_SUBSTANCE

    text: str = Field(min_length=1, max_length=TEXT_LIMIT)


class MailboxMessageV1(SealedDocument):
    """A message in the reporter's mailbox, sealed to ``reporter-mailbox`` (only intake opens it, to
    show it to the reporter who signed in): an officer's answer or request, or the reporter's own copy."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "mailbox-message"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.REPORTER_MAILBOX

    text: str = Field(min_length=1, max_length=TEXT_LIMIT)


class EvidenceKeyV1(SealedDocument):
    """What opens one evidence file: its random key, and its name and type as the reporter gave them.
    Sealed to ``case-substance``; the encrypted bytes stay in the blob store."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "evidence-key"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.CASE_SUBSTANCE
    padded_to_at_least: ClassVar[int] = 1024

    file_key: str = Field(description="Base64 of the 32-byte key of the file's secretstream.")
    file_name: str = Field(default="", max_length=255)
    content_type: str = Field(max_length=100, description="The type found in the content, e.g. application/pdf.")


class ReporterContactV1(SealedDocument):
    """How the reporter may be reached, sealed to audience ``reporter-contact``. Superseded by
    :class:`ReporterContactV2`, which is sent whether or not the reporter left a contact."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "reporter-contact"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.REPORTER_CONTACT

    contact: str = Field(max_length=SHORT_TEXT_LIMIT)


#: Bytes a sealed contact is padded to: 500 characters of 4-byte UTF-8, the header and JSON fit.
CONTACT_SEALED_SIZE = 4096


class ReporterContactV2(SealedDocument):
    """How the reporter may be reached, or that they left no way to: sealed to audience
    ``reporter-contact`` and always sent, padded to one size, so that the event does not show
    whether the reporter can be reached."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "reporter-contact"
    sealed_version: ClassVar[int] = 2
    audience: ClassVar[str] = Audience.REPORTER_CONTACT
    padded_to_at_least: ClassVar[int] = CONTACT_SEALED_SIZE

    contact: str | None = Field(
        default=None,
        max_length=SHORT_TEXT_LIMIT,
        description="Kontak pelapor, null bila tidak ada / the contact, null when none was left.",
    )


#: Every document that is sealed inside an event, each published as ``sealed.<type>.v<version>``.
SEALED_DOCUMENTS: tuple[type[SealedDocument], ...] = (
    ReportSubstanceV1,
    ReporterContactV1,
    ReporterContactV2,
    ReporterIdentityV1,
    ReporterMessageV1,
    MailboxMessageV1,
    EvidenceKeyV1,
)


class ReportElement(StrEnum):
    """The elements of a report the regulations ask for (4W1H, the loss, evidence)."""

    WHAT = "what"
    WHERE = "where"
    WHEN = "when"
    WHO = "who"
    HOW = "how"
    AMOUNT = "amount"
    EVIDENCE = "evidence"


#: Without these three a report is accepted but flagged: the minimum of 004 BAB II A.2.b.4 (3W).
ACTIONABLE_MINIMUM = (ReportElement.WHAT, ReportElement.WHERE, ReportElement.WHEN)


class ReportCompleteness(BaseModel):
    """Which elements the reporter left out; in the clear, so the queue can flag a thin report
    without opening it. Says nothing of what the elements hold."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    missing: tuple[ReportElement, ...] = ()

    @property
    def actionable(self) -> bool:
        return not any(element in self.missing for element in ACTIONABLE_MINIMUM)


class ReportSubmittedV1(EventData):
    """A reporter submitted a report (status ``diterima``). The envelope's subject is the case id."""

    report_id: UUID = Field(description="Also the case id for every later event about this report.")
    category: str = Field(pattern=SLUG_PATTERN, description="The tenant's category slug.")
    channel: str = Field(pattern=SLUG_PATTERN, description="Saluran pengaduan, e.g. web.")
    submitted_at: AwareDatetime
    substance: SealedPayload = Field(description="ReportSubstanceV1, sealed to case-substance.")
    contact: SealedPayload | None = Field(
        default=None,
        description=(
            "ReporterContactV2 sealed to reporter-contact, sent whether or not the reporter left a contact "
            "(ReporterContactV1, absent when anonymous, from intakes before sealed format 2)."
        ),
    )
    completeness: ReportCompleteness | None = Field(
        default=None, description="Elements left out; absent from intakes before the 4W1H form."
    )
    received_by: str | None = Field(
        default=None,
        pattern=TENANT_PATTERN,
        description=(
            "The body where the report arrived, when it is not the envelope's tenant (the report was forwarded "
            "down the hierarchy to the competent body): channel statistics count it there."
        ),
    )
    received_on: date | None = Field(
        default=None, description="The date the body received it, for a report an officer recorded from a channel."
    )
    recorded_by_officer: bool = Field(
        default=False, description="A petugas pengaduan recorded it (letter, e-mail, in person, ...)."
    )


class EvidenceAddedV1(EventData):
    """A file of evidence was stored, encrypted, in the blob store (with the report or later). The
    envelope's subject is the case id. The bytes never travel on the bus: ``blob`` names them."""

    report_id: UUID
    evidence_id: UUID
    blob: str = Field(max_length=300, description="The blob store's name for the encrypted file.")
    size_bytes: int = Field(ge=0, description="Size of the file as the reporter sent it.")
    key: SealedPayload = Field(description="EvidenceKeyV1, sealed to case-substance.")
    added_at: AwareDatetime
    late: bool = Field(default=False, description="Added after the report was submitted.")


class ReporterMessageKind(StrEnum):
    #: A message in the Kotak Komunikasi.
    PESAN = "pesan"
    #: A question about progress: the regulations oblige the body to answer (002 Pasal 11; 004 Pasal 10).
    PERTANYAAN = "pertanyaan"
    #: More information about the report, possibly with files.
    INFORMASI_TAMBAHAN = "informasi-tambahan"


class ReporterMessageSentV1(EventData):
    """The reporter wrote in the Kotak Komunikasi. The envelope's subject is the case id."""

    report_id: UUID
    message_id: UUID
    kind: ReporterMessageKind
    sent_at: AwareDatetime
    body: SealedPayload = Field(description="ReporterMessageV1, sealed to case-substance.")
    answer_due: AwareDatetime | None = Field(
        default=None,
        description="For a question: when the answer is due, in the tenant's working days (the clock starts here).",
    )
    in_reply_to: UUID | None = Field(default=None, description="The officer's message this answers.")
    evidence_ids: tuple[UUID, ...] = Field(default=(), description="Files sent with it (see evidence-added).")
