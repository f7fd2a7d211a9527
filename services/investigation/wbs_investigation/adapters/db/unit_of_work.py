"""Investigation's unit of work: every repository on one transaction."""

from __future__ import annotations

from wbs_investigation.adapters.db.audit import SqlAuditRecords, SqlAuditResults, SqlSuratTugas
from wbs_investigation.adapters.db.case_files import SqlCaseFiles
from wbs_investigation.adapters.db.documents import SqlCaseDocuments
from wbs_investigation.adapters.db.ekspose import SqlEksposes
from wbs_investigation.adapters.db.escalations import SqlEscalations
from wbs_investigation.adapters.db.recommendations import SqlRecommendations
from wbs_investigation.adapters.db.teams import SqlAuditTeams
from wbs_investigation.adapters.db.tenants import SqlTenants
from wbs_runtime.roster import RosterUnitOfWork


class SqlInvestigationUnitOfWork(RosterUnitOfWork):  # with the runtime's roster, kept from directory's officer-roles
    case_files: SqlCaseFiles
    documents: SqlCaseDocuments
    teams: SqlAuditTeams
    eksposes: SqlEksposes
    escalations: SqlEscalations
    tenants: SqlTenants
    recommendations: SqlRecommendations
    surat_tugas: SqlSuratTugas
    audit_records: SqlAuditRecords
    audit_results: SqlAuditResults
