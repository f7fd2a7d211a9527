"""Everything that crosses a service boundary in WBS, and nothing else.

Services share only this package: the event envelope (CloudEvents 1.0 attributes plus the WBS
extensions), one pydantic model per event type and version, the topic registry, and the mapping of
an envelope onto a Kafka record. No service imports another service.
"""

from wbs_contracts.envelope import Envelope, EventData
from wbs_contracts.registry import (
    EVENTS,
    SERVICES,
    EventSpec,
    TopicSpec,
    all_topics,
    dead_letter_topic,
    event_spec_for_topic,
)
from wbs_contracts.sealed import SealedPayload

__all__ = [
    "EVENTS",
    "SERVICES",
    "Envelope",
    "EventData",
    "EventSpec",
    "SealedPayload",
    "TopicSpec",
    "all_topics",
    "dead_letter_topic",
    "event_spec_for_topic",
]
