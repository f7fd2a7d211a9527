"""The AsyncAPI description (docs/asyncapi.yaml) is generated from the registry and the published
schemas, committed as generated, and names every topic and the per-agency escalation channel."""

from __future__ import annotations

from typing import Any

import yaml

from wbs_contracts.asyncapi import (
    DOCUMENT,
    ESCALATION_ADDRESS,
    ESCALATION_CHANNEL,
    generate,
    is_current,
    published_schema,
)
from wbs_contracts.registry import EVENTS, all_topics, escalations_to


def committed() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    return document


def test_the_committed_description_is_the_generated_one() -> None:
    assert is_current(), "docs/asyncapi.yaml is stale: run `make asyncapi` and commit it"
    assert committed() == generate()


def test_every_registry_topic_is_a_channel() -> None:
    document = committed()
    assert document["asyncapi"] == "3.0.0"
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert {topic.name for topic in all_topics()} <= addresses


def test_the_escalations_of_every_agency_are_one_channel_with_the_agency_as_parameter() -> None:
    channel = committed()["channels"][ESCALATION_CHANNEL]
    assert channel["address"] == ESCALATION_ADDRESS
    assert ESCALATION_ADDRESS.replace("{agency}", "kejati-bengkulu") == escalations_to("kejati-bengkulu").topic
    assert set(channel["parameters"]) == {"agency"}
    operations = committed()["operations"]
    receivers = [
        name
        for name, operation in operations.items()
        if operation["channel"]["$ref"] == f"#/channels/{ESCALATION_CHANNEL}" and operation["action"] == "receive"
    ]
    assert receivers == ["agencyReceivesEscalationsToAgencyV1"]


def resolve(document: dict[str, Any], reference: str) -> Any:
    assert reference.startswith("#/"), reference
    node: Any = document
    for part in reference[2:].split("/"):
        node = node[part]
    return node


def references(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in references(value)]
    if isinstance(node, list):
        return [r for item in node for r in references(item)]
    return []


def test_every_reference_resolves_inside_the_document() -> None:
    document = committed()
    for reference in references(document):
        assert resolve(document, reference) is not None


def inlined(document: dict[str, Any], node: Any) -> Any:
    """``node`` with every reference replaced by what it names, annotations aside."""
    if isinstance(node, dict):
        if "$ref" in node:
            return inlined(document, resolve(document, node["$ref"]))
        return {k: inlined(document, v) for k, v in node.items() if k not in {"title", "description"}}
    if isinstance(node, list):
        return [inlined(document, item) for item in node]
    return node


def inlined_schema(schema: dict[str, Any], node: Any) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            return inlined_schema(schema, schema["$defs"][node["$ref"].rsplit("/", 1)[-1]])
        return {k: inlined_schema(schema, v) for k, v in node.items() if k not in {"title", "description", "$defs"}}
    if isinstance(node, list):
        return [inlined_schema(schema, item) for item in node]
    return node


def test_each_message_carries_its_published_schema() -> None:
    document = committed()
    messages = document["components"]["messages"]
    by_address = {c["address"]: c for c in document["channels"].values()}
    for spec in EVENTS:
        [message] = by_address[spec.topic]["messages"].values()
        payload = resolve(document, message["$ref"])["payload"]
        assert inlined(document, payload) == inlined_schema(published_schema(spec.topic), published_schema(spec.topic))
    escalation = messages[ESCALATION_CHANNEL]
    assert escalation["headers"]["properties"]["ce_type"]["const"] == "wbs.investigation.escalation"
    name = "wbs.investigation.escalation.v1"
    assert inlined(document, escalation["payload"]) == inlined_schema(published_schema(name), published_schema(name))
    assert "sealed.escalation-dossier.v1" in document["components"]["schemas"]
