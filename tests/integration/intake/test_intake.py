"""Intake against real PostgreSQL and a real Kafka-protocol broker, driven over its HTTP API."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from tests.support.events import case_registered
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import header, produce, read_until
from tests.support.publish import publish
from tests.support.services import migrated_database, running, settings_for, topic
from tests.support.tenants import demo_configuration, publish_tenant
from tests.support.waiting import eventually
from wbs_contracts.events.intake import ReporterContactV2, ReportSubstanceV1
from wbs_contracts.registry import CASE_REGISTERED, REPORT_SUBMITTED, dead_letter_topic
from wbs_contracts.sealed import Audience
from wbs_contracts.wire import decode, encode
from wbs_intake.adapters.db import (
    IDEMPOTENCY_LOCK_CLASS,
    SqlIntakeUnitOfWork,
    idempotency_table,
    metadata,
    report_table,
)
from wbs_intake.adapters.keyed_digest import KeyedDigests
from wbs_intake.domain.credentials import issue_secret
from wbs_intake.entrypoint import PROGRAM, IntakeSettings, build
from wbs_intake.usecases import prune_idempotency_keys
from wbs_runtime.crypto import KeyRing, ensure_tenant_keys
from wbs_runtime.crypto.service_secret import load_service_secret
from wbs_runtime.messaging.tables import dead_letter
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.tenancy import TenantDirectory

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

    async def submit(self, key: str | None = None, **changes: Any) -> tuple[httpx.Response, str]:
        correlation = f"test-{uuid.uuid4()}"
        headers = {"X-Correlation-ID": correlation, **({"Idempotency-Key": key} if key else {})}
        response = await self.client.post("/api/v1/reports", json={**FORM, **changes}, headers=headers)
        return response, correlation

    async def status(self, number: str, secret: str) -> httpx.Response:
        return await self.client.post("/api/v1/reports/status", json={"registration_number": number, "secret": secret})

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
    url = await migrated_database(infra, "intake", PROGRAM.migrations, metadata)
    runtime = build(settings_for(IntakeSettings, infra, url, keys))
    async with running(runtime) as client:
        # The body reaches intake the way it does in production: directory's event on the broker.
        await publish_tenant(infra, demo_configuration("bps-1700"))
        await eventually(lambda: offered(client, "bps-1700"), what="bps-1700 offered")
        yield Intake(runtime, client, keys, infra)


async def offered(client: httpx.AsyncClient, tenant: str) -> dict[str, Any] | None:
    """The tenant as intake's public list shows it, or None while it is not offered."""
    listed = {t["id"]: t for t in (await client.get("/api/v1/tenants")).json()}
    return listed.get(tenant)


async def test_a_tenants_new_categories_reach_the_form_and_an_old_version_never_wins(intake: Intake) -> None:
    # A body of its own: other tests (directory's among them) announce the demo's bps-3603 on the
    # session's shared, compacted topic, and whichever version arrives last would be the one shown.
    tenant = f"bps-3603-{uuid.uuid4().hex[:6]}"
    first = demo_configuration("bps-3603").model_copy(update={"tenant_id": tenant})
    await publish_tenant(intake.infra, first)
    shown = await eventually(lambda: offered(intake.client, tenant), what=f"{tenant} offered")
    assert [c["slug"] for c in shown["categories"]] == [c.slug for c in first.policy.categories]

    policy = first.policy.model_copy(update={"categories": (*first.policy.categories[:1],)})
    changed = first.model_copy(update={"policy_version": 2, "policy": policy})
    await publish_tenant(intake.infra, changed)
    await eventually(lambda: _with_categories(intake.client, tenant, 1), what=f"{tenant} with its one category left")
    # A stale copy of version 1 (a replay) arrives after version 2: the form keeps version 2.
    await publish_tenant(intake.infra, first)
    await publish_tenant(intake.infra, changed.model_copy(update={"name": "BPS Kabupaten Tangerang (v2)"}))
    shown = await eventually(
        lambda: _named(intake.client, tenant, "BPS Kabupaten Tangerang (v2)"), what="the later copy applied"
    )
    assert len(shown["categories"]) == 1
    async with intake.runtime.sessionmaker() as session:
        kept = await TenantDirectory(session).get(tenant)
    assert kept is not None
    assert (kept.policy_version, kept.name, kept.ancestors) == (2, "BPS Kabupaten Tangerang (v2)", ("bps", "bps-3600"))
    response, _ = await intake.submit(tenant=tenant, category=first.policy.categories[1].slug)
    assert response.status_code == 422  # a category the policy no longer offers


