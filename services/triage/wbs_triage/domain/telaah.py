"""The telaah (penelaahan) of one case: who may open its substance, the checklist of the minimum
steps the regulations list, and the penelaah's notes.

004 BAB II C.2.b: "Penelaahan minimal yang dilakukan sebagai berikut: 1) Merumuskan pokok
permasalahan; 2) Meneliti kelengkapan dokumen bukti permulaan; 3) Mengumpulkan dan melengkapi data
sebagai informasi pendukung; 4) Melakukan analisis berdasarkan ketentuan peraturan
perundang-undangan; 5) Menyimpulkan hasil penelaahan dan memutuskan penanganan selanjutnya." (002
BAB II C.2.b lists the same five in other words.) Each step's note and every free note are sealed
to case-substance at rest; free notes are only ever added to, never changed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from wbs_contracts.events.intake import TEXT_LIMIT
from wbs_contracts.sealed import Audience, SealedDocument, SealedPayload
from wbs_triage.domain.disposition import TeamSeat

#: Permissions (``wbs_runtime.auth.permissions.Permission`` values; the domain imports no runtime)
#: that decide, in the case's tenant, who opens a case's substance (the report as written and its
#: evidence). A real inspectorate works this way: the pimpinan satker disposes a case to a team,
#: and only that team works it.
ASSESS_CASES, APPROVE_DECISIONS, DISPOSE_CASES = "assess-cases", "approve-decisions", "dispose-cases"
#: Who opens every case of the tenant: the pimpinan satker (who disposes them) and the ketua tim
#: (who approves their decisions).
OPEN_EVERY_CASE = frozenset({APPROVE_DECISIONS, DISPOSE_CASES})


def sits_on_team(officer_id: str, team: Iterable[TeamSeat]) -> bool:
    """Whether the officer sits on the case's current team (a case not disposed yet has none)."""
    return any(seat.officer_id == officer_id for seat in team)


def may_open_substance(permissions: Collection[str], *, on_team: bool) -> bool:
    """Whether an officer holding ``permissions`` in the case's tenant may open its substance and
    its evidence: the pimpinan satker and the ketua tim always; a penelaah only on the case's team."""
    if any(p in OPEN_EVERY_CASE for p in permissions):
        return True
    return ASSESS_CASES in permissions and on_team


def may_work_the_checklist(permissions: Collection[str], *, on_team: bool) -> bool:
    """The penelaah on the case's team works the checklist."""
    return ASSESS_CASES in permissions and on_team


class TelaahStep(StrEnum):
    POKOK_MASALAH = "pokok-masalah"
    KELENGKAPAN_BUKTI = "kelengkapan-bukti"
    PENGUMPULAN_DATA = "pengumpulan-data"
    ANALISIS_PERATURAN = "analisis-peraturan"
    SIMPULAN = "simpulan"


#: Each step in the regulation's words (004 BAB II C.2.b), in its order.
STEP_WORDING: Mapping[TelaahStep, str] = {
    TelaahStep.POKOK_MASALAH: "Merumuskan pokok permasalahan",
    TelaahStep.KELENGKAPAN_BUKTI: "Meneliti kelengkapan dokumen bukti permulaan",
    TelaahStep.PENGUMPULAN_DATA: "Mengumpulkan dan melengkapi data sebagai informasi pendukung",
    TelaahStep.ANALISIS_PERATURAN: "Melakukan analisis berdasarkan ketentuan peraturan perundang-undangan",
    TelaahStep.SIMPULAN: "Menyimpulkan hasil penelaahan dan memutuskan penanganan selanjutnya",
}


class StepRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    done: bool = False
    note: str = Field(default="", max_length=TEXT_LIMIT)
    updated_at: datetime | None = None
    updated_by: str = ""
    updated_by_name: str = ""


class TelaahChecklistV1(SealedDocument):
    """The five steps of one case, each with its note (triage-internal, never on the bus)."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "telaah-checklist"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.CASE_SUBSTANCE

    steps: dict[TelaahStep, StepRecord] = Field(default_factory=dict)

    def step(self, step: TelaahStep) -> StepRecord:
        return self.steps.get(step, StepRecord())

    @property
    def done(self) -> int:
        return sum(1 for step in TelaahStep if self.step(step).done)


class TelaahNoteV1(SealedDocument):
    """A free note of the penelaah (triage-internal, never on the bus)."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "telaah-note"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.CASE_SUBSTANCE

    text: str = Field(min_length=1, max_length=TEXT_LIMIT)


class TelaahRefused(ValueError):
    def __init__(self, field: str, pesan: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.pesan = pesan
        self.message = message


def checked_step(value: str) -> TelaahStep:
    try:
        return TelaahStep(value)
    except ValueError:
        raise TelaahRefused("step", "Langkah telaah itu tidak dikenal.", "No such step of the telaah.") from None


def checked_note(text: str, *, required: bool) -> str:
    if required and not text.strip():
        raise TelaahRefused("text", "Tulis catatan terlebih dahulu.", "Write the note first.")
    if len(text) > TEXT_LIMIT:
        raise TelaahRefused(
            "text",
            f"Catatan terlalu panjang: {len(text)} karakter, paling banyak {TEXT_LIMIT}.",
            f"The note is too long: {len(text)} characters, at most {TEXT_LIMIT}.",
        )
    return text.strip()


def with_step(
    checklist: TelaahChecklistV1,
    step: TelaahStep,
    *,
    done: bool,
    note: str,
    at: datetime,
    officer_id: str,
    officer_name: str,
) -> TelaahChecklistV1:
    """The checklist with ``step`` recorded as the officer left it."""
    record = StepRecord(
        done=done,
        note=checked_note(note, required=False),
        updated_at=at,
        updated_by=officer_id,
        updated_by_name=officer_name,
    )
    return checklist.model_copy(update={"steps": {**checklist.steps, step: record}})


@dataclass(frozen=True)
class TelaahNote:
    """A free note as kept: who wrote it and when, in the clear; its text sealed."""

    id: UUID
    case_id: UUID
    tenant: str
    author_id: str
    author_name: str
    written_at: datetime
    #: TelaahNoteV1 sealed to case-substance.
    sealed: SealedPayload
