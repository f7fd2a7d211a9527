"""Intake's unit of work: every repository on one transaction."""

from __future__ import annotations

from wbs_intake.adapters.db.officers import SqlDisclosureRepository, SqlNoticeRepository, SqlRecordingRepository
from wbs_intake.adapters.db.reporters import (
    SqlEvidenceRepository,
    SqlIdentityRepository,
    SqlMailboxRepository,
    SqlPseudonymRepository,
    SqlReporterSessionRepository,
)
from wbs_intake.adapters.db.reports import SqlIdempotencyRepository, SqlReportRepository
from wbs_intake.adapters.db.telaah import SqlTelaahRepository
from wbs_intake.adapters.db.tenants import SqlBodyDirectory, SqlTenantConfigurations, SqlTenantRepository
from wbs_runtime.unit_of_work import UnitOfWork


class SqlIntakeUnitOfWork(UnitOfWork):
    reports: SqlReportRepository
    tenants: SqlTenantRepository
    idempotency: SqlIdempotencyRepository
    reporter_sessions: SqlReporterSessionRepository
    identities: SqlIdentityRepository
    evidence: SqlEvidenceRepository
    pseudonyms: SqlPseudonymRepository
    bodies: SqlBodyDirectory
    messages: SqlMailboxRepository
    recordings: SqlRecordingRepository
    notices: SqlNoticeRepository
    disclosures: SqlDisclosureRepository
    configurations: SqlTenantConfigurations
    telaah: SqlTelaahRepository
