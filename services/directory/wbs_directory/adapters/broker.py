"""What directory consumes from Kafka: the other services' audit chain heads, kept for ``wbs audit verify``."""

from __future__ import annotations

from wbs_directory.adapters.db import SqlDirectoryUnitOfWork
from wbs_runtime.service import ServiceRuntime


def subscribe(runtime: ServiceRuntime[SqlDirectoryUnitOfWork]) -> None:
    runtime.keep_audit_chain_heads()
