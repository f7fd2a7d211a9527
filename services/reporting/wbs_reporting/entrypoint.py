"""Runs reporting as its own process: ``python -m wbs_reporting serve|migrate|...``."""

from __future__ import annotations

from wbs_reporting.adapters import broker, http
from wbs_reporting.adapters.db import SqlReportingUnitOfWork, metadata
from wbs_runtime.cli import ServiceProgram
from wbs_runtime.clock import utc_now
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings


class ReportingSettings(ServiceSettings):
    service = "reporting"


def build(settings: ServiceSettings) -> ServiceRuntime[SqlReportingUnitOfWork]:
    runtime = ServiceRuntime(settings, SqlReportingUnitOfWork)
    runtime.include_router(http.build_router(unit_of_work=runtime.unit_of_work, timezone=settings.zone, clock=utc_now))
    broker.subscribe(runtime)
    return runtime


PROGRAM = ServiceProgram(
    settings=ReportingSettings,
    title="WBS Reporting — statistik",
    description="Counts per body by month, category and channel, built from events.",
    build=build,
    metadata=metadata,
)
main = PROGRAM.main
