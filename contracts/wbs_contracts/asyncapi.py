"""The AsyncAPI 3.0 description of everything WBS puts on Kafka, generated from the topic registry
and the published JSON Schemas (``contracts/schemas/``), committed as ``docs/asyncapi.yaml``.

Every registered topic is a channel, with its key, partitions, producer and consumers; the
escalations addressed to receiving agencies are one parameterised channel,
``wbs.escalations.{agency}.v1``, so that an agency's own systems can subscribe with any Kafka client
from this document alone. The schemas are carried inside the document (their ``$defs`` moved to
``components/schemas``), so it stands on its own.

    python -m wbs_contracts.asyncapi          # writes docs/asyncapi.yaml (``make asyncapi``)
    python -m wbs_contracts.asyncapi check    # fails when the committed file is not current
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from wbs_contracts.registry import (
    AGENCY,
    EVENTS,
    SERVICES,
    EventSpec,
    TopicSpec,
    dead_letter_topic,
    escalations_to,
)
from wbs_contracts.schemas import SCHEMA_DIR, schema_path

DOCUMENT = Path(__file__).resolve().parent.parent.parent / "docs" / "asyncapi.yaml"
ASYNCAPI_VERSION = "3.0.0"
KAFKA_BINDING_VERSION = "0.5.0"
#: The per-agency channel's parameter, and the address with it.
AGENCY_PARAMETER = "agency"
ESCALATION_CHANNEL = "escalationsToAgencyV1"
ESCALATION_ADDRESS = "wbs.escalations.{agency}.v1"
#: An agency tenant id, for the address's example.
EXAMPLE_AGENCY = "kpk"

#: The CloudEvents Kafka binding's headers (binary content mode: the payload is the record's value).
CLOUDEVENT_HEADERS: dict[str, tuple[str, bool]] = {
    "ce_specversion": ("CloudEvents version: 1.0.", True),
    "ce_id": ("Event id (a UUID), unique per source: (source, id) identifies an event.", True),
    "ce_type": ("Event type without version, e.g. wbs.investigation.escalation.", True),
    "ce_source": ("The producer, e.g. /wbs/investigation.", True),
    "ce_subject": ("The case id (the tenant id for a tenant's configuration); also the record's key.", True),
    "ce_time": ("When it happened (RFC 3339).", True),
    "ce_dataschema": ("urn:wbs:schema:<topic>.", False),
    "ce_tenant": ("The tenant the event belongs to (the sending body for an escalation).", True),
    "ce_schemaversion": ("The payload's schema version (the topic's major version).", True),
    "ce_correlationid": ("Shared by every event of one flow.", False),
    "ce_causationid": ("The id of the event that caused this one, if any.", False),
    "content-type": ("application/json.", False),
}
DEAD_LETTER_HEADERS = (
    "topic",
    "partition",
    "offset",
    "consumer",
    "reason",
    "error-type",
    "error",
    "attempts",
    "failed-at",
)

DESCRIPTION = """\
Every event of the WBS whistleblowing system travels on Kafka as a CloudEvents 1.0 event in
binary content mode: the payload (the schema below) is the record's value as JSON, every other
attribute is a `ce_*` header, and the record's key is the subject (the case id), so one case's
events stay in order on one partition. One topic per event type and major version; adding an
optional field is the only change made to a published schema (consumers ignore unknown fields).
A deployment may prefix every topic name (`WBS_KAFKA_TOPIC_PREFIX`).

