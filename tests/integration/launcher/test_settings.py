"""The launcher's own settings: the partitions of the topics it makes (``WBS_KAFKA_PARTITIONS``:
fewer cost the embedded broker less per fetch, more let consumers catch up faster) and the back
office's CPU priority (``WBS_BACK_OFFICE_NICE``)."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import pytest
from aiokafka import AIOKafkaConsumer

from tests.support.infrastructure import Infrastructure, free_port
from wbs_contracts.registry import REPORT_SUBMITTED
from wbs_launcher import checkpoint
from wbs_launcher.broker import EmbeddedBroker
from wbs_launcher.stack import BACK_OFFICE_NICE, Stack, StackConfig, StackFailed
from wbs_runtime.messaging.kafka import TopicNames, ensure_topics
from wbs_runtime.messaging.restart import load_consumed


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


def test_the_back_office_priority_is_the_default_or_a_valid_choice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WBS_BACK_OFFICE_NICE", raising=False)
    assert Stack(StackConfig(var_dir=tmp_path)).back_office_nice == BACK_OFFICE_NICE
    assert Stack(StackConfig(var_dir=tmp_path, extra_env={"WBS_BACK_OFFICE_NICE": "0"})).back_office_nice == 0
    monkeypatch.setenv("WBS_BACK_OFFICE_NICE", "5")
    assert Stack(StackConfig(var_dir=tmp_path)).back_office_nice == 5
    for wrong in ("20", "lima", "-1"):
        monkeypatch.setenv("WBS_BACK_OFFICE_NICE", wrong)
        refused = Stack(StackConfig(var_dir=tmp_path))
        try:
            with pytest.raises(StackFailed, match="WBS_BACK_OFFICE_NICE"):
                refused.start()  # refused before anything starts
        finally:
            refused.stop()  # had it started anything, nothing outlives the test
        assert not (tmp_path / "postgres").exists()


def test_a_start_replays_from_a_copy_of_the_record_and_resets_it_before_anything_publishes(tmp_path: Path) -> None:
    """The record describes the broker that stopped: the services replay from a copy, and the record
    says "nothing applied" before any service publishes to the new broker, so a crash during the
    start can never take a new broker's offsets for the old one's."""
    stack = Stack(StackConfig(var_dir=tmp_path))
    assert stack.replay_arguments() == []  # a real Kafka cluster keeps its log: nothing to replay

    stack.broker = EmbeddedBroker(free_port(), tmp_path / "broker.log")  # embedded (not started)
    assert stack.replay_arguments() == ["--replay-outbox"]  # no record: everything retained again
    assert load_consumed(stack.consumed_file) == {}

    checkpoint.write(stack.consumed_file, {REPORT_SUBMITTED.topic: {0: 7, 1: 3}})
    arguments = stack.replay_arguments()
    assert arguments == ["--replay-outbox", "--consumed", str(stack.replayed_record)]
    assert load_consumed(stack.replayed_record) == {REPORT_SUBMITTED.topic: {0: 7, 1: 3}}
    assert load_consumed(stack.consumed_file) == {}
