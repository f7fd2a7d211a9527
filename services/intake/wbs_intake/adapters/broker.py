"""What intake consumes from Kafka. (What it produces goes through the outbox.)"""

from __future__ import annotations

from wbs_contracts.registry import CASE_REGISTERED, OFFICER_MESSAGE_SENT
from wbs_intake.adapters.db import SqlIntakeUnitOfWork
from wbs_intake.usecases import offer_tenant, record_officer_message, record_registration
from wbs_runtime.service import ServiceRuntime


def subscribe(runtime: ServiceRuntime[SqlIntakeUnitOfWork]) -> None:
    runtime.subscribe(CASE_REGISTERED, record_registration)
    runtime.subscribe(OFFICER_MESSAGE_SENT, record_officer_message(runtime.keyring))  # the Kotak Komunikasi
    runtime.keep_tenants(then=offer_tenant)  # a body's public page and categories
