"""Runs triage as its own process: ``python -m wbs_triage serve|migrate|...``."""

from __future__ import annotations

from wbs_runtime.cli import ServiceProgram
from wbs_runtime.clock import utc_now
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings
from wbs_triage.adapters import broker
from wbs_triage.adapters.db import SqlTriageUnitOfWork, metadata


class TriageSettings(ServiceSettings):
    service = "triage"


def build(settings: ServiceSettings) -> ServiceRuntime[SqlTriageUnitOfWork]:
    # Triage may open a report's substance (see Audience.READERS); nothing it serves yet needs to.
    runtime = ServiceRuntime(settings, SqlTriageUnitOfWork)
    broker.subscribe(runtime, clock=utc_now, timezone=settings.zone)
    return runtime


PROGRAM = ServiceProgram(
    settings=TriageSettings,
    title="WBS Triage — pencatatan dan penelaahan",
    description="Registers every report in its body's agenda; the telaah follows.",
    build=build,
    metadata=metadata,
)
main = PROGRAM.main
