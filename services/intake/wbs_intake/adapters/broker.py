"""What intake consumes from Kafka. (What it produces goes through the outbox.)"""

from __future__ import annotations

from wbs_contracts.registry import CASE_DISPOSED, CASE_REGISTERED, OFFICER_MESSAGE_SENT, TELAAH_DECIDED
from wbs_intake.adapters.db import SqlIntakeUnitOfWork
from wbs_intake.usecases import (
    offer_tenant,
    record_decision,
    record_disposition,
    record_officer_message,
    record_registration,
)
from wbs_runtime.service import ServiceRuntime


def subscribe(runtime: ServiceRuntime[SqlIntakeUnitOfWork]) -> None:
    runtime.subscribe(CASE_REGISTERED, record_registration)
    runtime.subscribe(OFFICER_MESSAGE_SENT, record_officer_message(runtime.keyring))  # the Kotak Komunikasi
    runtime.subscribe(CASE_DISPOSED, record_disposition)  # the reporter sees "sedang ditelaah"
    runtime.subscribe(TELAAH_DECIDED, record_decision(runtime.keyring))  # and how the telaah ended
    runtime.keep_tenants(then=offer_tenant)  # a body's public page and categories
