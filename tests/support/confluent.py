"""Reading topics as a client that is not the services' own does: confluent-kafka (librdkafka), as
an agency's systems or an auditor of the broker would."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition


def outside_consumer(bootstrap_servers: str, group: str) -> Consumer:
    """A consumer of its own group (a new one each time), committing nothing."""
    return Consumer(
        {
            "bootstrap.servers": bootstrap_servers,
            "group.id": f"{group}-{uuid.uuid4()}",
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
        }
    )


def records_from_start(consumer: Consumer, topic: str, *, missing_ok: bool = True) -> Iterator[Any]:
    """Every record on ``topic`` up to its end now, each partition from the beginning (none if the
    topic does not exist and ``missing_ok``)."""
    metadata = consumer.list_topics(topic, timeout=10).topics.get(topic)
    if metadata is None or metadata.error is not None:
        assert missing_ok, f"{topic}: {metadata.error if metadata else 'no such topic'}"
        return
    for partition in metadata.partitions:
        low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
        if high <= low:
            continue
        consumer.assign([TopicPartition(topic, partition, OFFSET_BEGINNING)])
        seen = 0
        while seen < high - low:
            message = consumer.poll(5)
            assert message is not None, f"{topic}[{partition}]: {seen} of {high - low} records read"
            error = message.error()
            if error is not None:
                assert error.code() == KafkaError._PARTITION_EOF, error
                continue
            seen += 1
            yield message
