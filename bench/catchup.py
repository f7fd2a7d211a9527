"""``python -m bench catchup``: how fast consumers apply events that are already on their topics.

The situation after an outage, a replay, a rebuilt read model or an import: the events are there,
the consumer starts. It starts PostgreSQL and the broker as ``make run`` does (own ports and data),
provisions and migrates every service, writes 2N reports into intake's tables (so that intake
applies their registrations normally), and then:

1. puts N valid ``report-submitted`` events (substance sealed with the tenant's real keys) straight
   onto the topic, starts triage alone and measures events/s until its group's committed offsets
   reach the end of what was put (triage publishes a ``case-registered`` per event meanwhile);
2. starts each other consumer alone, in turn (intake, investigation, notify, reporting), on what
   is now on its topics (N ``case-registered``; notify and reporting also the N ``report-submitted``);
3. with every service running, puts N more ``report-submitted`` and measures how long until every
   group has applied its share: the whole pipeline catching up at once;
4. puts M ``case-registered`` events for reports intake never received and measures how fast
   intake dead-letters them (each one kept in its table).

Rates count from a group's first committed offsets (process start and group join are reported
apart) to the moment it has committed everything. Figures go to ``bench/results/catchup*.json``
and a section of ``bench/RESULTS.md``. Targets (issue 5): triage >= 2,000 events/s and no
consumer below 1,000 events/s, on 2 CPUs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import tempfile
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from sqlalchemy import insert
from sqlalchemy.dialects.postgresql import insert as pg_insert

from bench.results_file import RESULTS, machine, stack_config, update_section
from tests.support.events import case_registered, report_submitted
from wbs_contracts.events.intake import ReporterContactV2, ReportSubstanceV1
from wbs_contracts.registry import CASE_REGISTERED, REPORT_SUBMITTED, SERVICES
from wbs_contracts.sealed import Audience
from wbs_contracts.wire import encode
from wbs_intake.adapters.db import report_table, status_table, tenant_table
from wbs_launcher.stack import Stack
from wbs_runtime.crypto import KeyRing
from wbs_runtime.db import create_engine

log = logging.getLogger("bench.catchup")

TENANT = "bps-1700"
TRIAGE_TARGET = 2000.0
FLOOR_TARGET = 1000.0
#: The consumers of a case's events besides triage (directory consumes none: it is not measured).
CASE_CONSUMERS = tuple(
    s for s in SERVICES if s != "triage" and (s in REPORT_SUBMITTED.consumers or s in CASE_REGISTERED.consumers)
)
POLL_SECONDS = 0.1


@dataclass
class Progress:
    """One consumer group's catch-up, from its committed offsets."""

    service: str
    events: int
    started: float
    first_commit: float | None = None
    committed_at_first: int = 0
    done: float | None = None
    #: the consumer process's CPU seconds (user + system) at its first commit and when done
    cpu_at_first: float | None = None
    cpu_at_done: float | None = None

    def result(self) -> dict[str, Any]:
        assert self.done is not None
        assert self.first_commit is not None
        applying = self.done - self.first_commit
        counted = self.events - self.committed_at_first
        result = {
            "events": self.events,
            "seconds_to_first_commit": round(self.first_commit - self.started, 2),
            "seconds_applying": round(applying, 2),
            # None: everything was committed between two looks, so there is no interval to divide by.
            "events_per_second": round(counted / applying, 1) if applying > 0 and counted > 0 else None,
            "events_per_second_including_start": round(self.events / (self.done - self.started), 1),
        }
        timed = result["events_per_second"] is not None
        if timed and self.cpu_at_first is not None and self.cpu_at_done is not None:
            # Less sensitive to other work on the machine than the rate: what applying cost the process.
            result["cpu_ms_per_event"] = round((self.cpu_at_done - self.cpu_at_first) / counted * 1000, 3)
        return result


#: Per partition, the offset just past the last record to be consumed.
Ends = dict[TopicPartition, int]


class Committed:
    """Each group's committed offsets, read as the engineering notes advise for tansu: a consumer's
    ``committed()``, the consumer never joining the group. (Where the records end comes from the
    producer's acknowledgements or from reading the records: tansu's ListOffsets answers the last
    batch's base offset + 1, not the offset after its last record.)"""

    def __init__(self, bootstrap: str, prefix: str) -> None:
        self._bootstrap = bootstrap
        self._prefix = prefix
        self._readers: dict[str, AIOKafkaConsumer] = {}

    async def stop(self) -> None:
        for reader in self._readers.values():
            await reader.stop()

    async def __call__(self, service: str, partitions: Iterable[TopicPartition]) -> Ends:
        group = f"{self._prefix}wbs-{service}"
        reader = self._readers.get(group)
        if reader is None:
            reader = AIOKafkaConsumer(bootstrap_servers=self._bootstrap, group_id=group, enable_auto_commit=False)
            await reader.start()
            self._readers[group] = reader
        return {tp: (await reader.committed(tp)) or 0 for tp in partitions}


