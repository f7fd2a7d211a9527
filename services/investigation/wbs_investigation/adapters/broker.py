"""What investigation consumes from Kafka."""

from __future__ import annotations

from wbs_contracts.registry import CASE_REGISTERED
from wbs_investigation.adapters.db import SqlInvestigationUnitOfWork
from wbs_investigation.usecases import open_case_file
from wbs_runtime.service import ServiceRuntime


def subscribe(runtime: ServiceRuntime[SqlInvestigationUnitOfWork]) -> None:
    runtime.subscribe(CASE_REGISTERED, open_case_file)
    runtime.keep_tenants()  # escalation policies
