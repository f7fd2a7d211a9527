"""Triage's use cases.

One module per concern; everything is importable from here."""

from __future__ import annotations

from wbs_triage.usecases.cases import (
    EvidenceListed,
    EvidenceToServe,
    OfficerDraft,
    OpenedCaseMessage,
    Reader,
    case_history,
    list_cases,
    list_evidence,
    open_evidence,
    read_case,
    read_messages,
    record_evidence,
    record_reporter_message,
    register_case,
    send_officer_message,
)
from wbs_triage.usecases.decisions import (
    DecisionView,
    OpenedProposal,
    PriorAuditDraft,
    approve_decision,
    propose_decision,
    read_decisions,
    record_prior_audit,
    reject_decision,
)
from wbs_triage.usecases.queue import WEEKENDS_ALONE, QueuePage, follow_up_clock, read_queue
from wbs_triage.usecases.registration import (
    NotEntitled,
    RegistrationView,
    may_read_registration,
    read_registration,
    update_registration,
)
from wbs_triage.usecases.reindex import reindex_tenant
from wbs_triage.usecases.related import RelatedReports
from wbs_triage.usecases.telaah import OpenedNote, Workspace, add_note, open_workspace, record_step

__all__ = [
    "WEEKENDS_ALONE",
    "DecisionView",
    "EvidenceListed",
    "EvidenceToServe",
    "NotEntitled",
    "OfficerDraft",
    "OpenedCaseMessage",
    "OpenedNote",
    "OpenedProposal",
    "PriorAuditDraft",
    "QueuePage",
    "Reader",
    "RegistrationView",
    "RelatedReports",
    "Workspace",
    "add_note",
    "approve_decision",
    "case_history",
    "follow_up_clock",
    "list_cases",
    "list_evidence",
    "may_read_registration",
    "open_evidence",
    "open_workspace",
    "propose_decision",
    "read_case",
    "read_decisions",
    "read_messages",
    "read_queue",
    "read_registration",
    "record_evidence",
    "record_prior_audit",
    "record_reporter_message",
    "record_step",
    "register_case",
    "reindex_tenant",
    "reject_decision",
    "send_officer_message",
    "update_registration",
]