async def put_on_topic(bootstrap: str, topic: str, events: Sequence[Any]) -> Ends:
    """Produce ``events`` (batched, as a busy producer would); returns where they end."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5, max_batch_size=256 * 1024)
    await producer.start()
    try:
        futures = []
        for event in events:
            wire = encode(event)
            futures.append(await producer.send(topic, wire.value, key=wire.key, headers=list(wire.headers)))
        acknowledged = await asyncio.gather(*futures)
    finally:
        await producer.stop()
    ends: Ends = {}
    for ack in acknowledged:
        tp = TopicPartition(ack.topic, ack.partition)
        ends[tp] = max(ends.get(tp, 0), ack.offset + 1)
    return ends


async def ends_by_reading(bootstrap: str, topic: str, count: int) -> Ends:
    """Read ``topic`` from the beginning until ``count`` records were seen; where they end."""
    reader = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest", fetch_max_wait_ms=20
    )
    await reader.start()
    ends: Ends = {}
    seen = 0
    try:
        while seen < count:
            for tp, records in (await reader.getmany(timeout_ms=200, max_records=5000)).items():
                seen += len(records)
                ends[tp] = max(ends.get(tp, 0), records[-1].offset + 1)
    finally:
        await reader.stop()
    return ends


async def wait_caught_up(
    committed: Committed, stack: Stack, watched: dict[str, tuple[Ends, int]], started: float
) -> dict[str, Progress]:
    """Poll each group's committed offsets until every partition reaches its end."""
    progress = {s: Progress(s, events, started) for s, (_, events) in watched.items()}
    baseline = {s: sum((await committed(s, ends)).values()) for s, (ends, _) in watched.items()}
    while any(p.done is None for p in progress.values()):
        if dead := stack.dead_children():
            raise RuntimeError(f"a service died: {dead}")
        now = time.perf_counter()
        for service, (ends, _) in watched.items():
            p = progress[service]
            if p.done is not None:
                continue
            offsets = await committed(service, ends)
            applied = sum(offsets.values()) - baseline[service]
            if p.first_commit is None and applied > 0:
                p.first_commit, p.committed_at_first = now, applied
                p.cpu_at_first = process_cpu(stack, service)
            if all(offsets[tp] >= end for tp, end in ends.items()):
                if p.first_commit is None:  # everything was applied before the first look
                    p.first_commit, p.committed_at_first = now, applied
                p.done = now
                p.cpu_at_done = process_cpu(stack, service)
                log.info("%s caught up: %s", service, p.result())
        await asyncio.sleep(POLL_SECONDS)
    return progress


async def write_reports_into_intake(url: str, events: Sequence[Any]) -> None:
    """Intake received these reports (phase 2 then applies their registrations normally)."""
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.begin() as db:
            # The tenant reaches intake as directory's event once the services run; these rows
            # come before that, so the tenant's row is written here too (the event updates it).
            await db.execute(
                pg_insert(tenant_table).values(id=TENANT, name=TENANT).on_conflict_do_nothing(index_elements=["id"])
            )
            for start in range(0, len(events), 1000):
                chunk = events[start : start + 1000]
                await db.execute(
                    insert(report_table),
                    [
                        {
                            "id": e.data.report_id,
                            "registration_number": f"WBS-BNCH-{i + start:09d}",
                            "secret_hash": "bench",
                            "tenant_id": TENANT,
                            "category": e.data.category,
                            "channel": e.data.channel,
                            "submitted_at": e.data.submitted_at,
                        }
                        for i, e in enumerate(chunk)
                    ],
                )
                await db.execute(
                    insert(status_table),
                    [{"report_id": e.data.report_id, "status": "diterima", "at": e.data.submitted_at} for e in chunk],
                )
    finally:
        await engine.dispose()


def process_cpu(stack: Stack, service: str) -> float | None:
    process = stack.processes.get(service)
    if process is None:
        return None
    try:
        times = psutil.Process(process.pid).cpu_times()
    except psutil.Error:
        return None
    return float(times.user + times.system)


