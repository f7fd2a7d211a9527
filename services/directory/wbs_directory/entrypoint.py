"""Runs directory as its own process: ``python -m wbs_directory serve|migrate|...``."""

from __future__ import annotations

from wbs_directory.adapters import broker
from wbs_directory.adapters.db import SqlDirectoryUnitOfWork, metadata
from wbs_runtime.cli import ServiceProgram
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings


class DirectorySettings(ServiceSettings):
    service = "directory"


def build(settings: ServiceSettings) -> ServiceRuntime[SqlDirectoryUnitOfWork]:
    runtime = ServiceRuntime(settings, SqlDirectoryUnitOfWork)
    broker.subscribe(runtime)
    return runtime


PROGRAM = ServiceProgram(
    settings=DirectorySettings,
    title="WBS Directory — instansi, kebijakan, petugas",
    description="Owns the tenants, their hierarchy and policies; officers and sign-in come next.",
    build=build,
    metadata=metadata,
)
main = PROGRAM.main
