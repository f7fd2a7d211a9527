"""The topic registry is consistent, and names what the services actually do."""

from __future__ import annotations

import re

import pytest

from wbs_contracts.registry import (
    AGENCY,
    AUDIT_CHAIN_HEADS,
    ESCALATION_ACKNOWLEDGED,
    EVENTS,
    REPORT_SUBMITTED,
    SERVICES,
    TENANT_CONFIGURED,
    all_topics,
    consumed_by,
    dead_letter_topic,
    escalations_to,
    produced_by,
)
from wbs_contracts.sealed import Audience

TOPIC_NAME = re.compile(r"^wbs\.[a-z]+\.[a-z-]+\.v[0-9]+$")


def test_topic_names_use_dots_and_hyphens_and_carry_their_version() -> None:
    for topic in all_topics():
        assert TOPIC_NAME.match(topic.name), topic.name
        assert "_" not in topic.name


def test_every_event_is_keyed_by_its_subject_and_has_known_parties() -> None:
    for event in EVENTS:
        assert event.topic == f"{event.event_type}.v{event.version}"
        assert event.producer in (*SERVICES, AGENCY)
        assert set(event.consumers) <= set(SERVICES)
        assert event.consumers
        assert event.producer not in event.consumers
        assert "(the envelope subject)" in event.topic_spec.key
        assert event.event_type.startswith(f"wbs.{event.producer}.")


def test_state_is_carried_on_compacted_topics_and_cases_are_not() -> None:
    """A compacted topic keeps only the latest record per key: right for a tenant's whole
    configuration, fatal for a case's events, which are a history."""
    compacted = {e.topic for e in EVENTS if e.compacted}
    assert TENANT_CONFIGURED.topic in compacted
    assert {spec.topic for spec in AUDIT_CHAIN_HEADS.values()} <= compacted
    assert REPORT_SUBMITTED.topic not in compacted
    assert all("case id" in e.key for e in EVENTS if not e.compacted)


def test_every_service_keeps_its_local_copy_of_the_tenants_and_others_keep_its_audit_heads() -> None:
    assert set(TENANT_CONFIGURED.consumers) == set(SERVICES) - {"directory"}
    for service, spec in AUDIT_CHAIN_HEADS.items():
        assert spec.producer == service
        assert spec.consumers
        assert service not in spec.consumers


def test_every_service_has_a_dead_letter_topic_and_takes_part() -> None:
    names = {t.name for t in all_topics()}
    for service in SERVICES:
        assert dead_letter_topic(service).name in names
        assert consumed_by(service) or produced_by(service), f"{service} is not on the bus"
    assert len(names) == len(all_topics())


def test_the_flow_of_a_case_between_intake_and_triage() -> None:
    def cases(topics: list[str]) -> set[str]:
        return {t for t in topics if "audit-chain-head" not in t}

    assert cases([e.topic for e in produced_by("intake")]) == {
        "wbs.intake.report-submitted.v1",
        "wbs.intake.evidence-added.v1",
        "wbs.intake.reporter-message-sent.v1",
    }
    assert cases([e.topic for e in produced_by("triage")]) == {
        "wbs.triage.case-registered.v1",
        "wbs.triage.officer-message-sent.v1",
        "wbs.triage.case-disposed.v1",
        "wbs.triage.telaah-decided.v1",
        "wbs.triage.approval-requested.v1",
    }
    # The reporter's timeline follows the telaah: intake hears of the disposition and the decision.
    assert {"wbs.triage.case-disposed.v1", "wbs.triage.telaah-decided.v1"} <= {e.topic for e in consumed_by("intake")}
    # The Kotak Komunikasi goes both ways: what one side writes reaches the other.
    assert "wbs.intake.reporter-message-sent.v1" in {e.topic for e in consumed_by("triage")}
    assert "wbs.triage.officer-message-sent.v1" in {e.topic for e in consumed_by("intake")}
    base = {"wbs.intake.report-submitted.v1", "wbs.triage.case-registered.v1", "wbs.directory.tenant-configured.v1"}
    # Notify tells people what needs them: every step that hands someone work, and every deadline.
    told = {
        "wbs.triage.case-disposed.v1",
        "wbs.intake.reporter-message-sent.v1",
        "wbs.triage.officer-message-sent.v1",
        "wbs.triage.approval-requested.v1",
        "wbs.investigation.approval-requested.v1",
        "wbs.reporting.approval-requested.v1",
        "wbs.investigation.recommendation-issued.v1",
        "wbs.investigation.recommendation-overdue.v1",
        "wbs.investigation.case-handed-over.v1",
        "wbs.directory.officer-contact.v1",
    }
    assert base | told <= set(cases([e.topic for e in consumed_by("notify")]))
    investigation = {
        "wbs.investigation.audit-report-issued.v1",
        "wbs.investigation.recommendation-issued.v1",
        "wbs.investigation.recommendation-overdue.v1",
        "wbs.investigation.recommendation-completed.v1",
        "wbs.investigation.case-handed-over.v1",
    }
    assert (
        cases([e.topic for e in consumed_by("reporting")])
        == base
        | {
            "wbs.triage.case-disposed.v1",  # the time from registration to disposition, against the SOP
            "wbs.triage.telaah-decided.v1",
        }
        | investigation
    )


def test_the_flow_of_a_case_through_investigation() -> None:
    assert {"wbs.triage.telaah-decided.v1", "wbs.agency.escalation-acknowledged.v1"} <= {
        e.topic for e in consumed_by("investigation")
    }
    # The reporter's timeline reaches selesai: a final report, or a hand-over to law enforcement.
    assert {"wbs.investigation.audit-report-issued.v1", "wbs.investigation.case-handed-over.v1"} <= {
        e.topic for e in consumed_by("intake")
    }


def test_what_report_submitted_seals_reaches_a_service_that_may_open_it() -> None:
    """Substance and contact travel sealed on report-submitted: a sealed field that no reader of
    its audience consumes would be collected from reporters for nothing."""
    sealed_fields = {"substance": Audience.CASE_SUBSTANCE, "contact": Audience.REPORTER_CONTACT}
    assert set(sealed_fields) <= set(REPORT_SUBMITTED.model.model_fields)
    for field, audience in sealed_fields.items():
        readers = set(Audience.READERS[audience]) & set(REPORT_SUBMITTED.consumers)
        assert readers, f"{field} is sealed to {audience}, but none of its readers consumes {REPORT_SUBMITTED.topic}"


def test_each_agency_has_its_own_escalation_topic_and_acknowledges_on_one_topic() -> None:
    """Per-agency topics let Kafka ACLs confine an agency to its own escalations (architecture 5)."""
    kpk, kejati = escalations_to("kpk"), escalations_to("kejati-bengkulu")
    assert (kpk.topic, kejati.topic) == ("wbs.escalations.kpk.v1", "wbs.escalations.kejati-bengkulu.v1")
    assert TOPIC_NAME.match(kejati.topic)
    assert kpk.event_type == kejati.event_type == "wbs.investigation.escalation"
    assert kpk.topic not in {t.name for t in all_topics()}
    assert ESCALATION_ACKNOWLEDGED.producer == AGENCY
    assert ESCALATION_ACKNOWLEDGED.consumers == ("investigation",)
    with pytest.raises(ValueError, match="not a tenant id"):
        escalations_to("../kpk")