async def test_an_inactive_body_or_an_agency_takes_no_reports(intake: Intake) -> None:
    await publish_tenant(intake.infra, demo_configuration("bps-3674"))
    await eventually(lambda: offered(intake.client, "bps-3674"), what="bps-3674 offered")
    await publish_tenant(intake.infra, demo_configuration("bps-3674", version=2, active=False))
    await publish_tenant(intake.infra, demo_configuration("kpk"))

    async def withdrawn() -> bool:
        listed = {t["id"] for t in (await intake.client.get("/api/v1/tenants")).json()}
        return "bps-3674" not in listed

    await eventually(withdrawn, what="bps-3674 withdrawn")
    assert await offered(intake.client, "kpk") is None
    response, _ = await intake.submit(tenant="bps-3674", category="kkn")
    assert response.status_code == 422


async def _with_categories(client: httpx.AsyncClient, tenant: str, count: int) -> dict[str, Any] | None:
    shown = await offered(client, tenant)
    return shown if shown is not None and len(shown["categories"]) == count else None


async def _named(client: httpx.AsyncClient, tenant: str, name: str) -> dict[str, Any] | None:
    shown = await offered(client, tenant)
    return shown if shown is not None and shown["name"] == name else None


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
    case = await intake.report_id(receipt["registration_number"])
    assert event.subject == str(case)
    triage_keys = KeyRing.from_directory(intake.keys, Audience.readable_by("triage"))
    substance = triage_keys.open(event.data.substance, tenant="bps-1700", case=case, model=ReportSubstanceV1)
    assert (substance.what, substance.amount_idr) == (FORM["what"], FORM["amount_idr"])
    notify_keys = KeyRing.from_directory(intake.keys, Audience.readable_by("notify"))
    contact = notify_keys.open(event.data.contact, tenant="bps-1700", case=case, model=ReporterContactV2)
    assert contact.contact == FORM["contact"]


async def secret_hash(intake: Intake, registration_number: str) -> str:
    async with intake.runtime.sessionmaker() as session:
        query = select(report_table.c.secret_hash).where(report_table.c.registration_number == registration_number)
        return str((await session.execute(query)).scalar_one())


async def test_only_a_keyed_digest_of_the_secret_is_stored(intake: Intake) -> None:
    response, _ = await intake.submit()
    receipt = response.json()
    async with intake.runtime.sessionmaker() as session:
        row = (
            await session.execute(
                select(report_table).where(report_table.c.registration_number == receipt["registration_number"])
            )
        ).one()
    assert row.secret_hash.startswith("hmac-sha256$")
    assert receipt["secret"].replace("-", "") not in row.secret_hash
    assert not {"what", "where", "who", "how", "contact", "amount_idr"} & set(row._fields)
    assert (intake.keys / "intake-pepper").stat().st_mode & 0o077 == 0  # made on first start, owner only