def share(service: str, submitted: Ends, registered: Ends, count: int) -> tuple[Ends, int]:
    """What ``service`` consumes of the two backlogs (the topic registry says), and how many events."""
    backlogs = [
        ends
        for spec, ends in ((REPORT_SUBMITTED, submitted), (CASE_REGISTERED, registered))
        if service in spec.consumers
    ]
    return {tp: end for ends in backlogs for tp, end in ends.items()}, count * len(backlogs)


def cpu_seconds(stack: Stack) -> dict[str, float]:
    used = {}
    for name, process in stack.processes.items():
        try:
            times = psutil.Process(process.pid).cpu_times()
            used[name] = round(times.user + times.system, 1)
        except psutil.Error:
            continue
    return used


def reports(keys: KeyRing, count: int) -> list[Any]:
    substance = ReportSubstanceV1(
        what="Pengukuran kecepatan mengejar ketertinggalan", where="Lingkungan uji", when="2026", who="-", how="-"
    )
    at = datetime.now(UTC) - timedelta(minutes=5)
    nobody = ReporterContactV2(contact=None)  # intake always sends a contact document, padded alike
    cases = [uuid.uuid4() for _ in range(count)]
    return [
        report_submitted(
            tenant=TENANT,
            case_id=case,
            at=at,
            substance=keys.seal(TENANT, Audience.CASE_SUBSTANCE, substance, case=case),
            contact=keys.seal(TENANT, Audience.REPORTER_CONTACT, nobody, case=case),
        )
        for case in cases
    ]


async def measure(stack: Stack, count: int, unknown: int) -> dict[str, Any]:
    prefix, bootstrap = stack.config.topic_prefix, stack.bootstrap_servers
    keys = KeyRing.from_directory(stack.key_dir("intake"))
    first, second = reports(keys, count), reports(keys, count)
    await write_reports_into_intake(stack.database_urls["intake"], first + second)
    submitted_topic, registered_topic = prefix + REPORT_SUBMITTED.topic, prefix + CASE_REGISTERED.topic
    committed = Committed(bootstrap, prefix)
    try:
        put = time.perf_counter()
        submitted = await put_on_topic(bootstrap, submitted_topic, first)
        log.info("%d report-submitted events on the topic in %.1f s", count, time.perf_counter() - put)

        # 1. triage alone
        started = time.perf_counter()
        stack.start_service("triage")
        triage = (await wait_caught_up(committed, stack, {"triage": (submitted, count)}, started))["triage"]
        registered = await ends_by_reading(bootstrap, registered_topic, count)
        cpu = {"after phase 1": cpu_seconds(stack)}

        # 2. each other consumer alone, in turn
        alone: dict[str, Progress] = {}
        for service in CASE_CONSUMERS:
            watched = share(service, submitted, registered, count)
            started = time.perf_counter()
            stack.start_service(service)
            alone[service] = (await wait_caught_up(committed, stack, {service: watched}, started))[service]
        cpu["after phase 2"] = cpu_seconds(stack)

        # 3. everyone running: a second backlog through the whole pipeline at once
        started = time.perf_counter()
        submitted_again = await put_on_topic(bootstrap, submitted_topic, second)
        busy_triage = (await wait_caught_up(committed, stack, {"triage": (submitted_again, count)}, started))["triage"]
        registered_again = await ends_by_reading(bootstrap, registered_topic, 2 * count)
        watched_again = {s: share(s, submitted_again, registered_again, count) for s in CASE_CONSUMERS}
        await wait_caught_up(committed, stack, watched_again, started)
        pipeline_seconds = time.perf_counter() - started
        cpu["after phase 3"] = cpu_seconds(stack)

        # 4. registrations of reports intake never received: dead-lettered, each kept
        strangers = [case_registered(tenant=TENANT) for _ in range(unknown)]
        started = time.perf_counter()
        after = await put_on_topic(bootstrap, registered_topic, strangers)
        dead = (await wait_caught_up(committed, stack, {"intake": (after, unknown)}, started))["intake"]
    finally:
        await committed.stop()
    return {
        "events": count,
        "phase_1_triage_alone": triage.result(),
        "phase_2_each_consumer_alone": {s: p.result() for s, p in alone.items()},
        "phase_3_whole_pipeline_at_once": {
            "reports": count,
            "seconds_until_every_group_caught_up": round(pipeline_seconds, 2),
            "reports_per_second_through_all_five": round(count / pipeline_seconds, 1),
            "triage_while_the_others_consume": busy_triage.result(),
        },
        "phase_4_intake_dead_letters_unknown_reports": dead.result(),
        "cpu_seconds_per_process": cpu,
    }


