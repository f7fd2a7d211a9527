"""Investigation's use cases, one module per concept."""

from __future__ import annotations

from wbs_investigation.usecases.audit_access import AuditCase, audit_case, working_case
from wbs_investigation.usecases.audit_plan import PlanView, issue_surat_tugas, read_plan, save_programme
from wbs_investigation.usecases.audit_records import (
    ClarificationsView,
    Download,
    EvidenceView,
    OpenedClarification,
    OpenedEvidence,
    add_evidence,
    download_document,
    open_evidence_file,
    read_clarifications,
    read_evidence,
    record_clarification,
)
from wbs_investigation.usecases.audit_result import (
    ResultView,
    issue_final_report,
    read_results,
    record_auditee_response,
    record_result,
)
from wbs_investigation.usecases.case_files import (
    Officer,
    audit_queue,
    entry,
    open_case_file,
    read_case_file,
    record_telaah_decision,
)

__all__ = [
    "AuditCase",
    "ClarificationsView",
    "Download",
    "EvidenceView",
    "Officer",
    "OpenedClarification",
    "OpenedEvidence",
    "PlanView",
    "ResultView",
    "add_evidence",
    "audit_case",
    "audit_queue",
    "download_document",
    "entry",
    "issue_final_report",
    "issue_surat_tugas",
    "open_case_file",
    "open_evidence_file",
    "read_case_file",
    "read_clarifications",
    "read_evidence",
    "read_plan",
    "read_results",
    "record_auditee_response",
    "record_clarification",
    "record_result",
    "record_telaah_decision",
    "save_programme",
    "working_case",
]