async def test_the_reporter_checks_the_status_with_number_and_secret_in_the_body(intake: Intake) -> None:
    receipt = (await intake.submit())[0].json()
    number, secret = receipt["registration_number"], receipt["secret"]
    found = await intake.status(number, secret)
    assert found.status_code == 200
    assert found.headers["cache-control"] == "no-store"
    assert found.json()["status"] == "diterima"
    assert [s["status"] for s in found.json()["timeline"]] == ["diterima"]

    typed = await intake.status(number.lower(), secret.lower().replace("-", " "))
    assert typed.status_code == 200

    wrong = await intake.status(number, "AAAAA-BBBBB")
    unknown = await intake.status("WBS-0000-0000-0000", secret)
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    assert wrong.json()["pesan"].startswith("Laporan tidak ditemukan")
    assert wrong.headers["cache-control"] == "no-store"

    missing = await intake.client.post("/api/v1/reports/status", json={"registration_number": number})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "secret"
    # The number is never a path any more: no URL carries it.
    assert (await intake.client.get(f"/api/v1/reports/{number}", headers={"X-Report-Secret": secret})).status_code in {
        404,
        405,
    }


async def test_a_report_hashed_with_argon2id_before_still_opens_and_gets_a_keyed_digest(intake: Intake) -> None:
    receipt = (await intake.submit())[0].json()
    number, secret = receipt["registration_number"], receipt["secret"]
    legacy = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1).hash(secret.replace("-", ""))
    async with intake.runtime.sessionmaker() as session:
        await session.execute(
            update(report_table).where(report_table.c.registration_number == number).values(secret_hash=legacy)
        )
        await session.commit()
    assert (await intake.status(number, "AAAAA-BBBBB")).status_code == 404
    assert await secret_hash(intake, number) == legacy
    assert (await intake.status(number, secret)).status_code == 200
    assert (await secret_hash(intake, number)).startswith("hmac-sha256$")
    assert (await intake.status(number, secret)).status_code == 200


async def test_many_wrong_secrets_lock_a_number_whether_or_not_it_exists(intake: Intake) -> None:
    receipt = (await intake.submit())[0].json()
    answers: dict[str, list[int]] = {}
    for number in (receipt["registration_number"], "WBS-ZZZZ-ZZZZ-ZZZZ"):
        answers[number] = [(await intake.status(number, issue_secret())).status_code for _ in range(7)]
    assert answers[receipt["registration_number"]] == answers["WBS-ZZZZ-ZZZZ-ZZZZ"] == [404] * 5 + [429] * 2
    refused = await intake.status(receipt["registration_number"], receipt["secret"])
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.json()["pesan"].startswith("Terlalu banyak percobaan kode rahasia yang salah")
    assert refused.json()["message"].startswith("Too many wrong secrets")


async def idempotency_rows(intake: Intake) -> list[Any]:
    async with intake.runtime.sessionmaker() as session:
        return list((await session.execute(select(idempotency_table))).all())


async def test_a_retry_with_the_same_idempotency_key_returns_the_receipt_and_creates_no_second_case(
    intake: Intake,
) -> None:
    key = str(uuid.uuid4())
    before = await intake.report_count()
    first, _ = await intake.submit(key=f'"{key}"')  # a Structured Field string, as the draft writes it
    again, _ = await intake.submit(key=key)
    assert first.status_code == again.status_code == 201
    assert again.json()["registration_number"] == first.json()["registration_number"]
    assert again.json()["replayed"] is True
    assert first.json()["replayed"] is False
    assert again.json()["secret"] is None  # drawn by the server, shown once, never kept
    assert "hanya ditampilkan pada jawaban pertama" in again.json()["pesan"]
    assert "shown only in the first answer" in again.json()["message"]
    assert await intake.report_count() == before + 1

    other = await intake.submit(key=key, what="Laporan yang lain sama sekali")
    assert other[0].status_code == 422
    assert other[0].json()["errors"][0]["field"] == "Idempotency-Key"
    assert await intake.report_count() == before + 1

    rows = await idempotency_rows(intake)
    stored = b"".join(row.key_digest + row.request_digest for row in rows)
    assert key.encode() not in stored  # only keyed digests


