"""Queue health against the real broker and PostgreSQL: a consumer stopped while events keep coming
shows its lag, in records and in seconds, on the operators' page and in directory's metrics, and
the lag drains once it runs again. Notify is the consumer; directory measures and shows.

The module has topics and consumer groups of its own (another prefix), so other modules' events do
not count in the lag it expects.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select
from starlette.types import ASGIApp, Receive, Scope, Send

from tests.support.events import case_registered
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import produce
from tests.support.officers import assertion_headers
from tests.support.publish import publish
from tests.support.services import migrated_database, settings_for
from tests.support.waiting import eventually
from wbs_contracts.registry import CASE_REGISTERED, SERVICES
from wbs_contracts.roles import Role
from wbs_directory import entrypoint as directory_entrypoint
from wbs_directory.entrypoint import DirectorySettings
from wbs_notify import entrypoint as notify_entrypoint
from wbs_notify.entrypoint import NotifySettings
from wbs_runtime.audit.tables import audit_entry
from wbs_runtime.auth.keys import issue_assertion_keys
from wbs_runtime.crypto import issue_for_services
from wbs_runtime.messaging.kafka import TopicNames, ensure_topics
from wbs_runtime.service import ServiceRuntime

#: No service listens there: the services this test does not run are unreachable, quickly.
NOWHERE = "http://127.0.0.1:9"
EVENTS_WHILE_STOPPED = 7


class Switch:
    """A service's address for the probe: its app while it runs, a refused connection while not."""

    def __init__(self) -> None:
        self.app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is None:
            raise httpx.ConnectError("the service is stopped")
        await self.app(scope, receive, send)


@dataclass
class Deployment:
    infra: Infrastructure
    prefix: str
    keys: Path
    notify_url: str
    directory: ServiceRuntime[Any]
    directory_client: httpx.AsyncClient
    notify_switch: Switch
    notify: ServiceRuntime[Any] | None = None
    case_ids: list[str] = field(default_factory=list)

    @property
    def group(self) -> str:
        return TopicNames(self.prefix).group("notify")

    @property
    def topic(self) -> str:
        return TopicNames(self.prefix)(CASE_REGISTERED.topic)

    async def start_notify(self) -> None:
        settings = settings_for(
            NotifySettings, self.infra, self.notify_url, self.keys / "notify", kafka_topic_prefix=self.prefix
        )
        runtime = notify_entrypoint.build(settings)
        app = runtime.create_app(title="notify")
        await runtime.start()
        self.notify, self.notify_switch.app = runtime, app

    async def stop_notify(self) -> None:
        assert self.notify is not None
        self.notify_switch.app = None
        await self.notify.stop()
        self.notify = None

    async def publish_registrations(self, count: int) -> None:
        for _ in range(count):
            event = case_registered()
            self.case_ids.append(event.subject)
            await publish(self.infra.bootstrap_servers, self.topic, event)

    def headers(self, role: Role) -> dict[str, str]:
        return assertion_headers(self.keys, "directory", {"bps": [role]})

    async def page(self) -> str:
        response = await self.directory_client.get("/operasi", headers=self.headers(Role.OPERATOR))
        assert response.status_code == 200, response.text
        return response.text

    async def metrics(self) -> dict[str, list[tuple[dict[str, str], float]]]:
        text = (await self.directory_client.get("/metrics")).text
        samples: dict[str, list[tuple[dict[str, str], float]]] = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                samples.setdefault(sample.name, []).append((sample.labels, sample.value))
        return samples

    async def metric_lag(self) -> tuple[float, float] | None:
        """notify's lag on case-registered, summed over partitions, and its largest age; None before a
        measurement saw the topic."""
        found = await self.metrics()
        mine = [
            value
            for labels, value in found.get("kafka_consumergroup_lag", [])
            if labels["consumergroup"] == self.group and labels["topic"] == self.topic
        ]
        if not mine:
            return None
        ages = [
            value
            for labels, value in found.get("wbs_consumergroup_lag_seconds", [])
            if labels["consumergroup"] == self.group and labels["topic"] == self.topic
        ]
        return sum(mine), max(ages, default=0.0)

    async def page_lag(self) -> tuple[int, list[float], str]:
        """From the page: notify's lag on case-registered per partition, summed; the ages shown; the page."""
        html = await self.page()
        rows = re.findall(
            rf'<tr data-group="{re.escape(self.group)}" data-topic="{re.escape(self.topic)}" data-partition="\d+" '
            r'data-lag="(\d+)" data-lag-seconds="([\d.]*)">',
            html,
        )
        assert rows, "no partition rows of notify's group on the page"
        return sum(int(lag) for lag, _ in rows), [float(age) for _, age in rows if age], html


