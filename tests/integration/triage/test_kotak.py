"""The officers' side of the Kotak Komunikasi in triage, over HTTP, against real PostgreSQL and a
real broker: a reporter's question is kept sealed with its due time and shown opened to officers
who may read the case (each reading on the trail); an officer's answer goes to the reporter sealed
to reporter-mailbox; other tenants and roles without the permission see nothing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.events import report_submitted
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import events, read_until
from tests.support.officers import assertion_headers
from tests.support.publish import publish
from tests.support.services import migrated_database, running, settings_for, topic
from tests.support.waiting import eventually
from wbs_contracts.events.intake import MailboxMessageV1, ReporterMessageKind, ReporterMessageSentV1, ReporterMessageV1
from wbs_contracts.registry import OFFICER_MESSAGE_SENT, REPORT_SUBMITTED, REPORTER_MESSAGE_SENT
from wbs_contracts.roles import Role
from wbs_contracts.sealed import Audience
from wbs_runtime.auth.keys import issue_assertion_keys
from wbs_runtime.crypto import KeyRing, ensure_tenant_keys
from wbs_runtime.service import ServiceRuntime
from wbs_triage.adapters.db import SqlTriageUnitOfWork, case_message_table, metadata
from wbs_triage.entrypoint import PROGRAM, TriageSettings, build

DUE = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


@dataclass
class Triage:
    runtime: ServiceRuntime[SqlTriageUnitOfWork]
    infra: Infrastructure
    keys: Path
    client: httpx.AsyncClient

    def officer(self, tenant: str, *roles: Role) -> dict[str, str]:
        return assertion_headers(self.keys.parent, "triage", {tenant: roles})

    async def case(self, tenant: str) -> uuid.UUID:
        """A case registered in ``tenant``."""
        ensure_tenant_keys(self.keys, tenant)
        submitted = report_submitted(tenant=tenant)
        await publish(self.infra.bootstrap_servers, topic(self.infra, REPORT_SUBMITTED.topic), submitted)
        case: uuid.UUID = submitted.data.report_id
        reader = self.officer(tenant, Role.PENELAAH)

        async def registered() -> bool:
            return (await self.client.get(f"/api/v1/tenants/{tenant}/cases/{case}", headers=reader)).status_code == 200

        await eventually(registered, what="the case registered")
        return case

    def question(self, tenant: str, case: uuid.UUID, text: str) -> Any:
        data = ReporterMessageSentV1(
            report_id=case,
            message_id=uuid.uuid4(),
            kind=ReporterMessageKind.PERTANYAAN,
            sent_at=datetime.now(UTC),
            body=KeyRing.from_directory(self.keys).seal(
                tenant, Audience.CASE_SUBSTANCE, ReporterMessageV1(text=text), case=case
            ),
            answer_due=DUE,
        )
        return REPORTER_MESSAGE_SENT.envelope(
            data, tenant=tenant, subject=str(case), time=data.sent_at, correlation_id=str(uuid.uuid4())
        )

    async def stored(self, case: uuid.UUID) -> list[Any]:
        from sqlalchemy import select

        async with self.runtime.sessionmaker() as session:
            query = select(case_message_table).where(case_message_table.c.case_id == case)
            return list((await session.execute(query)).all())


@pytest.fixture(scope="module")
async def triage(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Triage]:
    key_root = tmp_path_factory.mktemp("keys")
    issue_assertion_keys(key_root, ["directory", "triage"])
    keys = key_root / "triage"
    url = await migrated_database(infra, "triage", PROGRAM.migrations, metadata, label="_kotak")
    runtime = build(settings_for(TriageSettings, infra, url, keys))
    async with running(runtime) as client:
        yield Triage(runtime, infra, keys, client)


def tenant() -> str:
    return f"satker-{uuid.uuid4().hex[:6]}"


async def test_an_officer_reads_the_question_with_its_due_time_answers_and_it_goes_out_sealed(triage: Triage) -> None:
    body = tenant()
    case = await triage.case(body)
    question = triage.question(body, case, "Bagaimana perkembangan laporan saya?")
    asked = topic(triage.infra, REPORTER_MESSAGE_SENT.topic)
    await publish(triage.infra.bootstrap_servers, asked, question)
    await publish(triage.infra.bootstrap_servers, asked, question.model_copy(update={"id": uuid.uuid4()}))
    messages = f"/api/v1/tenants/{body}/cases/{case}/messages"
    penelaah = triage.officer(body, Role.PENELAAH)

    async def listed() -> list[dict[str, Any]] | None:
        shown: list[dict[str, Any]] = (await triage.client.get(messages, headers=penelaah)).json()
        return shown or None

    [shown] = await eventually(listed, what="the question for the officer")
    assert (shown["author"], shown["kind"], shown["text"]) == (
        "pelapor",
        "pertanyaan",
        "Bagaimana perkembangan laporan saya?",
    )
    assert datetime.fromisoformat(shown["answer_due"]) == DUE
    assert shown["answered_by"] is None
    [row] = await triage.stored(case)  # delivered twice, kept once
    assert "perkembangan" not in str(row._mapping)

    petugas = triage.officer(body, Role.PETUGAS_PENGADUAN)
    answer = {"kind": "jawaban", "text": "Laporan Anda sedang ditelaah.", "in_reply_to": shown["id"]}
    sent = await triage.client.post(messages, json=answer, headers={**petugas, "X-Correlation-ID": "answer-1"})
    assert sent.status_code == 201, sent.text
    records = await read_until(
        triage.infra.bootstrap_servers,
        topic(triage.infra, OFFICER_MESSAGE_SENT.topic),
        lambda rs: any(str(e.data.message_id) == sent.json()["id"] for e in events(rs)),
    )
    [event] = [e for e in events(records) if str(e.data.message_id) == sent.json()["id"]]
    assert (event.tenant, event.subject, event.correlationid) == (body, str(case), "answer-1")
    assert str(event.data.in_reply_to) == shown["id"]
    assert all(b"ditelaah" not in r.value for r in records)
    intake_keys = KeyRing.from_directory(triage.keys, {Audience.REPORTER_MAILBOX})
    opened = intake_keys.open(event.data.body, tenant=body, case=case, model=MailboxMessageV1)
    assert opened.text == "Laporan Anda sedang ditelaah."

    conversation = (await triage.client.get(messages, headers=penelaah)).json()
    assert [(m["author"], m["text"]) for m in conversation] == [
        ("pelapor", "Bagaimana perkembangan laporan saya?"),
        ("petugas", "Laporan Anda sedang ditelaah."),
    ]
    assert conversation[0]["answered_by"] == sent.json()["id"]
    assert all("ditelaah" not in str(r._mapping) for r in await triage.stored(case))

    history = (await triage.client.get(f"/api/v1/tenants/{body}/cases/{case}/riwayat", headers=penelaah)).json()
    assert [(e["action"], e["role"]) for e in history][-4:] == [
        ("case.messages-read", "penelaah"),
        ("case.message-sent", "petugas-pengaduan"),
        ("case.messages-read", "penelaah"),
        ("case.history-read", "penelaah"),
    ]


async def test_only_officers_of_the_cases_tenant_with_the_permission_see_or_write(triage: Triage) -> None:
    body, other = tenant(), tenant()
    case = await triage.case(body)
    messages = f"/api/v1/tenants/{body}/cases/{case}/messages"
    answer = {"kind": "permintaan-informasi", "text": "Mohon sebutkan ruangannya."}
    # Asked under another tenant the officer holds roles in: the case is not there.
    elsewhere = f"/api/v1/tenants/{other}/cases/{case}/messages"
    assert (await triage.client.get(elsewhere, headers=triage.officer(other, Role.PENELAAH))).status_code == 404
    wrong_tenant = await triage.client.post(elsewhere, json=answer, headers=triage.officer(other, Role.PENELAAH))
    assert wrong_tenant.status_code == 404
    # An auditor may read cases, but answering reporters is not theirs: hidden as 404.
    auditor = triage.officer(body, Role.AUDITOR)
    assert (await triage.client.get(messages, headers=auditor)).status_code == 200
    assert (await triage.client.post(messages, json=answer, headers=auditor)).status_code == 404
    assert (await triage.client.get(messages)).status_code == 401
    assert await triage.stored(case) == []


async def test_an_answer_it_cannot_take_is_refused_naming_the_field(triage: Triage) -> None:
    body = tenant()
    case = await triage.case(body)
    messages = f"/api/v1/tenants/{body}/cases/{case}/messages"
    ketua = triage.officer(body, Role.KETUA_TIM)
    for payload, field in (
        ({"kind": "jawaban", "text": " "}, "text"),
        ({"kind": "jawaban", "text": "Ya", "in_reply_to": str(uuid.uuid4())}, "in_reply_to"),
        ({"kind": "pesan", "text": "Ya"}, "kind"),
    ):
        refused = await triage.client.post(messages, json=payload, headers=ketua)
        assert refused.status_code == 422, refused.text
        assert [e["field"] for e in refused.json()["errors"]] == [field]
    assert await triage.stored(case) == []


async def test_a_question_that_arrives_before_its_case_is_shown_once_the_case_is_registered(triage: Triage) -> None:
    body = tenant()
    ensure_tenant_keys(triage.keys, body)

    async def keys_loaded() -> bool:  # a running service looks at its key directory every few seconds
        return triage.runtime.keyring.can_seal(body, Audience.CASE_SUBSTANCE)

    await eventually(keys_loaded, what="the new tenant's keys loaded")
    submitted = report_submitted(tenant=body, at=datetime.now(UTC) - timedelta(minutes=1))
    case = submitted.data.report_id
    await publish(
        triage.infra.bootstrap_servers,
        topic(triage.infra, REPORTER_MESSAGE_SENT.topic),
        triage.question(body, case, "Sudah diterima?"),
    )
    await eventually(lambda: triage.stored(case), what="the early question kept")
    await publish(triage.infra.bootstrap_servers, topic(triage.infra, REPORT_SUBMITTED.topic), submitted)
    penelaah = triage.officer(body, Role.PENELAAH)

    async def shown() -> list[dict[str, Any]] | None:
        response = await triage.client.get(f"/api/v1/tenants/{body}/cases/{case}/messages", headers=penelaah)
        return response.json() if response.status_code == 200 else None

    assert [m["text"] for m in await eventually(shown, what="the case with its question")] == ["Sudah diterima?"]
