"""Intake against real PostgreSQL and a real Kafka-protocol broker, driven over its HTTP API."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests.support.events import case_registered
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import header, produce, read_until
from tests.support.publish import publish
from tests.support.services import migrated_database, running, settings_for, topic
from tests.support.waiting import eventually
from wbs_contracts.events.intake import ReporterContactV1, ReportSubstanceV1
from wbs_contracts.registry import CASE_REGISTERED, REPORT_SUBMITTED, dead_letter_topic
from wbs_contracts.sealed import Audience
from wbs_contracts.wire import decode, encode
from wbs_intake.adapters.db import SqlIntakeUnitOfWork, metadata, report_table
from wbs_intake.adapters.tenant_file import read_tenant
from wbs_intake.entrypoint import MIGRATIONS, IntakeSettings, build
from wbs_intake.usecases import import_tenant
from wbs_launcher.stack import DEMO_TENANTS
from wbs_runtime.crypto import KeyRing, ensure_tenant_keys
from wbs_runtime.messaging.tables import dead_letter
from wbs_runtime.service import ServiceRuntime

FORM: dict[str, Any] = {
    "tenant": "bps-1700",
    "category": "korupsi-gratifikasi",
    "what": "Permintaan uang untuk mempercepat layanan data",
    "where": "Ruang PST BPS Provinsi Bengkulu",
    "when": "Senin, 2 November 2026",
    "who": "Seorang petugas layanan",
    "how": "Meminta transfer ke rekening pribadi",
    "amount_idr": 750000,
    "contact": "saksi@example.org",
}


@dataclass
class Intake:
    runtime: ServiceRuntime[SqlIntakeUnitOfWork]
    client: httpx.AsyncClient
    keys: Path
    infra: Infrastructure

    async def submit(self, **changes: Any) -> tuple[httpx.Response, str]:
        correlation = f"test-{uuid.uuid4()}"
        response = await self.client.post(
            "/api/v1/reports", json={**FORM, **changes}, headers={"X-Correlation-ID": correlation}
        )
        return response, correlation

    async def report_id(self, registration_number: str) -> uuid.UUID:
        async with self.runtime.sessionmaker() as session:
            query = select(report_table.c.id).where(report_table.c.registration_number == registration_number)
            report_id: uuid.UUID = (await session.execute(query)).scalar_one()
            return report_id

    async def report_count(self) -> int:
        async with self.runtime.sessionmaker() as session:
            return int((await session.execute(select(func.count()).select_from(report_table))).scalar_one())

    def metric(self, name: str, **labels: str) -> float:
        return self.runtime.metrics.registry.get_sample_value(name, {"service": "intake", **labels}) or 0.0


@pytest.fixture(scope="module")
async def intake(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Intake]:
    keys = tmp_path_factory.mktemp("keys")
    ensure_tenant_keys(keys, "bps-1700")
    url = await migrated_database(infra, "intake", MIGRATIONS, metadata)
    runtime = build(settings_for(IntakeSettings, infra, url, keys))
    await import_tenant(read_tenant(DEMO_TENANTS[0]), uow=runtime.unit_of_work())
    async with running(runtime) as client:
        yield Intake(runtime, client, keys, infra)


async def test_a_report_is_received_and_announced_sealed(intake: Intake) -> None:
    response, correlation = await intake.submit()
    assert response.status_code == 201
    assert response.headers["cache-control"] == "no-store"
    receipt = response.json()
    assert receipt["status"] == "diterima"
    assert receipt["registration_number"].startswith("WBS-")

    submitted = topic(intake.infra, REPORT_SUBMITTED.topic)
    records = await read_until(
        intake.infra.bootstrap_servers,
        submitted,
        lambda rs: any(header(r, "ce_correlationid") == correlation for r in rs),
    )
    [record] = [r for r in records if header(r, "ce_correlationid") == correlation]
    raw = record.value + b"".join(v for _, v in record.headers)
    for plaintext in (str(FORM[field]) for field in ("what", "who", "how", "contact", "amount_idr")):
        assert plaintext.encode() not in raw, f"{plaintext!r} crossed the bus in plaintext"

    event = decode(record.headers, record.value)
    assert event.subject == str(await intake.report_id(receipt["registration_number"]))
    triage_keys = KeyRing.from_directory(intake.keys, Audience.readable_by("triage"))
    substance = triage_keys.open(event.data.substance, "bps-1700", ReportSubstanceV1)
    assert (substance.what, substance.amount_idr) == (FORM["what"], FORM["amount_idr"])
    notify_keys = KeyRing.from_directory(intake.keys, Audience.readable_by("notify"))
    assert notify_keys.open(event.data.contact, "bps-1700", ReporterContactV1).contact == FORM["contact"]


async def test_only_a_slow_hash_of_the_secret_is_stored(intake: Intake) -> None:
    response, _ = await intake.submit()
    receipt = response.json()
    async with intake.runtime.sessionmaker() as session:
        row = (
            await session.execute(
                select(report_table).where(report_table.c.registration_number == receipt["registration_number"])
            )
        ).one()
    assert row.secret_hash.startswith("$argon2id$")
    assert receipt["secret"].replace("-", "") not in row.secret_hash
    assert not {"what", "where", "who", "how", "contact", "amount_idr"} & set(row._fields)


async def test_the_reporter_follows_the_report_with_number_and_secret(intake: Intake) -> None:
    receipt = (await intake.submit())[0].json()
    number, secret = receipt["registration_number"], receipt["secret"]
    found = await intake.client.get(f"/api/v1/reports/{number}", headers={"X-Report-Secret": secret})
    assert found.status_code == 200
    assert found.json()["status"] == "diterima"
    assert [s["status"] for s in found.json()["timeline"]] == ["diterima"]

    typed = await intake.client.get(
        f"/api/v1/reports/{number.lower()}", headers={"X-Report-Secret": secret.lower().replace("-", " ")}
    )
    assert typed.status_code == 200

    wrong = await intake.client.get(f"/api/v1/reports/{number}", headers={"X-Report-Secret": "AAAAA-BBBBB"})
    unknown = await intake.client.get("/api/v1/reports/WBS-0000-0000-0000", headers={"X-Report-Secret": secret})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    assert wrong.json()["pesan"].startswith("Laporan tidak ditemukan")

    missing = await intake.client.get(f"/api/v1/reports/{number}")
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "X-Report-Secret"


async def test_registration_by_triage_shows_terdaftar_once(intake: Intake) -> None:
    receipt = (await intake.submit())[0].json()
    case_id = await intake.report_id(receipt["registration_number"])
    event = case_registered(case_id=case_id)
    before = intake.metric("wbs_events_consumed_total", topic=CASE_REGISTERED.topic, outcome="duplicate")
    await publish(intake.infra.bootstrap_servers, topic(intake.infra, CASE_REGISTERED.topic), event)
    await publish(intake.infra.bootstrap_servers, topic(intake.infra, CASE_REGISTERED.topic), event)  # redelivered

    async def status() -> dict[str, Any] | None:
        response = await intake.client.get(
            f"/api/v1/reports/{receipt['registration_number']}", headers={"X-Report-Secret": receipt["secret"]}
        )
        body: dict[str, Any] = response.json()
        return body if body["status"] == "terdaftar" else None

    body = await eventually(status, what="status terdaftar")
    assert [s["status"] for s in body["timeline"]] == ["diterima", "terdaftar"]
    assert body["status_en"] == "registered"
    await eventually(
        lambda: _at_least(intake, "wbs_events_consumed_total", before + 1, outcome="duplicate"),
        what="the redelivery recognised as a duplicate",
    )


async def _at_least(intake: Intake, name: str, value: float, **labels: str) -> bool:
    return intake.metric(name, topic=CASE_REGISTERED.topic, **labels) >= value


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"what": "   ", "where": None, "amount_idr": -1}, {"what", "where", "amount_idr"}),
        ({"tenant": "pemkab-lebak"}, {"tenant"}),
        ({"category": "disiplin-pegawai"}, {"category"}),
        ({"amount": 5}, {"amount"}),
        ({"what": "x" * 10_001}, {"what"}),
    ],
    ids=["blank-missing-negative", "unknown-tenant", "unknown-category", "unknown-field", "too-long"],
)
async def test_bad_input_is_refused_naming_each_field_and_nothing_is_kept(
    intake: Intake, changes: dict[str, Any], fields: set[str]
) -> None:
    form = {k: v for k, v in {**FORM, **changes}.items() if v is not None}
    before = await intake.report_count()
    response = await intake.client.post("/api/v1/reports", json=form)
    assert response.status_code == 422
    body = response.json()
    assert {e["field"] for e in body["errors"]} == fields
    assert all(e["pesan"] and e["message"] for e in body["errors"])
    assert await intake.report_count() == before


async def test_what_intake_cannot_apply_goes_to_its_dead_letter_topic(intake: Intake) -> None:
    infra = intake.infra
    registered = topic(infra, CASE_REGISTERED.topic)
    marker = f"garbage-{uuid.uuid4()}".encode()
    await produce(infra.bootstrap_servers, registered, b"{not an event", key=marker, headers=[("ce_type", b"x")])
    never_received = case_registered()  # well-formed, but intake never received this report
    await publish(infra.bootstrap_servers, registered, never_received)
    receipt = (await intake.submit())[0].json()
    await publish(
        infra.bootstrap_servers,
        registered,
        case_registered(case_id=await intake.report_id(receipt["registration_number"])),
    )

    dead = await read_until(
        infra.bootstrap_servers,
        topic(infra, dead_letter_topic("intake").name),
        lambda rs: {r.key for r in rs} >= {marker, never_received.subject.encode()},
    )
    by_key = {r.key: r for r in dead}
    garbage = by_key[marker]
    assert garbage.value == b"{not an event"
    assert header(garbage, "wbs-dlq-reason") == "malformed"
    assert header(garbage, "wbs-dlq-topic") == registered
    unknown = by_key[never_received.subject.encode()]
    assert header(unknown, "wbs-dlq-reason") == "unretryable"  # no retry can make intake have received it
    assert header(unknown, "wbs-dlq-attempts") == "1"
    assert "never received" in (header(unknown, "wbs-dlq-error") or "")

    # The table is the record: both kept in intake's own database, bytes intact.
    async with intake.runtime.engine.connect() as db:
        rows = {
            row.message_key: row
            for row in await db.execute(
                select(dead_letter).where(dead_letter.c.message_key.in_([marker, never_received.subject.encode()]))
            )
        }
    assert (rows[marker].value, rows[marker].reason, rows[marker].status) == (b"{not an event", "malformed", "parked")
    assert list(zip(rows[marker].header_names, rows[marker].header_values, strict=True)) == [("ce_type", b"x")]
    kept = rows[never_received.subject.encode()]
    assert (kept.event_id, kept.reason, kept.error_type, kept.attempts) == (
        never_received.id,
        "unretryable",
        "UnknownReport",
        1,
    )
    assert kept.value == encode(never_received).value

    async def parked_gauge() -> bool:
        await intake.runtime.gauges.refresh_now()
        labels = {"topic": CASE_REGISTERED.topic, "reason": "unretryable"}
        return intake.metric("wbs_dead_letters_parked", **labels) >= 1

    await eventually(parked_gauge, what="the dead-letter gauge")

    async def registered_after_the_poison() -> bool:
        response = await intake.client.get(
            f"/api/v1/reports/{receipt['registration_number']}", headers={"X-Report-Secret": receipt["secret"]}
        )
        return bool(response.json()["status"] == "terdaftar")

    await eventually(registered_after_the_poison, what="the consumer carrying on")


async def test_headers_that_are_not_utf8_neither_stop_nor_vanish_an_event(intake: Intake) -> None:
    infra = intake.infra
    registered = topic(infra, CASE_REGISTERED.topic)
    receipt = (await intake.submit())[0].json()
    event = case_registered(case_id=await intake.report_id(receipt["registration_number"]))
    wire = encode(event)
    # A foreign tracing header with stray bytes: the event itself is fine and must be applied.
    await produce(
        infra.bootstrap_servers, registered, wire.value, key=wire.key, headers=[*wire.headers, ("trace", b"\xff\xfe")]
    )
    # A CloudEvents attribute that is not text: the event is malformed and must be dead-lettered.
    broken = [(name, b"\xff" if name == "ce_tenant" else value) for name, value in encode(case_registered()).headers]
    marker = f"not-utf8-{uuid.uuid4()}".encode()
    await produce(infra.bootstrap_servers, registered, wire.value, key=marker, headers=broken)

    async def applied() -> bool:
        response = await intake.client.get(
            f"/api/v1/reports/{receipt['registration_number']}", headers={"X-Report-Secret": receipt["secret"]}
        )
        return bool(response.json()["status"] == "terdaftar")

    await eventually(applied, what="the event with a stray header applied")
    dead = await read_until(
        infra.bootstrap_servers,
        topic(infra, dead_letter_topic("intake").name),
        lambda rs: any(r.key == marker for r in rs),
    )
    [parked] = [r for r in dead if r.key == marker]
    assert dict(parked.headers)["ce_tenant"] == b"\xff"  # the original bytes, not a lossy copy
    assert header(parked, "wbs-dlq-reason") == "malformed"
    assert "not UTF-8" in (header(parked, "wbs-dlq-error") or "")


async def test_operations_endpoints(intake: Intake) -> None:
    assert (await intake.client.get("/healthz")).json() == {"status": "ok", "service": "intake"}
    ready = await intake.client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"outbox_relay": "ok", "consumers": "ok", "database": "ok", "broker": "ok"}
    metrics = (await intake.client.get("/metrics")).text
    for name in (
        "wbs_events_produced_total",
        "wbs_outbox_backlog_events",
        "wbs_outbox_oldest_unpublished_age_seconds",
        "wbs_event_handler_seconds_bucket",
        "wbs_intake_unregistered_reports",
        "wbs_intake_oldest_unregistered_report_age_seconds",
    ):
        assert name in metrics


async def test_reports_still_waiting_for_their_registration_are_counted(intake: Intake) -> None:
    """A report triage never registers (its event dead-lettered there) must not silently stay
    ``diterima``: intake's own gauges show it waiting, and for how long."""
    await intake.runtime.gauges.refresh_now()
    before = intake.metric("wbs_intake_unregistered_reports")
    receipt = (await intake.submit())[0].json()
    await intake.runtime.gauges.refresh_now()
    assert intake.metric("wbs_intake_unregistered_reports") == before + 1
    assert intake.metric("wbs_intake_oldest_unregistered_report_age_seconds") > 0

    registered = case_registered(case_id=await intake.report_id(receipt["registration_number"]))
    await publish(intake.infra.bootstrap_servers, topic(intake.infra, CASE_REGISTERED.topic), registered)

    async def counted_as_registered() -> bool:
        await intake.runtime.gauges.refresh_now()
        return intake.metric("wbs_intake_unregistered_reports") == before

    await eventually(counted_as_registered, what="the report no longer counted as waiting")
