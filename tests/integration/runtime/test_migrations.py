"""Each service's migrations build exactly the tables its code declares, in its own database."""

from __future__ import annotations

import asyncio
import importlib
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection, make_url

from tests.support.infrastructure import Infrastructure
from tests.support.services import migrated_database
from wbs_contracts.registry import SERVICES
from wbs_runtime import migrate
from wbs_runtime.db import create_engine
from wbs_runtime.messaging.tables import messaging_metadata


def service_schema(service: str) -> tuple[Path, MetaData]:
    entrypoint = importlib.import_module(f"wbs_{service}.entrypoint")
    tables = importlib.import_module(f"wbs_{service}.adapters.db")
    return entrypoint.PROGRAM.migrations, tables.metadata


def drift(connection: Connection, metadata: MetaData) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, _merged(metadata)))


def _merged(metadata: MetaData) -> MetaData:
    merged = MetaData()
    for source in (messaging_metadata, metadata):
        for table in source.tables.values():
            table.to_metadata(merged)
    return merged


@pytest.mark.parametrize("service", SERVICES)
async def test_migrations_match_the_declared_tables(infra: Infrastructure, service: str) -> None:
    versions, metadata = service_schema(service)
    url = await migrated_database(infra, service, versions, metadata)
    await asyncio.to_thread(migrate.upgrade, url, versions, metadata)  # a second run changes nothing
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(drift, metadata)
            heads = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
    finally:
        await engine.dispose()
    assert differences == [], f"{service}'s migrations and tables differ: {differences}"
    script = ScriptDirectory.from_config(migrate.alembic_config(url, versions, metadata))
    # The newest revision of both branches is applied. A revision that depends on the other branch
    # (triage_0009 moves its roster into messaging_0005's table) stands for both in alembic_version.
    applied = {r.revision for head in heads for r in script.revision_map.iterate_revisions(head, "base")}
    assert set(script.get_heads()) <= applied
    assert {head.split("_")[0] for head in script.get_heads()} == {"messaging", service}


async def test_pruning_and_dead_letter_queries_have_their_indexes(infra: Infrastructure) -> None:
    url = await migrated_database(infra, "notify", *service_schema("notify"))
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'")
            )
            indexes = [f"{table}: {definition}" for table, definition in rows]
    finally:
        await engine.dispose()
    wanted = [
        "outbox: CREATE INDEX outbox_published_at ON public.outbox USING btree (published_at) "
        "WHERE (published_at IS NOT NULL)",
        "inbox: CREATE INDEX inbox_applied_at ON public.inbox USING btree (applied_at)",
        "dead_letter: CREATE INDEX dead_letter_status ON public.dead_letter USING btree (status, topic)",
    ]
    assert [w for w in wanted if w not in indexes] == []


async def test_a_service_cannot_open_another_services_database(infra: Infrastructure) -> None:
    intake_url = await migrated_database(infra, "intake", *service_schema("intake"))
    triage_url = await migrated_database(infra, "triage", *service_schema("triage"))
    intruder = make_url(intake_url).set(database=make_url(triage_url).database)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await asyncpg.connect(intruder.render_as_string(hide_password=False))
