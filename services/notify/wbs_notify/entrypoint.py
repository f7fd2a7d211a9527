"""Runs notify as its own process: ``python -m wbs_notify serve|migrate|...``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic_settings import SettingsConfigDict

from wbs_notify.adapters import broker
from wbs_notify.adapters.db import SqlNotifyUnitOfWork, metadata
from wbs_runtime.cli import ServiceProgram, run
from wbs_runtime.clock import utc_now
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings, default_database_url, default_http_port, env_prefix

NAME = "notify"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class NotifySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix=env_prefix(NAME), extra="ignore")
    database_url: str = default_database_url(NAME)
    http_port: int = default_http_port(NAME)


def build(settings: NotifySettings) -> ServiceRuntime[SqlNotifyUnitOfWork]:
    # Notify alone may open a reporter's contact (see Audience.READERS), at delivery time.
    runtime = ServiceRuntime(NAME, settings, SqlNotifyUnitOfWork)
    broker.subscribe(runtime, clock=utc_now)
    return runtime


PROGRAM = ServiceProgram(
    name=NAME,
    title="WBS Notify — pemberitahuan",
    description="Queues notifications for reporters; no report content in any of them.",
    settings=NotifySettings,
    build=build,
    metadata=metadata,
    migrations=MIGRATIONS,
)


def main(argv: Sequence[str] | None = None) -> int:
    return run(PROGRAM, argv)
