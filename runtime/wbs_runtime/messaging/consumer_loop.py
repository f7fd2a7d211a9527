"""Reading a service's topics from Kafka in batches, committing offsets only after they were applied.

This uses aiokafka's ``getmany`` directly rather than a FastStream subscriber: the runtime needs
exactly what a batch returned (to apply it in one transaction), explicit offsets committed after
that transaction, a rebalance that waits for the batch in hand, header bytes that are never
decoded before the consumer decides what to do with them, and no re-reading of a batch on error
(the consumer already retries and dead-letters). FastStream's batch subscriber wraps those same
aiokafka calls, and its ack policies and header decoding would have to be worked around.

One Kafka consumer per process for all of a service's topics: one group membership, so a restart
costs one rebalance, not one per topic. Order holds per partition, as always.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.consumer.group_coordinator import GroupCoordinator
from aiokafka.errors import ConsumerStoppedError, KafkaError, NoError, for_code
from aiokafka.protocol.group import JoinGroupRequest, LeaveGroupRequest
from aiokafka.structs import OffsetAndMetadata

from wbs_runtime.messaging.consumer import ReceivedRecord
from wbs_runtime.metrics import ServiceMetrics

log = logging.getLogger(__name__)

ApplyBatch = Callable[[Sequence[ReceivedRecord]], Awaitable[object]]
#: How long a fetch may return nothing before the loop checks whether it should stop.
POLL_MS = 500
KAFKA_RETRY_SECONDS = 1.0


class ConsumerLoop:
    def __init__(
        self,
        *,
        bootstrap_servers: str,
        group_id: str,
        topics: Sequence[str],
        apply: ApplyBatch,
        metrics: ServiceMetrics,
        client_id: str,
        max_records: int = 500,
        fetch_max_wait_ms: int = 500,
        max_partition_fetch_bytes: int = 4 * 1024 * 1024,
        stopping: asyncio.Event | None = None,
    ) -> None:
        self._options: dict[str, Any] = {
            "bootstrap_servers": bootstrap_servers,
            "group_id": group_id,
            "client_id": client_id,
            "enable_auto_commit": False,
            "auto_offset_reset": "earliest",  # a new group must not skip what was published before it
            "fetch_max_wait_ms": fetch_max_wait_ms,
            "max_partition_fetch_bytes": max_partition_fetch_bytes,
        }
        self._topics = list(topics)
        self._apply = apply
        self._metrics = metrics
        self._max_records = max_records
        self._stopping = stopping or asyncio.Event()
        #: Held while a batch is applied and committed; a rebalance waits for it.
        self._batch = asyncio.Lock()
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        # aiokafka binds a client to the running loop, so it is made here rather than in __init__.
        consumer = AIOKafkaConsumer(**self._options)
        consumer.subscribe(self._topics, listener=_FinishBatchFirst(self._batch))
        await consumer.start()
        _leave_whatever_generation(consumer)
        self._consumer = consumer
        self._task = asyncio.create_task(self._run(consumer), name=f"{self._options['group_id']}-consumer")
        self._task.add_done_callback(self._ended)

    async def stop(self, grace_seconds: float = 15.0) -> None:
        """Let the batch in hand finish (or, in an outage, give up uncommitted), then leave the group."""
        task, consumer = self._task, self._consumer
        self._task = self._consumer = None
        if task is not None:
            try:
                async with asyncio.timeout(grace_seconds), self._batch:
                    task.cancel()  # between batches: nothing in hand
            except TimeoutError:
                log.warning("a batch did not finish within %.0f s; its offsets stay uncommitted", grace_seconds)
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if consumer is not None:
            await consumer.stop()

    def _ended(self, task: asyncio.Task[None]) -> None:
        """A loop that ends on its own strands every event: say so (readiness reports it too)."""
        if not task.cancelled() and task.exception() is not None and not self._stopping.is_set():
            log.error("the consumer stopped: %r", task.exception())

    async def _run(self, consumer: AIOKafkaConsumer) -> None:
        while not self._stopping.is_set():
            try:
                fetched = await consumer.getmany(timeout_ms=POLL_MS, max_records=self._max_records)
            except ConsumerStoppedError:
                return
            except KafkaError as error:
                log.warning("fetching failed: %s; trying again", error)
                await asyncio.sleep(KAFKA_RETRY_SECONDS)
                continue
            if not fetched:
                continue
            async with self._batch:
                if not await self._apply_batch(consumer, fetched):
                    return

    async def _apply_batch(self, consumer: AIOKafkaConsumer, fetched: dict[TopicPartition, list[Any]]) -> bool:
        """Apply and commit one fetch; False when the loop must end (stopping mid-outage)."""
        # Partitions interleaved by record time, as they arrived, each partition in its own order
        # (merge never reorders within one input): a fetch groups records by partition, and e.g.
        # agenda numbers should follow arrival, not partition numbers.
        arrived = heapq.merge(*fetched.values(), key=lambda record: record.timestamp)
        records = [
            ReceivedRecord(
                topic=record.topic,
                partition=record.partition,
                offset=record.offset,
                key=record.key,
                value=record.value,
                headers=tuple(record.headers),
            )
            for record in arrived
        ]
        self._metrics.consumer_batch_events.labels(self._metrics.service).observe(len(records))
        started = time.perf_counter()
        try:
            await self._apply(records)
        except Exception:
            if self._stopping.is_set():
                return False  # offsets stay uncommitted: redelivered after the restart
            # A defect of the runtime, not of one event (the consumer contains those): read the
            # batch again after a pause rather than skip it.
            log.exception("applying a batch of %d failed; reading it again", len(records))
            for partition, batch in fetched.items():
                consumer.seek(partition, batch[0].offset)
            await asyncio.sleep(KAFKA_RETRY_SECONDS)
            return True
        applied = time.perf_counter()
        offsets = {partition: OffsetAndMetadata(batch[-1].offset + 1, "") for partition, batch in fetched.items()}
        try:
            await consumer.commit(offsets)
        except Exception as error:  # e.g. a rebalance took the partitions: redelivery is harmless
            log.warning("committing offsets failed (%s); the batch may be delivered again", error)
        log.debug(
            "applied %d record(s) in %.3f s, offsets committed in %.3f s",
            len(records),
            applied - started,
            time.perf_counter() - applied,
        )
        return True


def _leave_whatever_generation(consumer: AIOKafkaConsumer) -> None:
    """Make the consumer leave its group on stop whatever generation the broker numbered it.

    aiokafka (0.14) sends LeaveGroup only for a generation above 0; Kafka's own client leaves any
    generation it joined, and brokers may number the first one 0 (the embedded tansu does). A member
    that did not leave stays in the group until its session times out: the next process to join
    (a restart) is then assigned, loses its partitions to a second rebalance seconds later, and
    waits out that join too. The coordinator is aiokafka's, so this replaces its leave step, which
    ``close`` calls after the heartbeats stopped, on this instance only."""
    coordinator: GroupCoordinator | None = getattr(consumer, "_coordinator", None)
    if coordinator is None:
        return
    leave_above_zero = coordinator._maybe_leave_group

    async def leave() -> None:
        joined = coordinator.member_id != JoinGroupRequest.UNKNOWN_MEMBER_ID
        if coordinator.generation != 0 or not joined or coordinator._group_instance_id is not None:
            await leave_above_zero()
            return
        try:
            answer = await coordinator._send_req(LeaveGroupRequest(coordinator.group_id, coordinator.member_id))
        except KafkaError as error:  # best effort, as aiokafka's: the session times out instead
            log.warning("leaving the consumer group failed: %s", error)
        else:
            refused = for_code(answer.error_code)
            if refused is NoError:
                log.info("left consumer group %s", coordinator.group_id)
            else:
                log.warning("leaving the consumer group was refused: %s", refused.__name__)
        coordinator.reset_generation()

    coordinator._maybe_leave_group = leave


class _FinishBatchFirst(ConsumerRebalanceListener):  # type: ignore[misc]
    """Partitions are given up only after the batch in hand was applied and committed."""

    def __init__(self, batch: asyncio.Lock) -> None:
        self._batch = batch

    async def on_partitions_revoked(self, revoked: Any) -> None:
        async with self._batch:
            pass

    async def on_partitions_assigned(self, assigned: Any) -> None:
        return None
