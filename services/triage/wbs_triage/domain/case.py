"""A case as triage holds it: registered in the agenda, its substance still sealed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from wbs_triage.domain.agenda import AgendaEntry


class CaseStatus(StrEnum):
    """Where a case stands in triage. The last four end the telaah (``TelaahOutcome``)."""

    #: Registered in the agenda; waits for the pimpinan satker's disposition.
    TERDAFTAR = "terdaftar"
    #: Disposed to a team (disposisi): the telaah is under way.
    DITELAAH = "ditelaah"
    #: A decision was proposed; it waits for the approval the tenant's policy asks for.
    MENUNGGU_PERSETUJUAN = "menunggu-persetujuan"
    TIDAK_DIPROSES = "tidak-diproses"
    DITERUSKAN = "diteruskan"
    DIGABUNG = "digabung"
    AUDIT_INVESTIGASI = "audit-investigasi"

    @property
    def is_open(self) -> bool:
        """Whether the telaah is still going on (no decision took effect)."""
        return self in OPEN_STATUSES


OPEN_STATUSES = frozenset({CaseStatus.TERDAFTAR, CaseStatus.DITELAAH, CaseStatus.MENUNGGU_PERSETUJUAN})


@dataclass
class Case:
    id: UUID
    tenant: str
    category: str
    channel: str
    received_at: datetime
    agenda: AgendaEntry
    #: The sealed ReportSubstanceV1 exactly as received; opened only when an officer needs it.
    sealed_substance: dict[str, Any]
    status: CaseStatus = CaseStatus.TERDAFTAR
    #: Where the report arrived, when it was forwarded here from a body above: channel statistics
    #: count it there, and the officers see where it came from.
    received_by: str | None = None
    #: The day the body received it, for a report a petugas recorded from a letter, e-mail, ...
    received_on: date | None = None
