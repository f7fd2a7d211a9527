"""What intake consumes from Kafka. (What it produces goes through the outbox.)"""

from __future__ import annotations

from wbs_contracts.registry import (
    AUDIT_REPORT_ISSUED,
    CASE_DISPOSED,
    CASE_HANDED_OVER,
    CASE_REGISTERED,
    OFFICER_MESSAGE_SENT,
    TELAAH_DECIDED,
)
from wbs_intake.adapters.db import SqlIntakeUnitOfWork
from wbs_intake.usecases import (
    offer_tenant,
    record_audit_report,
    record_decision,
    record_disposition,
    record_hand_over,
    record_officer_message,
    record_registration,
)
from wbs_runtime.service import ServiceRuntime


def subscribe(runtime: ServiceRuntime[SqlIntakeUnitOfWork]) -> None:
    runtime.subscribe(CASE_REGISTERED, record_registration)
    runtime.subscribe(OFFICER_MESSAGE_SENT, record_officer_message(runtime.keyring))  # the Kotak Komunikasi
    runtime.subscribe(CASE_DISPOSED, record_disposition)  # the reporter sees "sedang ditelaah"
    runtime.subscribe(TELAAH_DECIDED, record_decision(runtime.keyring))  # and how the telaah ended
    runtime.subscribe(AUDIT_REPORT_ISSUED, record_audit_report)  # selesai: the final audit report issued
    runtime.subscribe(CASE_HANDED_OVER, record_hand_over)  # selesai: handed to law enforcement
    runtime.keep_tenants(then=offer_tenant)  # a body's public page and categories
