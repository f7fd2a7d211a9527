"""Reporting counts what became of the audits, from investigation's events over the real broker, in
any order and once each: final reports by result with the estimated loss, recommendations by kind
(issued, overdue, carried out on time or late, and those open today), hand-overs by target; shown
in the yearly recap next to the telaah decisions, to the body's officers only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest

from tests.support.infrastructure import Infrastructure
from tests.support.officers import assertion_headers
from tests.support.publish import publish
from tests.support.services import migrated_database, running, settings_for, topic
from tests.support.waiting import eventually
from wbs_contracts.envelope import Envelope, EventData
from wbs_contracts.events.directory import EscalationTarget
from wbs_contracts.events.investigation import (
    AuditReportIssuedV1,
    AuditResult,
    CaseHandedOverV1,
    RecommendationCompletedV1,
    RecommendationIssuedV1,
    RecommendationKind,
    RecommendationOverdueV1,
)
from wbs_contracts.registry import (
    AUDIT_REPORT_ISSUED,
    CASE_HANDED_OVER,
    RECOMMENDATION_COMPLETED,
    RECOMMENDATION_ISSUED,
    RECOMMENDATION_OVERDUE,
    EventSpec,
)
from wbs_contracts.roles import Role
from wbs_reporting.adapters.db import metadata
from wbs_reporting.entrypoint import PROGRAM, ReportingSettings, build
from wbs_runtime.auth.keys import issue_assertion_keys

MARCH = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
#: 31 May 20:00 UTC is already June in Jakarta (UTC+7): it counts in June.
JUNE_LOCALLY = datetime(2026, 5, 31, 20, 0, tzinfo=UTC)
AUGUST = datetime(2026, 8, 3, 3, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def key_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("keys")
    issue_assertion_keys(root, ["directory", "reporting"])
    return root


@pytest.fixture(scope="module")
async def reporting(infra: Infrastructure, key_root: Path) -> AsyncIterator[httpx.AsyncClient]:
    url = await migrated_database(infra, "reporting", PROGRAM.migrations, metadata, label="_investigation")
    async with running(build(settings_for(ReportingSettings, infra, url, key_dir=key_root / "reporting"))) as client:
        yield client


def envelope(spec: EventSpec[Any], data: EventData, tenant: str, case_id: UUID, at: datetime) -> Envelope[Any]:
    return spec.envelope(data, tenant=tenant, subject=str(case_id), time=at, correlation_id=str(uuid4()))


async def send(infra: Infrastructure, spec: EventSpec[Any], event: Envelope[Any]) -> None:
    await publish(infra.bootstrap_servers, topic(infra, spec.topic), event)


async def test_reports_recommendations_and_hand_overs_are_counted_per_month_once_each(
    infra: Infrastructure, reporting: httpx.AsyncClient, key_root: Path
) -> None:
    tenant = f"inspektorat-{uuid4().hex[:6]}"
    first, second, third = uuid4(), uuid4(), uuid4()
    report = envelope(
        AUDIT_REPORT_ISSUED,
        AuditReportIssuedV1(
            case_id=first,
            issued_at=MARCH,
            report_number="LHA-1",
            result=AuditResult.TPK,
            estimated_loss_idr=1_500_000_000,
        ),
        tenant,
        first,
        MARCH,
    )
    cleared = envelope(
        AUDIT_REPORT_ISSUED,
        AuditReportIssuedV1(
            case_id=second,
            issued_at=JUNE_LOCALLY,
            report_number="LHA-2",
            result=AuditResult.TIDAK_ADA_PENYIMPANGAN,
            estimated_loss_idr=0,
        ),
        tenant,
        second,
        JUNE_LOCALLY,
    )
    sanction, late, restored = uuid4(), uuid4(), uuid4()

    def issued(recommendation: UUID, case: UUID, kind: RecommendationKind, due: date | None) -> Envelope[Any]:
        data = RecommendationIssuedV1(
            case_id=case,
            recommendation_id=recommendation,
            kind=kind,
            addressed_to="Sekretaris Daerah",
            issued_at=MARCH,
            due=due,
            policy_version=3,
        )
        return envelope(RECOMMENDATION_ISSUED, data, tenant, case, MARCH)

    kind = RecommendationKind.HUKUMAN_DISIPLIN
    overdue = envelope(
        RECOMMENDATION_OVERDUE,
        RecommendationOverdueV1(
            case_id=first, recommendation_id=late, kind=kind, due=date(2026, 6, 10), noticed_at=JUNE_LOCALLY
        ),
        tenant,
        first,
        JUNE_LOCALLY,
    )
    completed_on_time = envelope(
        RECOMMENDATION_COMPLETED,
        RecommendationCompletedV1(
            case_id=first, recommendation_id=sanction, kind=kind, completed_at=JUNE_LOCALLY, on_time=True
        ),
        tenant,
        first,
        JUNE_LOCALLY,
    )
    completed_late = envelope(
        RECOMMENDATION_COMPLETED,
        RecommendationCompletedV1(case_id=first, recommendation_id=late, kind=kind, completed_at=AUGUST, on_time=False),
        tenant,
        first,
        AUGUST,
    )
    handed = envelope(
        CASE_HANDED_OVER,
        CaseHandedOverV1(
            case_id=third,
            escalation_id=uuid4(),
            target=EscalationTarget.KPK,
            agency="kpk",
            approved_at=AUGUST,
            policy_version=3,
        ),
        tenant,
        third,
        AUGUST,
    )
    # The completion of the first sanction arrives before its issue: different topics, any order.
    await send(infra, RECOMMENDATION_COMPLETED, completed_on_time)
    for spec, event in (
        (AUDIT_REPORT_ISSUED, report),
        (AUDIT_REPORT_ISSUED, report.model_copy(update={"id": uuid4()})),  # delivered again: counted once
        (AUDIT_REPORT_ISSUED, cleared),
        (RECOMMENDATION_ISSUED, issued(sanction, first, kind, date(2026, 6, 10))),
        (RECOMMENDATION_ISSUED, issued(late, first, kind, date(2026, 6, 10))),
        (RECOMMENDATION_ISSUED, issued(restored, second, RecommendationKind.PEMULIHAN_NAMA_BAIK, None)),
        (RECOMMENDATION_OVERDUE, overdue),
        (CASE_HANDED_OVER, handed),
        (CASE_HANDED_OVER, handed.model_copy(update={"id": uuid4()})),
        (RECOMMENDATION_COMPLETED, completed_late),
    ):
        await send(infra, spec, event)
    reader = assertion_headers(key_root, "reporting", {tenant: {Role.KETUA_TIM}})

    async def counted() -> dict[str, Any] | None:
        answer = await reporting.get(f"/api/v1/tenants/{tenant}/statistics?year=2026", headers=reader)
        body: dict[str, Any] = answer.json()["investigation"]
        recommendations = body["recommendations"]
        complete = (
            sum(body["reports"]["by_result"]["total"].values()) == 2
            and sum(recommendations["issued"]["total"].values()) == 3
            and recommendations["completed_late"]["total"]["hukuman-disiplin"] == 1
            and recommendations["completed_on_time"]["total"]["hukuman-disiplin"] == 1
            and body["hand_overs"]["total"]["kpk"] == 1
        )
        return body if complete else None

    body = await eventually(counted, what="what became of the audits counted")
    reports = body["reports"]
    assert reports["by_result"]["total"] == {"tpk": 1, "pelanggaran-administratif": 0, "tidak-ada-penyimpangan": 1}
    months = {m["month"]: m["counts"] for m in reports["by_result"]["months"]}
    assert (months[3]["tpk"], months[5]["tidak-ada-penyimpangan"], months[6]["tidak-ada-penyimpangan"]) == (1, 0, 1)
    assert reports["estimated_loss_idr"] == 1_500_000_000
    assert reports["estimated_loss_idr_by_month"]["3"] == 1_500_000_000
    recommendations = body["recommendations"]
    assert recommendations["issued"]["months"][2]["counts"]["hukuman-disiplin"] == 2  # March
    assert recommendations["issued"]["months"][2]["bulan"] == "Maret"
    assert recommendations["issued"]["total"]["pemulihan-nama-baik"] == 1
    assert recommendations["overdue"]["months"][5]["counts"]["hukuman-disiplin"] == 1  # June, locally
    assert recommendations["completed_on_time"]["months"][5]["counts"]["hukuman-disiplin"] == 1
    assert recommendations["completed_late"]["months"][7]["counts"]["hukuman-disiplin"] == 1  # August
    # Today: the restoration is still open; both sanctions are done.
    assert recommendations["open_now"]["pemulihan-nama-baik"] == 1
    assert recommendations["open_now"]["hukuman-disiplin"] == 0
    assert recommendations["overdue_now"]["hukuman-disiplin"] == 0
    assert body["hand_overs"]["total"] == {"aph": 0, "kpk": 1}
    assert body["hand_overs"]["months"][7]["counts"]["kpk"] == 1

    # Another body's officer sees nothing of it; another body's recap holds none of it.
    elsewhere = assertion_headers(key_root, "reporting", {"inspektorat-lain": {Role.KETUA_TIM}})
    refused = await reporting.get(f"/api/v1/tenants/{tenant}/statistics?year=2026", headers=elsewhere)
    assert refused.status_code == 403
    other = await reporting.get("/api/v1/tenants/inspektorat-lain/statistics?year=2026", headers=elsewhere)
    assert other.json()["investigation"]["reports"]["by_result"]["total"]["tpk"] == 0


async def test_an_open_recommendation_announced_overdue_stands_out_today(
    infra: Infrastructure, reporting: httpx.AsyncClient, key_root: Path
) -> None:
    tenant = f"inspektorat-{uuid4().hex[:6]}"
    case, recommendation = uuid4(), uuid4()
    kind = RecommendationKind.PENGEMBALIAN_KERUGIAN
    await send(
        infra,
        RECOMMENDATION_OVERDUE,
        envelope(
            RECOMMENDATION_OVERDUE,
            RecommendationOverdueV1(
                case_id=case, recommendation_id=recommendation, kind=kind, due=date(2026, 4, 1), noticed_at=AUGUST
            ),
            tenant,
            case,
            AUGUST,
        ),
    )
    await send(
        infra,
        RECOMMENDATION_ISSUED,
        envelope(
            RECOMMENDATION_ISSUED,
            RecommendationIssuedV1(
                case_id=case,
                recommendation_id=recommendation,
                kind=kind,
                addressed_to="Bupati",
                issued_at=MARCH,
                due=date(2026, 4, 1),
                policy_version=1,
            ),
            tenant,
            case,
            MARCH,
        ),
    )
    reader = assertion_headers(key_root, "reporting", {tenant: {Role.PIMPINAN_SATKER}})

    async def counted() -> dict[str, Any] | None:
        answer = await reporting.get(f"/api/v1/tenants/{tenant}/statistics?year=2026", headers=reader)
        recommendations: dict[str, Any] = answer.json()["investigation"]["recommendations"]
        return recommendations if recommendations["overdue_now"]["pengembalian-kerugian"] == 1 else None

    recommendations = await eventually(counted, what="the open overdue recommendation counted")
    assert recommendations["open_now"]["pengembalian-kerugian"] == 1
    assert recommendations["overdue"]["months"][7]["counts"]["pengembalian-kerugian"] == 1
