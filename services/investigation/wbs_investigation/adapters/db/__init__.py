"""Investigation's tables and repositories (one module per concept)."""

from __future__ import annotations

from wbs_investigation.adapters.db.audit import SqlAuditRecords, SqlAuditResults, SqlSuratTugas
from wbs_investigation.adapters.db.audit_tables import (
    audit_programme_table,
    audit_result_table,
    auditee_response_table,
    clarification_table,
    evidence_custody_table,
    evidence_item_table,
    final_report_table,
    surat_tugas_table,
)
from wbs_investigation.adapters.db.case_files import SqlCaseFiles
from wbs_investigation.adapters.db.documents import SqlCaseDocuments
from wbs_investigation.adapters.db.ekspose import SqlEksposes, ekspose_table
from wbs_investigation.adapters.db.escalation_tables import escalation_table
from wbs_investigation.adapters.db.escalations import SqlEscalations
from wbs_investigation.adapters.db.recommendation_tables import recommendation_follow_up_table, recommendation_table
from wbs_investigation.adapters.db.recommendations import SqlRecommendations
from wbs_investigation.adapters.db.tables import audit_team_table, case_document_table, case_file_table, metadata
from wbs_investigation.adapters.db.teams import SqlAuditTeams
from wbs_investigation.adapters.db.tenants import SqlTenants
from wbs_investigation.adapters.db.unit_of_work import SqlInvestigationUnitOfWork

__all__ = [
    "SqlAuditRecords",
    "SqlAuditResults",
    "SqlAuditTeams",
    "SqlCaseDocuments",
    "SqlCaseFiles",
    "SqlEksposes",
    "SqlEscalations",
    "SqlInvestigationUnitOfWork",
    "SqlRecommendations",
    "SqlSuratTugas",
    "SqlTenants",
    "audit_programme_table",
    "audit_result_table",
    "audit_team_table",
    "auditee_response_table",
    "case_document_table",
    "case_file_table",
    "clarification_table",
    "ekspose_table",
    "escalation_table",
    "evidence_custody_table",
    "evidence_item_table",
    "final_report_table",
    "metadata",
    "recommendation_follow_up_table",
    "recommendation_table",
    "surat_tugas_table",
]
