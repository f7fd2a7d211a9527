"""What the reporter's timeline says about the Kotak Komunikasi: that an officer answered, or asked
for more information. The reporter sees the fact here and the words in the message box.

Part of the one decision of what a reporter sees (``domain/reporter_view.py`` when it is there):
these entries belong in its mapping; until then they are kept here, with their Indonesian and
English text, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from wbs_contracts.events.triage import OfficerMessageKind
from wbs_intake.domain.mailbox import Direction, MailboxMessage


@dataclass(frozen=True)
class TimelineText:
    pesan: str
    message: str


#: Which officers' messages the reporter's timeline shows, and how it says so.
OFFICER_MESSAGE_ENTRIES: dict[str, TimelineText] = {
    OfficerMessageKind.JAWABAN.value: TimelineText("Petugas menjawab", "An officer answered"),
    OfficerMessageKind.PERMINTAAN_INFORMASI.value: TimelineText(
        "Petugas meminta informasi tambahan", "An officer asked for more information"
    ),
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    #: ``petugas-menjawab`` or ``petugas-meminta-informasi``: stable, for pages and clients.
    kind: str
    text: TimelineText
    message_id: UUID


ENTRY_KINDS = {
    OfficerMessageKind.JAWABAN.value: "petugas-menjawab",
    OfficerMessageKind.PERMINTAAN_INFORMASI.value: "petugas-meminta-informasi",
}


def timeline_entries(messages: Iterable[MailboxMessage]) -> list[TimelineEntry]:
    """The timeline's entries for the officers' messages, oldest first."""
    return sorted(
        (
            TimelineEntry(m.sent_at, ENTRY_KINDS[m.kind], OFFICER_MESSAGE_ENTRIES[m.kind], m.id)
            for m in messages
            if m.direction is Direction.DARI_PETUGAS and m.kind in OFFICER_MESSAGE_ENTRIES
        ),
        key=lambda entry: entry.at,
    )
