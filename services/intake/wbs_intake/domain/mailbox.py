"""The Kotak Komunikasi as intake keeps it: the messages between a reporter and the body's officers.

Each message is kept sealed to ``reporter-mailbox`` (only intake opens it, and only for the
reporter signed in): the officers' messages as they arrived, and the reporter's own copy of what
they sent (what the officers get is sealed to ``case-substance`` on the bus).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from wbs_contracts.events.directory import TimeLimit
from wbs_contracts.events.intake import TEXT_LIMIT, ReporterMessageKind
from wbs_contracts.sealed import SealedPayload

#: The policy's time limit for answering a reporter's question (002 Pasal 11; 004 Pasal 10).
ANSWER_LIMIT = "jawaban-pelapor"
#: When the policy names none: the team's follow-up standard of the BPS Banten SOP (001 Gambar 8).
DEFAULT_ANSWER_LIMIT = TimeLimit(working_days=5, basis="bawaan WBS / WBS default (SOP BPS Provinsi Banten)")


class Direction(StrEnum):
    #: Written by the reporter.
    DARI_PELAPOR = "dari-pelapor"
    #: Written by an officer of the body.
    DARI_PETUGAS = "dari-petugas"


class MessageRefused(ValueError):
    """A message the reporter may not send as it is; ``field`` names what to change."""

    def __init__(self, field: str, pesan: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.pesan = pesan
        self.message = message


@dataclass(frozen=True)
class MailboxMessage:
    id: UUID
    report_id: UUID
    direction: Direction
    #: A ReporterMessageKind or an OfficerMessageKind value, by direction.
    kind: str
    sent_at: datetime
    #: MailboxMessageV1 sealed to reporter-mailbox.
    sealed: SealedPayload
    in_reply_to: UUID | None = None
    #: For a reporter's question: when the answer is due (the tenant's working days).
    answer_due: datetime | None = None


@dataclass(frozen=True)
class OpenedMessage:
    """A message opened for the reporter signed in."""

    message: MailboxMessage
    text: str


def answer_limit(time_limits: dict[str, TimeLimit]) -> TimeLimit:
    return time_limits.get(ANSWER_LIMIT, DEFAULT_ANSWER_LIMIT)


def checked_text(text: str) -> str:
    """The text as it will be sent; refused when empty or longer than the contract allows."""
    if not text.strip():
        raise MessageRefused("text", "Tulis pesan Anda terlebih dahulu.", "Write your message first.")
    if len(text) > TEXT_LIMIT:
        raise MessageRefused(
            "text",
            f"Pesan terlalu panjang: {len(text)} karakter, paling banyak {TEXT_LIMIT}.",
            f"The message is too long: {len(text)} characters, at most {TEXT_LIMIT}.",
        )
    return text


def checked_reply(in_reply_to: UUID | None, earlier: Iterable[MailboxMessage]) -> UUID | None:
    """A reporter answers only an officer's message of their own report."""
    if in_reply_to is None:
        return None
    if not any(m.id == in_reply_to and m.direction is Direction.DARI_PETUGAS for m in earlier):
        raise MessageRefused(
            "in_reply_to",
            "Pesan yang Anda balas tidak ditemukan di kotak komunikasi Anda.",
            "The message you are answering is not in your message box.",
        )
    return in_reply_to


def is_question(kind: ReporterMessageKind) -> bool:
    return kind is ReporterMessageKind.PERTANYAAN