@pytest.fixture(scope="module")
async def deployment(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Deployment]:
    keys = tmp_path_factory.mktemp("keys")
    issue_assertion_keys(keys, ["directory", "notify"])
    issue_for_services(keys, "bps-1700", ["notify", "directory"])
    prefix = f"{infra.namespace}.lag."
    await ensure_topics(infra.bootstrap_servers, prefix=prefix)
    notify_url = await migrated_database(
        infra, "notify", notify_entrypoint.PROGRAM.migrations, notify_entrypoint.PROGRAM.metadata, label="_lag"
    )
    directory_url = await migrated_database(
        infra, "directory", directory_entrypoint.PROGRAM.migrations, directory_entrypoint.PROGRAM.metadata, "_lag"
    )
    notify_switch, directory_switch = Switch(), Switch()
    probe_client = httpx.AsyncClient(
        mounts={
            "http://notify.test": httpx.ASGITransport(app=notify_switch),
            "http://directory.test": httpx.ASGITransport(app=directory_switch),
        }
    )
    addresses = dict.fromkeys(SERVICES, NOWHERE) | {
        "notify": "http://notify.test",
        "directory": "http://directory.test",
    }
    settings = settings_for(
        DirectorySettings,
        infra,
        directory_url,
        keys / "directory",
        service_urls=addresses,
        queue_health_seconds=0.3,
        insecure_cookies=True,
        kafka_topic_prefix=prefix,
    )
    directory = directory_entrypoint.build(settings, service_client=probe_client)
    app = directory.create_app(title="directory")
    directory_switch.app = app
    await directory.start()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wbs.test")
    found = Deployment(infra, prefix, keys, notify_url, directory, client, notify_switch)
    try:
        yield found
    finally:
        if found.notify is not None:
            await found.notify.stop()
        await directory.stop()
        await client.aclose()
        await probe_client.aclose()


async def test_lag_shows_on_the_page_and_in_the_metrics_while_a_consumer_is_stopped_and_drains_after(
    deployment: Deployment,
) -> None:
    await deployment.start_notify()
    await deployment.publish_registrations(2)
    await eventually(lambda: _caught_up(deployment), within=30, what="notify applying the first registrations")

    await deployment.stop_notify()
    await deployment.publish_registrations(EVENTS_WHILE_STOPPED)

    async def lagging_in_metrics() -> tuple[float, float] | None:
        found = await deployment.metric_lag()
        return found if found and found[0] == EVENTS_WHILE_STOPPED and found[1] > 0 else None

    lag, age = await eventually(lagging_in_metrics, within=30, what="the lag in directory's metrics")
    assert (lag, age > 0) == (EVENTS_WHILE_STOPPED, True)
    total, ages, html = await deployment.page_lag()
    assert total == EVENTS_WHILE_STOPPED
    assert ages
    assert max(ages) > 0
    assert re.search(rf'<tr data-group="{re.escape(deployment.group)}" data-lag="(\d+)"', html)
    assert 'data-service="notify" data-ready="false"' in html  # a stopped consumer is not ready either

    await deployment.start_notify()
    await eventually(lambda: _caught_up(deployment), within=30, what="the lag draining in the metrics")

    async def drained_on_the_page() -> bool:
        total, ages, html = await deployment.page_lag()
        return total == 0 and not any(ages) and 'data-service="notify" data-ready="true"' in html

    await eventually(drained_on_the_page, within=30, what="the lag draining on the page")
    found = await deployment.metrics()
    assert all(
        value == 0
        for labels, value in found["wbs_consumergroup_lag_seconds"]
        if labels["consumergroup"] == deployment.group and labels["topic"] == deployment.topic
    )
    assert ({"service": "notify"}, 1.0) in found["wbs_service_ready"]


