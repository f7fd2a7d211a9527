"""The audit trail on real PostgreSQL and a real broker: appends in the caller's transaction,
concurrent appends, chain heads published and kept, and ``wbs audit verify``."""

from __future__ import annotations

import asyncio
import importlib
import random
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Executable, delete, insert, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.support.infrastructure import Infrastructure
from tests.support.services import fresh_database, running, settings_for
from tests.support.waiting import eventually
from wbs_contracts.registry import AUDIT_CHAIN_HEADS, SERVICES
from wbs_investigation.entrypoint import InvestigationSettings
from wbs_investigation.entrypoint import build as build_investigation
from wbs_reporting.entrypoint import ReportingSettings
from wbs_reporting.entrypoint import build as build_reporting
from wbs_runtime import migrate
from wbs_runtime.audit import AuditEntry, AuditTrail, ChainedEntry, InvalidAuditEntry, append
from wbs_runtime.audit.tables import audit_chain, audit_entry, audit_head_received
from wbs_runtime.audit.verify import verify_chain
from wbs_runtime.db import create_engine, create_sessionmaker
from wbs_runtime.messaging.tables import outbox
from wbs_runtime.ops.cli import main


def own_topics(infra: Infrastructure) -> str:
    """Topics of this module's own: on the session's, a keeper would also keep the heads other
    modules' services published, of chains this module's databases do not hold, and the verify
    below would rightly fail them."""
    return f"{infra.namespace}.audit."


@pytest.fixture(scope="module")
async def databases(infra: Infrastructure) -> dict[str, str]:
    """Every service's database, made once for the module (provisioning a role again changes its password)."""
    urls = {}
    for service in SERVICES:
        versions: Path = importlib.import_module(f"wbs_{service}.entrypoint").PROGRAM.migrations
        metadata = importlib.import_module(f"wbs_{service}.adapters.db").metadata
        urls[service] = await fresh_database(infra, service, "_audit")
        await asyncio.to_thread(migrate.upgrade, urls[service], versions, metadata)
    return urls


@pytest.fixture(scope="module")
async def engines(databases: dict[str, str]) -> AsyncIterator[dict[str, AsyncEngine]]:
    made = {service: create_engine(url, pool_size=8) for service, url in databases.items()}
    yield made
    for engine in made.values():
        await engine.dispose()


def sessions(engines: dict[str, AsyncEngine], service: str) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engines[service])


def a_tenant() -> str:
    return f"satker-{uuid.uuid4().hex[:8]}"


def reading(tenant: str, case: str, **extra: Any) -> AuditEntry:
    return AuditEntry(
        tenant_id=tenant,
        actor="6f1d2b8e-3c4a-4e5f-9a0b-1c2d3e4f5a6b",
        actor_name="Siti Rahma",
        role="penelaah",
        session_id="sesi-1",
        action="case.read",
        object_type="case",
        object_id=case,
        correlation_id="corr-1",
        **extra,
    )


async def stored_chain(engine: AsyncEngine, tenant: str) -> list[ChainedEntry]:
    async with engine.connect() as db:
        rows = await db.execute(
            select(*audit_entry.c).where(audit_entry.c.tenant_id == tenant).order_by(audit_entry.c.sequence)
        )
        return [ChainedEntry(**row._asdict()) for row in rows]


async def test_an_entry_commits_with_the_action_and_rolls_back_with_it(engines: dict[str, AsyncEngine]) -> None:
    engine, tenant = engines["investigation"], a_tenant()
    maker = sessions(engines, "investigation")
    async with maker() as session:
        first = await append(session, reading(tenant, "c-1", details={"via": "halaman", "pages": [1, 2]}))
        second = await append(session, reading(tenant, "c-2"))
        await session.commit()
    async with maker() as session:
        await append(session, reading(tenant, "c-rolled-back"))
        await session.rollback()
    async with maker() as session:
        third = await append(session, reading(tenant, "c-3"))
        await session.commit()

    stored = await stored_chain(engine, tenant)
    assert stored == [first, second, third]  # what was hashed is exactly what comes back
    assert [e.sequence for e in stored] == [1, 2, 3]
    assert third.previous_hash == second.entry_hash
    assert verify_chain("investigation", tenant, stored).intact
    async with engine.connect() as db:
        head = (await db.execute(select(audit_chain).where(audit_chain.c.tenant_id == tenant))).one()
    assert (head.sequence, head.entry_hash, head.published_sequence) == (3, third.entry_hash, None)
    async with maker() as session:
        assert await AuditTrail(session).history(tenant, "case", "c-2") == [second]


async def test_a_refused_entry_writes_and_locks_nothing(engines: dict[str, AsyncEngine]) -> None:
    tenant = a_tenant()
    async with sessions(engines, "investigation")() as session:
        with pytest.raises(InvalidAuditEntry):
            await append(session, reading(tenant, "c-1", details={"amount": 1.5}))
        assert (await session.execute(select(audit_chain).where(audit_chain.c.tenant_id == tenant))).first() is None


