"""Events produced by intake, and the documents it seals inside them."""

from __future__ import annotations

from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from wbs_contracts.channels import SLUG_PATTERN
from wbs_contracts.envelope import EventData
from wbs_contracts.sealed import SealedPayload

TEXT_LIMIT = 10_000
SHORT_TEXT_LIMIT = 500


class ReportSubstanceV1(BaseModel):
    """The report itself (4W1H and the suspected loss), sealed to audience ``case-substance``."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    what: str = Field(max_length=TEXT_LIMIT, description="Perbuatan yang dilaporkan.")
    where: str = Field(max_length=SHORT_TEXT_LIMIT, description="Tempat kejadian.")
    when: str = Field(max_length=SHORT_TEXT_LIMIT, description="Waktu kejadian.")
    who: str = Field(max_length=TEXT_LIMIT, description="Pihak yang terlibat (terlapor).")
    how: str = Field(max_length=TEXT_LIMIT, description="Modus / cara perbuatan dilakukan.")
    amount_idr: int | None = Field(default=None, ge=0, description="Dugaan kerugian (Rupiah).")


class ReporterContactV1(BaseModel):
    """How the reporter may be reached, sealed to audience ``reporter-contact``."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    contact: str = Field(max_length=SHORT_TEXT_LIMIT)


class ReportSubmittedV1(EventData):
    """A reporter submitted a report (status ``diterima``). The envelope's subject is the case id."""

    report_id: UUID = Field(description="Also the case id for every later event about this report.")
    category: str = Field(pattern=SLUG_PATTERN, description="The tenant's category slug.")
    channel: str = Field(pattern=SLUG_PATTERN, description="Saluran pengaduan, e.g. web.")
    submitted_at: AwareDatetime
    substance: SealedPayload = Field(description="ReportSubstanceV1, sealed to case-substance.")
    contact: SealedPayload | None = Field(
        default=None, description="ReporterContactV1, sealed to reporter-contact; absent when anonymous."
    )
