"""Triage's unit of work: every repository on one transaction."""

from __future__ import annotations

from wbs_runtime.roster import RosterUnitOfWork
from wbs_triage.adapters.db.cases import SqlAgenda, SqlCaseRepository, SqlOpenQuestions, SqlTenantConfigurations
from wbs_triage.adapters.db.decisions import SqlBodies, SqlCaseLinks, SqlCaseStatuses, SqlPriorAudits, SqlProposals
from wbs_triage.adapters.db.dispositions import SqlDispositions
from wbs_triage.adapters.db.evidence import SqlEvidenceRepository
from wbs_triage.adapters.db.messages import SqlMessageRepository
from wbs_triage.adapters.db.registration import SqlRegistrationRepository
from wbs_triage.adapters.db.related import SqlRelatedIndex
from wbs_triage.adapters.db.telaah import SqlTelaahRepository


class SqlTriageUnitOfWork(RosterUnitOfWork):  # with the runtime's roster, kept from directory's officer-roles
    cases: SqlCaseRepository
    agenda: SqlAgenda
    evidence: SqlEvidenceRepository
    messages: SqlMessageRepository
    open_questions: SqlOpenQuestions
    tenants: SqlTenantConfigurations
    registrations: SqlRegistrationRepository
    telaah: SqlTelaahRepository
    related: SqlRelatedIndex
    prior_audits: SqlPriorAudits
    proposals: SqlProposals
    links: SqlCaseLinks
    statuses: SqlCaseStatuses
    bodies: SqlBodies
    dispositions: SqlDispositions
