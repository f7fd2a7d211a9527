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
from wbs_triage.usecases.clocks import WEEKENDS_ALONE, asked_reporter, reporter_wrote, working_days_due
from wbs_triage.usecases.disposition import (
    OpenedDisposition,
    dispose_case,
    keep_officer_roles,
    read_dispositions,
    team_candidates,
)
from wbs_triage.usecases.queue import QueuePage, follow_up_clock, read_queue

__all__ = [
    "WEEKENDS_ALONE",
    "EvidenceListed",
    "EvidenceToServe",
    "OfficerDraft",
    "OpenedCaseMessage",
    "OpenedDisposition",
    "QueuePage",
    "Reader",
    "asked_reporter",
    "case_history",
    "dispose_case",
    "follow_up_clock",
    "keep_officer_roles",
    "list_cases",
    "list_evidence",
    "open_evidence",
    "read_case",
    "read_dispositions",
    "read_messages",
    "read_queue",
    "record_evidence",
    "record_reporter_message",
    "register_case",
    "reporter_wrote",
    "send_officer_message",
    "team_candidates",
    "working_days_due",
]
