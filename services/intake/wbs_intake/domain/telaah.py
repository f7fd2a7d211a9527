"""How triage's telaah reaches the reporter: the disposition (the assessment is under way) and the
decision that ended it, as statuses of the report. What each says is decided in
``domain/reporter_view.py``; the reason a report is not processed is the officers' plain words,
kept sealed to reporter-mailbox and opened only for the reporter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from wbs_contracts.events.triage import TelaahOutcome
from wbs_contracts.sealed import SealedPayload
from wbs_intake.domain.report import ReportStatus

#: The status the reporter sees for each way a telaah ends.
OUTCOME_STATUS: dict[TelaahOutcome, ReportStatus] = {
    TelaahOutcome.TIDAK_DIPROSES: ReportStatus.TIDAK_DIPROSES,
    TelaahOutcome.DITERUSKAN: ReportStatus.DILIMPAHKAN,
    TelaahOutcome.DIGABUNG: ReportStatus.DIGABUNG,
    TelaahOutcome.AUDIT_INVESTIGASI: ReportStatus.DITINDAKLANJUTI,
}


@dataclass(frozen=True)
class TelaahEnd:
    """A decision that ended a telaah of the report (at its body, or at the body it was forwarded to)."""

    report_id: UUID
    status: ReportStatus
    at: datetime
    #: diteruskan: the body it went to, by name as it was then.
    body_name: str | None = None
    #: tidak-diproses: the officers' reason, sealed to reporter-mailbox for the tenant and case
    #: that decided (the case a body registered for a forwarded report is not the report's id).
    sealed_reason: SealedPayload | None = None
    reason_tenant: str | None = None
    reason_case: UUID | None = None
