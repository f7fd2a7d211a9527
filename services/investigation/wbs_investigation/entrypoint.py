"""Runs investigation as its own process: ``python -m wbs_investigation serve|migrate|...``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic_settings import SettingsConfigDict

from wbs_investigation.adapters import broker
from wbs_investigation.adapters.db import SqlInvestigationUnitOfWork, metadata
from wbs_runtime.cli import ServiceProgram, run
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings, default_database_url, default_http_port, env_prefix

NAME = "investigation"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class InvestigationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix=env_prefix(NAME), extra="ignore")
    database_url: str = default_database_url(NAME)
    http_port: int = default_http_port(NAME)


def build(settings: InvestigationSettings) -> ServiceRuntime[SqlInvestigationUnitOfWork]:
    # Auditors read a report's substance: investigation holds that key, as triage does.
    runtime = ServiceRuntime(NAME, settings, SqlInvestigationUnitOfWork)
    broker.subscribe(runtime)
    return runtime


PROGRAM = ServiceProgram(
    name=NAME,
    title="WBS Investigation — audit investigasi",
    description="Keeps the register of cases; audits, recommendations and escalation come next.",
    settings=InvestigationSettings,
    build=build,
    metadata=metadata,
    migrations=MIGRATIONS,
)


def main(argv: Sequence[str] | None = None) -> int:
    return run(PROGRAM, argv)
