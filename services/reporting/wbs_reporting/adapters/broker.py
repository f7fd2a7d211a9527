"""What reporting consumes from Kafka."""

from __future__ import annotations

from wbs_contracts.registry import (
    AUDIT_REPORT_ISSUED,
    CASE_DISPOSED,
    CASE_HANDED_OVER,
    CASE_REGISTERED,
    RECOMMENDATION_COMPLETED,
    RECOMMENDATION_ISSUED,
    RECOMMENDATION_OVERDUE,
    REPORT_SUBMITTED,
    TELAAH_DECIDED,
)
from wbs_reporting.adapters.db import SqlReportingUnitOfWork
from wbs_reporting.usecases import (
    record_audit_report,
    record_decision,
    record_hand_over,
    record_recommendation_completed,
    record_recommendation_issued,
    record_recommendation_overdue,
    record_registration,
    record_submission,
)
from wbs_reporting.usecases.annual import record_disposition
from wbs_runtime.service import ServiceRuntime


def subscribe(runtime: ServiceRuntime[SqlReportingUnitOfWork]) -> None:
    runtime.subscribe(REPORT_SUBMITTED, record_submission)
    runtime.subscribe(CASE_REGISTERED, record_registration)
    runtime.subscribe(TELAAH_DECIDED, record_decision)  # how each telaah ended
    # What became of the audits: final reports, recommendations, hand-overs to APH or the KPK.
    runtime.subscribe(AUDIT_REPORT_ISSUED, record_audit_report)
    runtime.subscribe(RECOMMENDATION_ISSUED, record_recommendation_issued)
    runtime.subscribe(RECOMMENDATION_OVERDUE, record_recommendation_overdue)
    runtime.subscribe(RECOMMENDATION_COMPLETED, record_recommendation_completed)
    runtime.subscribe(CASE_HANDED_OVER, record_hand_over)
    runtime.subscribe(CASE_DISPOSED, record_disposition)  # the annual tables' time to disposition
    runtime.keep_tenants()  # the hierarchy that statistics roll up along
    runtime.keep_audit_chain_heads()
    runtime.keep_journal()  # every event applied, kept to rebuild from (adapters/rebuild.py)
