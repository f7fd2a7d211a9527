"""Runs investigation as its own process: ``python -m wbs_investigation serve|migrate|...``."""

from __future__ import annotations

from wbs_investigation.adapters import broker
from wbs_investigation.adapters.db import SqlInvestigationUnitOfWork, metadata
from wbs_runtime.cli import ServiceProgram
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings


class InvestigationSettings(ServiceSettings):
    service = "investigation"


def build(settings: ServiceSettings) -> ServiceRuntime[SqlInvestigationUnitOfWork]:
    # Auditors will read a report's substance (Audience.READERS entitles investigation to it); nothing
    # opens it yet, so no private key is loaded until the audit declares opens=(CASE_SUBSTANCE,).
    runtime = ServiceRuntime(settings, SqlInvestigationUnitOfWork)
    broker.subscribe(runtime)
    return runtime


PROGRAM = ServiceProgram(
    settings=InvestigationSettings,
    title="WBS Investigation — audit investigasi",
    description="Keeps the register of cases; audits, recommendations and escalation come next.",
    build=build,
    metadata=metadata,
)
main = PROGRAM.main
