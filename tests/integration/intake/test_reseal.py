"""What intake keeps sealed (the reporter's identity, the Kotak Komunikasi as the reporter sees it)
moves to the newest key after a rotation: its tables name no tenant, so the re-seal finds each
row's tenant through its report."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from sqlalchemy import select

from tests.support.infrastructure import Infrastructure
from tests.support.services import migrated_database, running, settings_for
from tests.support.tenants import demo_configuration, publish_tenant
from tests.support.waiting import eventually
from wbs_contracts.events.intake import MailboxMessageV1, ReporterIdentityV1
from wbs_contracts.sealed import Audience, SealedPayload
from wbs_intake.adapters.db import SqlIntakeUnitOfWork, mailbox_message_table, metadata, reporter_identity_table
from wbs_intake.entrypoint import IDENTITIES_AT_REST, MAILBOX_AT_REST, PROGRAM, IntakeSettings, build
from wbs_runtime.crypto import KeyRing, issue_for_services, rotate_tenant_keys
from wbs_runtime.crypto.reseal import reseal_column
from wbs_runtime.service import ServiceRuntime

TENANT = "bps-1700"
OPENED = (Audience.REPORTER_IDENTITY, Audience.REPORTER_MAILBOX)


@dataclass
class Intake:
    runtime: ServiceRuntime[SqlIntakeUnitOfWork]
    client: httpx.AsyncClient
    key_root: Path

    async def sealed(self, column: Any, report_column: Any, report: UUID) -> SealedPayload:
        async with self.runtime.sessionmaker() as session:
            value = (await session.execute(select(column).where(report_column == report))).scalar_one()
        return SealedPayload.model_validate(value)


@pytest.fixture(scope="module")
async def intake(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Intake]:
    key_root = tmp_path_factory.mktemp("keys")
    issue_for_services(key_root, TENANT, ["intake"])
    url = await migrated_database(infra, "intake", PROGRAM.migrations, metadata, label="reseal")
    runtime = build(settings_for(IntakeSettings, infra, url, key_root / "intake", insecure_cookies=True))
    async with running(runtime) as client:
        await publish_tenant(infra, demo_configuration(TENANT))

        async def offered() -> bool:
            return TENANT in {t["id"] for t in (await client.get("/api/v1/tenants")).json()}

        await eventually(offered, what=f"{TENANT} offered")
        yield Intake(runtime, client, key_root)


async def test_rotate_then_reseal_moves_identities_and_the_mailbox_to_the_new_keys(intake: Intake) -> None:
    report = {
        "tenant": TENANT,
        "category": "lainnya",
        "what": "Pungutan liar",
        "where": "Ruang PST",
        "when": "Oktober 2026",
        "identity": {"nama": "Siti Rahmawati", "unit_kerja": "Bagian Umum"},
    }
    created = await intake.client.post("/api/v1/reports", json=report)
    assert created.status_code == 201, created.text
    receipt = created.json()
    credentials = {"registration_number": receipt["registration_number"], "secret": receipt["secret"]}
    assert (await intake.client.post("/api/v1/reporter/session", json=credentials)).status_code == 200
    written = await intake.client.post("/api/v1/reporter/messages", json={"kind": "pesan", "text": "Ada tambahan."})
    assert written.status_code == 201, written.text
    intake.client.cookies.clear()
    async with intake.runtime.sessionmaker() as session:
        [case] = (await session.execute(select(reporter_identity_table.c.report_id))).scalars().all()
    before = await intake.sealed(reporter_identity_table.c.sealed, reporter_identity_table.c.report_id, case)

    new_kids = set(rotate_tenant_keys(intake.key_root / "_master", TENANT, OPENED))
    issue_for_services(intake.key_root, TENANT, ["intake"])
    ring = KeyRing.from_directory(intake.key_root / "intake", OPENED)
    counts = [
        await reseal_column(intake.runtime.sessionmaker, ring, target, TENANT)
        for target in (IDENTITIES_AT_REST, MAILBOX_AT_REST)
    ]
    assert [(c.resealed, c.current, c.failed) for c in counts] == [(1, 0, 0), (1, 0, 0)]

    identity = await intake.sealed(reporter_identity_table.c.sealed, reporter_identity_table.c.report_id, case)
    copy = await intake.sealed(mailbox_message_table.c.sealed, mailbox_message_table.c.report_id, case)
    assert {identity.kid, copy.kid} == new_kids
    assert identity.kid != before.kid
    assert ring.open(identity, tenant=TENANT, case=case, model=ReporterIdentityV1).nama == "Siti Rahmawati"
    assert ring.open(copy, tenant=TENANT, case=case, model=MailboxMessageV1).text == "Ada tambahan."

    again = await asyncio.gather(
        reseal_column(intake.runtime.sessionmaker, ring, IDENTITIES_AT_REST, "bps-3603"),  # another tenant: none
        reseal_column(intake.runtime.sessionmaker, ring, MAILBOX_AT_REST, TENANT),
    )
    assert [(c.resealed, c.current) for c in again] == [(0, 0), (0, 1)]
