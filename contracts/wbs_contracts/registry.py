"""The topic registry: every topic, its key, its producer and its consumers.

One topic per event type and major version (``wbs.intake.report-submitted.v1``); a breaking change
to an event gets a new version and therefore a new topic. A case's events are keyed by the case id,
so all events of one case land on one partition and stay in order; a tenant's configuration is
keyed by the tenant id on a compacted topic. The key is always the envelope's subject. Each
service also owns a dead-letter topic for the messages it could not apply.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic
from uuid import UUID, uuid4

from wbs_contracts.envelope import TENANT_PATTERN, DataT, Envelope, EventData
from wbs_contracts.events.approvals import ApprovalRequestedV1
from wbs_contracts.events.audit import AuditChainHeadV1
from wbs_contracts.events.directory import OfficerContactV1, OfficerRolesV1, TenantConfiguredV1
from wbs_contracts.events.intake import EvidenceAddedV1, ReporterMessageSentV1, ReportSubmittedV1
from wbs_contracts.events.investigation import (
    AuditReportIssuedV1,
    CaseHandedOverV1,
    EscalationAcknowledgedV1,
    EscalationV1,
    RecommendationCompletedV1,
    RecommendationIssuedV1,
    RecommendationOverdueV1,
)
from wbs_contracts.events.triage import CaseDisposedV1, CaseRegisteredV1, OfficerMessageSentV1, TelaahDecidedV1

#: Appended, never reordered: a service's default HTTP port follows its position.
SERVICES: tuple[str, ...] = ("intake", "triage", "investigation", "notify", "reporting", "directory")
#: Producers outside the system: a receiving agency's own systems (or its page in the system,
#: which writes on its behalf).
AGENCY = "agency"

#: Enough for a province's worth of cases per consumer group; raise for a national rollout.
DEFAULT_PARTITIONS = 6
CASE_KEY = "case id (the envelope subject)"
TENANT_KEY = "tenant id (the envelope subject)"


@dataclass(frozen=True)
class TopicSpec:
    name: str
    key: str
    producer: str
    consumers: tuple[str, ...]
    partitions: int
    purpose: str
    #: Compacted topics keep the latest record per key: a consumer rebuilds current state from them.
    compacted: bool = False


@dataclass(frozen=True)
class EventSpec(Generic[DataT]):
    """One event type at one schema version, and the topic that carries it."""

    event_type: str
    version: int
    model: type[DataT]
    producer: str
    consumers: tuple[str, ...]
    purpose: str
    partitions: int = DEFAULT_PARTITIONS
    key: str = CASE_KEY
    compacted: bool = False
    #: Set when one event type travels on many topics (one per receiving agency).
    topic_name: str | None = None

    @property
    def topic(self) -> str:
        return self.topic_name or f"{self.event_type}.v{self.version}"

    @property
    def source(self) -> str:
        return f"/wbs/{self.producer}"

    @property
    def dataschema(self) -> str:
        return f"urn:wbs:schema:{self.topic}"

    @functools.cached_property
    def envelope_type(self) -> type[Envelope[DataT]]:
        """``Envelope[model]``, made once: pydantic keeps parametrised generics only weakly, so
        writing ``Envelope[model]`` per event looked the class up, and often built it anew (ms)."""
        return Envelope[self.model]  # type: ignore[name-defined]

    def envelope(
        self,
        data: DataT,
        *,
        tenant: str,
        subject: str,
        time: datetime,
        correlation_id: str,
        causation_id: str | None = None,
        event_id: UUID | None = None,
    ) -> Envelope[DataT]:
        """Wrap ``data`` in the envelope this event type travels in."""
        if not isinstance(data, self.model):
            raise TypeError(f"{self.topic} carries {self.model.__name__}, not {type(data).__name__}")
        return self.envelope_type(
            id=event_id or uuid4(),
            type=self.event_type,
            source=self.source,
            subject=subject,
            time=time,
            dataschema=self.dataschema,
            tenant=tenant,
            schemaversion=self.version,
            correlationid=correlation_id,
            causationid=causation_id,
            data=data,
        )

    def caused_by(self, cause: Envelope[Any], data: DataT, *, time: datetime) -> Envelope[DataT]:
        """An event that ``cause`` led to: same tenant, case and correlation; caused by it."""
        return self.envelope(
            data,
            tenant=cause.tenant,
            subject=cause.subject,
            time=time,
            correlation_id=cause.correlationid,
            causation_id=str(cause.id),
        )

    @property
    def topic_spec(self) -> TopicSpec:
        return TopicSpec(
            name=self.topic,
            key=self.key,
            producer=self.producer,
            consumers=self.consumers,
            partitions=self.partitions,
            purpose=self.purpose,
            compacted=self.compacted,
        )


REPORT_SUBMITTED: EventSpec[ReportSubmittedV1] = EventSpec(
    event_type="wbs.intake.report-submitted",
    version=1,
    model=ReportSubmittedV1,
    producer="intake",
    consumers=("triage", "notify", "reporting"),
    purpose="A report was received (diterima); substance and contact are sealed (notify keeps the contact).",
)

CASE_REGISTERED: EventSpec[CaseRegisteredV1] = EventSpec(
    event_type="wbs.triage.case-registered",
    version=1,
    model=CaseRegisteredV1,
    producer="triage",
    consumers=("intake", "investigation", "notify", "reporting"),
    purpose="The case was recorded in the tenant's agenda (terdaftar).",
)

EVIDENCE_ADDED: EventSpec[EvidenceAddedV1] = EventSpec(
    event_type="wbs.intake.evidence-added",
    version=1,
    model=EvidenceAddedV1,
    producer="intake",
    consumers=("triage",),
    purpose="A file of evidence was stored encrypted in the blob store; its key travels sealed to case-substance.",
)

REPORTER_MESSAGE_SENT: EventSpec[ReporterMessageSentV1] = EventSpec(
    event_type="wbs.intake.reporter-message-sent",
    version=1,
    model=ReporterMessageSentV1,
    producer="intake",
    consumers=("triage", "notify"),
    purpose="The reporter wrote in the Kotak Komunikasi (a message, a question with its answer due, more "
    "information); sealed to case-substance.",
)

OFFICER_MESSAGE_SENT: EventSpec[OfficerMessageSentV1] = EventSpec(
    event_type="wbs.triage.officer-message-sent",
    version=1,
    model=OfficerMessageSentV1,
    producer="triage",
    consumers=("intake", "notify"),
    purpose="An officer answered the reporter or asked for more information; sealed to reporter-mailbox.",
)

CASE_DISPOSED: EventSpec[CaseDisposedV1] = EventSpec(
    event_type="wbs.triage.case-disposed",
    version=1,
    model=CaseDisposedV1,
    producer="triage",
    consumers=("intake", "notify", "reporting"),
    purpose="The pimpinan satker disposed the case to a team for telaah (ditelaah); the instruction is sealed.",
)

TELAAH_DECIDED: EventSpec[TelaahDecidedV1] = EventSpec(
    event_type="wbs.triage.telaah-decided",
    version=1,
    model=TelaahDecidedV1,
    producer="triage",
    consumers=("intake", "investigation", "notify", "reporting"),
    purpose="The telaah ended, approved as policy asks: not processed (reason for the reporter sealed to "
    "reporter-mailbox), forwarded (to a body in the system, where it became a new case, or outside), "
    "merged, or audit investigasi (conclusion sealed to case-substance).",
)

OFFICER_ROLES: EventSpec[OfficerRolesV1] = EventSpec(
    event_type="wbs.directory.officer-roles",
    version=1,
    model=OfficerRolesV1,
    producer="directory",
    consumers=("triage", "investigation", "notify"),
    purpose="One officer's roles in one tenant (names only), so services can offer whom to assign work to.",
    key="tenant id/officer id (the envelope subject)",
    compacted=True,
)

TENANT_CONFIGURED: EventSpec[TenantConfiguredV1] = EventSpec(
    event_type="wbs.directory.tenant-configured",
    version=1,
    model=TenantConfiguredV1,
    producer="directory",
    consumers=("intake", "triage", "investigation", "notify", "reporting"),
    purpose="A tenant's whole current configuration: hierarchy, categories, calendar, limits, approvals, escalation.",
    key=TENANT_KEY,
    compacted=True,
)


OFFICER_CONTACT: EventSpec[OfficerContactV1] = EventSpec(
    event_type="wbs.directory.officer-contact",
    version=1,
    model=OfficerContactV1,
    producer="directory",
    consumers=("notify",),
    purpose="How notify reaches one officer by e-mail (notify alone reads it; the roster carries names only).",
    key="officer id (the envelope subject)",
    compacted=True,
)


def _approval_requested(producer: str, what: str) -> EventSpec[ApprovalRequestedV1]:
    return EventSpec(
        event_type=f"wbs.{producer}.approval-requested",
        version=1,
        model=ApprovalRequestedV1,
        producer=producer,
        consumers=("notify",),
        purpose=f"{what} waits for the approval the tenant's policy asks for (which decision and where, "
        "never what it is about).",
    )


TELAAH_APPROVAL_REQUESTED = _approval_requested("triage", "A telaah's proposed decision")
ESCALATION_APPROVAL_REQUESTED = _approval_requested("investigation", "A proposed hand-over to APH or the KPK")
PUBLICATION_APPROVAL_REQUESTED = _approval_requested("reporting", "A proposed publication of statistics")


AUDIT_REPORT_ISSUED: EventSpec[AuditReportIssuedV1] = EventSpec(
    event_type="wbs.investigation.audit-report-issued",
    version=1,
    model=AuditReportIssuedV1,
    producer="investigation",
    consumers=("intake", "reporting"),
    purpose="The final audit report was issued (the case is selesai): result and estimated loss.",
)

RECOMMENDATION_ISSUED: EventSpec[RecommendationIssuedV1] = EventSpec(
    event_type="wbs.investigation.recommendation-issued",
    version=1,
    model=RecommendationIssuedV1,
    producer="investigation",
    consumers=("notify", "reporting"),
    purpose="A recommendation was issued to an office, with its follow-up deadline from the tenant's policy.",
)

RECOMMENDATION_OVERDUE: EventSpec[RecommendationOverdueV1] = EventSpec(
    event_type="wbs.investigation.recommendation-overdue",
    version=1,
    model=RecommendationOverdueV1,
    producer="investigation",
    consumers=("notify", "reporting"),
    purpose="A recommendation passed its deadline without being done (once per deadline).",
)

RECOMMENDATION_COMPLETED: EventSpec[RecommendationCompletedV1] = EventSpec(
    event_type="wbs.investigation.recommendation-completed",
    version=1,
    model=RecommendationCompletedV1,
    producer="investigation",
    consumers=("notify", "reporting"),
    purpose="A recommendation was carried out, its evidence recorded.",
)

CASE_HANDED_OVER: EventSpec[CaseHandedOverV1] = EventSpec(
    event_type="wbs.investigation.case-handed-over",
    version=1,
    model=CaseHandedOverV1,
    producer="investigation",
    consumers=("intake", "notify", "reporting"),
    purpose="The case was handed to APH or KPK after the approval the policy asks for (the case is selesai).",
)

ESCALATION_ACKNOWLEDGED: EventSpec[EscalationAcknowledgedV1] = EventSpec(
    event_type="wbs.agency.escalation-acknowledged",
    version=1,
    model=EscalationAcknowledgedV1,
    producer=AGENCY,
    consumers=("investigation",),
    purpose="A receiving agency acknowledged an escalation (from its page or its own Kafka client).",
)


def escalations_to(agency: str) -> EventSpec[EscalationV1]:
    """The escalations addressed to ``agency``, on a topic of its own so that ACLs can confine each
    agency to it: ``wbs.escalations.{agency}.v1``. Agencies are tenants, so these topics are made when
    an agency is configured, not listed in ``all_topics()``."""
    if not re.fullmatch(TENANT_PATTERN, agency):
        raise ValueError(f"not a tenant id: {agency!r}")
    return EventSpec(
        event_type="wbs.investigation.escalation",
        version=1,
        model=EscalationV1,
        producer="investigation",
        consumers=(AGENCY,),
        purpose=f"Escalations (pelimpahan) addressed to {agency}, with the dossier sealed to its key.",
        topic_name=f"wbs.escalations.{agency}.v1",
    )


def audit_chain_head(producer: str) -> EventSpec[AuditChainHeadV1]:
    """``producer``'s audit chain heads, kept by directory and reporting (never by the producer alone)."""
    return EventSpec(
        event_type=f"wbs.{producer}.audit-chain-head",
        version=1,
        model=AuditChainHeadV1,
        producer=producer,
        consumers=tuple(s for s in ("directory", "reporting") if s != producer),
        purpose=f"The head of each of {producer}'s audit chains, so a cut-off tail is detected.",
        partitions=1,
        key="service/tenant id (the envelope subject)",
        compacted=True,
    )


