"""Triage's use cases.

One module per concern; everything is importable from here."""

from __future__ import annotations

from wbs_triage.usecases.cases import (
    EvidenceListed,
    EvidenceShown,
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
    show_evidence,
)
from wbs_triage.usecases.clocks import WEEKENDS_ALONE, asked_reporter, reporter_wrote, working_days_due
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
from wbs_triage.usecases.disposition import (
    OpenedDisposition,
    dispose_case,
    read_dispositions,
    team_candidates,
)
from wbs_triage.usecases.entitlement import NotEntitled, may_open
from wbs_triage.usecases.queue import QueuePage, categories_of, follow_up_clock, read_queue
from wbs_triage.usecases.registration import (
    RegistrationView,
    may_read_registration,
    read_registration,
    update_registration,
)
from wbs_triage.usecases.reindex import reindex_tenant
from wbs_triage.usecases.related import RelatedReports, index_waiting_cases
from wbs_triage.usecases.telaah import OpenedNote, Workspace, add_note, open_workspace, record_step

__all__ = [
    "WEEKENDS_ALONE",
    "DecisionView",
    "EvidenceListed",
    "EvidenceShown",
    "EvidenceToServe",
    "NotEntitled",
    "OfficerDraft",
    "OpenedCaseMessage",
    "OpenedDisposition",
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
    "asked_reporter",
    "case_history",
    "categories_of",
    "dispose_case",
    "follow_up_clock",
    "index_waiting_cases",
    "list_cases",
    "list_evidence",
    "may_open",
    "may_read_registration",
    "open_evidence",
    "open_workspace",
    "propose_decision",
    "read_case",
    "read_decisions",
    "read_dispositions",
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
    "reporter_wrote",
    "send_officer_message",
    "show_evidence",
    "team_candidates",
    "update_registration",
    "working_days_due",
]
