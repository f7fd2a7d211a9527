"""What a reporter sees of their report: the one place that decides which statuses and events
appear on the reporter's timeline, and in which words (Bahasa Indonesia first, English second).

Everything else that happens to a case (who reads it, the telaah's reasoning, the officers'
names) stays out of the reporter's view. Of the audit the reporter learns what the regulations'
monitoring says (002/004 BAB II C.7; the reporter "is told the status"): ``dalam proses`` while it
runs, ``selesai`` once the final audit report is issued or the case is handed to law enforcement,
and which of the two; never the result, the estimated loss, the report's number or the agency.

Other parts of intake add their entries to :data:`REPORTER_SEES` (an officer's answer, a
forwarding, an identity disclosure) and feed the matching :class:`Happening` to :func:`timeline`;
anything not listed here is never shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from wbs_contracts.events.triage import OfficerMessageKind
from wbs_intake.domain.mailbox import Direction, MailboxMessage
from wbs_intake.domain.report import Report
from wbs_intake.domain.reporter_notices import ENDINGS, NoticeKind, ReporterNotice
from wbs_intake.domain.wording import Wording


@dataclass(frozen=True)
class Shown:
    """How one kind of happening reads on the reporter's timeline."""

    title: Wording
    explanation: Wording
    #: True for a status (the report's state), False for an event in between (a message).
    is_status: bool = True
    #: Other words for the same status, by what brought it about (``Happening.variant``).
    variants: Mapping[str, Wording] = field(default_factory=dict)


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
    "ditelaah": Shown(
        Wording("Laporan sedang ditelaah", "Report being assessed"),
        Wording(
            "Pimpinan menugaskan tim untuk menelaah laporan Anda. Pantau Kotak Komunikasi: tim mungkin meminta "
            "informasi tambahan.",
            "The head of the body assigned a team to assess your report. Keep an eye on the message box: the team "
            "may ask for more information.",
        ),
    ),
    # How the telaah ended (triage's telaah-decided): which body, never who.
    "tidak-diproses": Shown(
        Wording("Laporan tidak diproses lebih lanjut", "Report not processed further"),
        Wording(
            "Setelah ditelaah, laporan Anda tidak dapat diproses lebih lanjut. Alasannya: {reason}",
            "After assessment, your report cannot be processed further. The reason: {reason}",
        ),
    ),
    "dilimpahkan": Shown(
        Wording("Laporan diteruskan", "Report forwarded"),
        Wording(
            "Setelah ditelaah, laporan Anda diteruskan kepada {body}, instansi yang berwenang menanganinya.",
            "After assessment, your report was forwarded to {body}, the body competent to handle it.",
        ),
    ),
    "digabung": Shown(
        Wording("Laporan digabungkan", "Report merged"),
        Wording(
            "Laporan Anda menyangkut hal yang sama dengan laporan lain yang sedang ditangani, sehingga keduanya "
            "ditangani bersama.",
            "Your report concerns the same matter as another report being handled, so both are handled together.",
        ),
    ),
    "ditindaklanjuti": Shown(
        Wording("Laporan ditindaklanjuti", "Report followed up"),
        Wording(
            "Setelah ditelaah, laporan Anda ditindaklanjuti dengan pemeriksaan (audit investigasi). Selama "
            "pemeriksaan berlangsung, penanganan laporan Anda dalam proses.",
            "After assessment, your report is followed up with an investigation (audit investigasi). While the "
            "investigation runs, the handling of your report is in progress.",
        ),
    ),
    # The regulations' monitoring: selesai, and in which of its two ways (never the result or the agency).
    "selesai": Shown(
        Wording("Selesai", "Finished"),
        Wording("Penanganan laporan Anda telah selesai.", "The handling of your report is finished."),
        variants={
            NoticeKind.LAPORAN_HASIL_AUDIT_TERBIT.value: Wording(
                "Pemeriksaan atas laporan Anda telah selesai: laporan hasil audit telah diterbitkan. Tindak lanjutnya "
                "menjadi kewenangan pejabat yang berwenang.",
                "The investigation of your report is finished: the final audit report has been issued. Its "
                "follow-up is for the competent officials.",
            ),
            NoticeKind.DISERAHKAN_KEPADA_PENEGAK_HUKUM.value: Wording(
                "Penanganan laporan Anda telah selesai: perkaranya telah diserahkan kepada aparat penegak hukum "
                "untuk ditangani lebih lanjut.",
                "The handling of your report is finished: the case has been handed to law enforcement to be dealt "
                "with further.",
            ),
        },
    ),
    # The Kotak Komunikasi: the fact is shown here, the words in the message box.
    "petugas-menjawab": Shown(
        Wording("Petugas menjawab", "An officer answered"),
        Wording("Baca jawabannya di Kotak Komunikasi.", "Read the answer in the message box."),
        is_status=False,
    ),
    "petugas-meminta-informasi": Shown(
        Wording("Petugas meminta informasi tambahan", "An officer asked for more information"),
        Wording(
            "Buka Kotak Komunikasi untuk melihat apa yang diminta; laporan menunggu jawaban Anda.",
            "Open the message box to see what is asked; the report waits for your answer.",
        ),
        is_status=False,
    ),
    # Which body, never who.
    "diteruskan": Shown(
        Wording("Laporan diteruskan", "Report forwarded"),
        Wording(
            "Laporan diteruskan ke {body}, instansi yang berwenang menanganinya.",
            "The report was forwarded to {body}, the body competent to handle it.",
        ),
        is_status=False,
    ),
    # A second way of ending after the first (handed to law enforcement after the report was issued).
    "diserahkan-kepada-penegak-hukum": Shown(
        Wording("Diserahkan kepada aparat penegak hukum", "Handed to law enforcement"),
        Wording(
            "Setelah laporan hasil audit terbit, perkaranya telah diserahkan kepada aparat penegak hukum untuk "
            "ditangani lebih lanjut.",
            "After the final audit report, the case has been handed to law enforcement to be dealt with further.",
        ),
        is_status=False,
    ),
    "laporan-hasil-audit-terbit": Shown(
        Wording("Laporan hasil audit diterbitkan", "Final audit report issued"),
        Wording("Laporan hasil audit atas laporan Anda telah diterbitkan.", "The final audit report has been issued."),
        is_status=False,
    ),
    "identitas-diungkapkan": Shown(
        Wording("Identitas Anda dibuka untuk pemeriksaan", "Your identity was disclosed for an investigation"),
        Wording(
            "Identitas Anda dibuka kepada petugas pemeriksa untuk keperluan pemeriksaan atau peradilan, setelah "
            "disetujui kustodian, sebagaimana diizinkan peraturan. Identitas Anda tetap dirahasiakan dari pihak lain.",
            "Your identity was disclosed to an investigating officer for an investigation or a court, with a "
            "custodian's approval, as the regulations allow. It stays confidential from everyone else.",
        ),
        is_status=False,
    ),
}

