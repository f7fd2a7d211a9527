"""Runs reporting as its own process: ``python -m wbs_reporting serve|migrate|...``."""

from __future__ import annotations

from wbs_reporting.adapters import broker, http, public_pages, publication_api
from wbs_reporting.adapters.db import SqlReportingUnitOfWork, metadata
from wbs_reporting.adapters.rebuild import rebuild_command
from wbs_runtime.cli import ServiceProgram
from wbs_runtime.clock import utc_now
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings


class ReportingSettings(ServiceSettings):
    service = "reporting"


def build(settings: ServiceSettings) -> ServiceRuntime[SqlReportingUnitOfWork]:
    runtime = ServiceRuntime(settings, SqlReportingUnitOfWork)
    runtime.include_router(http.build_router(unit_of_work=runtime.unit_of_work, timezone=settings.zone, clock=utc_now))
    runtime.include_router(
        publication_api.build_router(unit_of_work=runtime.unit_of_work, timezone=settings.zone, clock=utc_now)
    )
    runtime.include_router(
        public_pages.build_router(web=public_pages.public_pages(), unit_of_work=runtime.unit_of_work)
    )
    broker.subscribe(runtime)
    return runtime


PROGRAM = ServiceProgram(
    settings=ReportingSettings,
    title="WBS Reporting — statistik",
    description="Counts per body by month, category and channel, built from events.",
    build=build,
    metadata=metadata,
    extra_commands={
        "rebuild": (
            "bangun ulang statistik dari jurnal peristiwa / rebuild the read models from the event journal",
            rebuild_command(build),
        ),
    },
)
main = PROGRAM.main
