"""``python -m bench.queue``: the officers' queue page with a tenant's 10,000 cases.

It starts the whole system as ``make run`` does (its own ports and data), writes N cases of one
tenant into triage's table (registered over the past year, in every category and channel, a few
with a reporter's open question; most disposed to a team of two of eight officers on the roster,
with their disposition kept, some waiting on their reporter, some awaiting approval), and then asks
triage's ``/perkara/{tenant}`` page, as a signed-in penelaah would through the gateway (an assertion
signed with the stack's directory key), with and without filters: the first page, a later page,
one category, the late cases, the penelaah's own cases ("Perkara saya"), one status. Figures go to
``bench/results/queue.json`` and a section of ``bench/RESULTS.md``. Target (issue 8): p95 under
200 ms with 10,000 cases.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert

from bench.results_file import RESULTS, machine, stack_config, update_section
from tests.support.officers import assertion_headers
from wbs_contracts.events.intake import ReporterMessageV1, ReportSubstanceV1
from wbs_contracts.events.triage import DispositionInstructionV1
from wbs_contracts.roles import Role
from wbs_contracts.sealed import Audience
from wbs_launcher.stack import Stack
from wbs_runtime.crypto import KeyRing
from wbs_runtime.db import create_engine
from wbs_runtime.messaging.tables import officer_roles
from wbs_triage.adapters.db import (
    case_disposition_table,
    case_message_table,
    case_table,
    case_team_table,
)

log = logging.getLogger("bench.queue")

TENANT = "bps-1700"
TARGET_P95_MS = 200.0
CATEGORIES = ("korupsi-gratifikasi", "etika-pegawai", "kinerja-pegawai", "lainnya")
CHANNELS = ("web", "email", "wbs-pusat", "lisan")
#: The roster: the penelaah the bench signs in as (``officer-1``, as ``assertion_headers`` names it) and seven more.
OFFICERS = ("officer-1", *(f"officer-{n}" for n in range(2, 9)))


async def seed(stack: Stack, cases: int) -> None:
    ring = KeyRing.from_directory(stack.key_root / "intake")
    sealed = ring.seal(
        TENANT,
        Audience.CASE_SUBSTANCE,
        ReportSubstanceV1(what="uji", where="uji", when="uji", who="", how=""),
        case=uuid.uuid4(),
    ).model_dump(mode="json")
    now = datetime.now(UTC)
    instruction = ring.seal(
        TENANT, Audience.CASE_SUBSTANCE, DispositionInstructionV1(text="Telaah."), case=uuid.uuid4()
    ).model_dump(mode="json")
    rows: list[dict[str, Any]] = []
    questions: list[dict[str, Any]] = []
    dispositions: list[dict[str, Any]] = []
    teams: list[dict[str, Any]] = []
    for n in range(cases):
        at = now - timedelta(minutes=53 * (cases - n))  # about a year, oldest first
        case_id = uuid.uuid4()
        # The newest tenth still waits for its disposition; of the rest, one in ten waits on its
        # reporter and one in twenty awaits approval; the others are with their team.
        disposed = n < cases * 9 // 10
        status = "terdaftar"
        clocks: dict[str, Any] = {}
        if disposed:
            status = "menunggu-persetujuan" if n % 20 == 7 else "ditelaah"
            disposed_at = at + timedelta(hours=20)
            clocks = {
                "disposed_at": disposed_at,
                "follow_up_due": disposed_at + timedelta(days=7),
                "waiting_on_reporter_since": disposed_at + timedelta(days=1) if n % 10 == 3 else None,
            }
            team = (OFFICERS[n % len(OFFICERS)], OFFICERS[(n + 3) % len(OFFICERS)])
            dispositions.append(
                {
                    "id": uuid.uuid4(),
                    "case_id": case_id,
                    "tenant_id": TENANT,
                    "disposed_at": disposed_at,
                    "disposed_by": "pimpinan",
                    "disposed_by_name": "Pimpinan",
                    "team": [
                        {"officer_id": team[0], "role": "ketua", "name": team[0]},
                        {"officer_id": team[1], "role": "anggota", "name": team[1]},
                    ],
                    "sealed_instruction": instruction,
                    "follow_up_due": clocks["follow_up_due"],
                    "policy_version": 1,
                }
            )
            teams.extend(
                {"case_id": case_id, "officer_id": officer, "tenant_id": TENANT, "role": role, "name": officer}
                for officer, role in zip(team, ("ketua", "anggota"), strict=True)
            )
        rows.append(
            {
                "id": case_id,
                "tenant_id": TENANT,
                "category": CATEGORIES[n % len(CATEGORIES)],
                "channel": CHANNELS[n % len(CHANNELS)],
                "received_at": at,
                "agenda_number": f"WBS/BENCH/{at.year}/{n + 1:05d}",
                "agenda_year": 1990,  # apart from the agenda the running system keeps
                "agenda_sequence": n + 1,
                "registered_on": at.date(),
                "registered_at": at,
                "status": status,
                "sealed_substance": sealed,
                **clocks,
            }
        )
        if n % 50 == 0:
            question = ring.seal(TENANT, Audience.CASE_SUBSTANCE, ReporterMessageV1(text="?"), case=case_id)
            questions.append(
                {
                    "id": uuid.uuid4(),
                    "case_id": case_id,
                    "tenant_id": TENANT,
                    "author": "pelapor",
                    "kind": "pertanyaan",
                    "sent_at": at,
                    "sealed": question.model_dump(mode="json"),
                    "answer_due": at + timedelta(days=7),
                }
            )
    engine = create_engine(stack.database_urls["triage"], 2)
    try:
        async with engine.begin() as connection:
            for start in range(0, len(rows), 1000):
                await connection.execute(insert(case_table), rows[start : start + 1000])
            await connection.execute(insert(case_message_table), questions)
            for start in range(0, len(dispositions), 1000):
                await connection.execute(insert(case_disposition_table), dispositions[start : start + 1000])
            for start in range(0, len(teams), 1000):
                await connection.execute(insert(case_team_table), teams[start : start + 1000])
            await connection.execute(
                insert(officer_roles),
                [
                    {
                        "tenant_id": TENANT,
                        "officer_id": officer,
                        "name": officer,
                        "roles": ["penelaah"],
                        "active": True,
                        "changed_at": now,
                    }
                    for officer in OFFICERS
                ],
            )
            for table in ("case", "case_team", "case_disposition", "case_message"):
                await connection.exec_driver_sql(f'ANALYZE "{table}"')
    finally:
        await engine.dispose()


async def measure(stack: Stack, requests: int) -> dict[str, Any]:
    views = {
        "first page": "",
        "page 20": "?halaman=20",
        "one category": f"?kategori={CATEGORIES[1]}",
        "late cases": "?terlambat=ya",
        "my cases": "?petugas=saya",
        "my late cases": "?petugas=saya&terlambat=ya",
        "status ditelaah": "?status=ditelaah",
    }
    measured: dict[str, Any] = {}
    async with httpx.AsyncClient(base_url=stack.service_url("triage"), timeout=30) as client:
        for name, query in views.items():
            # A fresh assertion per view: each lives a minute, as the gateway's do.
            headers = assertion_headers(stack.key_root, "triage", {TENANT: {Role.PENELAAH}})
            answer = await client.get(f"/perkara/{TENANT}{query}", headers=headers)
            assert answer.status_code == 200, answer.text[:500]
            timings = []
            for _ in range(requests):
                started = time.perf_counter()
                answer = await client.get(f"/perkara/{TENANT}{query}", headers=headers)
                timings.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200
            timings.sort()
            measured[name] = {
                "p50_ms": round(statistics.median(timings), 1),
                "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
                "max_ms": round(timings[-1], 1),
            }
            log.info("%s: %s", name, measured[name])
    return measured


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"{result['cases']:,} cases of one tenant in triage, nine in ten disposed to a team of two (each "
        "disposition kept, a tenth of them waiting on the reporter); "
        f"`GET /perkara/{TENANT}` straight to triage (as the "
        f"gateway forwards it, with a penelaah's assertion), {result['requests']} requests per view, one at a time. "
        f"Target: p95 < {TARGET_P95_MS:.0f} ms. Measured {result['measured_at']} on {result['machine']}.",
        "",
        "| view | p50 | p95 | max |",
        "| --- | --- | --- | --- |",
    ]
    for name, figures in result["views"].items():
        lines.append(f"| {name} | {figures['p50_ms']} ms | {figures['p95_ms']} ms | {figures['max_ms']} ms |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.queue", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200, help="requests per view")
    parser.add_argument("--no-write", action="store_true", help="print only; do not update bench/results")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [bench] %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="wbs-bench-") as var:
        stack = Stack(stack_config(Path(var)))
        try:
            stack.start()
            asyncio.run(seed(stack, arguments.cases))
            views = asyncio.run(measure(stack, arguments.requests))
        finally:
            stack.stop()
    result = {
        "cases": arguments.cases,
        "requests": arguments.requests,
        "views": views,
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
    }
    print(markdown(result))
    if not arguments.no_write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "queue.json").write_text(json.dumps(result, indent=2) + "\n")
        update_section("Triage queue (`python -m bench.queue`)", markdown(result))
    return 0 if all(v["p95_ms"] < TARGET_P95_MS for v in views.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
