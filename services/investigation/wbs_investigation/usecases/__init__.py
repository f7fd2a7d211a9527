"""Investigation's use cases, one module per concept."""

from __future__ import annotations

from wbs_investigation.usecases.agency import (
    Acknowledgement,
    AgencyEscalation,
    agency_inbox,
    read_for_agency,
    record_acknowledgement,
    release_document,
    send_acknowledgement,
)
from wbs_investigation.usecases.case_files import (
    Officer,
    audit_queue,
    entry,
    open_case_file,
    read_case_file,
    record_telaah_decision,
)
from wbs_investigation.usecases.ekspose import (
    EksposeTools,
    EksposeView,
    OpenedEkspose,
    open_ekspose_document,
    read_eksposes,
    record_leaders_meeting,
    record_minutes,
    record_result_sent,
    schedule_ekspose,
)
from wbs_investigation.usecases.escalation import (
    EscalationDraft,
    EscalationView,
    approve_escalation,
    propose_escalation,
    read_escalation,
    reject_escalation,
)

__all__ = [
    "Acknowledgement",
    "AgencyEscalation",
    "EksposeTools",
    "EksposeView",
    "EscalationDraft",
    "EscalationView",
    "Officer",
    "OpenedEkspose",
    "agency_inbox",
    "approve_escalation",
    "audit_queue",
    "entry",
    "open_case_file",
    "open_ekspose_document",
    "propose_escalation",
    "read_case_file",
    "read_eksposes",
    "read_escalation",
    "read_for_agency",
    "record_acknowledgement",
    "record_leaders_meeting",
    "record_minutes",
    "record_result_sent",
    "record_telaah_decision",
    "reject_escalation",
    "release_document",
    "schedule_ekspose",
    "send_acknowledgement",
]
