"""What every consumer has already applied, written down while the memory-only broker runs.

The embedded broker forgets everything when it stops, so every start has to publish again what
some consumer had not yet applied. Publishing the whole retained history again is safe (consumers
are idempotent) but slow, and new reports would wait behind it. So, while the broker runs, the
launcher records for each topic and partition the lowest offset committed by the topic's consumer
groups (the registry says which), every few seconds and once more after the services stopped.
Each outbox row remembers the partition and offset the broker acknowledged; at the next start a
row below that mark was applied by every consumer and stays published, and only the rest is
published again. Committed offsets only grow, so a mark a few seconds old is still a safe one:
it can only make the replay larger, never lose an event. Without a mark (the first start, or a
mark that could not be written) everything retained is published again, as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition

from wbs_contracts.registry import EVENTS
from wbs_runtime.messaging.kafka import TopicNames

log = logging.getLogger(__name__)

#: topic (registry name, no prefix) -> partition -> lowest offset committed by its consumer groups
Consumed = dict[str, dict[int, int]]


async def read_consumed(bootstrap_servers: str, prefix: str = "") -> Consumed:
    """Committed offsets per topic partition, the lowest over the topic's consumer groups.

    A consumer that never subscribes does not join its group, so asking disturbs nobody.
    A group that has committed nothing on a partition counts as 0 (nothing applied there).
    """
    names = TopicNames(prefix)
    groups = sorted({service for spec in EVENTS for service in spec.consumers})
    consumers = {
        group: AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers, group_id=names.group(group), enable_auto_commit=False
        )
        for group in groups
    }
    try:
        for consumer in consumers.values():
            await consumer.start()
        consumed: Consumed = {}
        for spec in EVENTS:
            topic = names(spec.topic)
            partitions = consumers[spec.consumers[0]].partitions_for_topic(topic) or set()
            marks: dict[int, int] = {}
            for partition in sorted(partitions):
                offsets = [await consumers[g].committed(TopicPartition(topic, partition)) for g in spec.consumers]
                marks[partition] = min(offset or 0 for offset in offsets)
            consumed[spec.topic] = marks
        return consumed
    finally:
        for consumer in consumers.values():
            with contextlib.suppress(Exception):
                await consumer.stop()


def write(path: Path, consumed: Consumed) -> None:
    """Atomically: a reader sees the previous mark or this one, never half of one."""
    document = {"taken_at": datetime.now(UTC).isoformat(), "consumed": consumed}
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(document, indent=1, sort_keys=True))
    os.replace(temporary, path)


def take(path: Path, bootstrap_servers: str, prefix: str = "") -> bool:
    try:
        write(path, asyncio.run(read_consumed(bootstrap_servers, prefix)))
        return True
    except Exception as error:  # a missed mark only makes the next replay larger
        log.warning("could not record what the consumers applied: %s", error)
        return False


class CheckpointWriter:
    """Takes a mark every ``interval`` seconds in a background thread, until stopped."""

    def __init__(self, path: Path, bootstrap_servers: str, prefix: str = "", interval: float = 5.0) -> None:
        self.path = path
        self._bootstrap_servers = bootstrap_servers
        self._prefix = prefix
        self._interval = interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="consumed-checkpoint", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stopping.wait(self._interval):
            take(self.path, self._bootstrap_servers, self._prefix)

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)
