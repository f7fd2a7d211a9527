"""What a reporter sees of their report: the one place that decides which statuses and events
appear on the reporter's timeline, and in which words (Bahasa Indonesia first, English second).

Everything else that happens to a case (who reads it, the telaah's reasoning, the officers'
names) stays out of the reporter's view. Other parts of intake add their entries to
:data:`REPORTER_SEES` (an officer's answer, a forwarding, an identity disclosure) and feed the
matching :class:`Happening` to :func:`timeline`; anything not listed here is never shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from wbs_intake.domain.report import Report
from wbs_intake.domain.wording import Wording


@dataclass(frozen=True)
class Shown:
    """How one kind of happening reads on the reporter's timeline."""

    title: Wording
    explanation: Wording
    #: True for a status (the report's state), False for an event in between (a message).
    is_status: bool = True


#: The kinds a reporter sees, by the name the happening carries (a ``ReportStatus`` value or an
#: event's kind). Add an entry here to show something new; nothing else needs to change.
REPORTER_SEES: dict[str, Shown] = {
    "diterima": Shown(
        Wording("Laporan diterima", "Report received"),
        Wording(
            "Laporan Anda masuk ke sistem dan langsung dienkripsi. Hanya petugas yang berwenang dapat membacanya.",
            "Your report reached the system and was encrypted at once. Only the officers entitled to it can read it.",
        ),
    ),
    "terdaftar": Shown(
        Wording("Laporan dicatat", "Report registered"),
        Wording(
            "Laporan Anda dicatat dalam agenda pengaduan instansi dan menunggu ditelaah oleh tim.",
            "Your report was entered in the body's register of complaints and awaits the team's assessment.",
        ),
    ),
}


@dataclass(frozen=True)
class Happening:
    """Something that happened to a report, by kind, as the services record it."""

    kind: str
    at: datetime


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    at: datetime
    shown: Shown


def happenings_of(report: Report) -> list[Happening]:
    """The report's own status changes as happenings."""
    return [Happening(change.status.value, change.at) for change in report.timeline]


def timeline(happenings: Iterable[Happening]) -> list[TimelineEntry]:
    """What the reporter sees, oldest first: only the kinds of :data:`REPORTER_SEES`."""
    entries = [TimelineEntry(h.kind, h.at, REPORTER_SEES[h.kind]) for h in happenings if h.kind in REPORTER_SEES]
    return sorted(entries, key=lambda entry: entry.at)


def current_status(entries: Iterable[TimelineEntry]) -> TimelineEntry | None:
    """The latest status the reporter sees (events in between do not change it)."""
    statuses = [entry for entry in entries if entry.shown.is_status]
    return statuses[-1] if statuses else None
