"""The end of the audit reaching the reporter, in intake, against real PostgreSQL and a real broker:
``audit-report-issued`` makes the report ``selesai`` with plain words on the reporter's timeline
(never the result, the loss, the report's number or the agency), kept once when delivered again; a
``case-handed-over`` that follows is told as such; one that comes first says the case went to law
enforcement."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.integration.intake.test_telaah import TENANT, Intake, decided
from tests.support.infrastructure import Infrastructure
from tests.support.services import migrated_database, running, settings_for
from tests.support.tenants import demo_configuration, publish_tenant
from tests.support.waiting import eventually
from wbs_contracts.events.directory import EscalationTarget
from wbs_contracts.events.investigation import AuditReportIssuedV1, AuditResult, CaseHandedOverV1
from wbs_contracts.events.triage import TelaahConclusionV1, TelaahOutcome
from wbs_contracts.registry import AUDIT_REPORT_ISSUED, CASE_HANDED_OVER, TELAAH_DECIDED
from wbs_contracts.sealed import Audience
from wbs_intake.adapters.db import metadata
from wbs_intake.entrypoint import PROGRAM, IntakeSettings, build
from wbs_runtime.crypto import KeyRing, ensure_tenant_keys

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def intake(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Intake]:
    keys = tmp_path_factory.mktemp("keys")
    ensure_tenant_keys(keys, TENANT)
    url = await migrated_database(infra, "intake", PROGRAM.migrations, metadata, label="_monitoring")
    runtime = build(settings_for(IntakeSettings, infra, url, keys, insecure_cookies=True))
    async with running(runtime) as client:
        await publish_tenant(infra, demo_configuration(TENANT))

        async def offered() -> bool:
            return any(t["id"] == TENANT for t in (await client.get("/api/v1/tenants")).json())

        await eventually(offered, what=f"{TENANT} offered")
        yield Intake(runtime, client, keys, infra)


def report_issued(case: uuid.UUID, number: str = "LHA-09/ITPROV/2026") -> Any:
    now = datetime.now(UTC) + timedelta(seconds=5)
    data = AuditReportIssuedV1(
        case_id=case, issued_at=now, report_number=number, result=AuditResult.TPK, estimated_loss_idr=1_250_000_000
    )
    return AUDIT_REPORT_ISSUED.envelope(data, tenant=TENANT, subject=str(case), time=now, correlation_id="lha")


def handed_over(case: uuid.UUID) -> Any:
    now = datetime.now(UTC) + timedelta(seconds=10)
    data = CaseHandedOverV1(
        case_id=case,
        escalation_id=uuid.uuid4(),
        target=EscalationTarget.KPK,
        agency="kpk",
        approved_at=now,
        policy_version=2,
    )
    return CASE_HANDED_OVER.envelope(data, tenant=TENANT, subject=str(case), time=now, correlation_id="aph")


async def shown_as(reporter: Any, status: str, *, notices: int = 0) -> dict[str, Any]:
    async def found() -> dict[str, Any] | None:
        body: dict[str, Any] = (await reporter.get("/api/v1/reporter/report")).json()
        return body if body["status"] == status and len(body["notices"]) >= notices else None

    return await eventually(found, what=f"{status} on the reporter's timeline")


async def test_the_final_audit_report_makes_the_report_selesai_in_plain_words(intake: Intake) -> None:
    case, reporter = await intake.reporter()
    conclusion = KeyRing.from_directory(intake.keys).seal(
        TENANT, Audience.CASE_SUBSTANCE, TelaahConclusionV1(conclusion="Berindikasi TPK."), case=case
    )
    await intake.send(decided(TENANT, case, TelaahOutcome.AUDIT_INVESTIGASI, conclusion=conclusion), TELAAH_DECIDED)
    running_audit = await shown_as(reporter, "ditindaklanjuti")
    assert "dalam proses" in running_audit["timeline"][-1]["pesan"]

    issued = report_issued(case)
    await intake.send(issued, AUDIT_REPORT_ISSUED)
    await intake.send(issued, AUDIT_REPORT_ISSUED)  # delivered again
    body = await shown_as(reporter, "selesai")
    finished = body["timeline"][-1]
    assert (finished["status"], finished["status_en"]) == ("selesai", "finished")
    assert "laporan hasil audit telah diterbitkan" in finished["pesan"]
    assert "final audit report has been issued" in finished["message"]
    assert [s["status"] for s in body["timeline"]].count("selesai") == 1
    assert body["notices"] == []
    for never in ("LHA-09", "1.250.000.000", "1250000000", "tpk", "KPK", "kpk"):
        assert never not in str(body)

    await intake.send(handed_over(case), CASE_HANDED_OVER)
    after = await shown_as(reporter, "selesai", notices=1)
    assert [n["kind"] for n in after["notices"]] == ["diserahkan-kepada-penegak-hukum"]
    assert "aparat penegak hukum" in after["notices"][0]["pesan"]
    assert "KPK" not in str(after)
    await reporter.aclose()


async def test_a_hand_over_arriving_first_says_the_case_went_to_law_enforcement(intake: Intake) -> None:
    case, reporter = await intake.reporter()
    await intake.send(handed_over(case), CASE_HANDED_OVER)
    body = await shown_as(reporter, "selesai")
    assert "telah diserahkan kepada aparat penegak hukum" in body["timeline"][-1]["pesan"]
    assert "handed to law enforcement" in body["timeline"][-1]["message"]
    page = await reporter.get("/pantau/laporan")
    assert page.status_code == 200
    assert "Selesai" in page.text
    await reporter.aclose()
