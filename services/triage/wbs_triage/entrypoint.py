"""Runs triage as its own process: ``python -m wbs_triage serve|migrate|...``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic_settings import SettingsConfigDict

from wbs_runtime.cli import ServiceProgram, run
from wbs_runtime.clock import utc_now
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings, default_database_url, default_http_port, env_prefix
from wbs_triage.adapters import broker
from wbs_triage.adapters.db import SqlTriageUnitOfWork, metadata

NAME = "triage"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class TriageSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix=env_prefix(NAME), extra="ignore")
    database_url: str = default_database_url(NAME)
    http_port: int = default_http_port(NAME)
    #: The bodies' calendar until each tenant carries its own (WIB; WITA and WIT bodies differ).
    timezone: str = "Asia/Jakarta"


def build(settings: TriageSettings) -> ServiceRuntime[SqlTriageUnitOfWork]:
    # Triage may open a report's substance (see Audience.READERS); nothing it serves yet needs to.
    runtime = ServiceRuntime(NAME, settings, SqlTriageUnitOfWork)
    broker.subscribe(runtime, clock=utc_now, timezone=ZoneInfo(settings.timezone))
    return runtime


PROGRAM = ServiceProgram(
    name=NAME,
    title="WBS Triage — pencatatan dan penelaahan",
    description="Registers every report in its body's agenda; the telaah follows.",
    settings=TriageSettings,
    build=build,
    metadata=metadata,
    migrations=MIGRATIONS,
)


def main(argv: Sequence[str] | None = None) -> int:
    return run(PROGRAM, argv)
