"""One case as the annual tables see it: when it arrived, where and how, and when each step of its
handling happened (the SOP's steps, seed 001 Gambar 8, and the regulations' end of a case). Built
from reporting's read model; nothing here names a person or says what the report is about.

A case is ``selesai`` (002/004 BAB II C.7; seed 001 Lampiran) when its telaah ended it here (not
processed, forwarded, merged), when the final audit report was issued, or when it was handed to APH
or the KPK; until then it is ``dalam proses``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

#: Telaah outcomes that end the case in this body (audit-investigasi goes on to the audit).
ENDING_OUTCOMES = frozenset({"tidak-diproses", "diteruskan", "digabung"})


@dataclass(frozen=True)
class CaseSteps:
    case_id: UUID
    #: The body that handles the case.
    tenant: str
    #: The body where the report arrived, when it was forwarded down the hierarchy to ``tenant``.
    received_by: str | None
    category: str | None
    channel: str | None
    submitted_at: datetime | None
    registered_at: datetime | None = None
    disposed_at: datetime | None = None
    #: The team's follow-up limit (case-disposed), a date in the body's working days.
    follow_up_due: date | None = None
    decided_at: datetime | None = None
    outcome: str | None = None
    report_issued_at: datetime | None = None
    handed_over_at: datetime | None = None

    @property
    def arrived_at(self) -> str:
        """The body whose channel received the report (seed 001 Tabel 1 counts it there)."""
        return self.received_by or self.tenant

    @property
    def finished_at(self) -> datetime | None:
        """When the case became ``selesai``, or None while it is ``dalam proses``."""
        if self.outcome in ENDING_OUTCOMES:
            return self.decided_at
        ends = [at for at in (self.report_issued_at, self.handed_over_at) if at is not None]
        return min(ends) if ends else None


@dataclass(frozen=True)
class StepEvent:
    """Something that happened to a case of the body in a month, for the follow-up table: a telaah
    decision (``kind`` = its outcome), a final audit report (``laporan-hasil-audit``) or a hand-over
    (``dilimpahkan``)."""

    tenant: str
    kind: str
    at: datetime
