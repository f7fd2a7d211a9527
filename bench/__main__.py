"""``make bench``: submit-to-registered latency and throughput on the embedded stack.

It starts the whole system as ``make run`` does (its own ports and data directory, so it can run
beside ``make run``), then:

1. latency: reports at a steady rate; for each, the time from sending ``POST /api/v1/reports``
   to (a) triage's ``case-registered`` event being readable on the broker, and (b) the reporter
   seeing ``terdaftar`` on ``POST /api/v1/reports/status`` (one report in ten, polled every 20 ms
   once its registration is on the broker);
2. intake's own answer: reports sent straight to intake's port (not through the gateway) at a
   steady rate; the time to its 201;
3. throughput: a burst submitted through the gateway with many concurrent clients; reports
   accepted per second, and reports registered per second end to end;
4. memory: resident set size of every service process afterwards.

Every report is sent as the page sends it: with an Idempotency-Key and a secret drawn by the
client. Figures go to bench/results/latest.json and bench/RESULTS.md. Targets: p95
submit-to-registered < 1 s; p95 of intake's own answer < 50 ms; >= 150 reports/s accepted.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import psutil
from aiokafka import AIOKafkaConsumer

from bench.results_file import publish, stack_config, stamped, stolen_percent
from wbs_contracts.registry import CASE_REGISTERED
from wbs_launcher.stack import Stack

RESULTS = Path(__file__).resolve().parent / "results"
log = logging.getLogger("bench")
TARGET_P95_SECONDS = 1.0
TARGET_INTAKE_P95_MS = 50.0
TARGET_ACCEPTED_PER_SECOND = 150.0
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
VISIBILITY_SAMPLE = 10
REPORT = {
    "tenant": "bps-1700",
    "category": "korupsi-gratifikasi",
    "what": "Pengukuran kinerja: laporan uji",
    "where": "Lingkungan uji",
    "when": "Saat pengukuran",
    "who": "Tidak ada",
    "how": "Dibuat oleh benchmark",
}


@dataclass
class Watch:
    """Times when each correlation id's case-registered event became readable."""

    seen: dict[str, float] = field(default_factory=dict)
    ready: asyncio.Event = field(default_factory=asyncio.Event)


async def watch_registrations(bootstrap: str, topic: str, watch: Watch, stop: asyncio.Event) -> None:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="latest", fetch_max_wait_ms=20
    )
    await consumer.start()
    try:
        await consumer.seek_to_end()
        for partition in consumer.assignment():
            await consumer.position(partition)
        watch.ready.set()
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=50)
            now = time.perf_counter()
            for records in batches.values():
                for record in records:
                    for name, value in record.headers:
                        if name == "ce_correlationid":
                            watch.seen.setdefault(value.decode(), now)
    finally:
        await consumer.stop()


def client_secret() -> str:
    """As the page draws it: 25 symbols of Crockford's base32."""
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(25))
    return "-".join(symbols[i : i + 5] for i in range(0, 25, 5))


def reporters(base_url: str, connections: int = 100) -> aiohttp.ClientSession:
    """The reporters' side. aiohttp, not httpx: the load generator shares the two cores with the
    system it measures, and httpx spent 6.6 ms of CPU per report in it (measured), more than intake
    spends answering."""
    return aiohttp.ClientSession(
        base_url=base_url,
        timeout=aiohttp.ClientTimeout(total=60),
        connector=aiohttp.TCPConnector(limit=connections),
    )


async def submit(client: aiohttp.ClientSession) -> tuple[str, float, dict[str, Any]]:
    """One report, as the page sends it; the correlation id is the one the gateway (or intake) made."""
    started = time.perf_counter()
    async with client.post(
        "/api/v1/reports",
        json={**REPORT, "secret": client_secret()},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    ) as response:
        response.raise_for_status()
        return response.headers["X-Correlation-ID"], started, await response.json()


