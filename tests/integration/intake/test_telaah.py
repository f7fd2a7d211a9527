"""What the reporter learns of the telaah, in intake, against real PostgreSQL and a real broker:
``case-disposed`` shows "sedang ditelaah"; ``telaah-decided`` shows how it ended in plain words
(the officers' reason opened from reporter-mailbox), kept once when delivered twice; a case
another body registered for the forwarded report reaches the same reporter."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from tests.support.events import case_registered
from tests.support.infrastructure import Infrastructure
from tests.support.publish import publish
from tests.support.services import migrated_database, running, settings_for, topic
from tests.support.tenants import demo_configuration, publish_tenant
from tests.support.waiting import eventually
from wbs_contracts.events.intake import MailboxMessageV1
from wbs_contracts.events.triage import (
    CaseDisposedV1,
    DispositionInstructionV1,
    NotProcessedReason,
    TeamMember,
    TelaahDecidedV1,
    TelaahOutcome,
)
from wbs_contracts.registry import CASE_DISPOSED, CASE_REGISTERED, TELAAH_DECIDED
from wbs_contracts.sealed import Audience
from wbs_intake.adapters.db import SqlIntakeUnitOfWork, metadata, report_table
from wbs_intake.adapters.db.tables import telaah_end_table
from wbs_intake.entrypoint import PROGRAM, IntakeSettings, build
from wbs_runtime.crypto import KeyRing, ensure_tenant_keys
from wbs_runtime.service import ServiceRuntime

TENANT = "bps-1700"
OTHER = "bps-3600"
REPORT = {
    "tenant": TENANT,
    "category": "korupsi-gratifikasi",
    "what": "Permintaan uang untuk mempercepat layanan data",
    "where": "Ruang PST",
    "when": "Oktober 2026",
    "who": "Petugas layanan",
    "how": "Meminta transfer",
}
REASON = "Kejadian yang Anda laporkan sudah diputus pengadilan, sehingga tidak dapat ditelaah lagi."


@dataclass
class Intake:
    runtime: ServiceRuntime[SqlIntakeUnitOfWork]
    client: httpx.AsyncClient
    keys: Path
    infra: Infrastructure

    async def reporter(self) -> tuple[uuid.UUID, httpx.AsyncClient]:
        receipt = (await self.client.post("/api/v1/reports", json=REPORT)).json()
        reporter = httpx.AsyncClient(transport=self.client._transport, base_url=str(self.client.base_url))
        signed_in = await reporter.post(
            "/api/v1/reporter/session",
            json={"registration_number": receipt["registration_number"], "secret": receipt["secret"]},
        )
        assert signed_in.status_code == 200, signed_in.text
        async with self.runtime.sessionmaker() as session:
            number = report_table.c.registration_number == receipt["registration_number"]
            report: uuid.UUID = (await session.execute(select(report_table.c.id).where(number))).scalar_one()
        return report, reporter

    async def send(self, envelope: Any, spec: Any) -> None:
        await publish(self.infra.bootstrap_servers, topic(self.infra, spec.topic), envelope)


@pytest.fixture(scope="module")
async def intake(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Intake]:
    keys = tmp_path_factory.mktemp("keys")
    for tenant in (TENANT, OTHER):
        ensure_tenant_keys(keys, tenant)
    url = await migrated_database(infra, "intake", PROGRAM.migrations, metadata, label="_telaah")
    runtime = build(settings_for(IntakeSettings, infra, url, keys, insecure_cookies=True))
    async with running(runtime) as client:
        await publish_tenant(infra, demo_configuration(TENANT))

        async def offered() -> bool:
            return any(t["id"] == TENANT for t in (await client.get("/api/v1/tenants")).json())

        await eventually(offered, what=f"{TENANT} offered")
        yield Intake(runtime, client, keys, infra)


def disposed(tenant: str, case: uuid.UUID, keys: Path) -> Any:
    now = datetime.now(UTC)
    instruction = KeyRing.from_directory(keys).seal(
        tenant, Audience.CASE_SUBSTANCE, DispositionInstructionV1(text="Telaah segera"), case=case
    )
    data = CaseDisposedV1(
        case_id=case,
        disposed_at=now,
        disposed_by="pimpinan-1",
        team=(TeamMember(officer_id="penelaah-1"),),
        instruction=instruction,
        follow_up_due=date.today() + timedelta(days=7),
        policy_version=1,
    )
    return CASE_DISPOSED.envelope(data, tenant=tenant, subject=str(case), time=now, correlation_id=str(uuid.uuid4()))


def decided(tenant: str, case: uuid.UUID, outcome: TelaahOutcome, **fields: Any) -> Any:
    now = datetime.now(UTC) + timedelta(seconds=1)
    data = TelaahDecidedV1(
        case_id=case,
        outcome=outcome,
        decided_at=now,
        policy_version=1,
        proposed_by="penelaah-1",
        **fields,
    )
    return TELAAH_DECIDED.envelope(data, tenant=tenant, subject=str(case), time=now, correlation_id=str(uuid.uuid4()))


async def statuses(reporter: httpx.AsyncClient, count: int) -> list[dict[str, Any]]:
    async def arrived() -> list[dict[str, Any]] | None:
        shown: list[dict[str, Any]] = (await reporter.get("/api/v1/reporter/report")).json()["timeline"]
        return shown if len(shown) >= count else None

    return await eventually(arrived, what=f"{count} statuses on the reporter's timeline")


async def test_the_reporter_sees_the_telaah_and_the_reason_it_is_not_processed_once(intake: Intake) -> None:
    report, reporter = await intake.reporter()
    await intake.send(case_registered(tenant=TENANT, case_id=report), CASE_REGISTERED)
    await intake.send(disposed(TENANT, report, intake.keys), CASE_DISPOSED)
    shown = await statuses(reporter, 3)
    assert [s["status"] for s in shown] == ["diterima", "terdaftar", "ditelaah"]
    assert shown[-1]["pesan"].startswith("Laporan sedang ditelaah.")

    reason = KeyRing.from_directory(intake.keys).seal(
        TENANT, Audience.REPORTER_MAILBOX, MailboxMessageV1(text=REASON), case=report
    )
    event = decided(
        TENANT,
        report,
        TelaahOutcome.TIDAK_DIPROSES,
        not_processed_reason=NotProcessedReason.TIDAK_DAPAT_DIPENUHI,
        reason_for_reporter=reason,
    )
    await intake.send(event, TELAAH_DECIDED)
    await intake.send(event.model_copy(update={"id": uuid.uuid4()}), TELAAH_DECIDED)  # delivered again
    shown = await statuses(reporter, 4)
    assert [s["status"] for s in shown] == ["diterima", "terdaftar", "ditelaah", "tidak-diproses"]
    assert shown[-1]["pesan"].endswith("Alasannya: " + REASON)
    assert shown[-1]["message"].endswith("The reason: " + REASON)
    body = (await reporter.get("/api/v1/reporter/report")).json()
    assert (body["status"], body["status_en"]) == ("tidak-diproses", "not processed further")
    async with intake.runtime.sessionmaker() as session:
        rows = (await session.execute(select(telaah_end_table).where(telaah_end_table.c.report_id == report))).all()
    assert len(rows) == 1
    assert "pengadilan" not in str(rows[0]._mapping)  # kept sealed


async def test_the_body_it_was_forwarded_to_speaks_to_the_same_reporter(intake: Intake) -> None:
    report, reporter = await intake.reporter()
    await intake.send(case_registered(tenant=TENANT, case_id=report), CASE_REGISTERED)
    forwarded = decided(
        TENANT,
        report,
        TelaahOutcome.DITERUSKAN,
        forwarded_to_name="BPS Provinsi Banten",
        forwarded_to_tenant=OTHER,
        forwarded_case_id=(there := uuid.uuid4()),
    )
    await intake.send(forwarded, TELAAH_DECIDED)
    registered_there = case_registered(tenant=OTHER, case_id=there)
    registered_there = registered_there.model_copy(
        update={"data": registered_there.data.model_copy(update={"forwarded_from": report})}
    )
    await intake.send(registered_there, CASE_REGISTERED)
    shown = await statuses(reporter, 3)
    assert shown[-1]["status"] == "dilimpahkan"
    assert "BPS Provinsi Banten" in shown[-1]["pesan"]
    await intake.send(decided(OTHER, there, TelaahOutcome.DIGABUNG, merged_into=uuid.uuid4()), TELAAH_DECIDED)
    shown = await statuses(reporter, 4)
    assert shown[-1]["status"] == "digabung"