def timed_rates(progresses: Iterable[dict[str, Any]]) -> list[float]:
    """The rates a verdict can use: a consumer that applied everything between two looks was too
    quick to time at this size (the larger run times it), and is left out."""
    return [float(p["events_per_second"]) for p in progresses if p["events_per_second"] is not None]


def markdown(result: dict[str, Any]) -> str:
    one = result["phase_1_triage_alone"]
    two = result["phase_2_each_consumer_alone"]
    three = result["phase_3_whole_pipeline_at_once"]
    four = result["phase_4_intake_dead_letters_unknown_reports"]
    settings = ", ".join(f"{k}={v}" for k, v in result["settings"].items()) or "defaults"

    def row(label: str, p: dict[str, Any]) -> str:
        cpu = f"{p['cpu_ms_per_event']} ms" if "cpu_ms_per_event" in p else "-"
        rate = p["events_per_second"] or f"all between two looks {POLL_SECONDS:g} s apart: too quick to time"
        return (
            f"| {label} | {p['events']} | {rate} | {cpu} | "
            f"{p['events_per_second_including_start']} | {p['seconds_to_first_commit']} s |"
        )

    slowest = min(timed_rates([one, *two.values()]), default=0.0)
    verdict_triage = "met" if min(timed_rates([one]), default=0.0) >= TRIAGE_TARGET else "MISSED"
    verdict_floor = "met" if slowest >= FLOOR_TARGET else "MISSED"
    return "\n".join(
        [
            f"Measured {result['measured_at']} on {result['machine']} (load average before/after: "
            f"{result['load_average'][0]}/{result['load_average'][1]}); settings: {settings}.",
            "",
            "| consumer (alone) | events | events/s applied | CPU per event applied | events/s incl. process start "
            "| start to first commit |",
            "| --- | --- | --- | --- | --- | --- |",
            row("triage", one),
            *[row(s, p) for s, p in two.items()],
            row("intake, dead-lettering registrations of unknown reports", four),
            "",
            f"Whole pipeline, every service running: {three['reports']} more reports through all five in "
            f"{three['seconds_until_every_group_caught_up']} s "
            f"({three['reports_per_second_through_all_five']} reports/s; triage meanwhile "
            f"{three['triage_while_the_others_consume']['events_per_second']} events/s).",
            f"Target triage >= {TRIAGE_TARGET:.0f}/s: {verdict_triage}. "
            f"No consumer below {FLOOR_TARGET:.0f}/s: {verdict_floor}.",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench catchup", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=3000, help="report-submitted events on the topic (N)")
    parser.add_argument("--unknown", type=int, default=1000, help="registrations of unknown reports (M)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an environment variable for the services, e.g. WBS_CONSUMER_MAX_RECORDS=1000",
    )
    parser.add_argument("--no-write", action="store_true", help="print only; do not update bench/results")
    parser.add_argument("--keep", type=Path, help="keep data and service logs in this directory")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [bench] %(message)s")
    extra_env = dict(item.split("=", 1) for item in arguments.set)

    load_before = os.getloadavg()[0]
    with (
        contextlib.nullcontext(str(arguments.keep))
        if arguments.keep
        else tempfile.TemporaryDirectory(prefix="wbs-catchup-") as var
    ):
        config = stack_config(Path(var), **extra_env)
        config.topic_prefix = f"catchup{uuid.uuid4().hex[:4]}."
        stack = Stack(config)
        try:
            stack.start_infrastructure()
            stack.prepare()
            stack.migrate_all()
            result = asyncio.run(measure(stack, arguments.events, arguments.unknown))
        finally:
            stack.stop()
    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": extra_env,
        # Other work on the machine skews every figure: the 1-minute load before and after.
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        **result,
    }
    table = markdown(result)
    print(json.dumps(result, indent=2))
    print(table)
    if not arguments.no_write:
        RESULTS.mkdir(exist_ok=True)
        name = "catchup.json" if not extra_env and arguments.events == 3000 else f"catchup-{arguments.events}.json"
        (RESULTS / name).write_text(json.dumps(result, indent=2) + "\n")
        update_section(
            f"Catch-up of {arguments.events} events (`python -m bench catchup --events {arguments.events}`)", table
        )
    rates = [result["phase_1_triage_alone"], *result["phase_2_each_consumer_alone"].values()]
    met = (
        min(timed_rates(rates[:1]), default=0.0) >= TRIAGE_TARGET
        and min(timed_rates(rates), default=0.0) >= FLOOR_TARGET
    )
    return 0 if met else 1