async def test_a_secret_made_in_the_browser_returns_the_whole_receipt_on_retry(intake: Intake) -> None:
    key, secret = str(uuid.uuid4()), issue_secret()
    first, _ = await intake.submit(key=key, secret=secret)
    again, _ = await intake.submit(key=key, secret=secret)
    assert first.status_code == again.status_code == 201
    assert first.json()["secret"] == again.json()["secret"] == secret
    assert again.json()["registration_number"] == first.json()["registration_number"]
    assert again.json()["pesan"] == first.json()["pesan"]
    assert (await intake.status(first.json()["registration_number"], secret)).status_code == 200
    assert secret.replace("-", "") not in await secret_hash(intake, first.json()["registration_number"])

    weak = await intake.submit(secret="AAAAA-AAAAA-AAAAA-AAAAA-AAAAA")
    assert weak[0].status_code == 422
    assert weak[0].json()["errors"][0]["field"] == "secret"


async def test_a_duplicate_still_in_progress_gets_a_conflict(intake: Intake) -> None:
    key = str(uuid.uuid4())
    digest = KeyedDigests(
        load_service_secret(None, intake.keys / "intake-pepper", create=False, variable="pepper")
    ).digest("idempotency-key", key.encode())
    async with intake.runtime.engine.connect() as holder:  # the first request, still in its transaction
        held = await holder.execute(
            text("SELECT pg_try_advisory_xact_lock(:class, :key)"),
            {"class": IDEMPOTENCY_LOCK_CLASS, "key": int.from_bytes(digest[:4], "big", signed=True)},
        )
        assert held.scalar_one()
        before = await intake.report_count()
        busy, _ = await intake.submit(key=key)
        await holder.rollback()
    assert busy.status_code == 409
    assert busy.headers["retry-after"] == "1"
    assert busy.json()["message"].startswith("A request with this Idempotency-Key is still being processed")
    assert await intake.report_count() == before
    assert (await intake.submit(key=key))[0].status_code == 201  # once released, the retry goes through


async def test_an_idempotency_key_must_look_like_one(intake: Intake) -> None:
    response, _ = await intake.submit(key="short")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"


async def test_a_body_above_the_limit_is_refused_in_both_languages(intake: Intake) -> None:
    before = await intake.report_count()
    response = await intake.client.post("/api/v1/reports", json={**FORM, "what": "x" * 70_000})
    assert response.status_code == 413
    assert response.json()["pesan"].startswith("Isi permintaan terlalu besar")
    assert response.json()["message"].startswith("The request body is too large")
    assert await intake.report_count() == before


async def test_database_errors_do_not_carry_query_parameters(intake: Intake) -> None:
    """Error texts reach logs and dead-letter headers: they must not carry the values bound."""
    distinctive = f"rahasia-{uuid.uuid4()}"
    receipt = (await intake.submit())[0].json()
    async with intake.runtime.sessionmaker() as session:
        duplicate = insert(report_table).values(
            id=uuid.uuid4(),
            registration_number=receipt["registration_number"],  # taken: a unique violation
            secret_hash=distinctive,
            tenant_id="bps-1700",
            category="lainnya",
            channel="web",
            submitted_at=func.now(),
        )
        with pytest.raises(DBAPIError) as raised:
            await session.execute(duplicate)
    assert "report_registration_number_key" in str(raised.value)  # the error itself is still explained
    assert distinctive not in str(raised.value)
    assert distinctive not in repr(raised.value)


