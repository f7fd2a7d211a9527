"""Investigation against real PostgreSQL and a real Kafka-protocol broker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from tests.support.events import case_registered
from tests.support.infrastructure import Infrastructure
from tests.support.publish import publish
from tests.support.services import migrated_database, running, settings_for, topic
from tests.support.waiting import eventually
from wbs_contracts.registry import CASE_REGISTERED
from wbs_investigation.adapters.db import SqlInvestigationUnitOfWork, case_file_table, metadata
from wbs_investigation.entrypoint import PROGRAM, InvestigationSettings, build
from wbs_runtime.service import ServiceRuntime


@pytest.fixture(scope="module")
async def investigation(infra: Infrastructure) -> AsyncIterator[ServiceRuntime[SqlInvestigationUnitOfWork]]:
    url = await migrated_database(infra, "investigation", PROGRAM.migrations, metadata)
    runtime = build(settings_for(InvestigationSettings, infra, url))
    async with running(runtime):
        yield runtime


async def test_registered_cases_enter_the_register(
    infra: Infrastructure, investigation: ServiceRuntime[SqlInvestigationUnitOfWork]
) -> None:
    event = case_registered(tenant="pemkab-lebak", sequence=3)
    await publish(infra.bootstrap_servers, topic(infra, CASE_REGISTERED.topic), event)

    async def case_file() -> Any:
        async with investigation.sessionmaker() as session:
            query = select(case_file_table).where(case_file_table.c.case_id == event.data.case_id)
            return (await session.execute(query)).first()

    row = await eventually(case_file, what="the case file")
    assert (row.tenant_id, row.agenda_number, row.status) == (
        "pemkab-lebak",
        event.data.agenda_number,
        "menunggu-telaah",
    )
