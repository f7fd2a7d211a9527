"""Reporting's history survives the broker: every event it applies is kept in its journal, in the
transaction that applies it, and a rebuild (emptying the read models and applying the journal again
through the same handlers) reaches the same tables, also after they were tampered with."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from sqlalchemy import func, select, text

from tests.support.events import OPAQUE, case_registered, report_submitted
from tests.support.infrastructure import Infrastructure
from tests.support.officers import assertion_headers
from tests.support.publish import publish
from tests.support.services import migrated_database, running, settings_for
from tests.support.waiting import eventually
from wbs_contracts.envelope import Envelope, EventData
from wbs_contracts.events.directory import EscalationTarget
from wbs_contracts.events.investigation import (
    AuditReportIssuedV1,
    AuditResult,
    CaseHandedOverV1,
    RecommendationCompletedV1,
    RecommendationIssuedV1,
    RecommendationKind,
)
from wbs_contracts.events.triage import TelaahDecidedV1, TelaahOutcome
from wbs_contracts.registry import (
    AUDIT_REPORT_ISSUED,
    CASE_HANDED_OVER,
    CASE_REGISTERED,
    RECOMMENDATION_COMPLETED,
    RECOMMENDATION_ISSUED,
    REPORT_SUBMITTED,
    TELAAH_DECIDED,
    TENANT_CONFIGURED,
    EventSpec,
)
from wbs_contracts.roles import Role
from wbs_reporting.adapters.db import SqlReportingUnitOfWork, metadata
from wbs_reporting.adapters.rebuild import OWN_RECORDS, READ_MODELS, RebuildRefused, empty_read_models, rebuild
from wbs_reporting.entrypoint import PROGRAM, ReportingSettings, build
from wbs_runtime.auth.keys import issue_assertion_keys
from wbs_runtime.messaging.journal import JournalMismatch
from wbs_runtime.messaging.tables import event_journal
from wbs_runtime.service import ServiceRuntime

FEBRUARY = datetime(2026, 2, 10, 3, 0, tzinfo=UTC)
MARCH = datetime(2026, 3, 12, 3, 0, tzinfo=UTC)
APRIL = datetime(2026, 4, 2, 3, 0, tzinfo=UTC)
TENANTS = (f"satker-{uuid4().hex[:6]}", f"satker-{uuid4().hex[:6]}")


@dataclass
class Reporting:
    runtime: ServiceRuntime[SqlReportingUnitOfWork]
    client: httpx.AsyncClient
    url: str


def prefix(infra: Infrastructure) -> str:
    """Topics of this module's own: its journal must hold what it published and nothing that other
    modules' tests published on the session's topics."""
    return f"{infra.namespace}.history."


@pytest.fixture(scope="module")
def key_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("keys")
    issue_assertion_keys(root, ["directory", "reporting"])
    return root


@pytest.fixture(scope="module")
async def reporting(infra: Infrastructure, key_root: Path) -> AsyncIterator[Reporting]:
    url = await migrated_database(infra, "reporting", PROGRAM.migrations, metadata, label="_history")
    runtime = build(
        settings_for(ReportingSettings, infra, url, key_dir=key_root / "reporting", kafka_topic_prefix=prefix(infra))
    )
    async with running(runtime) as client:
        yield Reporting(runtime, client, url)


def envelope(spec: EventSpec[Any], data: EventData, tenant: str, case_id: UUID, at: datetime) -> Envelope[Any]:
    return spec.envelope(data, tenant=tenant, subject=str(case_id), time=at, correlation_id=str(uuid4()))


def history(tenant: str) -> list[tuple[EventSpec[Any], Envelope[Any]]]:
    """A body's year so far: reports by several channels, registrations, telaah decisions, an audit's
    final report, recommendations and a hand-over; one event delivered twice."""
    events: list[tuple[EventSpec[Any], Envelope[Any]]] = []
    cases = []
    for at, category, channel in (
        (FEBRUARY, "korupsi-gratifikasi", "web"),
        (FEBRUARY, "etika-pegawai", "sp4n-lapor"),
        (MARCH, "korupsi-gratifikasi", "kotak-saran"),
        (MARCH, "lainnya", "web"),
        (APRIL, "korupsi-gratifikasi", "web"),
    ):
        submitted = report_submitted(tenant=tenant, at=at, category=category, channel=channel)
        case = submitted.data.report_id
        cases.append(case)
        events += [(REPORT_SUBMITTED, submitted), (CASE_REGISTERED, case_registered(tenant=tenant, case_id=case))]
    events.append((REPORT_SUBMITTED, events[0][1]))  # redelivered: applied and kept once
    outcomes: tuple[tuple[UUID, TelaahOutcome, dict[str, Any]], ...] = (
        (cases[0], TelaahOutcome.AUDIT_INVESTIGASI, {"conclusion": OPAQUE}),
        (cases[1], TelaahOutcome.DIGABUNG, {"merged_into": cases[2]}),
    )
    for case, outcome, fields in outcomes:
        decided = TelaahDecidedV1(
            case_id=case, outcome=outcome, decided_at=MARCH, policy_version=1, proposed_by="p", **fields
        )
        events.append((TELAAH_DECIDED, envelope(TELAAH_DECIDED, decided, tenant, case, MARCH)))
    audited = cases[0]
    report = AuditReportIssuedV1(
        case_id=audited, issued_at=APRIL, report_number="LHA-1", result=AuditResult.TPK, estimated_loss_idr=7_000_000
    )
    events.append((AUDIT_REPORT_ISSUED, envelope(AUDIT_REPORT_ISSUED, report, tenant, audited, APRIL)))
    recommendation = uuid4()
    kind = RecommendationKind.HUKUMAN_DISIPLIN
    issued = RecommendationIssuedV1(
        case_id=audited,
        recommendation_id=recommendation,
        kind=kind,
        addressed_to="Sekretaris Daerah",
        issued_at=APRIL,
        due=date(2026, 6, 1),
        policy_version=1,
    )
    completed = RecommendationCompletedV1(
        case_id=audited, recommendation_id=recommendation, kind=kind, completed_at=APRIL, on_time=True
    )
    handed = CaseHandedOverV1(
        case_id=audited,
        escalation_id=uuid4(),
        target=EscalationTarget.KPK,
        agency="kpk",
        approved_at=APRIL,
        policy_version=1,
    )
    events += [
        (RECOMMENDATION_COMPLETED, envelope(RECOMMENDATION_COMPLETED, completed, tenant, audited, APRIL)),
        (RECOMMENDATION_ISSUED, envelope(RECOMMENDATION_ISSUED, issued, tenant, audited, APRIL)),
        (CASE_HANDED_OVER, envelope(CASE_HANDED_OVER, handed, tenant, audited, APRIL)),
    ]
    return events


async def recap(client: httpx.AsyncClient, key_root: Path, tenant: str) -> dict[str, Any]:
    reader = assertion_headers(key_root, "reporting", {tenant: {Role.PIMPINAN_SATKER}})
    answer = await client.get(f"/api/v1/tenants/{tenant}/statistics", params={"year": 2026}, headers=reader)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def recaps(reporting: Reporting, key_root: Path) -> dict[str, dict[str, Any]]:
    return {tenant: await recap(reporting.client, key_root, tenant) for tenant in TENANTS}


async def tables(reporting: Reporting) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every read model, in a stable order."""
    found = {}
    async with reporting.runtime.engine.connect() as connection:
        for table in READ_MODELS:
            rows = await connection.execute(select(table).order_by(*table.primary_key.columns))
            found[table.name] = [tuple(row) for row in rows]
    return found


