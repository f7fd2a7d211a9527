"""Topics on the embedded broker get one partition each; on a Kafka cluster, the registry's count.

Every partition is work in every fetch of every consumer: measured on 2 cores, the embedded broker
spent about half the CPU of a report with the registry's six per topic."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import pytest
from aiokafka import AIOKafkaConsumer

from tests.support.infrastructure import Infrastructure
from wbs_contracts.registry import EVENTS, REPORT_SUBMITTED
from wbs_launcher import broker as embedded_broker
from wbs_launcher.broker import EmbeddedBroker
from wbs_launcher.stack import Stack, StackConfig
from wbs_runtime.messaging.kafka import TopicNames, ensure_topics


async def partitions_of(bootstrap: str, topics: list[str]) -> dict[str, int]:
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await reader.start()
    try:
        await reader.topics()
        return {topic: len(reader.partitions_for_topic(topic) or ()) for topic in topics}
    finally:
        await reader.stop()


async def test_topics_are_made_with_the_partitions_asked_for_or_the_registrys(infra: Infrastructure) -> None:
    one, registry = (
        TopicNames(f"{infra.namespace}.p1{uuid4().hex[:4]}."),
        TopicNames(f"{infra.namespace}.p6{uuid4().hex[:4]}."),
    )
    await ensure_topics(infra.bootstrap_servers, [REPORT_SUBMITTED.topic_spec], prefix=one.prefix, partitions=1)
    await ensure_topics(infra.bootstrap_servers, [REPORT_SUBMITTED.topic_spec], prefix=registry.prefix)
    made = await partitions_of(infra.bootstrap_servers, [one(REPORT_SUBMITTED.topic), registry(REPORT_SUBMITTED.topic)])
    assert made == {one(REPORT_SUBMITTED.topic): 1, registry(REPORT_SUBMITTED.topic): REPORT_SUBMITTED.partitions}
    assert REPORT_SUBMITTED.partitions > 1  # otherwise this test shows nothing


def test_the_launcher_asks_one_partition_of_its_own_broker_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WBS_KAFKA_PARTITIONS", raising=False)
    cluster = Stack(StackConfig(var_dir=tmp_path, bootstrap_servers="kafka.example:9092"))
    assert cluster.partitions is None  # the registry's: a cluster's replicas share them

    embedded = Stack(StackConfig(var_dir=tmp_path))
    embedded.broker = EmbeddedBroker(0, tmp_path / "broker.log")  # not started: only its presence counts
    assert embedded.partitions == embedded_broker.PARTITIONS == 1
    embedded.database_urls = dict.fromkeys(embedded.config.service_ports, "postgresql://x/y")
    assert embedded.env_for("triage")["WBS_KAFKA_PARTITIONS"] == "1"  # the services' own topics too

    monkeypatch.setenv("WBS_KAFKA_PARTITIONS", "3")
    assert embedded.partitions == cluster.partitions == 3
    assert {spec.partitions for spec in EVENTS} - {1}  # the registry has topics with several
