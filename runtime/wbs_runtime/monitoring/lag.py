"""Consumer lag per group, topic and partition, read from the broker over the Kafka protocol.

Only requests every Kafka-protocol broker answers (the embedded broker refuses the admin client's
``list_consumer_group_offsets``): one consumer per group that never subscribes, so it never joins
the group and disturbs nobody, asks for the group's committed offsets; one consumer without a group
asks for each partition's first and next offsets and reads the first record a group has not
applied, for its timestamp only. Which groups read which topics comes from the topic registry.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition

from wbs_contracts.registry import EVENTS, SERVICES
from wbs_runtime.messaging.kafka import TopicNames

#: A record can be larger than this (sealed substance, up to 256 KiB): the broker still returns it,
#: and a lagging partition never makes the probe read megabytes it does not need.
READ_BYTES = 64 * 1024


@dataclass(frozen=True)
class Subscription:
    """A service's consumer group reading a topic (names as on the broker, prefix included)."""

    group: str
    topic: str
    service: str


def subscriptions(prefix: str = "") -> tuple[Subscription, ...]:
    """Every group and topic the registry says a service consumes. Agencies' own consumers read
    their escalation topics with groups of their own choosing, which the registry does not name."""
    names = TopicNames(prefix)
    return tuple(
        Subscription(names.group(consumer), names(spec.topic), consumer)
        for spec in EVENTS
        for consumer in spec.consumers
        if consumer in SERVICES
    )


@dataclass(frozen=True)
class PartitionLag:
    group: str
    service: str
    topic: str
    partition: int
    #: The group's committed offset: the next record it will apply. None: it has committed nothing.
    committed: int | None
    #: The partition's first retained offset, and the offset of the next record to be written.
    start_offset: int
    end_offset: int
    #: Age of the oldest record the group has not applied (0 when it is caught up); None when the
    #: group lags but that record could not be read in time.
    lag_seconds: float | None

    @property
    def current_offset(self) -> int:
        """Where the group reads next: its committed offset, or without one the log's start
        (every group reads from the earliest offset)."""
        return self.committed if self.committed is not None else self.start_offset

    @property
    def lag(self) -> int:
        """Records written and not yet applied by the group (what retention removed is not counted)."""
        return max(0, self.end_offset - max(self.current_offset, self.start_offset))