AUDIT_CHAIN_HEADS: dict[str, EventSpec[AuditChainHeadV1]] = {s: audit_chain_head(s) for s in SERVICES}

EVENTS: tuple[EventSpec[Any], ...] = (
    REPORT_SUBMITTED,
    CASE_REGISTERED,
    EVIDENCE_ADDED,
    REPORTER_MESSAGE_SENT,
    OFFICER_MESSAGE_SENT,
    CASE_DISPOSED,
    TELAAH_DECIDED,
    AUDIT_REPORT_ISSUED,
    RECOMMENDATION_ISSUED,
    RECOMMENDATION_OVERDUE,
    RECOMMENDATION_COMPLETED,
    CASE_HANDED_OVER,
    OFFICER_CONTACT,
    TELAAH_APPROVAL_REQUESTED,
    ESCALATION_APPROVAL_REQUESTED,
    PUBLICATION_APPROVAL_REQUESTED,
    ESCALATION_ACKNOWLEDGED,
    TENANT_CONFIGURED,
    OFFICER_ROLES,
    *AUDIT_CHAIN_HEADS.values(),
)


def dead_letter_topic(service: str) -> TopicSpec:
    """The topic where ``service`` parks what it could not apply, with the error in headers."""
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}")
    return TopicSpec(
        name=f"wbs.{service}.dead-letter.v1",
        key="the original message's key",
        producer=service,
        consumers=(),
        partitions=1,
        purpose=f"Messages {service} could not parse or apply, with the error in wbs-dlq-* headers.",
    )


