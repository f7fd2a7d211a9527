"""What reporting consumes from Kafka."""

from __future__ import annotations

from wbs_contracts.registry import CASE_REGISTERED, REPORT_SUBMITTED, TELAAH_DECIDED
from wbs_reporting.adapters.db import SqlReportingUnitOfWork
from wbs_reporting.usecases import record_decision, record_registration, record_submission
from wbs_runtime.service import ServiceRuntime


def subscribe(runtime: ServiceRuntime[SqlReportingUnitOfWork]) -> None:
    runtime.subscribe(REPORT_SUBMITTED, record_submission)
    runtime.subscribe(CASE_REGISTERED, record_registration)
    runtime.subscribe(TELAAH_DECIDED, record_decision)  # how each telaah ended
    runtime.keep_tenants()  # the hierarchy that statistics roll up along
    runtime.keep_audit_chain_heads()