#: The timeline's kind for each kind of officer's message.
OFFICER_MESSAGE_HAPPENINGS = {
    OfficerMessageKind.JAWABAN.value: "petugas-menjawab",
    OfficerMessageKind.PERMINTAAN_INFORMASI.value: "petugas-meminta-informasi",
}


@dataclass(frozen=True)
class Happening:
    """Something that happened to a report, by kind, as the services record it."""

    kind: str
    at: datetime
    #: The body it concerns (a forwarding names where the report went), by name as it was then.
    body_name: str | None = None
    #: The officers' own words for the reporter (why a report is not processed), opened for them.
    reason: str | None = None
    #: What brought a status about, when it reads differently for each (see ``Shown.variants``).
    variant: str | None = None


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    at: datetime
    shown: Shown
    body_name: str | None = None
    reason: str | None = None
    variant: str | None = None

    def title(self, language: str) -> str:
        return self.shown.title.of(language)

    def explanation(self, language: str) -> str:
        wording = self.shown.variants.get(self.variant or "", self.shown.explanation)
        explained = wording.of(language).replace("{body}", self.body_name or "-")
        return explained.replace("{reason}", self.reason or "-")


def happenings_of(
    report: Report,
    messages: Iterable[MailboxMessage] = (),
    notices: Iterable[ReporterNotice] = (),
    ends: Mapping[str, tuple[str | None, str | None]] | None = None,
) -> list[Happening]:
    """Everything that happened to the report that the reporter may be told of: its status
    changes, the officers' messages (that one came, not what it says), and the notices (forwarded,
    identity disclosed, how the handling ended). ``ends``: for a status that ended the telaah, the
    body it went to and the officers' reason (opened), by status. The first way the handling ended
    gives ``selesai`` its words; a second one (a hand-over after the report) shows as an event."""
    ends = ends or {}
    notices = list(notices)
    endings = sorted((n for n in notices if n.kind in ENDINGS), key=lambda n: n.at)
    first_ending = endings[0] if endings else None
    found = [
        Happening(
            change.status.value,
            change.at,
            *ends.get(change.status.value, (None, None)),
            variant=first_ending.kind.value if first_ending and change.status.value == "selesai" else None,
        )
        for change in report.timeline
    ]
    found += [
        Happening(OFFICER_MESSAGE_HAPPENINGS[m.kind], m.sent_at)
        for m in messages
        if m.direction is Direction.DARI_PETUGAS and m.kind in OFFICER_MESSAGE_HAPPENINGS
    ]
    found += [Happening(n.kind.value, n.at, n.body_name) for n in notices if n is not first_ending]
    return found


def message_entries(messages: Iterable[MailboxMessage]) -> list[tuple[UUID, TimelineEntry]]:
    """The timeline's entries for the officers' messages, each with the message it is about, oldest first."""
    about = [m for m in messages if m.direction is Direction.DARI_PETUGAS and m.kind in OFFICER_MESSAGE_HAPPENINGS]
    return sorted(
        (
            (m.id, TimelineEntry(kind, m.sent_at, REPORTER_SEES[kind]))
            for m in about
            if (kind := OFFICER_MESSAGE_HAPPENINGS[m.kind])
        ),
        key=lambda pair: pair[1].at,
    )


def timeline(happenings: Iterable[Happening]) -> list[TimelineEntry]:
    """What the reporter sees, oldest first: only the kinds of :data:`REPORTER_SEES`."""
    entries = [
        TimelineEntry(h.kind, h.at, REPORTER_SEES[h.kind], h.body_name, h.reason, h.variant)
        for h in happenings
        if h.kind in REPORTER_SEES
    ]
    return sorted(entries, key=lambda entry: entry.at)


def current_status(entries: Iterable[TimelineEntry]) -> TimelineEntry | None:
    """The latest status the reporter sees (events in between do not change it)."""
    statuses = [entry for entry in entries if entry.shown.is_status]
    return statuses[-1] if statuses else None
