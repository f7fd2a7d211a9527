"""Triage against real PostgreSQL and a real Kafka-protocol broker."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from sqlalchemy import select

from tests.support.events import report_submitted
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import events, read_until
from tests.support.officers import assertion_headers
from tests.support.publish import publish
from tests.support.services import migrated_database, running, settings_for, topic
from tests.support.waiting import eventually
from wbs_contracts.events.intake import ReportSubstanceV1
from wbs_contracts.registry import CASE_REGISTERED, REPORT_SUBMITTED
from wbs_contracts.roles import Role
from wbs_contracts.sealed import Audience, SealedPayload
from wbs_runtime.auth.keys import issue_assertion_keys
from wbs_runtime.crypto import KeyRing, ensure_tenant_keys
from wbs_runtime.service import ServiceRuntime
from wbs_triage.adapters.db import SqlTriageUnitOfWork, case_table, metadata
from wbs_triage.entrypoint import PROGRAM, TriageSettings, build


@dataclass
class Triage:
    runtime: ServiceRuntime[SqlTriageUnitOfWork]
    infra: Infrastructure
    keys: Path
    client: httpx.AsyncClient

    def officer(self, tenant: str, *roles: Role) -> dict[str, str]:
        return assertion_headers(self.keys.parent, "triage", {tenant: roles})

    async def cases(self, tenant: str) -> list[Any]:
        async with self.runtime.sessionmaker() as session:
            query = select(case_table).where(case_table.c.tenant_id == tenant).order_by(case_table.c.agenda_sequence)
            return list((await session.execute(query)).all())


@pytest.fixture(scope="module")
async def triage(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Triage]:
    key_root = tmp_path_factory.mktemp("keys")
    issue_assertion_keys(key_root, ["directory", "triage"])  # officers' assertions, signed as directory would
    keys = key_root / "triage"
    url = await migrated_database(infra, "triage", PROGRAM.migrations, metadata)
    runtime = build(settings_for(TriageSettings, infra, url, keys))
    async with running(runtime) as client:
        yield Triage(runtime, infra, keys, client)


async def test_reports_are_registered_with_gapless_agenda_numbers(triage: Triage) -> None:
    tenant = f"satker-{uuid4().hex[:6]}"
    submissions = [report_submitted(tenant=tenant) for _ in range(12)]
    submitted = topic(triage.infra, REPORT_SUBMITTED.topic)
    await asyncio.gather(*(publish(triage.infra.bootstrap_servers, submitted, e) for e in submissions))
    rows = await eventually(lambda: _all(triage, tenant, 12), what="12 registered cases")
    assert [r.agenda_sequence for r in rows] == list(range(1, 13))
    assert {r.id for r in rows} == {e.data.report_id for e in submissions}
    assert all(r.agenda_number.startswith(f"WBS/{tenant.upper()}/") for r in rows)

    registered = await read_until(
        triage.infra.bootstrap_servers,
        topic(triage.infra, CASE_REGISTERED.topic),
        lambda rs: sum(1 for e in events(rs) if e.tenant == tenant) >= 12,
    )
    announced = [e for e in events(registered) if e.tenant == tenant]
    causes = {str(e.id): e for e in submissions}
    for event in announced:
        cause = causes[event.causationid or ""]
        assert event.subject == cause.subject == str(event.data.case_id)
        assert event.correlationid == cause.correlationid
    assert sorted(e.data.agenda_sequence for e in announced) == list(range(1, 13))


async def _all(triage: Triage, tenant: str, count: int) -> list[Any] | None:
    rows = await triage.cases(tenant)
    return rows if len(rows) >= count else None


async def test_triage_keeps_the_substance_sealed_and_can_open_it(triage: Triage) -> None:
    tenant = f"satker-{uuid4().hex[:6]}"
    ensure_tenant_keys(triage.keys, tenant)
    substance = ReportSubstanceV1(what="Mark-up pengadaan", where="Bagian Umum", when="2026", who="PPK", how="Harga")
    case = uuid4()
    sealed = KeyRing.from_directory(triage.keys).seal(tenant, Audience.CASE_SUBSTANCE, substance, case=case)
    event = report_submitted(tenant=tenant, case_id=case, substance=sealed)
    await publish(triage.infra.bootstrap_servers, topic(triage.infra, REPORT_SUBMITTED.topic), event)
    [row] = await eventually(lambda: _all(triage, tenant, 1), what="the case")
    assert "Mark-up" not in str(row.sealed_substance)
    stored = SealedPayload.model_validate(row.sealed_substance)
    own_keys = KeyRing.from_directory(triage.keys, Audience.readable_by("triage"))
    assert own_keys.open(stored, tenant=tenant, case=case, model=ReportSubstanceV1) == substance


async def test_a_report_delivered_twice_is_registered_once(triage: Triage) -> None:
    tenant = f"satker-{uuid4().hex[:6]}"
    event = report_submitted(tenant=tenant)
    other = report_submitted(tenant=tenant)
    for e in (event, event, other):
        await publish(triage.infra.bootstrap_servers, topic(triage.infra, REPORT_SUBMITTED.topic), e)
    rows = await eventually(lambda: _all(triage, tenant, 2), what="both cases")
    await asyncio.sleep(0.5)
    rows = await triage.cases(tenant)
    assert [(r.id, r.agenda_sequence) for r in rows] == [(event.data.report_id, 1), (other.data.report_id, 2)]


async def test_an_officer_reads_a_case_and_its_history_and_each_reading_is_on_the_trail(triage: Triage) -> None:
    tenant = f"satker-{uuid4().hex[:6]}"
    submitted = report_submitted(tenant=tenant)
    await publish(triage.infra.bootstrap_servers, topic(triage.infra, REPORT_SUBMITTED.topic), submitted)
    await eventually(lambda: _all(triage, tenant, 1), what="the case registered")
    case = f"/api/v1/tenants/{tenant}/cases/{submitted.data.report_id}"

    read = await triage.client.get(case, headers=triage.officer(tenant, Role.PENELAAH))
    assert read.status_code == 200, read.text
    assert read.json()["agenda_number"].startswith(f"WBS/{tenant.upper()}/")
    assert "substance" not in read.text  # the registration only; the substance stays sealed
    # The same case asked for under another tenant the officer holds the role in: not there.
    elsewhere = f"/api/v1/tenants/bps-1700/cases/{submitted.data.report_id}"
    assert (await triage.client.get(elsewhere, headers=triage.officer("bps-1700", Role.PENELAAH))).status_code == 404

    history = await triage.client.get(f"{case}/riwayat", headers=triage.officer(tenant, Role.KETUA_TIM))
    assert history.status_code == 200
    assert [(e["action"], e["role"]) for e in history.json()] == [
        ("case.read", "penelaah"),
        ("case.history-read", "ketua-tim"),
    ]
    assert {e["actor_name"] for e in history.json()} == {"Petugas Uji"}
