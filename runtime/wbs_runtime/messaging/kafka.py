"""Kafka clients as WBS uses them: topic names with the environment prefix, a producer that waits
for every in-sync replica, and topic creation from the registry."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.structs import RecordMetadata

from wbs_contracts.registry import TopicSpec, all_topics

log = logging.getLogger(__name__)

Headers = Sequence[tuple[str, bytes]]


class TopicNames:
    """Applies the environment's topic prefix (``WBS_KAFKA_TOPIC_PREFIX``) to registry names."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix

    def __call__(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def group(self, service: str) -> str:
        return f"{self.prefix}wbs-{service}"


class RecordSender(Protocol):
    async def send(
        self, topic: str, key: bytes | None, value: bytes, headers: Headers
    ) -> asyncio.Future[RecordMetadata]: ...

    def knows(self, topic: str) -> bool:
        """True when sending to ``topic`` will not wait for its metadata."""
        ...


class Producer:
    """An aiokafka producer with ``acks=all``. One in-flight batch per partition keeps a key's order
    through retries; idempotence (real Kafka only) also removes the duplicates retries can cause."""

    def __init__(self, bootstrap_servers: str, *, idempotent: bool = False, client_id: str = "wbs") -> None:
        self._options: dict[str, Any] = {
            "bootstrap_servers": bootstrap_servers,
            "client_id": client_id,
            "acks": "all",
            "enable_idempotence": idempotent,
            "linger_ms": 2,
            # Per partition: a relay catching up sends thousands of events at once.
            "max_batch_size": 256 * 1024,
            "request_timeout_ms": 15_000,
            "retry_backoff_ms": 200,
        }
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        # aiokafka binds a client to the running loop, so it is made here rather than in __init__.
        producer = AIOKafkaProducer(**self._options)
        await producer.start()
        self._producer = producer

    async def stop(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            await producer.stop()

    def _started(self) -> AIOKafkaProducer:
        if self._producer is None:
            raise RuntimeError("the producer is not started")
        return self._producer

    async def send(
        self, topic: str, key: bytes | None, value: bytes, headers: Headers
    ) -> asyncio.Future[RecordMetadata]:
        """Enqueue a record; the returned future resolves once the broker acknowledged it."""
        future: asyncio.Future[RecordMetadata] = await self._started().send(
            topic, value=value, key=key, headers=list(headers)
        )
        return future

    def knows(self, topic: str) -> bool:
        return self._started().client.cluster.partitions_for_topic(topic) is not None

    async def send_and_wait(self, topic: str, key: bytes | None, value: bytes, headers: Headers) -> RecordMetadata:
        return await (await self.send(topic, key, value, headers))


def _new_topic(name: str, spec: TopicSpec, replication_factor: int, partitions: int | None) -> NewTopic:
    configs = {"cleanup.policy": "compact"} if spec.compacted else {}
    return NewTopic(name, partitions or spec.partitions, replication_factor, topic_configs=configs)


async def ensure_topics(
    bootstrap_servers: str,
    topics: Iterable[TopicSpec] | None = None,
    *,
    prefix: str = "",
    replication_factor: int = 1,
    partitions: int | None = None,
) -> list[str]:
    """Create the registry's topics that do not exist yet; returns the names created.
    ``partitions``: instead of each topic's own (``ServiceSettings.kafka_partitions``)."""
    names = TopicNames(prefix)
    wanted = list(all_topics() if topics is None else topics)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="wbs-topics")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in wanted if names(t.name) not in existing]
        if missing:
            try:
                new = [_new_topic(names(t.name), t, replication_factor, partitions) for t in missing]
                await admin.create_topics(new)
            except TopicAlreadyExistsError:
                log.info("another process created the topics first")
        return [names(t.name) for t in missing]
    finally:
        await admin.close()
