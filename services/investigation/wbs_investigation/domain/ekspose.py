"""The exposé (ekspose) of an audit's result before a case is handed to law enforcement
(Pergub Bengkulu 49/2017 and Perbup Lebak 18/2021, Lampiran BAB II C.6).

"Hasil audit investigasi tersebut dibahas melalui ekspose internal dengan pihak terkait dan jika
dipandang perlu, dilakukan ekspose eksternal dengan pihak penyidik" (002): an internal exposé with
the officials concerned, an external one with investigators or experts. The preparation: invite the
parties, "Undangan disampaikan 3 (tiga) hari sebelum pelaksanaan ekspose", and "Menentukan Tim
Penyaji (Penyaji, Notulen dan Moderator)". The discussion goes into minutes signed by the notulis,
the ketua tim and the Sekretaris Inspektorat (Bengkulu) or the Inspektur (Lebak). Without agreement
the minutes give the reasons and "permasalahan tersebut dibahas antar pimpinan pada tingkat yang
lebih tinggi dan dituangkan dalam risalah hasil rapat antar pimpinan"; new evidence "yang menambah
atau mengurangi nilai kerugian negara" must be tested ("prosedur pengujian"), and only when the loss
does not change may the agreement serve the prosecution; the result "disampaikan kepada Gubernur"
(Bupati in Lebak).

**The 3 days are calendar days.** Both regulations say "3 (tiga) hari", not "hari kerja", while the
same body of seeds says "5 hari kerja" where working days are meant (001, Gambar 8). They are counted
as the project counts every limit in days (``wbs_runtime.working_days``): by dates in the service's
zone, the day the invitation goes out not counted. An invitation sent on Monday, at any hour, allows
an exposé on Thursday (day 3) or later, at any hour; Wednesday is refused. The invitation goes out
when the exposé is scheduled (the system makes it then), so the rule is checked against that moment.

Pure rules, no I/O: the use cases (``usecases/ekspose.py``) fetch what they need and ask here.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import ClassVar
from uuid import UUID
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from wbs_contracts.events.intake import NAME_LIMIT, SHORT_TEXT_LIMIT, TEXT_LIMIT
from wbs_contracts.events.investigation import AuditResult
from wbs_contracts.sealed import Audience, SealedDocument, SealedPayload
from wbs_investigation.domain.case_file import CaseFile, CaseFileStatus
from wbs_investigation.domain.refusal import Refused
from wbs_investigation.domain.team import ASSIGN_CASES, INVESTIGATE_CASES, TeamMember, may_open_audit

#: "Undangan disampaikan 3 (tiga) hari sebelum pelaksanaan ekspose" (002 and 004, BAB II C.6.a.2).
INVITATION_LEAD_DAYS = 3
#: How many invited parties, presenters, signatories or leaders one record may name.
MAX_PEOPLE = 100

DAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def tanggal(day: date) -> str:
    """``Kamis, 7 Mei 2026``."""
    return f"{DAYS_ID[day.weekday()]}, {day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def day_in_english(day: date) -> str:
    """``Thursday 7 May 2026``."""
    return f"{DAYS_EN[day.weekday()]} {day.day} {MONTHS_EN[day.month - 1]} {day.year}"


class EksposeRefused(Refused):
    """What the rules of an exposé do not allow; bilingual, for the officer. ``field`` says what is
    at fault: ``officer`` (who may not: 403), ``case`` / ``ekspose`` (a state that does not allow
    it: 409), any other a field of the form (422)."""

    conflict_fields: ClassVar[frozenset[str]] = frozenset({"case", "ekspose"})


class EksposeKind(StrEnum):
    #: With the officials concerned (Inspektur, Sekretaris Daerah, Eselon II terkait, ...).
    INTERNAL = "internal"
    #: With investigators (penyidik) or experts (ahli).
    EKSTERNAL = "eksternal"


class PresenterSeat(StrEnum):
    """The Tim Penyaji (002/004 BAB II C.6.a.4)."""

    PENYAJI = "penyaji"
    NOTULEN = "notulen"
    MODERATOR = "moderator"


class MinutesConclusion(StrEnum):
    """How the discussion the minutes record ended."""

    #: Agreement: the agreement may serve the hand-over.
    SEPAKAT = "sepakat"
    #: No agreement: the reasons are recorded and the matter goes to a meeting of leaders.
    TIDAK_SEPAKAT = "tidak-sepakat"
    #: New evidence that adds to or reduces the loss: the auditors test it (pengujian ulang).
    BUKTI_BARU = "bukti-baru"


class LeadersDecision(StrEnum):
    """What the meeting of leaders (rapat antar pimpinan) decided on a disagreement."""

    #: The leaders settled the disagreement (their decision recorded): the exposé is concluded.
    DISEPAKATI = "disepakati"
    #: The leaders found that the loss must be tested again.
    PENGUJIAN_ULANG = "pengujian-ulang"


class EksposeState(StrEnum):
    DIJADWALKAN = "dijadwalkan"
    SEPAKAT = "sepakat"
    MENUNGGU_RAPAT_PIMPINAN = "menunggu-rapat-pimpinan"
    DISEPAKATI_PIMPINAN = "disepakati-pimpinan"
    PENGUJIAN_ULANG = "pengujian-ulang"

    @property
    def concluded(self) -> bool:
        """Agreed, in the exposé or by the leaders: a hand-over may rest on it."""
        return self in (EksposeState.SEPAKAT, EksposeState.DISEPAKATI_PIMPINAN)

    @property
    def closed(self) -> bool:
        """Nothing more is recorded on it but the result sent to the head of region."""
        return self.concluded or self is EksposeState.PENGUJIAN_ULANG


# -- the sealed documents (case-substance of the case's tenant) ------------------------------------


class _Sealed(SealedDocument):
    model_config = ConfigDict(frozen=True, extra="ignore")
    audience: ClassVar[str] = Audience.CASE_SUBSTANCE


class PresenterV1(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    seat: PresenterSeat
    name: str = Field(max_length=NAME_LIMIT)
    #: An officer of the case's audit team, or None for a named person.
    officer_id: str | None = None
    position: str = Field(default="", max_length=NAME_LIMIT)


class PersonV1(BaseModel):
    """An invited party, a leader at the meeting: name, institution, position."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str = Field(max_length=NAME_LIMIT)
    institution: str = Field(default="", max_length=NAME_LIMIT)
    position: str = Field(default="", max_length=NAME_LIMIT)


