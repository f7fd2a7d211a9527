"""What notify consumes from Kafka."""

from __future__ import annotations

from wbs_contracts.registry import CASE_REGISTERED, REPORT_SUBMITTED
from wbs_notify.adapters.db import SqlNotifyUnitOfWork
from wbs_notify.usecases import acknowledge_registration, keep_contact
from wbs_runtime.clock import Clock
from wbs_runtime.service import ServiceRuntime


def subscribe(runtime: ServiceRuntime[SqlNotifyUnitOfWork], *, clock: Clock) -> None:
    runtime.subscribe(REPORT_SUBMITTED, keep_contact(clock))
    runtime.subscribe(CASE_REGISTERED, acknowledge_registration(clock))
    runtime.keep_tenants()  # who is told what, per tenant