class LagProbe:
    """Measures every subscription's lag; keeps its Kafka clients between measurements."""

    def __init__(
        self,
        bootstrap_servers: str,
        wanted: Sequence[Subscription],
        *,
        client_id: str = "wbs-queue-health",
        read_timeout: float = 2.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._wanted = tuple(wanted)
        self._client_id = client_id
        self._read_timeout = read_timeout
        self._clock = clock
        self._reader: AIOKafkaConsumer | None = None
        self._groups: dict[str, AIOKafkaConsumer] = {}

    async def measure(self) -> list[PartitionLag]:
        """Every subscription's partitions, in the registry's order. Raises when the broker cannot
        be asked; the clients are then made anew at the next measurement."""
        try:
            return await self._measure()
        except BaseException:
            await self.close()
            raise

    async def _measure(self) -> list[PartitionLag]:
        reader = await self._started_reader()
        known = await reader.topics()  # also refreshes the metadata: topics made since
        partitions: dict[str, list[TopicPartition]] = {}
        for topic in dict.fromkeys(s.topic for s in self._wanted):
            if topic in known:
                partitions[topic] = [TopicPartition(topic, p) for p in sorted(reader.partitions_for_topic(topic) or ())]
        every = [tp for tps in partitions.values() for tp in tps]
        if not every:
            return []
        ends: dict[TopicPartition, int] = await reader.end_offsets(every)
        starts: dict[TopicPartition, int] = await reader.beginning_offsets(every)
        # Each group's client is made before the questions go out together: made inside them, the
        # first measurement made one per subscription and kept one per group, leaving the rest open.
        # Distinct groups start together (a first measurement must finish within the monitor's
        # timeout), and all of them finish before a failure is raised: a start still running then
        # would keep its client after measure() closed the others.
        names = list(dict.fromkeys(s.group for s in self._wanted))
        started = await asyncio.gather(*(self._group(group) for group in names), return_exceptions=True)
        groups: dict[str, AIOKafkaConsumer] = {}
        for group, outcome in zip(names, started, strict=True):
            if isinstance(outcome, BaseException):
                raise outcome
            groups[group] = outcome
        committed = await asyncio.gather(
            *(self._committed(groups[s.group], partitions.get(s.topic, [])) for s in self._wanted)
        )
        now = self._clock()
        rows: list[tuple[Subscription, TopicPartition, int | None]] = [
            (subscription, tp, offsets[tp])
            for subscription, offsets in zip(self._wanted, committed, strict=True)
            for tp in partitions.get(subscription.topic, [])
        ]
        # The first record each lagging group has not applied: only its timestamp is read.
        oldest: dict[TopicPartition, set[int]] = {}
        for _, tp, offset in rows:
            position = max(offset if offset is not None else starts[tp], starts[tp])
            if position < ends[tp]:
                oldest.setdefault(tp, set()).add(position)
        stamps = await self._timestamps(reader, oldest)
        measured = []
        for subscription, tp, offset in rows:
            position = max(offset if offset is not None else starts[tp], starts[tp])
            seconds: float | None = 0.0
            if position < ends[tp]:
                stamp = stamps.get((tp, position))
                seconds = None if stamp is None else max(0.0, now - stamp / 1000)
            measured.append(
                PartitionLag(
                    group=subscription.group,
                    service=subscription.service,
                    topic=tp.topic,
                    partition=tp.partition,
                    committed=offset,
                    start_offset=starts[tp],
                    end_offset=ends[tp],
                    lag_seconds=seconds,
                )
            )
        return measured

    async def _group(self, group: str) -> AIOKafkaConsumer:
        """The client that asks for ``group``'s committed offsets (it never joins the group)."""
        consumer = self._groups.get(group)
        if consumer is None:
            consumer = AIOKafkaConsumer(
                bootstrap_servers=self._bootstrap_servers,
                group_id=group,
                enable_auto_commit=False,
                client_id=self._client_id,
            )
            await _started(consumer)
            self._groups[group] = consumer
        return consumer

    @staticmethod
    async def _committed(
        consumer: AIOKafkaConsumer, partitions: Sequence[TopicPartition]
    ) -> dict[TopicPartition, int | None]:
        return {tp: await consumer.committed(tp) for tp in partitions}

    async def _started_reader(self) -> AIOKafkaConsumer:
        if self._reader is None:
            reader = AIOKafkaConsumer(
                bootstrap_servers=self._bootstrap_servers,
                group_id=None,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                client_id=self._client_id,
                max_partition_fetch_bytes=READ_BYTES,
            )
            await _started(reader)
            self._reader = reader
        return self._reader

    async def _timestamps(
        self, reader: AIOKafkaConsumer, positions: dict[TopicPartition, set[int]]
    ) -> dict[tuple[TopicPartition, int], int]:
        """The timestamp (ms) of the first record at or after each position. Groups reading one
        partition at different offsets are read in rounds, one offset per partition each."""
        pending = {tp: sorted(offsets) for tp, offsets in positions.items()}
        found: dict[tuple[TopicPartition, int], int] = {}
        try:
            for round_number in range(max((len(offsets) for offsets in pending.values()), default=0)):
                wanted = {tp: offsets[round_number] for tp, offsets in pending.items() if len(offsets) > round_number}
                for tp, stamp in (await self._first_records(reader, wanted)).items():
                    found[(tp, wanted[tp])] = stamp
        finally:
            with contextlib.suppress(Exception):
                reader.unsubscribe()
        return found

    async def _first_records(
        self, reader: AIOKafkaConsumer, wanted: dict[TopicPartition, int]
    ) -> dict[TopicPartition, int]:
        reader.assign(list(wanted))
        for tp, offset in wanted.items():
            reader.seek(tp, offset)
        found: dict[TopicPartition, int] = {}
        deadline = time.monotonic() + self._read_timeout
        while len(found) < len(wanted) and (left := deadline - time.monotonic()) > 0:
            missing = [tp for tp in wanted if tp not in found]
            batches = await reader.getmany(*missing, timeout_ms=max(1, int(min(left, 0.5) * 1000)))
            for tp, records in batches.items():
                if tp not in found and records and records[0].timestamp is not None and records[0].timestamp >= 0:
                    found[tp] = int(records[0].timestamp)
        return found

    async def close(self) -> None:
        consumers = [c for c in (self._reader, *self._groups.values()) if c is not None]
        self._reader, self._groups = None, {}
        for consumer in consumers:
            with contextlib.suppress(Exception):
                await consumer.stop()


async def _started(consumer: AIOKafkaConsumer) -> AIOKafkaConsumer:
    """Started, or stopped again when it could not start (the broker not up yet, at a service's
    start): a consumer left half-started holds its connections until collected, and says so."""
    try:
        await consumer.start()
    except BaseException:
        with contextlib.suppress(Exception):
            await consumer.stop()
        raise
    return consumer
