"""Events notify's rules handle, built as their producers build them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

from tests.support.events import OPAQUE
from wbs_contracts.envelope import Envelope
from wbs_contracts.events.approvals import ApprovalRequestedV1
from wbs_contracts.events.directory import Decision, EscalationTarget
from wbs_contracts.events.intake import ReporterMessageKind, ReporterMessageSentV1
from wbs_contracts.events.investigation import (
    CaseHandedOverV1,
    RecommendationCompletedV1,
    RecommendationIssuedV1,
    RecommendationKind,
    RecommendationOverdueV1,
)
from wbs_contracts.events.triage import (
    CaseDisposedV1,
    OfficerMessageKind,
    OfficerMessageSentV1,
    TeamMember,
    TeamRole,
)
from wbs_contracts.registry import (
    CASE_DISPOSED,
    CASE_HANDED_OVER,
    OFFICER_MESSAGE_SENT,
    RECOMMENDATION_COMPLETED,
    RECOMMENDATION_ISSUED,
    RECOMMENDATION_OVERDUE,
    REPORTER_MESSAGE_SENT,
    TELAAH_APPROVAL_REQUESTED,
)
from wbs_contracts.roles import Role

TENANT = "bps-1700"


def _envelope(spec: Any, data: Any, tenant: str, subject: UUID, at: datetime | None = None) -> Envelope[Any]:
    envelope: Envelope[Any] = spec.envelope(
        data, tenant=tenant, subject=str(subject), time=at or datetime.now(UTC), correlation_id=str(uuid4())
    )
    return envelope


def case_disposed(
    case_id: UUID,
    due: date,
    *members: str,
    tenant: str = TENANT,
    at: datetime | None = None,
    by: str = "pimpinan",
) -> Envelope[Any]:
    at = at or datetime.now(UTC)
    team = tuple(
        TeamMember(officer_id=m, role=TeamRole.KETUA if i == 0 else TeamRole.ANGGOTA) for i, m in enumerate(members)
    )
    data = CaseDisposedV1(
        case_id=case_id,
        disposed_at=at,
        disposed_by=by,
        team=team,
        instruction=OPAQUE,
        follow_up_due=due,
        policy_version=1,
    )
    return _envelope(CASE_DISPOSED, data, tenant, case_id, at)


def reporter_wrote(case_id: UUID, tenant: str = TENANT) -> Envelope[Any]:
    data = ReporterMessageSentV1(
        report_id=case_id,
        message_id=uuid4(),
        kind=ReporterMessageKind.PESAN,
        sent_at=datetime.now(UTC),
        body=OPAQUE,
    )
    return _envelope(REPORTER_MESSAGE_SENT, data, tenant, case_id)


def officer_replied(case_id: UUID, tenant: str = TENANT) -> Envelope[Any]:
    data = OfficerMessageSentV1(
        case_id=case_id, message_id=uuid4(), kind=OfficerMessageKind.JAWABAN, sent_at=datetime.now(UTC), body=OPAQUE
    )
    return _envelope(OFFICER_MESSAGE_SENT, data, tenant, case_id)


def recommendation_issued(case_id: UUID, recommendation: UUID, due: date | None, tenant: str = TENANT) -> Envelope[Any]:
    data = RecommendationIssuedV1(
        case_id=case_id,
        recommendation_id=recommendation,
        kind=RecommendationKind.HUKUMAN_DISIPLIN,
        addressed_to="Sekretaris Daerah",
        issued_at=datetime.now(UTC),
        due=due,
        policy_version=1,
    )
    return _envelope(RECOMMENDATION_ISSUED, data, tenant, case_id)


def recommendation_overdue(case_id: UUID, recommendation: UUID, due: date, tenant: str = TENANT) -> Envelope[Any]:
    data = RecommendationOverdueV1(
        case_id=case_id,
        recommendation_id=recommendation,
        kind=RecommendationKind.HUKUMAN_DISIPLIN,
        due=due,
        noticed_at=datetime.now(UTC),
    )
    return _envelope(RECOMMENDATION_OVERDUE, data, tenant, case_id)


def recommendation_completed(case_id: UUID, recommendation: UUID, tenant: str = TENANT) -> Envelope[Any]:
    data = RecommendationCompletedV1(
        case_id=case_id,
        recommendation_id=recommendation,
        kind=RecommendationKind.HUKUMAN_DISIPLIN,
        completed_at=datetime.now(UTC),
        on_time=True,
    )
    return _envelope(RECOMMENDATION_COMPLETED, data, tenant, case_id)


def handed_over(case_id: UUID, agency: str, tenant: str = TENANT) -> Envelope[Any]:
    data = CaseHandedOverV1(
        case_id=case_id,
        escalation_id=uuid4(),
        target=EscalationTarget.KPK,
        agency=agency,
        approved_at=datetime.now(UTC),
        policy_version=1,
    )
    return _envelope(CASE_HANDED_OVER, data, tenant, case_id)


def approval_requested(case_id: UUID, by: str, *roles: Role, tenant: str = TENANT) -> Envelope[Any]:
    data = ApprovalRequestedV1(
        request_id=uuid4(),
        case_id=case_id,
        decision=Decision.TELAAH_NOT_PROCESSED,
        approver_roles=roles,
        requested_by=by,
        requested_at=datetime.now(UTC),
        page=f"/perkara/{tenant}/{case_id}/keputusan",
    )
    return _envelope(TELAAH_APPROVAL_REQUESTED, data, tenant, case_id)