async def seen_registered(client: aiohttp.ClientSession, receipt: dict[str, Any], started: float) -> float:
    """Seconds from submission until the reporter's status check says ``terdaftar``."""
    while True:
        async with client.post(
            "/api/v1/reports/status",
            json={"registration_number": receipt["registration_number"], "secret": receipt["secret"]},
        ) as answer:
            if (await answer.json())["status"] == "terdaftar":
                return time.perf_counter() - started
        await asyncio.sleep(0.02)


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    cut = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "count": len(ordered),
        "p50_ms": round(cut[49] * 1000, 1),
        "p95_ms": round(cut[94] * 1000, 1),
        "p99_ms": round(cut[98] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


async def wait_for(watch: Watch, correlations: list[str], within: float) -> None:
    deadline = time.monotonic() + within
    while any(c not in watch.seen for c in correlations):
        if time.monotonic() > deadline:
            missing = sum(1 for c in correlations if c not in watch.seen)
            raise RuntimeError(f"{missing} report(s) not registered within {within:.0f}s")
        await asyncio.sleep(0.05)


async def latency_phase(stack: Stack, watch: Watch, count: int, rate: float) -> dict[str, Any]:
    """Every report is timed to its ``case-registered`` event; one in ten also to the moment its
    reporter sees ``terdaftar`` (polling every report would measure the polling, not the system)."""
    async with reporters(stack.gateway_url) as client:

        async def one(index: int) -> tuple[str, float, float | None]:
            correlation, started, receipt = await submit(client)
            if index % VISIBILITY_SAMPLE:
                return correlation, started, None
            while correlation not in watch.seen:  # noqa: ASYNC110 - the watcher fills a dict, not an event
                await asyncio.sleep(0.01)
            return correlation, started, await seen_registered(client, receipt, started)

        tasks = []
        for index in range(count):
            tasks.append(asyncio.create_task(one(index)))
            await asyncio.sleep(1 / rate)
        results = await asyncio.gather(*tasks)
    await wait_for(watch, [c for c, _, _ in results], 60)
    return {
        "reports": count,
        "rate_per_second": rate,
        "submit_to_registered_event": percentiles([watch.seen[c] - started for c, started, _ in results]),
        "submit_to_reporter_sees_terdaftar": percentiles([v for _, _, v in results if v is not None]),
    }


async def intake_phase(stack: Stack, watch: Watch, count: int, rate: float) -> dict[str, Any]:
    """Intake's own answer, without the gateway: the time from sending to its 201."""
    async with reporters(stack.service_url("intake")) as client:

        async def one() -> tuple[str, float]:
            correlation, started, _ = await submit(client)
            return correlation, time.perf_counter() - started

        tasks = []
        for _ in range(count):
            tasks.append(asyncio.create_task(one()))
            await asyncio.sleep(1 / rate)
        results = await asyncio.gather(*tasks)
    await wait_for(watch, [c for c, _ in results], 120)
    return {"reports": count, "rate_per_second": rate, "answer": percentiles([seconds for _, seconds in results])}


async def batches(stack: Stack) -> dict[str, tuple[float, float]]:
    """Each consumer's batches so far: (records, batches), from its own metrics."""
    counted: dict[str, tuple[float, float]] = {}
    async with httpx.AsyncClient(timeout=5) as client:
        for name in stack.processes:
            if name == "gateway":
                continue
            try:
                text = (await client.get(f"{stack.service_url(name)}/metrics")).text
            except httpx.HTTPError:
                continue
            found = {
                metric: float(line.rsplit(" ", 1)[1])
                for line in text.splitlines()
                for metric in ("wbs_consumer_batch_events_sum", "wbs_consumer_batch_events_count")
                if line.startswith(metric + "{")
            }
            if len(found) == 2:
                counted[name] = (found["wbs_consumer_batch_events_sum"], found["wbs_consumer_batch_events_count"])
    return counted


def cpu_seconds(stack: Stack) -> dict[str, float]:
    """CPU spent so far by each service, the gateway, and the embedded broker and PostgreSQL (with
    the backends it forked, running or ended)."""
    pids = {name: process.pid for name, process in stack.processes.items()}
    for name, infrastructure in (("broker", stack.broker), ("postgres", stack.postgres)):
        if infrastructure is not None and infrastructure.pid is not None:
            pids[name] = infrastructure.pid
    spent = {}
    for name, pid in pids.items():
        try:
            process = psutil.Process(pid)
            times = [process.cpu_times(), *(child.cpu_times() for child in process.children(recursive=True))]
        except psutil.Error:
            continue
        # With what each has reaped: PostgreSQL's backends and workers that ended meanwhile.
        spent[name] = sum(t.user + t.system + t.children_user + t.children_system for t in times)
    return spent


async def cpu_rates(stack: Stack, seconds: float) -> dict[str, float]:
    """CPU seconds per second each process spends over the next ``seconds``."""
    before = cpu_seconds(stack)
    await asyncio.sleep(seconds)
    after = cpu_seconds(stack)
    return {name: (after[name] - before[name]) / seconds for name in after if name in before}


async def quiet(stack: Stack, below: float, within: float = 180.0) -> bool:
    """Until all the processes together spend under ``below`` CPU seconds a second, two seconds
    running (the back office runs at a lower priority and may finish well after a phase); False if
    that did not happen ``within`` seconds."""
    quiet_for, deadline = 0, time.monotonic() + within
    while quiet_for < 2:
        if time.monotonic() > deadline:
            return False
        busy = sum((await cpu_rates(stack, 1.0)).values())
        quiet_for = quiet_for + 1 if busy <= below else 0
    return True


async def throughput_phase(stack: Stack, watch: Watch, count: int, concurrency: int) -> dict[str, Any]:
    """A burst through the gateway; also the CPU each process spent per report on it, until the
    system was quiet again (less what it spends idle in that time)."""
    await quiet(stack, below=0.6)  # what the earlier phases gave the back office is done
    idle = await cpu_rates(stack, 3.0)  # what each spends with nothing to do (polling, clocks)
    cpu_before, batches_before, host_before = cpu_seconds(stack), await batches(stack), psutil.cpu_times()
    limit = asyncio.Semaphore(concurrency)
    async with reporters(stack.gateway_url, concurrency) as client:

        async def one() -> tuple[str, float, dict[str, Any]]:
            async with limit:
                return await submit(client)

        started = time.perf_counter()
        results = await asyncio.gather(*(one() for _ in range(count)))
        accepted = time.perf_counter() - started
    stolen = stolen_percent(host_before, psutil.cpu_times())  # over the burst, not the quiet after it
    correlations = [c for c, _, _ in results]
    await wait_for(watch, correlations, 300)
    registered = max(watch.seen[c] for c in correlations) - started
    settled = await quiet(stack, below=1.5 * sum(idle.values()) + 0.05)
    elapsed = time.perf_counter() - started
    cpu_after, batches_after = cpu_seconds(stack), await batches(stack)
    return {
        "host_steal_percent": stolen,
        "reports": count,
        "concurrent_clients": concurrency,
        "accepted_per_second": round(count / accepted, 1),
        "registered_per_second": round(count / registered, 1),
        "settled_after_s": round(elapsed, 1),
        "settled": settled,
        "burst_submit_to_registered_event": percentiles([watch.seen[c] - s for c, s, _ in results]),
        "cpu_ms_per_report": {
            name: round((cpu_after[name] - cpu_before[name] - idle.get(name, 0.0) * elapsed) / count * 1000, 2)
            for name in cpu_after
            if name in cpu_before
        },
        # Small batches cost most per event: each has a transaction, an inbox claim and a commit.
        "records_per_batch": {
            name: round((after[0] - before[0]) / max(1.0, after[1] - before[1]), 1)
            for name, after in batches_after.items()
            if (before := batches_before.get(name)) is not None
        },
    }


def memory(stack: Stack) -> dict[str, float]:
    rss = {}
    for name, process in stack.processes.items():
        try:
            rss[name] = round(psutil.Process(process.pid).memory_info().rss / 2**20, 1)
        except psutil.Error:
            continue
    return rss


async def measure(stack: Stack, arguments: argparse.Namespace) -> dict[str, Any]:
    watch, stop = Watch(), asyncio.Event()
    topic = stack.config.topic_prefix + CASE_REGISTERED.topic
    watcher = asyncio.create_task(watch_registrations(stack.bootstrap_servers, topic, watch, stop))
    await asyncio.wait_for(watch.ready.wait(), 60)
    await latency_phase(stack, watch, 20, 10)  # warm-up: connections, caches, JIT of the query planner
    log.info("latency: %d reports at %g/s", arguments.reports, arguments.rate)
    latency = await latency_phase(stack, watch, arguments.reports, arguments.rate)
    log.info("intake's own answer: %d reports at %g/s", arguments.intake_reports, arguments.intake_rate)
    intake = await intake_phase(stack, watch, arguments.intake_reports, arguments.intake_rate)
    log.info("burst: %d reports, %d clients at once", arguments.burst, arguments.concurrency)
    throughput = await throughput_phase(stack, watch, arguments.burst, arguments.concurrency)
    results = {"latency": latency, "intake": intake, "throughput": throughput, "memory_rss_mib": memory(stack)}
    stop.set()
    await watcher
    return results


def markdown(result: dict[str, Any]) -> str:
    latency, burst, intake = result["latency"], result["throughput"], result["intake"]
    event, visible = latency["submit_to_registered_event"], latency["submit_to_reporter_sees_terdaftar"]
    answer = intake["answer"]
    memory_row = ", ".join(f"{k} {v}" for k, v in result["memory_rss_mib"].items())
    cpu_row = ", ".join(f"{k} {v}" for k, v in burst["cpu_ms_per_report"].items())
    steal = "n/a" if burst.get("host_steal_percent") is None else f"{burst['host_steal_percent']} %"
    verdict = "met" if event["p95_ms"] < TARGET_P95_SECONDS * 1000 else "MISSED"
    intake_verdict = "met" if answer["p95_ms"] < TARGET_INTAKE_P95_MS else "MISSED"
    accepted_verdict = "met" if burst["accepted_per_second"] >= TARGET_ACCEPTED_PER_SECOND else "MISSED"
    return "\n".join(
        [
            f"Measured {result['measured_at']} on {result['machine']}.",
            "",
            "| measure | p50 | p95 | p99 | max |",
            "| --- | --- | --- | --- | --- |",
            f"| submit → `case-registered` on the broker ({latency['reports']} reports at "
            f"{latency['rate_per_second']:g}/s) | {event['p50_ms']} ms | {event['p95_ms']} ms | "
            f"{event['p99_ms']} ms | {event['max_ms']} ms |",
            f"| submit → reporter sees `terdaftar` (1 in {VISIBILITY_SAMPLE}, polled every 20 ms) | "
            f"{visible['p50_ms']} ms | "
            f"{visible['p95_ms']} ms | {visible['p99_ms']} ms | {visible['max_ms']} ms |",
            f"| intake's own answer, without the gateway ({intake['reports']} reports at "
            f"{intake['rate_per_second']:g}/s) | {answer['p50_ms']} ms | {answer['p95_ms']} ms | "
            f"{answer['p99_ms']} ms | {answer['max_ms']} ms |",
            f"| burst of {burst['reports']} with {burst['concurrent_clients']} clients: submit → registered | "
            f"{burst['burst_submit_to_registered_event']['p50_ms']} ms | "
            f"{burst['burst_submit_to_registered_event']['p95_ms']} ms | "
            f"{burst['burst_submit_to_registered_event']['p99_ms']} ms | "
            f"{burst['burst_submit_to_registered_event']['max_ms']} ms |",
            "",
            f"Throughput: {burst['accepted_per_second']} reports accepted/s, "
            f"{burst['registered_per_second']} registered/s end to end; during the burst the host gave "
            f"{steal} of the CPU to other guests (steal).",
            f"CPU per report in the burst (ms, each process, until the system was "
            f"{'quiet again' if burst['settled'] else 'still busy (not quiet within 180 s)'} "
            f"{burst['settled_after_s']} s after the burst began, less its idle CPU): {cpu_row}.",
            f"Memory (RSS, MiB, after the run): {memory_row}.",
            f"Target p95 submit → registered < {TARGET_P95_SECONDS * 1000:.0f} ms: {verdict}. "
            f"Target p95 of intake's own answer < {TARGET_INTAKE_P95_MS:.0f} ms: {intake_verdict}. "
            f"Target ≥ {TARGET_ACCEPTED_PER_SECOND:.0f} reports accepted/s: {accepted_verdict}.",
        ]
    )


def main() -> int:
    if sys.argv[1:2] == ["catchup"]:
        from bench.catchup import main as catchup

        return catchup(sys.argv[2:])
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=300, help="reports in the latency phase")
    parser.add_argument("--rate", type=float, default=10.0, help="reports per second in the latency phase")
    parser.add_argument("--intake-reports", type=int, default=500, help="reports sent straight to intake")
    parser.add_argument("--intake-rate", type=float, default=50.0, help="reports per second sent straight to intake")
    parser.add_argument("--burst", type=int, default=1500, help="reports in the throughput phase")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--no-write", action="store_true", help="print only; do not update bench/results")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [bench] %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)

    with tempfile.TemporaryDirectory(prefix="wbs-bench-") as var:
        config = stack_config(Path(var))
        stack = Stack(config)
        try:
            stack.start()
            result = asyncio.run(measure(stack, arguments))
        finally:
            stack.stop()
    result = stamped(result)
    table = markdown(result)
    publish(
        result, table, json_name="latest.json", heading="Submission (`python -m bench`)", write=not arguments.no_write
    )
    passed = (
        result["latency"]["submit_to_registered_event"]["p95_ms"] < TARGET_P95_SECONDS * 1000
        and result["intake"]["answer"]["p95_ms"] < TARGET_INTAKE_P95_MS
        and result["throughput"]["accepted_per_second"] >= TARGET_ACCEPTED_PER_SECOND
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
