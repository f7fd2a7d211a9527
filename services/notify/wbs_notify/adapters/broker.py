"""What notify consumes from Kafka."""

from __future__ import annotations

from wbs_contracts.registry import CASE_REGISTERED
from wbs_notify.adapters.db import SqlNotifyUnitOfWork
from wbs_notify.usecases import acknowledge_registration
from wbs_runtime.clock import Clock
from wbs_runtime.service import ServiceRuntime


def subscribe(runtime: ServiceRuntime[SqlNotifyUnitOfWork], *, clock: Clock) -> None:
    runtime.subscribe(CASE_REGISTERED, acknowledge_registration(clock))