async def journal_size(reporting: Reporting) -> int:
    async with reporting.runtime.engine.connect() as connection:
        return int((await connection.execute(select(func.count()).select_from(event_journal))).scalar_one())


@pytest.fixture(scope="module")
async def published(infra: Infrastructure, reporting: Reporting) -> list[Envelope[Any]]:
    """Every tenant's history, published on the broker."""
    sent = []
    for tenant in TENANTS:
        for spec, event in history(tenant):
            await publish(infra.bootstrap_servers, prefix(infra) + spec.topic, event)
            sent.append(event)
    return sent


@pytest.fixture(scope="module")
async def applied(reporting: Reporting, key_root: Path, published: list[Envelope[Any]]) -> dict[str, dict[str, Any]]:
    """The running service consumed every tenant's history from the broker."""

    async def complete() -> dict[str, dict[str, Any]] | None:
        bodies = await recaps(reporting, key_root)
        done = all(
            b["total"] == {"received": 5, "registered": 5}
            and sum(b["decisions"]["by_outcome"].values()) == 2
            and b["investigation"]["hand_overs"]["total"]["kpk"] == 1
            and b["investigation"]["recommendations"]["issued"]["total"]["hukuman-disiplin"] == 1
            and b["investigation"]["recommendations"]["completed_on_time"]["total"]["hukuman-disiplin"] == 1
            and b["investigation"]["reports"]["by_result"]["total"]["tpk"] == 1
            for b in bodies.values()
        )
        return bodies if done else None

    return await eventually(complete, what="every tenant's history applied")


