"""Runs reporting as its own process: ``python -m wbs_reporting serve|migrate|...``."""

from __future__ import annotations

from pathlib import Path

from wbs_reporting.adapters import broker, http, pages, public_pages, publication_api, publication_pages
from wbs_reporting.adapters.db import SqlReportingUnitOfWork, metadata
from wbs_reporting.adapters.rebuild import rebuild_command
from wbs_runtime.cli import ServiceProgram
from wbs_runtime.clock import utc_now
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings
from wbs_runtime.web.pages import service_pages

HERE = Path(__file__).resolve().parent


class ReportingSettings(ServiceSettings):
    service = "reporting"


def build(settings: ServiceSettings) -> ServiceRuntime[SqlReportingUnitOfWork]:
    runtime = ServiceRuntime(settings, SqlReportingUnitOfWork)
    uow, zone = runtime.unit_of_work, settings.zone
    runtime.include_router(http.build_router(unit_of_work=uow, timezone=zone, clock=utc_now))
    runtime.include_router(publication_api.build_router(unit_of_work=uow, timezone=zone, clock=utc_now))
    web = service_pages(settings, HERE)
    runtime.include_router(public_pages.build_router(web=web, unit_of_work=uow))  # /statistik-publik
    # Before the annual pages: their /statistik/{tenant}/{year} would take "publikasi" for a year.
    runtime.include_router(publication_pages.build_router(web, unit_of_work=uow, zone=zone, clock=utc_now))
    runtime.include_router(pages.build_router(web, unit_of_work=uow, zone=zone, clock=utc_now))  # /statistik
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
