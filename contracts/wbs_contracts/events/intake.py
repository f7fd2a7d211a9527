"""Events produced by intake, and the documents it seals inside them."""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from pydantic import AwareDatetime, ConfigDict, Field

from wbs_contracts.channels import SLUG_PATTERN
from wbs_contracts.envelope import EventData
from wbs_contracts.sealed import Audience, SealedDocument, SealedPayload

TEXT_LIMIT = 10_000
SHORT_TEXT_LIMIT = 500


class ReportSubstanceV1(SealedDocument):
    """The report itself (4W1H and the suspected loss), sealed to audience ``case-substance``."""

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
SEALED_DOCUMENTS: tuple[type[SealedDocument], ...] = (ReportSubstanceV1, ReporterContactV1, ReporterContactV2)


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
