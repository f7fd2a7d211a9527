"""What notify consumes from Kafka."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from wbs_contracts.registry import (
    CASE_DISPOSED,
    CASE_HANDED_OVER,
    CASE_REGISTERED,
    ESCALATION_APPROVAL_REQUESTED,
    OFFICER_MESSAGE_SENT,
    PUBLICATION_APPROVAL_REQUESTED,
    RECOMMENDATION_COMPLETED,
    RECOMMENDATION_ISSUED,
    RECOMMENDATION_OVERDUE,
    REPORT_SUBMITTED,
    REPORTER_MESSAGE_SENT,
    TELAAH_APPROVAL_REQUESTED,
    TELAAH_DECIDED,
)
from wbs_notify.adapters.db import SqlNotifyUnitOfWork
from wbs_notify.usecases import acknowledge_registration, keep_contact
from wbs_notify.usecases.rules import (
    end_follow_up,
    end_recommendation,
    one_after_another,
    plan_recommendation,
    tell_agency,
    tell_approvers,
    tell_new_case,
    tell_recommendation_overdue,
    tell_reporter_of_reply,
    tell_reporter_wrote,
    tell_team_and_plan,
)
from wbs_runtime.clock import Clock
from wbs_runtime.service import ServiceRuntime


def subscribe(runtime: ServiceRuntime[SqlNotifyUnitOfWork], *, clock: Clock, zone: ZoneInfo | None = None) -> None:
    zone = zone or runtime.settings.zone
    runtime.subscribe(REPORT_SUBMITTED, keep_contact(clock))
    # The reporter's acknowledgement, and the officers who take new cases.
    runtime.subscribe(CASE_REGISTERED, one_after_another(acknowledge_registration(clock), tell_new_case(clock)))
    runtime.keep_tenants()  # who is told what, per tenant
    runtime.keep_roster()  # who holds which role in which tenant
    # The steps that hand someone work, and the deadlines (rules in domain/rules.py).
    runtime.subscribe(CASE_DISPOSED, tell_team_and_plan(clock, zone))
    runtime.subscribe(REPORTER_MESSAGE_SENT, tell_reporter_wrote(clock))
    runtime.subscribe(OFFICER_MESSAGE_SENT, tell_reporter_of_reply(clock))
    runtime.subscribe(TELAAH_DECIDED, end_follow_up())
    runtime.subscribe(RECOMMENDATION_ISSUED, plan_recommendation(zone))
    runtime.subscribe(RECOMMENDATION_OVERDUE, tell_recommendation_overdue(clock))
    runtime.subscribe(RECOMMENDATION_COMPLETED, end_recommendation())
    runtime.subscribe(CASE_HANDED_OVER, tell_agency(clock))
    for approval_requested in (
        TELAAH_APPROVAL_REQUESTED,
        ESCALATION_APPROVAL_REQUESTED,
        PUBLICATION_APPROVAL_REQUESTED,
    ):
        runtime.subscribe(approval_requested, tell_approvers(clock))
