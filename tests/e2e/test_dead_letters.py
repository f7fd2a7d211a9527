"""A malformed event is kept in each consuming service's dead-letter table and copied to its
dead-letter topic, an operator can list and read it, and every consumer carries on with the
next report."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.support.kafka import header, produce, read_until
from tests.support.reports import check_status
from tests.support.waiting import eventually
from wbs_contracts.registry import REPORT_SUBMITTED, dead_letter_topic
from wbs_launcher.stack import Stack
from wbs_runtime.ops import dlq

REPORT = {
    "tenant": "bps-1700",
    "category": "kinerja-pegawai",
    "what": "Absen tanpa keterangan berulang kali",
    "where": "Bagian Umum",
    "when": "Oktober 2026",
    "who": "Seorang pegawai",
    "how": "Daftar hadir diisi oleh rekan",
}


def metric(text: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{"):
            found = ",".join(sorted(line[line.index("{") + 1 : line.index("}")].split(",")))
            if all(part in found.split(",") for part in wanted.split(",")):
                total += float(line.rsplit(" ", 1)[1])
    return total


async def test_a_malformed_event_is_dead_lettered_while_consumers_carry_on(stack: Stack) -> None:
    prefix = stack.config.topic_prefix
    marker = f"rusak-{uuid.uuid4()}".encode()
    await produce(
        stack.bootstrap_servers,
        prefix + REPORT_SUBMITTED.topic,
        b'{"report_id": "bukan-uuid", "category": 7}',
        key=marker,
        headers=[("ce_type", b"wbs.intake.report-submitted"), ("ce_schemaversion", b"1")],
    )

    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as client:
        receipt = (await client.post("/api/v1/reports", json=REPORT)).json()

        async def registered() -> bool:
            answer = await check_status(client, receipt)
            return bool(answer.json()["status"] == "terdaftar")

        await eventually(registered, what="the next report registered", within=60)

    for service in REPORT_SUBMITTED.consumers:  # triage and reporting
        parked = await read_until(
            stack.bootstrap_servers,
            prefix + dead_letter_topic(service).name,
            lambda rs: any(r.key == marker for r in rs),
            within=60,
        )
        [record] = [r for r in parked if r.key == marker]
        assert record.value == b'{"report_id": "bukan-uuid", "category": 7}'
        assert header(record, "wbs-dlq-reason") == "malformed"
        assert header(record, "wbs-dlq-topic") == prefix + REPORT_SUBMITTED.topic
        assert header(record, "wbs-dlq-consumer") == f"{prefix}wbs-{service}"
        assert "missing CloudEvents headers" in (header(record, "wbs-dlq-error") or "")

        async def counted(service: str = service) -> bool:
            async with httpx.AsyncClient() as client:
                text = (await client.get(f"{stack.service_url(service)}/metrics")).text
            labels: dict[str, Any] = {"topic": REPORT_SUBMITTED.topic, "outcome": "dead_lettered"}
            return metric(text, "wbs_events_consumed_total", **labels) >= 1

        await eventually(counted, what=f"{service}'s dead-letter metric")

        # Kept in the service's own database, whatever becomes of the broker's memory.
        url = stack.database_urls[service]
        [letter] = [
            d
            for d in await dlq.list_dead_letters(url, service, statuses=["parked"])
            if (detail := await dlq.show_dead_letter(url, service, d.id)) and detail.key == marker
        ]
        assert (letter.topic, letter.reason, letter.error_type) == (
            prefix + REPORT_SUBMITTED.topic,
            "malformed",
            "MalformedEvent",
        )

        async def gauged(service: str = service) -> bool:
            async with httpx.AsyncClient() as client:
                text = (await client.get(f"{stack.service_url(service)}/metrics")).text
            labels = {"topic": REPORT_SUBMITTED.topic, "reason": "malformed"}
            return metric(text, "wbs_dead_letters_parked", **labels) >= 1

        await eventually(gauged, what=f"{service}'s parked dead-letter gauge")
