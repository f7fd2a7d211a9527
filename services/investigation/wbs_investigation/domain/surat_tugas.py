"""The audit plan: the Surat Tugas the Inspektur (ketua tim) issues to name the audit team, with its
schedule, budget and resources (004 BAB II C.4.a: "Penentuan tim audit oleh Inspektur dengan
menerbitkan Surat Tugas" and "Penyiapan kebutuhan sumber daya pendukung antara lain anggaran audit
dan sarana prasarana lainnya").

The team has exactly one ketua tim and one pengendali teknis, and any number of anggota (the seeds
fix no size); everyone on it is an active officer of the tenant's roster holding the auditor or the
ketua-tim role there, and sits in one seat only. A new Surat Tugas replaces the team.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from wbs_contracts.events.intake import NAME_LIMIT, TEXT_LIMIT
from wbs_contracts.roles import Role
from wbs_investigation.domain.audit import AuditRefused, bounded_text, required_text
from wbs_investigation.domain.team import TeamMember, TeamSeat

#: The roles whose holders sit on an audit team.
AUDIT_TEAM_ROLES = frozenset({Role.AUDITOR, Role.KETUA_TIM})
#: The largest team a Surat Tugas names.
TEAM_LIMIT = 30
NUMBER_LIMIT = 100


class OnRoster(Protocol):
    """An officer on the tenant's roster, as the runtime keeps it from directory
    (``wbs_runtime.roster.RosterEntry``)."""

    @property
    def officer_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def roles(self) -> frozenset[Role]: ...
    @property
    def active(self) -> bool: ...


def may_sit_on_team(entry: OnRoster) -> bool:
    return entry.active and not entry.roles.isdisjoint(AUDIT_TEAM_ROLES)


@dataclass(frozen=True)
class SuratTugasDraft:
    """A Surat Tugas as the ketua tim writes it, before any check."""

    number: str
    issued_on: date | None
    ketua_tim: str
    pengendali_teknis: str
    anggota: tuple[str, ...]
    starts_on: date | None
    ends_on: date | None
    budget_idr: int
    resources: str


@dataclass(frozen=True)
class SuratTugas:
    id: UUID
    case_id: UUID
    tenant: str
    number: str
    issued_on: date
    issued_at: datetime
    issued_by: str
    issued_by_name: str
    team: tuple[TeamMember, ...]
    starts_on: date
    ends_on: date
    budget_idr: int
    resources: str
    #: The generated letter (PDF) in the vault.
    document_id: UUID

    def member(self, seat: TeamSeat) -> TeamMember | None:
        return next((m for m in self.team if m.seat is seat), None)

    @property
    def anggota(self) -> tuple[TeamMember, ...]:
        return tuple(m for m in self.team if m.seat is TeamSeat.ANGGOTA)


def checked_team(draft: SuratTugasDraft, roster: Mapping[str, OnRoster]) -> tuple[TeamMember, ...]:
    """The team in the draft, ketua tim first, then the pengendali teknis, then the anggota in the
    order given; refused in both languages unless each seat is filled by an active officer of the
    roster holding auditor or ketua-tim, no one twice."""
    ketua, pengendali = draft.ketua_tim.strip(), draft.pengendali_teknis.strip()
    if not ketua:
        raise AuditRefused("ketua_tim", "Pilih ketua tim audit.", "Choose the audit team's leader (ketua tim).")
    if not pengendali:
        raise AuditRefused(
            "pengendali_teknis",
            "Pilih pengendali teknis audit.",
            "Choose the audit's technical controller (pengendali teknis).",
        )
    anggota = [a.strip() for a in draft.anggota if a.strip()]
    seats = [(ketua, TeamSeat.KETUA_TIM, "ketua_tim"), (pengendali, TeamSeat.PENGENDALI_TEKNIS, "pengendali_teknis")]
    seats += [(a, TeamSeat.ANGGOTA, "anggota") for a in anggota]
    if len(seats) > TEAM_LIMIT:
        raise AuditRefused(
            "anggota", f"Tim paling banyak {TEAM_LIMIT} orang.", f"A team has at most {TEAM_LIMIT} officers."
        )
    team: list[TeamMember] = []
    for officer_id, seat, field in seats:
        if any(m.officer_id == officer_id for m in team):
            raise AuditRefused(
                field,
                "Setiap petugas hanya menduduki satu kedudukan dalam tim.",
                "Each officer sits in one seat of the team only.",
            )
        entry = roster.get(officer_id)
        if entry is None or not may_sit_on_team(entry):
            raise AuditRefused(
                field,
                "Tim audit hanya terdiri atas petugas aktif instansi ini yang berperan auditor atau ketua tim.",
                "An audit team has only active officers of this body holding the auditor or ketua-tim role.",
            )
        team.append(TeamMember(officer_id=officer_id, name=entry.name, seat=seat))
    return tuple(team)


@dataclass(frozen=True)
class LetterFields:
    """The letter's own fields, checked."""

    number: str
    issued_on: date
    starts_on: date
    ends_on: date
    budget_idr: int
    resources: str


def checked_letter(draft: SuratTugasDraft) -> LetterFields:
    """The letter's own fields: its number and date, a schedule that ends on or after it starts,
    a budget (0 when none is set aside) and the resources in words."""
    number = required_text(
        draft.number, "number", NUMBER_LIMIT, "Tuliskan nomor Surat Tugas.", "Give the Surat Tugas's number."
    )
    if draft.issued_on is None:
        raise AuditRefused("issued_on", "Tuliskan tanggal Surat Tugas.", "Give the Surat Tugas's date.")
    if draft.starts_on is None or draft.ends_on is None:
        raise AuditRefused(
            "starts_on",
            "Tuliskan jadwal audit: tanggal mulai dan tanggal selesai.",
            "Give the audit's schedule: the day it starts and the day it ends.",
        )
    if draft.ends_on < draft.starts_on:
        raise AuditRefused(
            "ends_on",
            "Tanggal selesai audit tidak boleh sebelum tanggal mulai.",
            "The audit cannot end before it starts.",
        )
    if draft.budget_idr < 0:
        raise AuditRefused("budget", "Anggaran tidak boleh negatif.", "The budget cannot be negative.")
    return LetterFields(
        number=number,
        issued_on=draft.issued_on,
        starts_on=draft.starts_on,
        ends_on=draft.ends_on,
        budget_idr=draft.budget_idr,
        resources=bounded_text(draft.resources, "resources", TEXT_LIMIT),
    )


def number_taken(number: str) -> AuditRefused:
    return AuditRefused(
        "number",
        f"Nomor {number[:NAME_LIMIT]} sudah dipakai oleh surat lain instansi ini.",
        f"The number {number[:NAME_LIMIT]} is already used by another letter of this body.",
    )
