"""Disposisi: the pimpinan satker disposes a registered case to a team for its telaah (SOP BPS
Provinsi Banten, seed 001 Gambar 8), with an instruction; the team's follow-up clock starts then.

Only officers on the tenant's roster (as directory announced it, ``officer-roles``, kept by the
runtime) who hold penelaah or ketua-tim there, and are active, may be on a team. A case is disposed while it is
registered, and disposed again (the team replaced) while its telaah goes on; never once decided.

The team's clock stops while the case waits on the reporter (an officer asked for more
information, ``permintaan-informasi``) and resumes at the reporter's next message: its due day
moves by the working days spent waiting (:func:`resumed_due_day`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol, TypeVar
from uuid import UUID

from wbs_contracts.events.directory import TimeLimit
from wbs_contracts.events.intake import TEXT_LIMIT
from wbs_contracts.events.triage import TeamMember, TeamRole
from wbs_contracts.roles import Role
from wbs_contracts.sealed import SealedPayload
from wbs_triage.domain.case import CaseStatus

#: The roles that may be on a team for the telaah.
TEAM_ROLES = frozenset({Role.PENELAAH, Role.KETUA_TIM})
#: The largest team a disposition names (the event's own limit).
TEAM_LIMIT = 50
DISPOSISI_LIMIT = "disposisi"
FOLLOW_UP_LIMIT = "tindak-lanjut-tim"
#: The pimpinan disposes within a working day, when the tenant's policy names no limit of its own.
DEFAULT_DISPOSISI = TimeLimit(working_days=1, basis="SOP BPS Provinsi Banten: disposisi pimpinan")
#: The Banten SOP's team follow-up, when the tenant's policy names no limit of its own.
DEFAULT_FOLLOW_UP = TimeLimit(working_days=5, basis="SOP BPS Provinsi Banten: tindak lanjut tim 5 hari kerja")
DISPOSABLE = frozenset({CaseStatus.TERDAFTAR, CaseStatus.DITELAAH})


class DispositionRefused(ValueError):
    """A disposition that cannot be made, said in both languages; nothing was changed."""

    def __init__(self, field: str, pesan: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.pesan = pesan
        self.message = message


class OnRoster(Protocol):
    """An officer on the tenant's roster as the runtime keeps it from directory
    (``wbs_runtime.roster.RosterEntry``): what the disposisi needs of them."""

    @property
    def officer_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def roles(self) -> frozenset[Role]: ...
    @property
    def active(self) -> bool: ...


Officer = TypeVar("Officer", bound=OnRoster)


def may_join_team(entry: OnRoster) -> bool:
    return entry.active and bool(entry.roles & TEAM_ROLES)


@dataclass(frozen=True)
class DispositionDraft:
    """What the pimpinan chose on the form: the ketua, the members, and the instruction."""

    ketua: str
    anggota: tuple[str, ...] = ()
    instruction: str = ""


@dataclass(frozen=True)
class TeamSeat:
    officer_id: str
    role: TeamRole
    name: str

    def member(self) -> TeamMember:
        return TeamMember(officer_id=self.officer_id, role=self.role)


@dataclass(frozen=True)
class Disposition:
    id: UUID
    case_id: UUID
    tenant: str
    disposed_at: datetime
    disposed_by: str
    disposed_by_name: str
    team: tuple[TeamSeat, ...]
    #: DispositionInstructionV1, sealed to case-substance.
    sealed_instruction: SealedPayload
    #: The end of the team's last working day for its follow-up.
    follow_up_due: datetime
    policy_version: int


def check_disposable(status: CaseStatus) -> None:
    if status not in DISPOSABLE:
        raise DispositionRefused(
            "status",
            "Perkara ini sudah diputuskan dan tidak dapat didisposisikan lagi.",
            "This case has been decided and can no longer be disposed.",
        )


def checked_instruction(text: str) -> str:
    text = text.strip()
    if not text:
        raise DispositionRefused(
            "instruksi", "Tuliskan instruksi disposisi untuk tim.", "Write the disposition's instruction for the team."
        )
    if len(text) > TEXT_LIMIT:
        raise DispositionRefused(
            "instruksi",
            f"Instruksi paling banyak {TEXT_LIMIT} karakter.",
            f"An instruction has at most {TEXT_LIMIT} characters.",
        )
    return text


def checked_team(draft: DispositionDraft, roster: Mapping[str, OnRoster]) -> tuple[TeamSeat, ...]:
    """The team in the draft, the ketua first; refused unless each is on the tenant's roster as an
    active penelaah or ketua tim. A member named twice (or also as ketua) sits once."""
    if not draft.ketua.strip():
        raise DispositionRefused("ketua", "Pilih ketua tim.", "Choose the team's leader (ketua tim).")
    chosen = [draft.ketua.strip(), *(a.strip() for a in draft.anggota if a.strip())]
    seats: list[TeamSeat] = []
    for position, officer_id in enumerate(dict.fromkeys(chosen)):
        entry = roster.get(officer_id)
        if entry is None or not may_join_team(entry):
            raise DispositionRefused(
                "ketua" if position == 0 else "anggota",
                "Anggota tim hanya petugas aktif instansi ini yang berperan penelaah atau ketua tim.",
                "A team has only active officers of this tenant holding the penelaah or ketua-tim role.",
            )
        seats.append(TeamSeat(officer_id, TeamRole.KETUA if position == 0 else TeamRole.ANGGOTA, entry.name))
    if len(seats) > TEAM_LIMIT:
        raise DispositionRefused(
            "anggota", f"Tim paling banyak {TEAM_LIMIT} orang.", f"A team has at most {TEAM_LIMIT} officers."
        )
    return tuple(seats)


def eligible(roster: Sequence[Officer]) -> list[Officer]:
    """Whom the form offers, by name."""
    return sorted((e for e in roster if may_join_team(e)), key=lambda e: (e.name.casefold(), e.officer_id))


def limit_of(limits: Mapping[str, TimeLimit] | None, name: str, default: TimeLimit) -> TimeLimit:
    """The tenant's limit ``name`` in working days, or ``default`` (a limit in months is not one
    these clocks count)."""
    limit = (limits or {}).get(name)
    return limit if limit is not None and limit.working_days is not None else default


def working_days_waited(paused_on: date, resumed_on: date, is_working_day: Callable[[date], bool]) -> int:
    """The working days after ``paused_on`` up to and including ``resumed_on``: those the case
    spent waiting on the reporter (none when answered on the day asked)."""
    day, waited = paused_on, 0
    while day < resumed_on:
        day += timedelta(days=1)
        if is_working_day(day):
            waited += 1
    return waited


def resumed_due_day(due_day: date, paused_on: date, resumed_on: date, is_working_day: Callable[[date], bool]) -> date:
    """The team's last working day once the reporter answered: moved by the working days waited."""
    day = due_day
    for _ in range(working_days_waited(paused_on, resumed_on, is_working_day)):
        day += timedelta(days=1)
        while not is_working_day(day):
            day += timedelta(days=1)
    return day
