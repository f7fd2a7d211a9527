"""The Kotak Komunikasi as triage keeps it: a case's messages between its reporter and its officers.

The reporter's messages arrive sealed to ``case-substance`` (triage opens them for the officers
entitled to the case). What an officer writes goes to the reporter sealed to ``reporter-mailbox``,
which only intake opens; triage keeps its own copy sealed to ``case-substance``, so the officers
can read the whole conversation. Nothing here is in the clear at rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import ConfigDict, Field

from wbs_contracts.events.intake import TEXT_LIMIT, ReporterMessageKind
from wbs_contracts.sealed import Audience, SealedDocument, SealedPayload


class Author(StrEnum):
    PELAPOR = "pelapor"
    PETUGAS = "petugas"


class OfficerMessageCopyV1(SealedDocument):
    """Triage's own copy of what an officer wrote to the reporter (never on the bus)."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "officer-message-copy"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.CASE_SUBSTANCE

    text: str = Field(min_length=1, max_length=TEXT_LIMIT)


class MessageRefused(ValueError):
    def __init__(self, field: str, pesan: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.pesan = pesan
        self.message = message


@dataclass(frozen=True)
class CaseMessage:
    id: UUID
    case_id: UUID
    tenant: str
    author: Author
    #: A ReporterMessageKind or an OfficerMessageKind value, by author.
    kind: str
    sent_at: datetime
    #: ReporterMessageV1 (from the reporter) or OfficerMessageCopyV1, sealed to case-substance.
    sealed: SealedPayload
    in_reply_to: UUID | None = None
    #: A reporter's question: when the answer is due, as intake computed it (never recomputed).
    answer_due: datetime | None = None


def checked_text(text: str) -> str:
    if not text.strip():
        raise MessageRefused("text", "Tulis pesan terlebih dahulu.", "Write the message first.")
    if len(text) > TEXT_LIMIT:
        raise MessageRefused(
            "text",
            f"Pesan terlalu panjang: {len(text)} karakter, paling banyak {TEXT_LIMIT}.",
            f"The message is too long: {len(text)} characters, at most {TEXT_LIMIT}.",
        )
    return text


def checked_reply(in_reply_to: UUID | None, earlier: Iterable[CaseMessage]) -> UUID | None:
    """An officer answers only a message the case's reporter wrote."""
    if in_reply_to is None:
        return None
    if not any(m.id == in_reply_to and m.author is Author.PELAPOR for m in earlier):
        raise MessageRefused(
            "in_reply_to",
            "Pesan pelapor yang dibalas tidak ada pada perkara ini.",
            "The reporter's message being answered is not in this case.",
        )
    return in_reply_to


def answered_questions(messages: Iterable[CaseMessage]) -> dict[UUID, UUID]:
    """Each question of the reporter that an officer answered (a message in reply to it) -> the answer."""
    listed = list(messages)
    questions = {m.id for m in listed if m.author is Author.PELAPOR and m.kind == ReporterMessageKind.PERTANYAAN}
    answered: dict[UUID, UUID] = {}
    for m in listed:
        if m.author is Author.PETUGAS and m.in_reply_to in questions and m.in_reply_to not in answered:
            answered[m.in_reply_to] = m.id
    return answered
