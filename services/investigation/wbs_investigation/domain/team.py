"""The audit team named in the Surat Tugas, and who may open an audit's substance.

An audit's records (the report, the telaah's conclusion, clarifications, evidence, the result) are
for the team the Surat Tugas names, and for those who direct it: the ketua tim (Inspektur) and the
pimpinan satker of the body. An auditor not on the team is refused, with the reason.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

#: The runtime's permission names (the domain does no I/O and imports no runtime).
ASSIGN_CASES = "assign-cases"
DISPOSE_CASES = "dispose-cases"
INVESTIGATE_CASES = "investigate-cases"


class TeamSeat(StrEnum):
    """The seats of an audit team as Surat Tugas name them (004 BAB II C.4)."""

    KETUA_TIM = "ketua-tim"
    PENGENDALI_TEKNIS = "pengendali-teknis"
    ANGGOTA = "anggota"


@dataclass(frozen=True)
class TeamMember:
    officer_id: str
    name: str
    seat: TeamSeat


def may_open_audit(permissions: Collection[str], *, on_team: bool) -> bool:
    """Whether an officer holding ``permissions`` in the case's tenant may open its audit records:
    those who assign and approve (ketua tim) or dispose (pimpinan satker) always; an auditor only
    while on the case's team."""
    if ASSIGN_CASES in permissions or DISPOSE_CASES in permissions:
        return True
    return on_team and INVESTIGATE_CASES in permissions