async def test_registration_by_triage_shows_terdaftar_once(intake: Intake) -> None:
    receipt = (await intake.submit())[0].json()
    case_id = await intake.report_id(receipt["registration_number"])
    event = case_registered(case_id=case_id)
    before = intake.metric("wbs_events_consumed_total", topic=CASE_REGISTERED.topic, outcome="duplicate")
    await publish(intake.infra.bootstrap_servers, topic(intake.infra, CASE_REGISTERED.topic), event)
    await publish(intake.infra.bootstrap_servers, topic(intake.infra, CASE_REGISTERED.topic), event)  # redelivered

    async def status() -> dict[str, Any] | None:
        response = await intake.status(receipt["registration_number"], receipt["secret"])
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
        ({"what": "   ", "where": None, "amount_idr": -1}, {"amount_idr"}),
        # Without what, where and when a report is accepted only when the sender confirms it.
        ({"what": "   ", "where": None}, {"what", "where"}),
        ({"tenant": "pemkab-lebak"}, {"tenant"}),
        ({"category": "disiplin-pegawai"}, {"category"}),
        ({"amount": 5}, {"amount"}),
        ({"what": "x" * 10_001}, {"what"}),
    ],
    ids=["negative", "blank-missing", "unknown-tenant", "unknown-category", "unknown-field", "too-long"],
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
        response = await intake.status(receipt["registration_number"], receipt["secret"])
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
        response = await intake.status(receipt["registration_number"], receipt["secret"])
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


async def test_expired_idempotency_keys_are_pruned_and_forgotten(intake: Intake) -> None:
    key = str(uuid.uuid4())
    first, _ = await intake.submit(key=key)
    assert await idempotency_rows(intake)
    later = datetime.now(UTC) + timedelta(hours=25)
    assert await prune_idempotency_keys(uow=intake.runtime.unit_of_work(), clock=lambda: later) >= 1
    assert await idempotency_rows(intake) == []
    again, _ = await intake.submit(key=key)  # the key is forgotten: a new report
    assert again.json()["registration_number"] != first.json()["registration_number"]


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


async def test_a_reporter_signs_in_reads_the_report_and_signs_out(intake: Intake) -> None:
    submitted, _ = await intake.submit()
    receipt = submitted.json()
    credentials = {"registration_number": receipt["registration_number"], "secret": receipt["secret"]}
    client = intake.client

    assert (await client.get("/api/v1/reporter/report")).status_code == 401
    wrong = await client.post("/api/v1/reporter/session", json={**credentials, "secret": issue_secret()})
    assert wrong.status_code == 404
    assert "wbs_pelapor" not in wrong.cookies

    signed_in = await client.post("/api/v1/reporter/session", json=credentials)
    assert signed_in.status_code == 200
    cookie = signed_in.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/" in cookie
    token = signed_in.cookies["wbs_pelapor"]
    mine = await client.get("/api/v1/reporter/report", headers={"Cookie": f"wbs_pelapor={token}"})
    assert mine.status_code == 200
    assert mine.json()["registration_number"] == receipt["registration_number"]
    assert [c["status"] for c in mine.json()["timeline"]] == ["diterima"]
    # Only a keyed digest of the token is kept.
    async with intake.runtime.sessionmaker() as session:
        kept = (await session.execute(text("SELECT token_digest FROM reporter_session"))).scalars().all()
    assert kept
    assert all(token.encode() not in digest for digest in kept)

    signed_out = await client.delete("/api/v1/reporter/session", headers={"Cookie": f"wbs_pelapor={token}"})
    assert signed_out.status_code == 204
    assert (await client.get("/api/v1/reporter/report", headers={"Cookie": f"wbs_pelapor={token}"})).status_code == 401
    client.cookies.clear()


async def test_a_reporters_session_ends_when_it_expires(intake: Intake) -> None:
    submitted, _ = await intake.submit()
    receipt = submitted.json()
    signed_in = await intake.client.post(
        "/api/v1/reporter/session",
        json={"registration_number": receipt["registration_number"], "secret": receipt["secret"]},
    )
    token = signed_in.cookies["wbs_pelapor"]
    intake.client.cookies.clear()
    async with intake.runtime.sessionmaker() as session:
        await session.execute(text("UPDATE reporter_session SET expires_at = now() - interval '1 second'"))
        await session.commit()
    expired = await intake.client.get("/api/v1/reporter/report", headers={"Cookie": f"wbs_pelapor={token}"})
    assert expired.status_code == 401