async def test_the_database_refuses_to_change_or_remove_entries(engines: dict[str, AsyncEngine]) -> None:
    engine, tenant = engines["investigation"], a_tenant()
    async with sessions(engines, "investigation")() as session:
        entry = await append(session, reading(tenant, "c-1"))
        await session.execute(
            insert(audit_head_received).values(
                # Its own chain's head: never used by the verifier, which trusts only the other services' copies.
                producer="investigation",
                tenant_id=tenant,
                sequence=1,
                entry_hash="a" * 64,
                observed_at=entry.recorded_at,
            )
        )
        await session.commit()
    kept = audit_head_received.c.tenant_id == tenant
    attempts: dict[str, Executable] = {
        "update an entry": update(audit_entry).where(audit_entry.c.tenant_id == tenant).values(actor="someone-else"),
        "delete an entry": delete(audit_entry).where(audit_entry.c.tenant_id == tenant),
        "truncate the entries": text("TRUNCATE audit_entry"),
        "update a kept head": update(audit_head_received).where(kept).values(sequence=2),
        "delete a kept head": delete(audit_head_received).where(kept),
        "truncate the kept heads": text("TRUNCATE audit_head_received"),
    }
    for what, attempt in attempts.items():
        with pytest.raises(DBAPIError, match="append-only"):  # noqa: PT012 (one statement, in its transaction)
            async with engine.begin() as db:
                await db.execute(attempt)
                pytest.fail(f"the database let us {what}")
    assert len(await stored_chain(engine, tenant)) == 1


async def test_concurrent_appends_make_one_gap_free_chain_per_tenant(engines: dict[str, AsyncEngine]) -> None:
    engine, maker = engines["investigation"], sessions(engines, "investigation")
    tenants = [a_tenant(), a_tenant()]
    committed = dict.fromkeys(tenants, 0)

    async def officer(number: int) -> None:
        for round_ in range(6):
            tenant = tenants[(number + round_) % 2]
            async with maker() as session:
                appended = 1 + round_ % 2  # some transactions record two actions
                for _ in range(appended):
                    await append(session, reading(tenant, f"c-{number}-{round_}"))
                    await asyncio.sleep(random.random() / 200)  # hold the head a while, as real work would
                if (number + round_) % 4 == 0:
                    await session.rollback()
                else:
                    await session.commit()
                    committed[tenant] += appended

    await asyncio.gather(*(officer(n) for n in range(8)))
    for tenant in tenants:
        chain = await stored_chain(engine, tenant)
        assert committed[tenant] > 0
        assert [e.sequence for e in chain] == list(range(1, committed[tenant] + 1))
        verdict = verify_chain("investigation", tenant, chain)
        assert verdict.intact, verdict.findings


async def test_chain_heads_go_through_the_outbox_and_are_kept_by_another_service(
    infra: Infrastructure, databases: dict[str, str], engines: dict[str, AsyncEngine]
) -> None:
    tenant = a_tenant()
    producer = build_investigation(
        settings_for(
            InvestigationSettings,
            infra,
            databases["investigation"],
            audit_head_seconds=0.2,
            kafka_topic_prefix=own_topics(infra),
        )
    )
    keeper = build_reporting(
        settings_for(ReportingSettings, infra, databases["reporting"], kafka_topic_prefix=own_topics(infra))
    )

    async def kept() -> list[tuple[int, str]]:
        async with engines["reporting"].connect() as db:
            rows = await db.execute(
                select(audit_head_received.c.sequence, audit_head_received.c.entry_hash)
                .where(audit_head_received.c.producer == "investigation", audit_head_received.c.tenant_id == tenant)
                .order_by(audit_head_received.c.sequence)
            )
            return [(s, h) for s, h in rows]

    async with running(producer), running(keeper):
        async with producer.unit_of_work() as uow:
            for case in ("c-1", "c-2", "c-3"):
                third = await uow.audit.append(reading(tenant, case))
            await uow.commit()
        await eventually(kept, what="the head of three entries kept by reporting")
        assert await kept() == [(3, third.entry_hash)]
        async with producer.unit_of_work() as uow:
            await uow.audit.append(reading(tenant, "c-4"))
            fifth = await uow.audit.append(reading(tenant, "c-5"))
            await uow.commit()

        async def both_kept() -> list[tuple[int, str]] | None:
            heads = await kept()
            return heads if len(heads) == 2 else None

        assert await eventually(both_kept, what="the newer head kept too") == [
            (3, third.entry_hash),
            (5, fifth.entry_hash),
        ]
    async with engines["investigation"].connect() as db:
        published = (await db.execute(select(audit_chain).where(audit_chain.c.tenant_id == tenant))).one()
    assert (published.published_sequence, published.published_hash) == (5, fifth.entry_hash)


