"""The roster moved from triage's own table into the runtime's (``officer_roles``, shared with
investigation): a database migrated before the move keeps every officer it knew, and triage reads
them through the runtime's roster afterwards."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import text

from tests.support.infrastructure import Infrastructure
from tests.support.services import fresh_database
from wbs_contracts.roles import Role
from wbs_runtime import migrate
from wbs_runtime.db import create_engine, create_sessionmaker
from wbs_runtime.roster import OfficerRoster
from wbs_triage.adapters.db import metadata
from wbs_triage.entrypoint import PROGRAM

pytestmark = pytest.mark.integration


async def test_the_roster_triage_kept_survives_the_move_into_the_runtime(infra: Infrastructure) -> None:
    url = await fresh_database(infra, "triage", "_roster_move")
    config = migrate.alembic_config(url, PROGRAM.migrations, metadata)
    # As a deployment stood before the move: triage's branch up to its own roster table.
    await asyncio.to_thread(command.upgrade, config, "triage_0008")
    await asyncio.to_thread(command.upgrade, config, "messaging_0004")
    at = datetime(2026, 11, 1, 8, tzinfo=UTC)
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO officer_roster (tenant_id, officer_id, name, roles, active, changed_at) VALUES "
                    "('bps-1700', 'budi', 'Budi', ARRAY['ketua-tim'], true, :at), "
                    "('bps-1700', 'ani', 'Ani', ARRAY['penelaah'], false, :at)"
                ),
                {"at": at},
            )
        await asyncio.to_thread(migrate.upgrade, url, PROGRAM.migrations, metadata)
        async with engine.connect() as connection:
            moved = (
                await connection.execute(
                    text("SELECT to_regclass('officer_roster') IS NULL, to_regclass('officer_roles') IS NOT NULL")
                )
            ).one()
        async with create_sessionmaker(engine)() as session:
            entries = await OfficerRoster(session).of_tenant("bps-1700")
    finally:
        await engine.dispose()
    assert tuple(moved) == (True, True)  # triage's own table is gone, the runtime's holds the rows
    assert {e.officer_id: (e.name, e.roles, e.active, e.changed_at) for e in entries} == {
        "budi": ("Budi", frozenset({Role.KETUA_TIM}), True, at),
        "ani": ("Ani", frozenset({Role.PENELAAH}), False, at),
    }