**For receiving agencies (APH, KPK).** Each agency reads its own topic,
`wbs.escalations.{agency}.v1` (its tenant id in the system, e.g. `kpk`, `kejati-bengkulu`), so
Kafka ACLs confine it to that topic. An escalation is published only after the approval the
sending body's policy asks for (the Governor, the Regent), and names the policy version that
applied. The `dossier` field is an X25519 sealed box (libsodium `crypto_box_seal`) to the
agency's own `agency-dossier` key (`kid` names it); no WBS service can open it. Its plaintext is
`WBS\\x02`, a 4-byte big-endian length, a JSON header (`tenant`: the agency, `case`,
`audience`: agency-dossier, `type`: escalation-dossier, `version`: 1), a newline, the document
(schema `sealed.escalation-dossier.v1` below), then zero padding. Check the header against the
agency and the event's case before trusting the document. Neither the event nor the dossier ever
carries the reporter's identity or contact. An agency acknowledges receipt by producing
`wbs.agency.escalation-acknowledged.v1` (its envelope's `ce_tenant` and `agency` are its own
tenant id), or on its page in the system; an acknowledgement for another agency's escalation is
refused.
"""


def camel(words: str) -> str:
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", words) if p]
    return parts[0].lower() + "".join(p[:1].upper() + p[1:] for p in parts[1:]) if parts else words


def channel_id(topic: str) -> str:
    """``wbs.intake.report-submitted.v1`` -> ``intakeReportSubmittedV1``."""
    return camel(topic.removeprefix("wbs."))


def published_schema(name: str, directory: Path = SCHEMA_DIR) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(schema_path(name, directory).read_text())
    return document


class _Schemas:
    """``components/schemas``: each published schema, its ``$defs`` moved beside it (one entry per
    distinct definition) and its references pointed there."""

    def __init__(self) -> None:
        self.components: dict[str, Any] = {}

    def add(self, name: str, schema: dict[str, Any]) -> dict[str, str]:
        renamed: dict[str, str] = {}
        definitions = schema.get("$defs", {})
        for key, definition in definitions.items():
            target = key if self.components.get(key, definition) == definition else f"{name}.{key}"
            renamed[key] = target
        for key, definition in definitions.items():
            self.components[renamed[key]] = _pointed(definition, renamed)
        self.components[name] = _pointed({k: v for k, v in schema.items() if k != "$defs"}, renamed)
        return {"$ref": f"#/components/schemas/{name}"}


def _pointed(node: Any, renamed: dict[str, str]) -> Any:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/$defs/"):
            key = node["$ref"].removeprefix("#/$defs/")
            return {**node, "$ref": f"#/components/schemas/{renamed[key]}"}
        return {k: _pointed(v, renamed) for k, v in node.items()}
    if isinstance(node, list):
        return [_pointed(item, renamed) for item in node]
    return node


def _headers(spec: EventSpec[Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {
        name: {"type": "string", "description": text} for name, (text, _) in CLOUDEVENT_HEADERS.items()
    }
    properties["ce_type"] = {**properties["ce_type"], "const": spec.event_type}
    properties["ce_schemaversion"] = {**properties["ce_schemaversion"], "const": str(spec.version)}
    properties["ce_source"] = {**properties["ce_source"], "const": spec.source}
    required = [name for name, (_, needed) in CLOUDEVENT_HEADERS.items() if needed]
    return {"type": "object", "properties": properties, "required": required}


def _channel_bindings(topic: TopicSpec, address: str | None = None) -> dict[str, Any]:
    binding: dict[str, Any] = {"partitions": topic.partitions, "bindingVersion": KAFKA_BINDING_VERSION}
    if address is not None:
        binding["topic"] = address
    if topic.compacted:
        binding["topicConfiguration"] = {"cleanup.policy": ["compact"]}
    return {"kafka": binding}


def _message(spec: EventSpec[Any], payload: dict[str, str], title: str) -> dict[str, Any]:
    return {
        "name": spec.event_type,
        "title": title,
        "summary": spec.purpose,
        "contentType": "application/json",
        "headers": _headers(spec),
        "payload": payload,
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": f"The {spec.key}."},
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }


def _operations(channel: str, message: str, producer: str, consumers: tuple[str, ...]) -> dict[str, Any]:
    reference = {"$ref": f"#/channels/{channel}"}
    messages = [{"$ref": f"#/channels/{channel}/messages/{message}"}]
    capital = channel[:1].upper() + channel[1:]
    operations: dict[str, Any] = {
        f"{producer}Sends{capital}": {
            "action": "send",
            "channel": reference,
            "messages": messages,
            "summary": f"{producer} publishes (through its transactional outbox).",
        }
    }
    for consumer in consumers:
        group = "the agency's own consumer group" if consumer == AGENCY else f"consumer group wbs-{consumer}"
        operations[f"{camel(consumer)}Receives{capital}"] = {
            "action": "receive",
            "channel": reference,
            "messages": messages,
            "summary": f"{consumer} consumes ({group}).",
        }
    return operations


def generate(directory: Path = SCHEMA_DIR) -> dict[str, Any]:
    """The AsyncAPI document, from the registry and the committed schemas in ``directory``."""
    schemas = _Schemas()
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}

    def add(spec: EventSpec[Any], channel: str, address: str, schema_name: str, **extra: Any) -> None:
        payload = schemas.add(schema_name, published_schema(schema_name, directory))
        messages[channel] = _message(spec, payload, spec.model.__name__)
        channels[channel] = {
            "address": address,
            "title": address,
            "description": f"{spec.purpose} Key: {spec.key}. Producer: {spec.producer}; "
            f"consumers: {', '.join(spec.consumers) or 'none'}.",
            "messages": {channel: {"$ref": f"#/components/messages/{channel}"}},
            **extra,
        }
        operations.update(_operations(channel, channel, spec.producer, spec.consumers))

    for spec in EVENTS:
        add(spec, channel_id(spec.topic), spec.topic, spec.topic, bindings=_channel_bindings(spec.topic_spec))

    example = escalations_to(EXAMPLE_AGENCY)
    add(
        example,
        ESCALATION_CHANNEL,
        ESCALATION_ADDRESS,
        "wbs.investigation.escalation.v1",
        parameters={
            AGENCY_PARAMETER: {
                "description": "The receiving agency's tenant id in WBS (an agency tenant, e.g. kpk, "
                "kejati-bengkulu): one topic per agency, so ACLs can confine each agency to its own.",
                "examples": [EXAMPLE_AGENCY, "kejati-bengkulu", "kejari-lebak"],
            }
        },
        bindings=_channel_bindings(example.topic_spec),
    )
    messages[ESCALATION_CHANNEL]["summary"] = "A case handed to the receiving agency (pelimpahan)."
    channels[ESCALATION_CHANNEL]["description"] = (
        "Escalations (pelimpahan) addressed to one receiving agency, published once the sending body's "
        "policy approver approved them. The dossier is sealed to the agency's own agency-dossier key "
        "(schema sealed.escalation-dossier.v1). Key: case id. Producer: investigation; consumer: the agency."
    )

    for service in SERVICES:
        dead = dead_letter_topic(service)
        channel = channel_id(dead.name)
        messages[channel] = {
            "name": "dead-letter",
            "title": "Dead letter",
            "summary": dead.purpose,
            "headers": {
                "type": "object",
                "properties": {f"wbs-dlq-{name}": {"type": "string"} for name in DEAD_LETTER_HEADERS},
            },
            "payload": {"description": "The original record's value, bytes intact (often not JSON)."},
        }
        channels[channel] = {
            "address": dead.name,
            "title": dead.name,
            "description": f"{dead.purpose} Key: {dead.key}. Producer: {dead.producer}.",
            "messages": {channel: {"$ref": f"#/components/messages/{channel}"}},
            "bindings": _channel_bindings(dead),
        }
        operations[f"{service}Sends{channel[:1].upper()}{channel[1:]}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel}"},
            "messages": [{"$ref": f"#/channels/{channel}/messages/{channel}"}],
            "summary": f"{service} parks what it could not apply.",
        }

    # The documents inside events (sealed) and the envelope, for whoever opens or builds them.
    for path in sorted(directory.glob("*.json")):
        if path.stem.startswith(("sealed.", "envelope.")):
            schemas.add(path.stem, published_schema(path.stem, directory))

    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "WBS — Sistem Pelaporan Pelanggaran: events",
            "version": "1",
            "description": DESCRIPTION,
            "license": {"name": "Open source; see the repository."},
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "127.0.0.1:9092",
                "protocol": "kafka",
                "description": "The embedded broker of `make run`; a deployment names its own brokers.",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas.components},
    }


class _Dumper(yaml.SafeDumper):
    """Texts of several lines as literal blocks, so the description reads as written."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def render(document: dict[str, Any]) -> str:
    header = "# Generated by `make asyncapi` (python -m wbs_contracts.asyncapi) from the topic registry and\n"
    header += "# contracts/schemas. Do not edit by hand.\n"
    return header + yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def write(path: Path = DOCUMENT) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(generate()), encoding="utf-8")


def is_current(path: Path = DOCUMENT) -> bool:
    return path.exists() and path.read_text(encoding="utf-8") == render(generate())


if __name__ == "__main__":
    if sys.argv[1:] == ["check"]:
        current = is_current()
        print("docs/asyncapi.yaml is current" if current else "docs/asyncapi.yaml is stale: run `make asyncapi`")
        sys.exit(0 if current else 1)
    write()
