"""Triage's database adapters: cases (substance sealed at rest), the agenda, dispositions
(the roster is the runtime's, ``wbs_runtime.roster``), the telaah's records, the related-reports index and decisions.

One module per concern; everything is importable from here."""

from __future__ import annotations

from wbs_triage.adapters.db.cases import SqlAgenda, SqlCaseRepository, SqlOpenQuestions, SqlTenantConfigurations
from wbs_triage.adapters.db.decision_tables import case_link_table, decision_table, prior_audit_table
from wbs_triage.adapters.db.dispositions import SqlDispositions
from wbs_triage.adapters.db.evidence import SqlEvidenceRepository
from wbs_triage.adapters.db.messages import SqlMessageRepository
from wbs_triage.adapters.db.registration import SqlRegistrationRepository
from wbs_triage.adapters.db.related import SqlRelatedIndex
from wbs_triage.adapters.db.tables import (
    agenda_counter,
    case_disposition_table,
    case_message_table,
    case_table,
    case_team_table,
    evidence_table,
    metadata,
)
from wbs_triage.adapters.db.telaah import SqlTelaahRepository
from wbs_triage.adapters.db.telaah_tables import (
    case_registration_table,
    related_digest_table,
    related_signature_table,
    telaah_checklist_table,
    telaah_note_table,
)
from wbs_triage.adapters.db.unit_of_work import SqlTriageUnitOfWork

__all__ = [
    "SqlAgenda",
    "SqlCaseRepository",
    "SqlDispositions",
    "SqlEvidenceRepository",
    "SqlMessageRepository",
    "SqlOpenQuestions",
    "SqlRegistrationRepository",
    "SqlRelatedIndex",
    "SqlTelaahRepository",
    "SqlTenantConfigurations",
    "SqlTriageUnitOfWork",
    "agenda_counter",
    "case_disposition_table",
    "case_link_table",
    "case_message_table",
    "case_registration_table",
    "case_table",
    "case_team_table",
    "decision_table",
    "evidence_table",
    "metadata",
    "prior_audit_table",
    "related_digest_table",
    "related_signature_table",
    "telaah_checklist_table",
    "telaah_note_table",
]
