"""Events produced by triage (penelaahan)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import AwareDatetime, Field

from wbs_contracts.envelope import EventData


class CaseRegisteredV1(EventData):
    """The case was recorded in the tenant's agenda (pencatatan); status ``terdaftar``."""

    case_id: UUID
    agenda_number: str = Field(max_length=64, description="Nomor agenda, unique per tenant per year.")
    agenda_year: int = Field(ge=2000, le=9999)
    agenda_sequence: int = Field(ge=1)
    registered_on: date = Field(description="Tanggal agenda, in the tenant's calendar.")
    registered_at: AwareDatetime
