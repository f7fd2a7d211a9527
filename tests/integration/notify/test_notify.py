"""Notify against real PostgreSQL and a real Kafka-protocol broker."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import insert, select

from tests.support.events import case_registered, report_submitted
from tests.support.infrastructure import Infrastructure
from tests.support.keys import seal_first_format
from tests.support.publish import publish
from tests.support.services import migrated_database, running, settings_for, topic
from tests.support.waiting import eventually
from wbs_contracts.events.intake import ReporterContactV1, ReporterContactV2
from wbs_contracts.registry import CASE_REGISTERED, REPORT_SUBMITTED
from wbs_contracts.sealed import Audience, SealedPayload
from wbs_notify.adapters.db import SqlNotifyUnitOfWork, contact_table, metadata, notification_table
from wbs_notify.entrypoint import PROGRAM, NotifySettings, build
from wbs_runtime.crypto import KeyRing, issue_for_services, rotate_tenant_keys
from wbs_runtime.service import ServiceRuntime

#: A tenant of its own: the session's topics also carry other modules' reports, sealed to their keys.
TENANT = "inspektorat-uji-notify"


@dataclass
class Notify:
    runtime: ServiceRuntime[SqlNotifyUnitOfWork]
    infra: Infrastructure
    keys: Path
    database_url: str

    def intake_keys(self) -> KeyRing:
        """What intake seals with: public keys only, from its own folder."""
        return KeyRing.from_directory(self.keys / "intake")

    async def submit(self, contact: str | None) -> UUID:
        case = uuid4()
        sealed = self.intake_keys().seal(
            TENANT, Audience.REPORTER_CONTACT, ReporterContactV2(contact=contact), case=case
        )
        event = report_submitted(tenant=TENANT, case_id=case, contact=sealed)
        await publish(self.infra.bootstrap_servers, topic(self.infra, REPORT_SUBMITTED.topic), event)
        return case

    async def contact_row(self, case: UUID) -> Any:
        async with self.runtime.sessionmaker() as session:
            query = select(contact_table).where(contact_table.c.case_id == case)
            return (await session.execute(query)).first()


@pytest.fixture(scope="module")
async def notify(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Notify]:
    keys = tmp_path_factory.mktemp("keys")
    issue_for_services(keys, TENANT, ["intake", "notify"])
    url = await migrated_database(infra, "notify", PROGRAM.migrations, metadata)
    runtime = build(settings_for(NotifySettings, infra, url, keys / "notify"))
    async with running(runtime):
        yield Notify(runtime, infra, keys, url)


async def queued(runtime: ServiceRuntime[SqlNotifyUnitOfWork], case_id: UUID) -> list[Any]:
    async with runtime.sessionmaker() as session:
        query = select(notification_table).where(notification_table.c.case_id == case_id)
        return list((await session.execute(query)).all())


async def test_registration_queues_one_acknowledgement_without_content(infra: Infrastructure, notify: Notify) -> None:
    event = case_registered()
    again = case_registered(case_id=event.data.case_id)  # another event about the same registration
    for e in (event, event, again):
        await publish(infra.bootstrap_servers, topic(infra, CASE_REGISTERED.topic), e)

    async def found() -> list[Any]:
        return await queued(notify.runtime, event.data.case_id)

    await eventually(found, what="the acknowledgement")
    await asyncio.sleep(0.5)
    [row] = await found()
    assert (row.kind, row.channel, row.status, row.template) == (
        "tanda-terima",
        "kotak-masuk",
        "antre",
        "tanda-terima.v1",
    )
    assert row.tenant_id == "bps-1700"
    assert row.delivered_at is None
    assert set(row._fields) == {
        "idempotency_key", "case_id", "tenant_id", "kind", "channel", "template", "status", "queued_at", "delivered_at",
        "recipient_kind", "recipient", "subject", "link", "attempts", "next_attempt_at", "last_error", "read_at",
    }  # fmt: skip
    assert (row.recipient_kind, row.recipient, row.subject, row.link) == ("pelapor", None, None, None)


async def test_notify_holds_the_contact_sealed_and_can_open_it_and_an_absent_one_does_not_show(
    notify: Notify,
) -> None:
    reachable = await notify.submit("saksi.pelapor@example.org")
    anonymous = await notify.submit(None)
    with_contact = await eventually(lambda: notify.contact_row(reachable), what="the kept contact")
    without = await eventually(lambda: notify.contact_row(anonymous), what="the kept empty contact")

    assert "saksi.pelapor" not in str(with_contact)
    stored = SealedPayload.model_validate(with_contact.sealed_contact)
    opened = notify.runtime.keyring.open(stored, tenant=TENANT, case=reachable, model=ReporterContactV2)
    assert opened.contact == "saksi.pelapor@example.org"

    # Nothing stored in plaintext tells the two apart: same columns, same fields, same length.
    assert (
        set(with_contact._fields) == set(without._fields) == {"case_id", "tenant_id", "sealed_contact", "received_at"}
    )
    assert set(with_contact.sealed_contact) == set(without.sealed_contact)
    assert len(with_contact.sealed_contact["ciphertext"]) == len(without.sealed_contact["ciphertext"])
    empty = SealedPayload.model_validate(without.sealed_contact)
    assert notify.runtime.keyring.open(empty, tenant=TENANT, case=anonymous, model=ReporterContactV2).contact is None


async def test_contacts_at_rest_are_resealed_to_a_rotated_key(notify: Notify) -> None:
    current = await notify.submit("0812-1111-2222")
    await eventually(lambda: notify.contact_row(current), what="the kept contact")
    legacy = uuid4()  # kept before sealed format 2: the document alone, bound to no case
    first_format = seal_first_format(notify.intake_keys(), TENANT, ReporterContactV1(contact="lama@example.org"))
    async with notify.runtime.sessionmaker() as session, session.begin():
        await session.execute(
            insert(contact_table).values(
                case_id=legacy,
                tenant_id=TENANT,
                sealed_contact=first_format.model_dump(mode="json"),
                received_at=datetime.now(UTC),
            )
        )

    [new_kid] = rotate_tenant_keys(notify.keys / "_master", TENANT, [Audience.REPORTER_CONTACT])
    issue_for_services(notify.keys, TENANT, ["intake", "notify"])
    environment = {
        **os.environ,
        "WBS_NOTIFY_DATABASE_URL": notify.database_url,
        "WBS_KEY_DIR": str(notify.keys / "notify"),
    }
    command = [sys.executable, "-m", "wbs_notify", "reseal", "--tenant", TENANT]
    done = await asyncio.to_thread(subprocess.run, command, env=environment, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "0 gagal / failed" in done.stdout

    ring = KeyRing.from_directory(notify.keys / "notify", [Audience.REPORTER_CONTACT])
    for case, contact in ((current, "0812-1111-2222"), (legacy, "lama@example.org")):
        stored = SealedPayload.model_validate((await notify.contact_row(case)).sealed_contact)
        assert (stored.kid, stored.format) == (new_kid, 2)
        assert ring.open(stored, tenant=TENANT, case=case, model=ReporterContactV2).contact == contact