async def _caught_up(deployment: Deployment) -> bool:
    """Notify's group has committed every registration this module published, per the metrics."""
    found = await deployment.metrics()
    committed = sum(
        value
        for labels, value in found.get("kafka_consumergroup_current_offset", [])
        if labels["consumergroup"] == deployment.group and labels["topic"] == deployment.topic
    )
    lag = await deployment.metric_lag()
    return lag is not None and lag[0] == 0 and committed == len(deployment.case_ids)


async def test_the_page_shows_no_case_content(deployment: Deployment) -> None:
    await deployment.publish_registrations(1)
    html = await deployment.page()
    assert deployment.case_ids
    for case_id in deployment.case_ids:
        assert case_id not in html
    assert "WBS/BPS-1700" not in html  # the registrations' agenda numbers
    assert "bps-1700" not in html


async def test_a_parked_dead_letter_shows_per_service_with_the_commands_to_act_on_it(deployment: Deployment) -> None:
    if deployment.notify is None:
        await deployment.start_notify()
    secret = f"RAHASIA-{uuid.uuid4().hex}"
    value = json.dumps({"bukan": "peristiwa", "isi": secret}).encode()
    await produce(deployment.infra.bootstrap_servers, deployment.topic, value, key=secret.encode(), headers=[])

    async def parked() -> str | None:
        html = await deployment.page()
        return html if 'data-service="notify" data-parked="1"' in html else None

    html = await eventually(parked, within=30, what="notify's dead letter on the page")
    row = html[html.index('data-service="notify" data-parked="1"') :]
    row = row[: row.index("</tr>")]
    assert CASE_REGISTERED.topic in row  # the dead-letter gauge names topics without the prefix
    for command in (
        "wbs dlq list --service notify --status parked",
        "wbs dlq show notify:ID",
        "wbs dlq resend --all --service notify",
    ):
        assert f"<code>{command}</code>" in row
    assert secret not in html  # nothing of the message itself
    found = await deployment.metrics()
    assert ({"service": "notify"}, 1.0) in found["wbs_service_ready"]


async def test_only_operators_see_the_page(deployment: Deployment) -> None:
    client = deployment.directory_client
    assert (await client.get("/operasi")).status_code == 401
    for role in (Role.PENELAAH, Role.ADMINISTRATOR, Role.PIMPINAN_SATKER, Role.CUSTODIAN):
        refused = await client.get("/operasi", headers=deployment.headers(role))
        assert refused.status_code == 403, role
        assert refused.json()["message"] == "You are not allowed to do this for this body."
    # Deployment-wide: an operator's grant in any tenant opens it.
    other = assertion_headers(deployment.keys, "directory", {f"lain-{uuid.uuid4().hex[:4]}": [Role.OPERATOR]})
    assert (await client.get("/operasi", headers=other)).status_code == 200


async def test_each_view_is_on_the_deployments_audit_trail(deployment: Deployment) -> None:
    async def views() -> int:
        async with deployment.directory.sessionmaker() as session:
            query = select(audit_entry.c.sequence).where(
                audit_entry.c.tenant_id == "deployment", audit_entry.c.action == "queue-health.viewed"
            )
            return len((await session.execute(query)).all())

    before = await views()
    await deployment.page()
    assert await views() == before + 1
