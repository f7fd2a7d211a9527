"""Runs reporting as its own process: ``python -m wbs_reporting serve|migrate|...``."""

from __future__ import annotations

import secrets
from pathlib import Path

from fastapi import APIRouter

from wbs_reporting.adapters import broker, http, pages, public_pages, publication_api
from wbs_reporting.adapters.db import SqlReportingUnitOfWork, metadata
from wbs_reporting.adapters.rebuild import rebuild_command
from wbs_runtime.cli import ServiceProgram
from wbs_runtime.clock import utc_now
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings
from wbs_runtime.web.csrf import load_or_create_key
from wbs_runtime.web.pages import WebPages

HERE = Path(__file__).resolve().parent
CSRF_KEY_FILE = "reporting-csrf.key"


class ReportingSettings(ServiceSettings):
    service = "reporting"

    #: Plain HTTP on 127.0.0.1 (``make run``): cookies without the Secure flag.
    insecure_cookies: bool = False


def build(settings: ServiceSettings) -> ServiceRuntime[SqlReportingUnitOfWork]:
    runtime = ServiceRuntime(settings, SqlReportingUnitOfWork)
    runtime.include_router(http.build_router(unit_of_work=runtime.unit_of_work, timezone=settings.zone, clock=utc_now))
    runtime.include_router(
        publication_api.build_router(unit_of_work=runtime.unit_of_work, timezone=settings.zone, clock=utc_now)
    )
    runtime.include_router(
        public_pages.build_router(web=public_pages.public_pages(), unit_of_work=runtime.unit_of_work)
    )
    runtime.include_router(annual_pages(settings, runtime))  # /statistik: the annual tables and report
    broker.subscribe(runtime)
    return runtime


def annual_pages(settings: ServiceSettings, runtime: ServiceRuntime[SqlReportingUnitOfWork]) -> APIRouter:
    csrf_key = load_or_create_key(settings.key_dir / CSRF_KEY_FILE) if settings.key_dir else None
    web = WebPages(
        csrf_key=csrf_key or secrets.token_bytes(32),
        templates=HERE / "templates",
        locale=HERE / "locale",
        secure_cookies=not getattr(settings, "insecure_cookies", False),
    )
    return pages.build_router(web, unit_of_work=runtime.unit_of_work, zone=settings.zone, clock=utc_now)


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
