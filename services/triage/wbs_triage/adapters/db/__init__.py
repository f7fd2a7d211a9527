"""Triage's tables: cases (substance sealed at rest) and each tenant's agenda counters.

One module per concern; everything is importable from here."""

from __future__ import annotations

from wbs_triage.adapters.db.cases import SqlAgenda, SqlCaseRepository, SqlOpenQuestions, SqlTenantConfigurations
from wbs_triage.adapters.db.dispositions import SqlDispositions
from wbs_triage.adapters.db.evidence import SqlEvidenceRepository
from wbs_triage.adapters.db.messages import SqlMessageRepository
from wbs_triage.adapters.db.roster import SqlRoster
from wbs_triage.adapters.db.tables import (
    agenda_counter,
    case_disposition_table,
    case_message_table,
    case_table,
    case_team_table,
    evidence_table,
    metadata,
    officer_roster_table,
)
from wbs_triage.adapters.db.unit_of_work import SqlTriageUnitOfWork

__all__ = [
    "SqlAgenda",
    "SqlCaseRepository",
    "SqlDispositions",
    "SqlEvidenceRepository",
    "SqlMessageRepository",
    "SqlOpenQuestions",
    "SqlRoster",
    "SqlTenantConfigurations",
    "SqlTriageUnitOfWork",
    "agenda_counter",
    "case_disposition_table",
    "case_message_table",
    "case_table",
    "case_team_table",
    "evidence_table",
    "metadata",
    "officer_roster_table",
]