async def test_every_event_applied_is_kept_once_in_the_journal(
    reporting: Reporting, applied: Any, published: list[Envelope[Any]]
) -> None:
    ids = {event.id for event in published}
    assert len(ids) == len(published) - len(TENANTS)  # each tenant's first report was delivered twice
    async with reporting.runtime.engine.connect() as connection:
        rows = (
            await connection.execute(
                select(event_journal.c.event_id, event_journal.c.topic).where(event_journal.c.event_id.in_(ids))
            )
        ).all()
    assert sorted(row.event_id for row in rows) == sorted(ids)
    assert {row.topic for row in rows} == {
        REPORT_SUBMITTED.topic,
        CASE_REGISTERED.topic,
        TELAAH_DECIDED.topic,
        AUDIT_REPORT_ISSUED.topic,
        RECOMMENDATION_ISSUED.topic,
        RECOMMENDATION_COMPLETED.topic,
        CASE_HANDED_OVER.topic,
    }


async def test_a_rebuild_reaches_the_same_tables(reporting: Reporting, key_root: Path, applied: Any) -> None:
    before, rows_before = await recaps(reporting, key_root), await tables(reporting)
    assert before == applied
    replayed = await rebuild(reporting.runtime)
    assert replayed.applied == await journal_size(reporting)
    assert await recaps(reporting, key_root) == before
    assert await tables(reporting) == rows_before


