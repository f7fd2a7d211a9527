"""The one envelope every WBS event travels in.

CloudEvents 1.0 context attributes (id, source, type, subject, time, ...) plus four WBS extension
attributes: ``tenant``, ``schemaversion``, ``correlationid`` and ``causationid``. CloudEvents
extension names must be lower-case alphanumerics, hence no underscores.
"""

from __future__ import annotations

from typing import Generic, Literal, TypeVar
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

#: A tenant is one public body (an inspectorate, a BPS satker): ``bps-1700``, ``pemkab-lebak``.
TENANT_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}$"


class EventData(BaseModel):
    """Base of every event payload.

    Unknown fields are ignored so that a consumer keeps working when a producer adds an optional
    field (the compatible kind of schema change).
    """

    model_config = ConfigDict(frozen=True, extra="ignore")


DataT = TypeVar("DataT", bound=EventData)


class Envelope(BaseModel, Generic[DataT]):
    """An event: CloudEvents attributes around one typed payload."""

    model_config = ConfigDict(frozen=True)

    specversion: Literal["1.0"] = "1.0"
    id: UUID = Field(description="Unique per source; (source, id) is the consumers' inbox key.")
    type: str = Field(description="Event type without version, e.g. wbs.intake.report-submitted.")
    source: str = Field(description="The producing service, e.g. /wbs/intake.")
    subject: str = Field(
        description="The case id (the tenant id for a tenant's configuration); also the Kafka key, so one"
        " case's events stay in order."
    )
    time: AwareDatetime
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str | None = None
    tenant: str = Field(pattern=TENANT_PATTERN)
    schemaversion: int = Field(ge=1)
    correlationid: str = Field(min_length=1, max_length=128)
    causationid: str | None = Field(default=None, max_length=128)
    data: DataT
