"""Runs reporting as its own process: ``python -m wbs_reporting serve|migrate|...``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic_settings import SettingsConfigDict

from wbs_reporting.adapters import broker, http
from wbs_reporting.adapters.db import SqlReportingUnitOfWork, metadata
from wbs_runtime.cli import ServiceProgram, run
from wbs_runtime.clock import utc_now
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings, default_database_url, default_http_port, env_prefix

NAME = "reporting"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class ReportingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix=env_prefix(NAME), extra="ignore")
    database_url: str = default_database_url(NAME)
    http_port: int = default_http_port(NAME)
    #: Months are counted in the bodies' local time until each tenant carries its own calendar.
    timezone: str = "Asia/Jakarta"


def build(settings: ReportingSettings) -> ServiceRuntime[SqlReportingUnitOfWork]:
    runtime = ServiceRuntime(NAME, settings, SqlReportingUnitOfWork)
    runtime.include_router(
        http.build_router(unit_of_work=runtime.unit_of_work, timezone=ZoneInfo(settings.timezone), clock=utc_now)
    )
    broker.subscribe(runtime)
    return runtime


PROGRAM = ServiceProgram(
    name=NAME,
    title="WBS Reporting — statistik",
    description="Counts per body by month, category and channel, built from events.",
    settings=ReportingSettings,
    build=build,
    metadata=metadata,
    migrations=MIGRATIONS,
)


def main(argv: Sequence[str] | None = None) -> int:
    return run(PROGRAM, argv)
