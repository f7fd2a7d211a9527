"""Events produced by triage (penelaahan)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from pydantic import AwareDatetime, Field

from wbs_contracts.envelope import EventData
from wbs_contracts.sealed import SealedPayload


class CaseRegisteredV1(EventData):
    """The case was recorded in the tenant's agenda (pencatatan); status ``terdaftar``."""

    case_id: UUID
    agenda_number: str = Field(max_length=64, description="Nomor agenda, unique per tenant per year.")
    agenda_year: int = Field(ge=2000, le=9999)
    agenda_sequence: int = Field(ge=1)
    registered_on: date = Field(description="Tanggal agenda, in the tenant's calendar.")
    registered_at: AwareDatetime


class OfficerMessageKind(StrEnum):
    #: An answer to the reporter (to a question, or news of progress).
    JAWABAN = "jawaban"
    #: A request for more information: the case waits while the reporter answers.
    PERMINTAAN_INFORMASI = "permintaan-informasi"


class OfficerMessageSentV1(EventData):
    """An officer wrote to the reporter through the Kotak Komunikasi. The envelope's subject is the case id.
    The officer's name is not in it: the reporter sees the body, not the person."""

    case_id: UUID
    message_id: UUID
    kind: OfficerMessageKind
    sent_at: AwareDatetime
    body: SealedPayload = Field(description="MailboxMessageV1, sealed to reporter-mailbox (intake shows it).")
    in_reply_to: UUID | None = Field(default=None, description="The reporter's message this answers.")