class SignatoryV1(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str = Field(max_length=NAME_LIMIT)
    #: As signed: Notulis, Ketua Tim, Sekretaris Inspektorat, Inspektur, ...
    function: str = Field(default="", max_length=NAME_LIMIT)


class EksposeInvitationV1(_Sealed):
    """What the invitation says beyond the date and place: the matter, the Tim Penyaji, the parties
    invited (the names tell what the case is about: sealed)."""

    sealed_type: ClassVar[str] = "ekspose-invitation"
    sealed_version: ClassVar[int] = 1
    padded_to_at_least: ClassVar[int] = 4096

    topic: str = Field(max_length=SHORT_TEXT_LIMIT)
    presenters: list[PresenterV1]
    attendees: list[PersonV1]


class EksposeMinutesV1(_Sealed):
    """The minutes (notulen): who chaired, the discussion, how it ended and why, who signed."""

    sealed_type: ClassVar[str] = "ekspose-minutes"
    sealed_version: ClassVar[int] = 1
    padded_to_at_least: ClassVar[int] = 4096

    chaired_by: str = Field(default="", max_length=NAME_LIMIT)
    discussion: str = Field(max_length=TEXT_LIMIT)
    #: What was agreed or concluded.
    conclusion: str = Field(default="", max_length=TEXT_LIMIT)
    #: Without agreement: the reasons ("alasan ketidaksepakatan").
    disagreement: str = Field(default="", max_length=TEXT_LIMIT)
    #: The new evidence and how it adds to or reduces the loss.
    new_evidence: str = Field(default="", max_length=TEXT_LIMIT)
    signatories: list[SignatoryV1]


class LeadersMeetingV1(_Sealed):
    """The record of the meeting of leaders (risalah hasil rapat antar pimpinan)."""

    sealed_type: ClassVar[str] = "ekspose-leaders-meeting"
    sealed_version: ClassVar[int] = 1
    padded_to_at_least: ClassVar[int] = 1024

    participants: list[PersonV1]
    decision: str = Field(max_length=TEXT_LIMIT)


class EksposeConclusionV1(_Sealed):
    """The conclusion a hand-over rests on, kept on the case file (``sealed_ekspose_conclusion``)
    when an exposé concludes; the escalation's dossier takes ``summary()``."""

    sealed_type: ClassVar[str] = "ekspose-conclusion"
    sealed_version: ClassVar[int] = 1
    padded_to_at_least: ClassVar[int] = 1024

    ekspose_id: UUID
    kind: EksposeKind
    held_at: AwareDatetime
    #: ``sepakat`` (agreed in the exposé) or ``disepakati-pimpinan`` (settled by the leaders).
    state: EksposeState
    conclusion: str = Field(default="", max_length=TEXT_LIMIT)
    disagreement: str = Field(default="", max_length=TEXT_LIMIT)
    leaders_decision: str = Field(default="", max_length=TEXT_LIMIT)
    leaders_met_on: date | None = None

    def summary(self, zone: ZoneInfo) -> str:
        """One paragraph, in Bahasa Indonesia, for the dossier of a hand-over."""
        label = "Ekspose internal" if self.kind is EksposeKind.INTERNAL else "Ekspose eksternal"
        held = tanggal(self.held_at.astimezone(zone).date())
        if self.state is EksposeState.SEPAKAT:
            return f"{label}, {held}: sepakat. {self.conclusion}".strip()
        met = f" {tanggal(self.leaders_met_on)}" if self.leaders_met_on else ""
        return (
            f"{label}, {held}: tidak sepakat ({self.disagreement}). "
            f"Rapat antar pimpinan{met} memutuskan: {self.leaders_decision}"
        ).strip()


# -- the exposé and its records --------------------------------------------------------------------


@dataclass(frozen=True)
class Minutes:
    conclusion: MinutesConclusion
    recorded_by: str
    recorded_by_name: str
    recorded_at: datetime
    sealed: SealedPayload
    #: The minutes as a PDF in the vault (kind notulen-ekspose).
    document_id: UUID | None = None


@dataclass(frozen=True)
class LeadersMeeting:
    held_on: date
    decision: LeadersDecision
    recorded_by: str
    recorded_by_name: str
    recorded_at: datetime
    sealed: SealedPayload


@dataclass(frozen=True)
class ResultSent:
    """The exposé's result sent to the head of region: to whom, when, by which letter."""

    sent_to: str
    sent_on: date
    letter_number: str
    recorded_by: str
    recorded_by_name: str
    recorded_at: datetime


@dataclass(frozen=True)
class Ekspose:
    id: UUID
    case_id: UUID
    tenant: str
    kind: EksposeKind
    scheduled_at: datetime
    place: str
    #: The invitation's letter number, as the body numbers its letters ("" when none was given).
    letter_number: str
    invited_at: datetime
    invited_by: str
    invited_by_name: str
    sealed_invitation: SealedPayload
    #: The invitation as a PDF in the vault (kind undangan-ekspose).
    invitation_document_id: UUID | None = None
    minutes: Minutes | None = None
    leaders_meeting: LeadersMeeting | None = None
    result_sent: ResultSent | None = None

    @property
    def state(self) -> EksposeState:
        if self.minutes is None:
            return EksposeState.DIJADWALKAN
        if self.minutes.conclusion is MinutesConclusion.SEPAKAT:
            return EksposeState.SEPAKAT
        if self.minutes.conclusion is MinutesConclusion.BUKTI_BARU:
            return EksposeState.PENGUJIAN_ULANG
        if self.leaders_meeting is None:
            return EksposeState.MENUNGGU_RAPAT_PIMPINAN
        if self.leaders_meeting.decision is LeadersDecision.PENGUJIAN_ULANG:
            return EksposeState.PENGUJIAN_ULANG
        return EksposeState.DISEPAKATI_PIMPINAN


# -- who may ----------------------------------------------------------------------------------------


def check_may_read(permissions: Collection[str], *, on_team: bool) -> None:
    """An exposé is part of the audit's records: the team, the ketua tim, the pimpinan satker."""
    if not may_open_audit(permissions, on_team=on_team):
        raise EksposeRefused(
            "officer",
            "Ekspose perkara ini hanya dapat dibuka oleh tim audit yang ditunjuk dalam Surat Tugas, ketua tim, "
            "atau pimpinan satker.",
            "This case's exposés are open only to the audit team its Surat Tugas names, a ketua tim, or the "
            "pimpinan satker.",
        )


def may_work(permissions: Collection[str], *, on_team: bool) -> bool:
    return ASSIGN_CASES in permissions or (INVESTIGATE_CASES in permissions and on_team)


def check_may_work(permissions: Collection[str], *, on_team: bool) -> None:
    """Scheduling, minutes, the leaders' meeting and the result are recorded by the case's audit
    team or a ketua tim (the Inspektur, who directs the audit)."""
    if not may_work(permissions, on_team=on_team):
        raise EksposeRefused(
            "officer",
            "Hanya tim audit yang ditunjuk dalam Surat Tugas perkara ini atau ketua tim yang dapat mengerjakan "
            "ekspose.",
            "Only the audit team this case's Surat Tugas names, or a ketua tim, may work on its exposés.",
        )


def check_case_allows_ekspose(case: CaseFile) -> None:
    """An exposé discusses the result of an audit that indicates a corruption offence, before the
    case is handed over (BAB II C.6): after the final report, with the result TPK, not while new
    evidence is being tested and not once the case has been handed over."""
    if case.status is CaseFileStatus.PENGUJIAN_ULANG:
        raise EksposeRefused(
            "case",
            "Perkara sedang dalam pengujian ulang atas bukti baru. Ekspose dapat dilakukan kembali setelah laporan "
            "hasil audit yang diperbaiki terbit.",
            "New evidence in this case is being tested. An exposé can be held again once the revised audit report "
            "is issued.",
        )
    if case.status is CaseFileStatus.DISERAHKAN:
        raise EksposeRefused(
            "case",
            "Perkara ini sudah dilimpahkan kepada aparat penegak hukum.",
            "This case has been handed over to law enforcement already.",
        )
    if case.status is not CaseFileStatus.LAPORAN_TERBIT:
        raise EksposeRefused(
            "case",
            "Ekspose membahas hasil audit investigasi: dapat dijadwalkan setelah laporan hasil audit terbit.",
            "An exposé discusses the audit's result: it can be scheduled once the audit report is issued.",
        )
    if case.result is not AuditResult.TPK:
        raise EksposeRefused(
            "case",
            "Ekspose sebelum pelimpahan dilakukan atas hasil audit yang berindikasi tindak pidana korupsi (TPK); "
            "hasil audit perkara ini bukan TPK.",
            "The exposé before a hand-over is held on an audit result indicating a corruption offence (TPK); "
            "this case's result is not TPK.",
        )


# -- scheduling: the 3-day rule --------------------------------------------------------------------


def earliest_day(invited_at: datetime, zone: ZoneInfo) -> date:
    """The first day an exposé may be held when its invitation goes out at ``invited_at``: the
    third calendar day after the invitation's day (in ``zone``)."""
    return invited_at.astimezone(zone).date() + timedelta(days=INVITATION_LEAD_DAYS)


def check_invitation_lead(invited_at: datetime, scheduled_at: datetime, zone: ZoneInfo) -> None:
    """Refuses an exposé less than 3 days after its invitation, naming the earliest allowed date."""
    earliest = earliest_day(invited_at, zone)
    if scheduled_at.astimezone(zone).date() >= earliest:
        return
    today = invited_at.astimezone(zone).date()
    raise EksposeRefused(
        "scheduled_at",
        "Undangan ekspose disampaikan 3 (tiga) hari sebelum pelaksanaan ekspose. Undangan yang disampaikan hari "
        f"ini ({tanggal(today)}) memungkinkan ekspose paling cepat pada {tanggal(earliest)}.",
        "An exposé's invitation must go out 3 days before the exposé. An invitation sent today "
        f"({day_in_english(today)}) allows the exposé on {day_in_english(earliest)} at the earliest.",
    )


@dataclass(frozen=True)
class PresenterDraft:
    seat: str
    #: An officer of the case's audit team (the name is then the team's), or "" for a named person.
    officer_id: str = ""
    name: str = ""
    position: str = ""


@dataclass(frozen=True)
class PersonDraft:
    name: str
    institution: str = ""
    position: str = ""


@dataclass(frozen=True)
class ScheduleDraft:
    kind: str
    #: Aware, or naive in the service's zone.
    scheduled_at: datetime | None
    place: str
    topic: str
    presenters: Sequence[PresenterDraft]
    attendees: Sequence[PersonDraft]
    letter_number: str = ""


@dataclass(frozen=True)
class CheckedSchedule:
    kind: EksposeKind
    scheduled_at: datetime
    place: str
    letter_number: str
    invitation: EksposeInvitationV1


def _text(value: str, field: str, limit: int, pesan: str, message: str, *, required: bool = True) -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise EksposeRefused(field, pesan, message)
    if len(cleaned) > limit:
        raise EksposeRefused(
            field,
            f"Isian terlalu panjang (paling banyak {limit} karakter).",
            f"The text is too long ({limit} characters at most).",
        )
    return cleaned


def _name(value: str, field: str) -> str:
    return _text(value, field, NAME_LIMIT, "Nama wajib diisi.", "The name is required.")


def _optional(value: str, field: str, limit: int = NAME_LIMIT) -> str:
    return _text(value, field, limit, "", "", required=False)


def checked_presenters(drafts: Sequence[PresenterDraft], team: Sequence[TeamMember]) -> list[PresenterV1]:
    """One penyaji, one notulen, one moderator: each an officer of the case's audit team (named as
    the team names them) or a person named here."""
    by_seat: dict[PresenterSeat, PresenterV1] = {}
    members = {m.officer_id: m for m in team}
    for draft in drafts:
        if not (draft.officer_id.strip() or draft.name.strip()):
            continue
        try:
            seat = PresenterSeat(draft.seat)
        except ValueError:
            raise EksposeRefused(
                "presenters",
                "Tim penyaji terdiri atas penyaji, notulen, dan moderator.",
                "The presenter team is a penyaji, a notulen and a moderator.",
            ) from None
        field = f"presenters.{seat.value}"
        if seat in by_seat:
            raise EksposeRefused(
                field, "Setiap peran tim penyaji diisi satu orang.", "Each seat of the presenter team takes one person."
            )
        position = _optional(draft.position, field)
        if draft.officer_id.strip():
            member = members.get(draft.officer_id.strip())
            if member is None:
                raise EksposeRefused(
                    field,
                    "Petugas yang dipilih bukan anggota tim audit perkara ini; pilih anggota tim atau tuliskan nama.",
                    "The officer chosen is not on this case's audit team; choose a member or type a name.",
                )
            by_seat[seat] = PresenterV1(seat=seat, name=member.name, officer_id=member.officer_id, position=position)
        else:
            by_seat[seat] = PresenterV1(seat=seat, name=_name(draft.name, field), position=position)
    missing = [seat for seat in PresenterSeat if seat not in by_seat]
    if missing:
        names = ", ".join(seat.value for seat in missing)
        raise EksposeRefused(
            f"presenters.{missing[0].value}",
            f"Tentukan tim penyaji: penyaji, notulen, dan moderator (belum diisi: {names}).",
            f"Name the presenter team: penyaji, notulen and moderator (missing: {names}).",
        )
    return [by_seat[seat] for seat in PresenterSeat]


def checked_people(drafts: Sequence[PersonDraft], field: str, *, institution_required: bool) -> list[PersonV1]:
    people = []
    for index, draft in enumerate(drafts):
        if not (draft.name.strip() or draft.institution.strip() or draft.position.strip()):
            continue  # an empty row of a form
        at = f"{field}.{index}"
        name = _name(draft.name, at)
        institution = (
            _text(
                draft.institution,
                at,
                NAME_LIMIT,
                "Tuliskan instansi atau unit kerja setiap pihak yang diundang.",
                "Give the institution or unit of each party invited.",
            )
            if institution_required
            else _optional(draft.institution, at)
        )
        people.append(PersonV1(name=name, institution=institution, position=_optional(draft.position, at)))
    if len(people) > MAX_PEOPLE:
        raise EksposeRefused(field, f"Paling banyak {MAX_PEOPLE} orang.", f"{MAX_PEOPLE} people at most.")
    return people


def checked_schedule(
    draft: ScheduleDraft, team: Sequence[TeamMember], *, invited_at: datetime, zone: ZoneInfo
) -> CheckedSchedule:
    """The exposé as it will be kept, or ``EksposeRefused`` naming the field at fault."""
    try:
        kind = EksposeKind(draft.kind)
    except ValueError:
        raise EksposeRefused(
            "kind", "Pilih jenis ekspose: internal atau eksternal.", "Choose the kind: internal or external."
        ) from None
    if draft.scheduled_at is None:
        raise EksposeRefused(
            "scheduled_at",
            "Tentukan tanggal dan jam pelaksanaan ekspose.",
            "Give the date and time of the exposé.",
        )
    scheduled_at = draft.scheduled_at if draft.scheduled_at.tzinfo else draft.scheduled_at.replace(tzinfo=zone)
    check_invitation_lead(invited_at, scheduled_at, zone)
    place = _text(draft.place, "place", SHORT_TEXT_LIMIT, "Tuliskan tempat ekspose.", "Give the place of the exposé.")
    topic = _text(
        draft.topic,
        "topic",
        SHORT_TEXT_LIMIT,
        "Tuliskan pokok bahasan ekspose (perihal undangan).",
        "Give the exposé's subject (the invitation's subject line).",
    )
    presenters = checked_presenters(draft.presenters, team)
    attendees = checked_people(draft.attendees, "attendees", institution_required=True)
    if not attendees:
        raise EksposeRefused(
            "attendees",
            "Sebutkan pihak yang diundang (nama dan instansi).",
            "Name the parties invited (name and institution).",
        )
    return CheckedSchedule(
        kind=kind,
        scheduled_at=scheduled_at,
        place=place,
        letter_number=_optional(draft.letter_number, "letter_number", 100),
        invitation=EksposeInvitationV1(topic=topic, presenters=presenters, attendees=attendees),
    )


# -- the minutes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MinutesDraft:
    conclusion: str
    discussion: str
    chaired_by: str = ""
    agreed: str = ""
    disagreement: str = ""
    new_evidence: str = ""
    signatories: Sequence[tuple[str, str]] = ()


def checked_minutes(draft: MinutesDraft, ekspose: Ekspose, *, now: datetime, zone: ZoneInfo) -> EksposeMinutesV1:
    """The minutes of an exposé that has taken place and has none yet: the discussion, how it ended
    (an agreement, the reasons for disagreement, or the new evidence), and who signed."""
    if ekspose.state is not EksposeState.DIJADWALKAN:
        raise EksposeRefused(
            "ekspose", "Notulen ekspose ini sudah dicatat.", "This exposé's minutes have been recorded already."
        )
    if now < ekspose.scheduled_at:
        local = ekspose.scheduled_at.astimezone(zone)
        raise EksposeRefused(
            "ekspose",
            f"Ekspose ini baru akan berlangsung pada {tanggal(local.date())} pukul {local:%H.%M}; notulen dicatat "
            "setelah ekspose berlangsung.",
            f"This exposé takes place on {day_in_english(local.date())} at {local:%H:%M}; its minutes are "
            "recorded after it.",
        )
    try:
        conclusion = MinutesConclusion(draft.conclusion)
    except ValueError:
        raise EksposeRefused(
            "conclusion",
            "Pilih hasil ekspose: sepakat, tidak sepakat, atau ada bukti baru yang mengubah nilai kerugian.",
            "Choose how the exposé ended: agreement, disagreement, or new evidence that changes the loss.",
        ) from None
    discussion = _text(
        draft.discussion,
        "discussion",
        TEXT_LIMIT,
        "Tuliskan jalannya diskusi dalam ekspose.",
        "Write how the discussion went.",
    )
    agreed = _optional(draft.agreed, "agreed", TEXT_LIMIT)
    disagreement = _optional(draft.disagreement, "disagreement", TEXT_LIMIT)
    new_evidence = _optional(draft.new_evidence, "new_evidence", TEXT_LIMIT)
    if conclusion is MinutesConclusion.SEPAKAT and not agreed:
        raise EksposeRefused("agreed", "Tuliskan kesepakatan ekspose.", "Write what the exposé agreed.")
    if conclusion is MinutesConclusion.TIDAK_SEPAKAT and not disagreement:
        raise EksposeRefused(
            "disagreement",
            "Tuliskan alasan ketidaksepakatan: risalah ekspose harus memuatnya.",
            "Write the reasons for the disagreement: the minutes must give them.",
        )
    if conclusion is MinutesConclusion.BUKTI_BARU and not new_evidence:
        raise EksposeRefused(
            "new_evidence",
            "Uraikan bukti baru dan bagaimana bukti itu menambah atau mengurangi nilai kerugian.",
            "Describe the new evidence and how it adds to or reduces the loss.",
        )
    signatories = [
        SignatoryV1(name=_name(name, f"signatories.{index}"), function=_optional(function, f"signatories.{index}"))
        for index, (name, function) in enumerate(draft.signatories)
        if name.strip() or function.strip()
    ]
    if not signatories:
        raise EksposeRefused(
            "signatories",
            "Sebutkan siapa yang menandatangani notulen (notulis, ketua tim, dan pimpinan ekspose).",
            "Name who signed the minutes (the notulis, the ketua tim and who chaired the exposé).",
        )
    if len(signatories) > MAX_PEOPLE:
        raise EksposeRefused("signatories", f"Paling banyak {MAX_PEOPLE} orang.", f"{MAX_PEOPLE} people at most.")
    return EksposeMinutesV1(
        chaired_by=_optional(draft.chaired_by, "chaired_by"),
        discussion=discussion,
        conclusion=agreed,
        disagreement=disagreement,
        new_evidence=new_evidence,
        signatories=signatories,
    )


# -- the meeting of leaders ------------------------------------------------------------------------


@dataclass(frozen=True)
class LeadersMeetingDraft:
    held_on: date | None
    decision: str
    text: str
    participants: Sequence[PersonDraft]


def checked_leaders_meeting(
    draft: LeadersMeetingDraft, ekspose: Ekspose, *, today: date, zone: ZoneInfo
) -> tuple[date, LeadersDecision, LeadersMeetingV1]:
    """The record of the leaders' meeting on an exposé that ended without agreement."""
    if ekspose.state is not EksposeState.MENUNGGU_RAPAT_PIMPINAN:
        raise EksposeRefused(
            "ekspose",
            "Rapat antar pimpinan dicatat untuk ekspose yang berakhir tanpa kesepakatan dan belum diputuskan.",
            "A leaders' meeting is recorded for an exposé that ended without agreement and is not yet decided.",
        )
    held_day = ekspose.scheduled_at.astimezone(zone).date()
    if draft.held_on is None or not held_day <= draft.held_on <= today:
        raise EksposeRefused(
            "held_on",
            f"Tanggal rapat antar pimpinan antara tanggal ekspose ({tanggal(held_day)}) dan hari ini.",
            f"The leaders' meeting is dated between the exposé ({day_in_english(held_day)}) and today.",
        )
    try:
        decision = LeadersDecision(draft.decision)
    except ValueError:
        raise EksposeRefused(
            "decision",
            "Pilih keputusan rapat: disepakati, atau bukti diuji ulang.",
            "Choose the meeting's decision: settled, or the evidence tested again.",
        ) from None
    text = _text(
        draft.text,
        "text",
        TEXT_LIMIT,
        "Tuliskan keputusan rapat antar pimpinan.",
        "Write what the leaders' meeting decided.",
    )
    participants = checked_people(draft.participants, "participants", institution_required=False)
    if not participants:
        raise EksposeRefused(
            "participants",
            "Sebutkan pimpinan yang hadir dalam rapat.",
            "Name the leaders at the meeting.",
        )
    return draft.held_on, decision, LeadersMeetingV1(participants=participants, decision=text)


# -- the result to the head of region ---------------------------------------------------------------


@dataclass(frozen=True)
class ResultSentDraft:
    sent_to: str
    sent_on: date | None
    letter_number: str = ""


def checked_result_sent(draft: ResultSentDraft, ekspose: Ekspose, *, today: date, zone: ZoneInfo) -> ResultSentDraft:
    """The result goes to the head of region once the exposé is closed (agreed, settled by the
    leaders, or sent back for testing), once."""
    if not ekspose.state.closed:
        raise EksposeRefused(
            "ekspose",
            "Hasil ekspose disampaikan setelah ekspose selesai: sepakat, diputuskan rapat antar pimpinan, atau "
            "dikembalikan untuk pengujian ulang.",
            "The exposé's result is sent once it is over: agreed, settled by the leaders, or sent back for testing.",
        )
    if ekspose.result_sent is not None:
        raise EksposeRefused(
            "ekspose",
            "Hasil ekspose ini sudah disampaikan kepada kepala daerah.",
            "This exposé's result has been sent to the head of region already.",
        )
    sent_to = _text(
        draft.sent_to,
        "sent_to",
        NAME_LIMIT,
        "Tuliskan kepada siapa hasil ekspose disampaikan (Gubernur atau Bupati).",
        "Write to whom the result was sent (the Governor or the Regent).",
    )
    held_day = ekspose.scheduled_at.astimezone(zone).date()
    if draft.sent_on is None or not held_day <= draft.sent_on <= today:
        raise EksposeRefused(
            "sent_on",
            f"Tanggal penyampaian antara tanggal ekspose ({tanggal(held_day)}) dan hari ini.",
            f"The date sent lies between the exposé ({day_in_english(held_day)}) and today.",
        )
    return ResultSentDraft(sent_to, draft.sent_on, _optional(draft.letter_number, "letter_number", 100))


def conclusion_of(
    ekspose: Ekspose,
    minutes: EksposeMinutesV1,
    leaders: tuple[date, LeadersMeetingV1] | None = None,
) -> EksposeConclusionV1:
    """What the case file keeps of a concluded exposé."""
    state = EksposeState.SEPAKAT if leaders is None else EksposeState.DISEPAKATI_PIMPINAN
    return EksposeConclusionV1(
        ekspose_id=ekspose.id,
        kind=ekspose.kind,
        held_at=ekspose.scheduled_at,
        state=state,
        conclusion=minutes.conclusion,
        disagreement=minutes.disagreement,
        leaders_decision=leaders[1].decision if leaders else "",
        leaders_met_on=leaders[0] if leaders else None,
    )