async def test_a_stopping_service_puts_its_changed_heads_into_the_outbox(
    infra: Infrastructure, databases: dict[str, str], engines: dict[str, AsyncEngine]
) -> None:
    tenant = a_tenant()
    producer = build_investigation(
        settings_for(
            InvestigationSettings,
            infra,
            databases["investigation"],
            audit_head_seconds=3600,
            kafka_topic_prefix=own_topics(infra),
        )
    )
    async with running(producer), producer.unit_of_work() as uow:
        last = await uow.audit.append(reading(tenant, "c-1"))
        await uow.commit()
    async with engines["investigation"].connect() as db:
        head = (await db.execute(select(audit_chain).where(audit_chain.c.tenant_id == tenant))).one()
        keys = (
            await db.execute(
                select(outbox.c.message_key).where(outbox.c.topic == AUDIT_CHAIN_HEADS["investigation"].topic)
            )
        ).scalars()
        assert f"investigation/{tenant}" in set(keys)
    assert (head.published_sequence, head.published_hash) == (1, last.entry_hash)


async def test_wbs_audit_verify_names_the_edited_the_deleted_and_the_cut_off_entry(
    databases: dict[str, str],
    engines: dict[str, AsyncEngine],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("WBS_ENV_FILE", str(tmp_path / "none.env"))
    for service, url in databases.items():
        monkeypatch.setenv(f"WBS_{service.upper()}_DATABASE_URL", url)
    edited, deleted, cut, intact = (a_tenant() for _ in range(4))
    chains: dict[str, list[ChainedEntry]] = {}
    async with sessions(engines, "triage")() as session:
        for tenant in (edited, deleted, cut, intact):
            chains[tenant] = [await append(session, reading(tenant, f"c-{n}")) for n in range(1, 6)]
        await session.commit()
    # What directory and reporting would have kept of triage's chains (the broker path is tested above).
    kept = [("directory", cut, 5), ("reporting", intact, 5), ("reporting", edited, 4), ("directory", deleted, 2)]
    for keeper, tenant, sequence in kept:
        async with engines[keeper].begin() as db:
            head = chains[tenant][sequence - 1]
            await db.execute(
                insert(audit_head_received).values(
                    producer="triage",
                    tenant_id=tenant,
                    sequence=sequence,
                    entry_hash=head.entry_hash,
                    observed_at=head.recorded_at,
                )
            )

    assert await asyncio.to_thread(main, ["audit", "verify"]) == 0
    output = capsys.readouterr().out
    assert "Jejak audit utuh" in output
    assert "Audit trail intact" in output
    assert output.index("Jejak audit utuh") < output.index("Audit trail intact")

    # Someone with the database owner's rights drops the trigger and tampers.
    async with engines["triage"].begin() as db:
        await db.execute(text("DROP TRIGGER audit_entry_no_change ON audit_entry"))
        await db.execute(
            update(audit_entry)
            .where(audit_entry.c.tenant_id == edited, audit_entry.c.sequence == 2)
            .values(details={"via": "forged"})
        )
        await db.execute(delete(audit_entry).where(audit_entry.c.tenant_id == deleted, audit_entry.c.sequence == 3))
        # A careful one: the tail goes, and the chain's own head row is set back to match.
        await db.execute(delete(audit_entry).where(audit_entry.c.tenant_id == cut, audit_entry.c.sequence >= 4))
        await db.execute(
            update(audit_chain)
            .where(audit_chain.c.tenant_id == cut)
            .values(sequence=3, entry_hash=chains[cut][2].entry_hash)
        )

    assert await asyncio.to_thread(main, ["audit", "verify"]) == 1
    output = capsys.readouterr().out
    first_failures = {line for line in output.splitlines() if "first entry that fails" in line}
    assert first_failures == {
        f"triage/{edited}: entri pertama yang gagal / first entry that fails: #2",
        f"triage/{deleted}: entri pertama yang gagal / first entry that fails: #3",
        f"triage/{cut}: entri pertama yang gagal / first entry that fails: #4",
    }
    assert "#2 [edited] entry #2 edited: its hash does not match its content" in output
    assert "#3 [deleted] entry #3 deleted: #4 comes after #2" in output
    assert "#4 [cut-off] tail cut off: entries #4 to #5 are missing; the chain ends at #3" in output
    assert "the head kept by directory" in output
    assert any(line.startswith(f"triage/{intact} ") and line.endswith("utuh / intact") for line in output.splitlines())
    assert "Jejak audit TIDAK utuh: 3 rantai gagal" in output
    assert "Audit trail NOT intact: 3 chains failed" in output


async def test_wbs_audit_show_prints_one_objects_entries(
    databases: dict[str, str],
    engines: dict[str, AsyncEngine],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("WBS_ENV_FILE", str(tmp_path / "none.env"))
    monkeypatch.setenv("WBS_NOTIFY_DATABASE_URL", databases["notify"])
    tenant = a_tenant()
    async with sessions(engines, "notify")() as session:
        for case in ("c-1", "c-2", "c-1"):
            await append(session, reading(tenant, case, details={"outcome": "shown"}))
        await session.commit()
    arguments = ["audit", "show", "--service", "notify", "--tenant", tenant, "--object", "c-1"]
    assert await asyncio.to_thread(main, arguments) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if "case.read" in line]
    assert [row.split()[0] for row in rows] == ["1", "3"]
    assert all("case:c-1" in row and "Siti Rahma" in row and '{"outcome": "shown"}' in row for row in rows)
