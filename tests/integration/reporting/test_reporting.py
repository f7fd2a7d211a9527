"""Reporting against real PostgreSQL and a real Kafka-protocol broker, read over its HTTP API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest

from tests.support.events import case_registered, report_submitted
from tests.support.infrastructure import Infrastructure
from tests.support.officers import assertion_headers
from tests.support.publish import publish
from tests.support.services import migrated_database, running, settings_for, topic
from tests.support.waiting import eventually
from wbs_contracts.events.triage import TelaahDecidedV1, TelaahOutcome
from wbs_contracts.registry import CASE_REGISTERED, REPORT_SUBMITTED, TELAAH_DECIDED
from wbs_contracts.roles import Role
from wbs_reporting.adapters.db import metadata
from wbs_reporting.entrypoint import PROGRAM, ReportingSettings, build
from wbs_runtime.auth.keys import issue_assertion_keys


@pytest.fixture(scope="module")
def key_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("keys")
    issue_assertion_keys(root, ["directory", "reporting"])
    return root


@pytest.fixture(scope="module")
async def reporting(infra: Infrastructure, key_root: Path) -> AsyncIterator[httpx.AsyncClient]:
    url = await migrated_database(infra, "reporting", PROGRAM.migrations, metadata)
    async with running(build(settings_for(ReportingSettings, infra, url, key_dir=key_root / "reporting"))) as client:
        yield client


def statistics_reader(key_root: Path, tenant: str) -> dict[str, str]:
    return assertion_headers(key_root, "reporting", {tenant: {Role.PENELAAH}})


async def test_counts_by_month_category_and_channel_whatever_the_event_order(
    infra: Infrastructure, reporting: httpx.AsyncClient, key_root: Path
) -> None:
    tenant = f"satker-{uuid4().hex[:6]}"
    march = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
    # 31 March 20:00 UTC is already April in Bengkulu (UTC+7): it counts in April.
    april_locally = datetime(2026, 3, 31, 20, 0, tzinfo=UTC)
    reports = [
        report_submitted(tenant=tenant, at=march, category="korupsi-gratifikasi"),
        report_submitted(tenant=tenant, at=march, category="korupsi-gratifikasi", channel="kotak-saran"),
        report_submitted(tenant=tenant, at=march, category="etika-pegawai"),
        report_submitted(tenant=tenant, at=april_locally, category="lainnya"),
    ]
    submitted, registered = topic(infra, REPORT_SUBMITTED.topic), topic(infra, CASE_REGISTERED.topic)
    # The registration of the first report arrives before its submission: different topics, any order.
    await publish(
        infra.bootstrap_servers, registered, case_registered(tenant=tenant, case_id=reports[0].data.report_id)
    )
    for report in reports:
        await publish(infra.bootstrap_servers, submitted, report)
    await publish(
        infra.bootstrap_servers, registered, case_registered(tenant=tenant, case_id=reports[1].data.report_id)
    )

    async def recap() -> dict[str, Any] | None:
        answer = await reporting.get(
            f"/api/v1/tenants/{tenant}/statistics", params={"year": 2026}, headers=statistics_reader(key_root, tenant)
        )
        body: dict[str, Any] = answer.json()
        complete = body["total"] == {"received": 4, "registered": 2}
        return body if complete else None

    body = await eventually(recap, what="all four reports counted")
    months = {m["bulan"]: m for m in body["months"]}
    assert len(months) == 12
    assert months["Maret"]["total"] == {"received": 3, "registered": 2}
    assert months["Maret"]["by_category"]["korupsi-gratifikasi"] == {"received": 2, "registered": 2}
    assert months["April"]["by_category"]["lainnya"] == {"received": 1, "registered": 0}
    assert months["Januari"]["total"] == {"received": 0, "registered": 0}
    assert body["by_channel"] == {
        "web": {"received": 3, "registered": 1},
        "kotak-saran": {"received": 1, "registered": 1},
    }
    assert body["timezone"] == "Asia/Jakarta"
    assert body["channel_labels"]["kotak-saran"] == {"id": "Kotak saran / pengaduan", "en": "Suggestion box"}


async def test_other_tenants_and_years_are_not_mixed_in(reporting: httpx.AsyncClient, key_root: Path) -> None:
    path, reader = "/api/v1/tenants/satker-kosong/statistics", statistics_reader(key_root, "satker-kosong")
    body = (await reporting.get(path, params={"year": 2019}, headers=reader)).json()
    assert body["total"] == {"received": 0, "registered": 0}
    assert body["categories"] == []
    bad = await reporting.get(path, params={"year": 1800}, headers=reader)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "year"


async def test_statistics_are_only_for_the_bodys_officers_who_may_see_them(
    reporting: httpx.AsyncClient, key_root: Path
) -> None:
    path = "/api/v1/tenants/satker-kosong/statistics"
    assert (await reporting.get(path)).status_code == 401
    elsewhere = await reporting.get(path, headers=statistics_reader(key_root, "satker-lain"))
    assert elsewhere.status_code == 403
    assert "total" not in elsewhere.json()
    operator = assertion_headers(key_root, "reporting", {"satker-kosong": {Role.OPERATOR}})
    assert (await reporting.get(path, headers=operator)).status_code == 403


def telaah_decided(tenant: str, outcome: TelaahOutcome, at: datetime, **fields: Any) -> Any:
    case = uuid4()
    data = TelaahDecidedV1(case_id=case, outcome=outcome, decided_at=at, policy_version=1, proposed_by="p", **fields)
    return TELAAH_DECIDED.envelope(data, tenant=tenant, subject=str(case), time=at, correlation_id=str(uuid4()))


async def test_decisions_count_per_body_month_and_outcome_once_each(
    infra: Infrastructure, reporting: httpx.AsyncClient, key_root: Path
) -> None:
    tenant = f"satker-{uuid4().hex[:6]}"
    may = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)
    # 30 June 20:00 UTC is already July in Bengkulu (UTC+7).
    july_locally = datetime(2026, 6, 30, 20, 0, tzinfo=UTC)
    merged = telaah_decided(tenant, TelaahOutcome.DIGABUNG, may, merged_into=uuid4())
    decisions = [
        merged,
        merged.model_copy(update={"id": uuid4()}),  # delivered again: counted once
        telaah_decided(
            tenant, TelaahOutcome.DITERUSKAN, may, forwarded_to_name="SP4N-LAPOR!", forwarded_to_external="SP4N-LAPOR!"
        ),
        telaah_decided(tenant, TelaahOutcome.DIGABUNG, july_locally, merged_into=uuid4()),
        telaah_decided(f"{tenant}-lain", TelaahOutcome.DIGABUNG, may, merged_into=uuid4()),
    ]
    for decision in decisions:
        await publish(infra.bootstrap_servers, topic(infra, TELAAH_DECIDED.topic), decision)
    path = f"/api/v1/tenants/{tenant}/statistics?year=2026"

    async def counted() -> dict[str, Any] | None:
        answer = await reporting.get(path, headers=statistics_reader(key_root, tenant))
        body: dict[str, Any] = answer.json()["decisions"]
        return body if sum(body["by_outcome"].values()) >= 3 else None

    recap = await eventually(counted, what="the decisions counted")
    assert recap["by_outcome"] == {"tidak-diproses": 0, "diteruskan": 1, "digabung": 2, "audit-investigasi": 0}
    months = {m["month"]: m["by_outcome"] for m in recap["months"]}
    assert (months[5]["digabung"], months[5]["diteruskan"], months[6]["digabung"], months[7]["digabung"]) == (
        1,
        1,
        0,
        1,
    )
    assert recap["months"][4]["bulan"] == "Mei"
