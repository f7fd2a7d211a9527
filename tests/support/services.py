"""Running one service in-process against the session's real PostgreSQL and broker."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
from sqlalchemy import MetaData

from tests.support.infrastructure import Infrastructure
from wbs_launcher.provision import provision
from wbs_runtime import migrate
from wbs_runtime.messaging.kafka import ensure_topics
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)


async def fresh_database(infra: Infrastructure, service: str, label: str = "") -> str:
    """A new, migrated database for ``service`` in this session's namespace."""
    return await provision(infra.postgres_admin_url, service, f"wbs_{service}_{infra.namespace}{label}")


async def migrated_database(
    infra: Infrastructure, service: str, versions: Path, metadata: MetaData, label: str = ""
) -> str:
    """``label`` gives a test module a database of its own beside the service's shared one."""
    url = await fresh_database(infra, service, label)
    await asyncio.to_thread(migrate.upgrade, url, versions, metadata)
    return url


def settings_for(
    settings_class: type[S], infra: Infrastructure, database_url: str, key_dir: Path | None = None, **extra: Any
) -> S:
    values: dict[str, Any] = {
        "kafka_topic_prefix": f"{infra.namespace}.",
        "consumer_backoff_seconds": 0.05,
        "consumer_max_attempts": 3,
        "outbox_poll_seconds": 0.5,
        # Tests wait on each hop between services: a short fetch wait, at the broker's CPU's expense.
        "kafka_fetch_max_wait_ms": 50,
    }
    return settings_class(
        database_url=database_url,
        kafka_bootstrap_servers=infra.bootstrap_servers,
        key_dir=key_dir,
        **(values | extra),
    )


@contextlib.asynccontextmanager
async def running(runtime: ServiceRuntime[Any], title: str = "test") -> AsyncIterator[httpx.AsyncClient]:
    """Start the service's consumers and relay; yield an HTTP client talking to its app in-process."""
    await ensure_topics(runtime.settings.kafka_bootstrap_servers, prefix=runtime.settings.kafka_topic_prefix)
    app = runtime.create_app(title=title)
    await runtime.start()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wbs.test") as client:
            yield client
    finally:
        await runtime.stop()


def topic(infra: Infrastructure, name: str) -> str:
    return f"{infra.namespace}.{name}"
