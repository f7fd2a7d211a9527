"""Intake's tables and repositories. No table holds a report's substance or the reporter's identity.

One module per concern; everything is importable from here."""

from __future__ import annotations

from wbs_intake.adapters.db.officers import SqlDisclosureRepository, SqlNoticeRepository, SqlRecordingRepository
from wbs_intake.adapters.db.reporters import (
    SqlEvidenceRepository,
    SqlIdentityRepository,
    SqlMailboxRepository,
    SqlPseudonymRepository,
    SqlReporterSessionRepository,
)
from wbs_intake.adapters.db.reports import (
    IDEMPOTENCY_LOCK_CLASS,
    SqlIdempotencyRepository,
    SqlReportRepository,
    unregistered_reports,
)
from wbs_intake.adapters.db.tables import (
    category_table,
    evidence_table,
    idempotency_table,
    identity_disclosure_table,
    mailbox_message_table,
    metadata,
    recorded_report_table,
    report_table,
    reporter_identity_table,
    reporter_notice_table,
    reporter_pseudonym_table,
    reporter_session_table,
    status_table,
    telaah_end_table,
    tenant_table,
)
from wbs_intake.adapters.db.tenants import SqlBodyDirectory, SqlTenantConfigurations, SqlTenantRepository
from wbs_intake.adapters.db.unit_of_work import SqlIntakeUnitOfWork

__all__ = [
    "IDEMPOTENCY_LOCK_CLASS",
    "SqlBodyDirectory",
    "SqlDisclosureRepository",
    "SqlEvidenceRepository",
    "SqlIdempotencyRepository",
    "SqlIdentityRepository",
    "SqlIntakeUnitOfWork",
    "SqlMailboxRepository",
    "SqlNoticeRepository",
    "SqlPseudonymRepository",
    "SqlRecordingRepository",
    "SqlReportRepository",
    "SqlReporterSessionRepository",
    "SqlTenantConfigurations",
    "SqlTenantRepository",
    "category_table",
    "evidence_table",
    "idempotency_table",
    "identity_disclosure_table",
    "mailbox_message_table",
    "metadata",
    "recorded_report_table",
    "report_table",
    "reporter_identity_table",
    "reporter_notice_table",
    "reporter_pseudonym_table",
    "reporter_session_table",
    "status_table",
    "telaah_end_table",
    "tenant_table",
    "unregistered_reports",
]