def all_topics() -> tuple[TopicSpec, ...]:
    return tuple(e.topic_spec for e in EVENTS) + tuple(dead_letter_topic(s) for s in SERVICES)


def event_spec_for_topic(topic: str) -> EventSpec[Any]:
    for spec in EVENTS:
        if spec.topic == topic:
            return spec
    raise KeyError(f"no event is registered on topic {topic!r}")


def event_spec_for_type(event_type: str, version: int) -> EventSpec[Any] | None:
    for spec in EVENTS:
        if spec.event_type == event_type and spec.version == version:
            return spec
    return None


def consumed_by(service: str) -> tuple[EventSpec[Any], ...]:
    return tuple(e for e in EVENTS if service in e.consumers)


def produced_by(service: str) -> tuple[EventSpec[Any], ...]:
    return tuple(e for e in EVENTS if e.producer == service)


__all__ = [
    "AGENCY",
    "AUDIT_CHAIN_HEADS",
    "AUDIT_REPORT_ISSUED",
    "CASE_DISPOSED",
    "CASE_HANDED_OVER",
    "CASE_REGISTERED",
    "ESCALATION_ACKNOWLEDGED",
    "EVENTS",
    "EVIDENCE_ADDED",
    "OFFICER_MESSAGE_SENT",
    "OFFICER_ROLES",
    "RECOMMENDATION_COMPLETED",
    "RECOMMENDATION_ISSUED",
    "RECOMMENDATION_OVERDUE",
    "REPORTER_MESSAGE_SENT",
    "REPORT_SUBMITTED",
    "SERVICES",
    "TELAAH_DECIDED",
    "TENANT_CONFIGURED",
    "EventData",
    "EventSpec",
    "TopicSpec",
    "all_topics",
    "consumed_by",
    "dead_letter_topic",
    "escalations_to",
    "event_spec_for_topic",
    "event_spec_for_type",
    "produced_by",
]
