"""How an envelope travels on Kafka: the CloudEvents Kafka protocol binding, binary content mode.

The payload (``data``) is the record value as JSON; every other attribute is a ``ce_<name>``
header; the key is the subject (the case id). Decoding is strict: anything that is not a complete,
registered, schema-valid event raises :class:`MalformedEvent`, which consumers dead-letter at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from wbs_contracts.envelope import Envelope
from wbs_contracts.registry import event_spec_for_type

HEADER_PREFIX = "ce_"
CONTENT_TYPE = "content-type"
_ATTRIBUTES = (
    "specversion",
    "id",
    "type",
    "source",
    "subject",
    "time",
    "dataschema",
    "tenant",
    "schemaversion",
    "correlationid",
    "causationid",
)
_REQUIRED = ("specversion", "id", "type", "source", "subject", "time", "tenant", "schemaversion")


class MalformedEvent(ValueError):
    """The record is not a valid WBS event. Retrying cannot help."""


@dataclass(frozen=True)
class KafkaRecord:
    key: bytes
    value: bytes
    headers: tuple[tuple[str, bytes], ...]


def encode(envelope: Envelope[Any]) -> KafkaRecord:
    attributes = envelope.model_dump(mode="json", exclude={"data", "datacontenttype"})
    headers = [
        (HEADER_PREFIX + name, str(attributes[name]).encode())
        for name in _ATTRIBUTES
        if attributes.get(name) is not None
    ]
    headers.append((CONTENT_TYPE, envelope.datacontenttype.encode()))
    return KafkaRecord(
        key=envelope.subject.encode(),
        value=envelope.data.model_dump_json().encode(),
        headers=tuple(headers),
    )


def decode(headers: Iterable[tuple[str, bytes]], value: bytes | None) -> Envelope[Any]:
    attributes: dict[str, Any] = {}
    for name, raw in headers:
        if name.startswith(HEADER_PREFIX):
            try:
                attributes[name[len(HEADER_PREFIX) :]] = raw.decode()
            except UnicodeDecodeError as error:
                raise MalformedEvent(f"header {name} is not UTF-8") from error
    missing = [name for name in _REQUIRED if name not in attributes]
    if missing:
        raise MalformedEvent(f"missing CloudEvents headers: {', '.join(HEADER_PREFIX + m for m in missing)}")
    try:
        version = int(attributes["schemaversion"])
    except ValueError as error:
        raise MalformedEvent("ce_schemaversion is not an integer") from error
    spec = event_spec_for_type(attributes["type"], version)
    if spec is None:
        raise MalformedEvent(f"unregistered event type {attributes['type']} v{version}")
    if value is None:
        raise MalformedEvent("record has no value")
    try:
        data = spec.model.model_validate_json(value)
        return spec.envelope_type.model_validate({**attributes, "data": data})
    except ValidationError as error:
        raise MalformedEvent(f"{spec.topic} does not match its schema: {_summarise(error)}") from error


def _summarise(error: ValidationError) -> str:
    problems = [f"{'.'.join(str(p) for p in e['loc']) or '<root>'}: {e['msg']}" for e in error.errors()[:5]]
    return "; ".join(problems)
