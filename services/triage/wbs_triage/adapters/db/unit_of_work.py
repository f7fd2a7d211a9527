"""Triage's unit of work: every repository on one transaction."""

from __future__ import annotations

from wbs_runtime.unit_of_work import UnitOfWork
from wbs_triage.adapters.db.cases import SqlAgenda, SqlCaseRepository, SqlOpenQuestions, SqlTenantConfigurations
from wbs_triage.adapters.db.dispositions import SqlDispositions
from wbs_triage.adapters.db.evidence import SqlEvidenceRepository
from wbs_triage.adapters.db.messages import SqlMessageRepository
from wbs_triage.adapters.db.roster import SqlRoster


class SqlTriageUnitOfWork(UnitOfWork):
    cases: SqlCaseRepository
    agenda: SqlAgenda
    evidence: SqlEvidenceRepository
    messages: SqlMessageRepository
    open_questions: SqlOpenQuestions
    tenants: SqlTenantConfigurations
    dispositions: SqlDispositions
    roster: SqlRoster
