"""What directory consumes from Kafka: nothing yet (the audit chain heads of other services come next)."""

from __future__ import annotations

from wbs_directory.adapters.db import SqlDirectoryUnitOfWork
from wbs_runtime.service import ServiceRuntime


def subscribe(runtime: ServiceRuntime[SqlDirectoryUnitOfWork]) -> None:
    del runtime
