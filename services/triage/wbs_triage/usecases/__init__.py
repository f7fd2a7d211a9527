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
from wbs_triage.usecases.queue import WEEKENDS_ALONE, QueuePage, follow_up_clock, read_queue

__all__ = [
    "WEEKENDS_ALONE",
    "EvidenceListed",
    "EvidenceToServe",
    "OfficerDraft",
    "OpenedCaseMessage",
    "QueuePage",
    "Reader",
    "case_history",
    "follow_up_clock",
    "list_cases",
    "list_evidence",
    "open_evidence",
    "read_case",
    "read_messages",
    "read_queue",
    "record_evidence",
    "record_reporter_message",
    "register_case",
    "send_officer_message",
]
