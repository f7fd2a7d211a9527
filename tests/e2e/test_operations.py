"""Operations over the running system, behind the gateway: the queue-health page for operators only
and without case content, directory's lag metrics for every consumer group, and the API
documentation of every service at the one address."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.test_kotak import REPORT, officer_signed_in
from tests.support.waiting import eventually
from wbs_contracts.registry import SERVICES
from wbs_launcher.stack import Stack
from wbs_runtime.monitoring import subscriptions

pytestmark = pytest.mark.e2e
#: Generated from the topic registry into docs/ (the gateway runs from the repository's root).
ASYNCAPI_GENERATED = Path("docs/asyncapi.yaml").is_file()


async def test_only_an_operator_opens_queue_health_and_it_shows_no_case_content(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as reporter:
        receipt = (await reporter.post("/api/v1/reports", json=REPORT)).json()
        anonymous = await reporter.get("/operasi")
    assert anonymous.status_code == 401
    penelaah = await officer_signed_in(stack, "penelaah.bps-1700")
    operator = await officer_signed_in(stack, "operator")
    try:
        refused = await penelaah.get("/operasi")
        page = await operator.get("/operasi")
    finally:
        await penelaah.aclose()
        await operator.aclose()
    assert refused.status_code == 403
    assert set(refused.json()) == {"pesan", "message"}
    assert page.status_code == 200
    assert 'id="queue-health"' in page.text
    assert receipt["registration_number"] not in page.text
    for value in (REPORT["what"], REPORT["where"], REPORT["who"], "bps-1700"):
        assert str(value) not in page.text


async def test_directory_exports_every_consumer_groups_lag_and_every_services_readiness(stack: Stack) -> None:
    groups = {s.group for s in subscriptions(stack.config.topic_prefix)}

    async def measured() -> dict[str, list[tuple[dict[str, str], float]]] | None:
        async with httpx.AsyncClient(timeout=10) as client:
            text = (await client.get(f"{stack.service_url('directory')}/metrics")).text
        found: dict[str, list[tuple[dict[str, str], float]]] = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                found.setdefault(sample.name, []).append((sample.labels, sample.value))
        ready = {labels["service"] for labels, value in found.get("wbs_service_ready", []) if value == 1}
        lagging = {labels["consumergroup"] for labels, _ in found.get("kafka_consumergroup_lag", [])}
        return found if ready == set(SERVICES) and lagging == groups else None

    found = await eventually(measured, within=60, interval=1, what="every group's lag and every service ready")
    assert {labels["consumergroup"] for labels, _ in found["wbs_consumergroup_lag_seconds"]} == groups
    assert all(value >= 0 for _, value in found["kafka_consumergroup_lag"])


async def test_every_services_api_is_documented_at_the_one_address(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as client:
        home = await client.get("/")
        docs = await client.get("/api/docs")
        documents = {s: await client.get(f"/api/openapi/{s}.json") for s in SERVICES}
        asyncapi = await client.get("/api/asyncapi.yaml")
    assert 'href="/api/docs"' in home.text
    assert docs.status_code == 200
    for service, answer in documents.items():
        assert answer.status_code == 200, service
        document = answer.json()
        assert document["openapi"].startswith("3."), service
        assert document["servers"] == [{"url": "/"}]
        assert f'href="/api/openapi/{service}.json"' in docs.text
        for path in document["paths"]:
            assert not path.startswith(("/internal/", "/healthz", "/readyz", "/metrics")), (service, path)
    assert "/api/v1/reports" in documents["intake"].json()["paths"]
    assert "/api/v1/tenants/{tenant}/statistics" in documents["reporting"].json()["paths"]
    if ASYNCAPI_GENERATED:
        assert asyncapi.status_code == 200
        assert asyncapi.headers["content-type"].startswith("application/yaml")
    else:
        assert asyncapi.status_code == 404
        assert set(json.loads(asyncapi.text)) == {"pesan", "message"}
