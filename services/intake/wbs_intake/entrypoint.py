"""Runs intake as its own process: ``python -m wbs_intake serve|migrate|import-tenant ...``."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic_settings import SettingsConfigDict

from wbs_intake.adapters import broker, http, pages
from wbs_intake.adapters.db import SqlIntakeUnitOfWork, metadata
from wbs_intake.adapters.gauges import register_gauges
from wbs_intake.adapters.hashing import Argon2SecretHasher
from wbs_intake.adapters.tenant_file import read_tenant
from wbs_intake.usecases import import_tenant
from wbs_runtime.cli import ServiceProgram, run
from wbs_runtime.clock import utc_now
from wbs_runtime.db import create_engine, create_sessionmaker
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings, default_database_url, default_http_port, env_prefix

NAME = "intake"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class IntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix=env_prefix(NAME), extra="ignore")
    database_url: str = default_database_url(NAME)
    http_port: int = default_http_port(NAME)


def build(settings: IntakeSettings) -> ServiceRuntime[SqlIntakeUnitOfWork]:
    # Intake seals to every tenant's public keys and opens nothing.
    runtime = ServiceRuntime(NAME, settings, SqlIntakeUnitOfWork)
    runtime.include_router(
        http.build_router(
            unit_of_work=runtime.unit_of_work, sealer=runtime.keyring, hasher=Argon2SecretHasher(), clock=utc_now
        )
    )
    runtime.include_router(pages.build_router())
    broker.subscribe(runtime)
    register_gauges(runtime)
    return runtime


def _import_tenant_command(parser: argparse.ArgumentParser) -> Callable[[ServiceSettings, argparse.Namespace], int]:
    parser.add_argument("files", nargs="+", type=Path)

    def command(settings: ServiceSettings, arguments: argparse.Namespace) -> int:
        async def import_all() -> None:
            engine = create_engine(settings.database_url, pool_size=1)
            sessionmaker = create_sessionmaker(engine)
            try:
                for path in arguments.files:
                    await import_tenant(read_tenant(path), uow=SqlIntakeUnitOfWork(sessionmaker, NAME))
            finally:
                await engine.dispose()

        asyncio.run(import_all())
        return 0

    return command


PROGRAM = ServiceProgram(
    name=NAME,
    title="WBS Intake — penerimaan laporan",
    description="Reporters submit reports and follow their status. Bahasa Indonesia first, English second.",
    settings=IntakeSettings,
    build=build,
    metadata=metadata,
    migrations=MIGRATIONS,
    extra_commands={"import-tenant": ("create or update tenants from JSON files", _import_tenant_command)},
)


def main(argv: Sequence[str] | None = None) -> int:
    return run(PROGRAM, argv)
