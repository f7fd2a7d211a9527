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
    #: When the case was last disposed to a team (disposisi); None before.
    disposed_at: datetime | None = None
    #: The end of the team's last working day for its follow-up, from the disposition (moved on
    #: by the working days the case waited on the reporter).
    follow_up_due: datetime | None = None
    #: Since when the case waits on the reporter (an officer asked for more information and the
    #: reporter has not written since): the team's clock is paused.
    waiting_on_reporter_since: datetime | None = None
