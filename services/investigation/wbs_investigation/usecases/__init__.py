"""Investigation's use cases, one module per concept."""

from __future__ import annotations

from wbs_investigation.usecases.case_files import (
    Officer,
    audit_queue,
    entry,
    open_case_file,
    read_case_file,
    record_telaah_decision,
)
from wbs_investigation.usecases.recommendations import (
    DocumentUpload,
    OpenedFollowUp,
    OpenedRecommendation,
    RecommendationsView,
    add_follow_up_document,
    complete_recommendation,
    follow_up_queue,
    issue_recommendation,
    notice_overdue_recommendations,
    open_follow_up_document,
    read_recommendations,
    record_follow_up_note,
)

__all__ = [
    "DocumentUpload",
    "Officer",
    "OpenedFollowUp",
    "OpenedRecommendation",
    "RecommendationsView",
    "add_follow_up_document",
    "audit_queue",
    "complete_recommendation",
    "entry",
    "follow_up_queue",
    "issue_recommendation",
    "notice_overdue_recommendations",
    "open_case_file",
    "open_follow_up_document",
    "read_case_file",
    "read_recommendations",
    "record_follow_up_note",
    "record_telaah_decision",
]
