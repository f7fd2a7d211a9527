"""Investigation's tables and repositories (one module per concept)."""

from __future__ import annotations

from wbs_investigation.adapters.db.case_files import SqlCaseFiles
from wbs_investigation.adapters.db.documents import SqlCaseDocuments
from wbs_investigation.adapters.db.ekspose import SqlEksposes, ekspose_table
from wbs_investigation.adapters.db.escalation_tables import escalation_table
from wbs_investigation.adapters.db.escalations import SqlEscalations
from wbs_investigation.adapters.db.recommendation_tables import recommendation_follow_up_table, recommendation_table
from wbs_investigation.adapters.db.recommendations import SqlRecommendations
from wbs_investigation.adapters.db.tables import audit_team_table, case_document_table, case_file_table, metadata
from wbs_investigation.adapters.db.teams import SqlAuditTeams
from wbs_investigation.adapters.db.unit_of_work import SqlInvestigationUnitOfWork

__all__ = [
    "SqlAuditTeams",
    "SqlCaseDocuments",
    "SqlCaseFiles",
    "SqlEksposes",
    "SqlEscalations",
    "SqlInvestigationUnitOfWork",
    "SqlRecommendations",
    "audit_team_table",
    "case_document_table",
    "case_file_table",
    "ekspose_table",
    "escalation_table",
    "metadata",
    "recommendation_follow_up_table",
    "recommendation_table",
]