async def test_a_rebuild_repairs_tampered_and_emptied_read_models_with_the_command(
    reporting: Reporting, key_root: Path, applied: Any
) -> None:
    before, rows_before = await recaps(reporting, key_root), await tables(reporting)
    async with reporting.runtime.engine.begin() as connection:
        await connection.execute(text("DELETE FROM case_fact WHERE channel = 'web'"))
        await connection.execute(text("UPDATE telaah_decision SET outcome = 'tidak-diproses'"))
        await connection.execute(text("TRUNCATE hand_over_fact, recommendation_fact"))
    assert await recaps(reporting, key_root) != before
    environment = {
        **os.environ,
        "WBS_REPORTING_DATABASE_URL": reporting.url,
        "KAFKA_BOOTSTRAP_SERVERS": reporting.runtime.settings.kafka_bootstrap_servers,
    }
    wbs = Path(sys.executable).parent / "wbs"
    process = await asyncio.create_subprocess_exec(
        str(wbs),
        "reporting",
        "rebuild",
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    assert "rebuilt from" in out.decode()
    assert await recaps(reporting, key_root) == before
    assert await tables(reporting) == rows_before


async def run_rebuild_command(reporting: Reporting, *arguments: str) -> tuple[int, str, str]:
    environment = {
        **os.environ,
        "WBS_REPORTING_DATABASE_URL": reporting.url,
        "KAFKA_BOOTSTRAP_SERVERS": reporting.runtime.settings.kafka_bootstrap_servers,
    }
    wbs = Path(sys.executable).parent / "wbs"
    process = await asyncio.create_subprocess_exec(
        str(wbs),
        "reporting",
        "rebuild",
        *arguments,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_a_rebuild_refuses_to_drop_events_applied_before_the_journal_and_a_redelivery_journals_them(
    infra: Infrastructure, reporting: Reporting, key_root: Path, applied: Any, published: list[Envelope[Any]]
) -> None:
    before, rows_before = await recaps(reporting, key_root), await tables(reporting)
    # As if applied before the journal existed: in the inbox, not in the journal.
    ours = [event.id for event in published if event.type == CASE_HANDED_OVER.event_type]
    kept_hand_over = select(event_journal.c.event_id).where(event_journal.c.event_id.in_(ours))
    async with reporting.runtime.engine.begin() as connection:
        hand_over_id = (await connection.execute(kept_hand_over.limit(1))).scalar_one()
        await connection.execute(event_journal.delete().where(event_journal.c.event_id == hand_over_id))
    with pytest.raises(RebuildRefused) as refused:
        await rebuild(reporting.runtime)
    assert refused.value.missing == 1
    assert "sebelum jurnal ada" in refused.value.pesan
    assert "before the journal existed" in refused.value.message
    assert await tables(reporting) == rows_before  # nothing changed
    code, _out, err = await run_rebuild_command(reporting)
    assert code == 1
    assert "--force" in err
    assert "before the journal existed" in err
    assert await tables(reporting) == rows_before

    # --force rebuilds without it: the statistics lose that hand-over.
    code, out, err = await run_rebuild_command(reporting, "--force")
    assert code == 0, err
    assert "rebuilt from" in out
    assert await recaps(reporting, key_root) != before

    # The same event delivered again is a duplicate for the inbox, but the journal keeps it now (once).
    again = next(event for event in published if event.id == hand_over_id)
    await publish(infra.bootstrap_servers, prefix(infra) + CASE_HANDED_OVER.topic, again)

    async def journaled() -> bool:
        async with reporting.runtime.engine.connect() as connection:
            found = await connection.execute(
                select(func.count()).select_from(event_journal).where(event_journal.c.event_id == hand_over_id)
            )
            return bool(found.scalar_one() == 1)

    await eventually(journaled, what="the redelivered duplicate kept in the journal")
    replayed = await rebuild(reporting.runtime)
    assert replayed.applied == await journal_size(reporting)
    assert await recaps(reporting, key_root) == before
    assert await tables(reporting) == rows_before


async def test_a_rebuild_replays_only_the_read_models_topics_and_checks_each_records_type(
    reporting: Reporting, key_root: Path, applied: Any, published: list[Envelope[Any]]
) -> None:
    rows_before = await tables(reporting)
    ours = [event.id for event in published if event.type == REPORT_SUBMITTED.event_type]
    first_report = select(event_journal.c.seq).where(event_journal.c.event_id.in_(ours)).order_by("seq").limit(1)
    async with reporting.runtime.engine.begin() as connection:
        seq = (await connection.execute(first_report)).scalar_one()
        await connection.execute(
            event_journal.update().where(event_journal.c.seq == seq).values(topic=TELAAH_DECIDED.topic)
        )
    try:
        # A report-submitted record under the telaah topic: the consumer would refuse it, so does the rebuild.
        with pytest.raises(JournalMismatch, match="report-submitted"):
            await rebuild(reporting.runtime)
        assert await tables(reporting) == rows_before
        # A topic the service consumes but no read model is made of (the tenants' configuration) is
        # not replayed through its handler.
        async with reporting.runtime.engine.begin() as connection:
            await connection.execute(
                event_journal.update().where(event_journal.c.seq == seq).values(topic=TENANT_CONFIGURED.topic)
            )
        replayed = await rebuild(reporting.runtime)
        assert replayed.skipped == 1
    finally:
        async with reporting.runtime.engine.begin() as connection:
            await connection.execute(
                event_journal.update().where(event_journal.c.seq == seq).values(topic=REPORT_SUBMITTED.topic)
            )
    await rebuild(reporting.runtime)
    assert await tables(reporting) == rows_before


async def test_the_pages_keep_reading_while_a_rebuild_empties_the_read_models(
    reporting: Reporting, applied: Any
) -> None:
    async with reporting.runtime.unit_of_work() as uow:
        await empty_read_models(reporting.runtime.name, force=False)(uow)
        # The rebuild's transaction is open: a reader sees the old rows, without waiting for a lock.
        async with reporting.runtime.engine.connect() as connection:
            await connection.execute(text("SET lock_timeout = '2s'"))
            count = (await connection.execute(select(func.count()).select_from(READ_MODELS[0]))).scalar_one()
        assert count > 0
        # (left without commit: rolled back)


def test_every_table_of_reporting_is_either_a_read_model_or_its_own_record() -> None:
    """A table added to reporting must be classified: a rebuild empties read models only."""
    classified = {t.name for t in (*READ_MODELS, *OWN_RECORDS)}
    assert set(metadata.tables) == classified
