"""Topics get the registry's partitions, or the count an operator chose (``WBS_KAFKA_PARTITIONS``):
fewer cost the embedded broker less per fetch, more let consumers catch up faster."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import pytest
from aiokafka import AIOKafkaConsumer

from tests.support.infrastructure import Infrastructure
from wbs_contracts.registry import REPORT_SUBMITTED
from wbs_launcher.stack import Stack, StackConfig, StackFailed
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


def test_the_launcher_passes_the_partitions_chosen_to_its_topics_and_services(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WBS_KAFKA_PARTITIONS", raising=False)
    stack = Stack(StackConfig(var_dir=tmp_path, bootstrap_servers="kafka.example:9092"))
    stack.database_urls = dict.fromkeys(stack.config.service_ports, "postgresql://x/y")
    assert stack.partitions is None  # the registry's
    assert "WBS_KAFKA_PARTITIONS" not in stack.env_for("triage")

    monkeypatch.setenv("WBS_KAFKA_PARTITIONS", "2")
    assert stack.partitions == 2
    assert stack.env_for("investigation")["WBS_KAFKA_PARTITIONS"] == "2"  # its agencies' topics too
    chosen = Stack(StackConfig(var_dir=tmp_path, extra_env={"WBS_KAFKA_PARTITIONS": "3"}))
    monkeypatch.delenv("WBS_KAFKA_PARTITIONS")
    assert chosen.partitions == 3

    for wrong in ("0", "enam", "-2"):
        monkeypatch.setenv("WBS_KAFKA_PARTITIONS", wrong)
        with pytest.raises(StackFailed, match="WBS_KAFKA_PARTITIONS"):
            stack.partitions  # noqa: B018 (a property that checks)
