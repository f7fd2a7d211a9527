"""Triage's officers' pages over HTTP, against real PostgreSQL and a real broker: the queue lists a
tenant's cases newest first, filters and pages them, and makes late cases stand out (the follow-up
past its working days, or a reporter's question past its due time); the case page shows the
registration, the evidence files and the Kotak Komunikasi, and its form sends an officer's message
to the reporter; another tenant's officer gets 404."""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.integration.triage.test_kotak import Triage
from tests.support.events import OPAQUE
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import events, read_until
from tests.support.publish import publish
from tests.support.services import migrated_database, running, settings_for, topic
from tests.support.teams import dispose, staff
from tests.support.tenants import demo_configuration, keep_in
from tests.support.waiting import eventually
from wbs_contracts.events.intake import EvidenceAddedV1, EvidenceKeyV1
from wbs_contracts.registry import EVIDENCE_ADDED, OFFICER_MESSAGE_SENT, REPORTER_MESSAGE_SENT
from wbs_contracts.roles import Role
from wbs_contracts.sealed import Audience
from wbs_runtime.auth.keys import issue_assertion_keys
from wbs_runtime.crypto import KeyRing
from wbs_triage.adapters.db import metadata
from wbs_triage.domain.agenda import agenda_entry
from wbs_triage.domain.case import Case
from wbs_triage.entrypoint import PROGRAM, TriageSettings, build

JAKARTA = ZoneInfo("Asia/Jakarta")
CASE_ITEM = re.compile(r'<li class="case( late)?" data-case="([0-9a-f-]+)" data-late="(ya|tidak)"')


@pytest.fixture(scope="module")
async def triage(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Triage]:
    key_root = tmp_path_factory.mktemp("keys")
    issue_assertion_keys(key_root, ["directory", "triage"])
    keys = key_root / "triage"
    url = await migrated_database(infra, "triage", PROGRAM.migrations, metadata, label="_queue_pages")
    runtime = build(settings_for(TriageSettings, infra, url, keys))
    async with running(runtime) as client:
        yield Triage(runtime, infra, keys, client)


def tenant() -> str:
    return f"satker-{uuid.uuid4().hex[:6]}"


async def configured(triage: Triage, body: str) -> None:
    """The body's configuration as triage keeps it: the demo satker's calendar and limits."""
    await keep_in(triage.runtime, demo_configuration("bps-1700").model_copy(update={"tenant_id": body}))


async def seed(triage: Triage, body: str, registered: list[tuple[datetime, str, str]]) -> list[uuid.UUID]:
    """Cases registered at the given instants (category, channel), as the agenda would number them."""
    ids = []
    async with triage.runtime.unit_of_work() as uow:
        for sequence, (at, category, channel) in enumerate(registered, start=1):
            case = Case(
                id=uuid.uuid4(),
                tenant=body,
                category=category,
                channel=channel,
                received_at=at,
                agenda=agenda_entry(body, sequence, at, JAKARTA),
                sealed_substance=OPAQUE.model_dump(mode="json"),
            )
            await uow.cases.add(case)
            ids.append(case.id)
        await uow.commit()
    return ids


def listed(html: str) -> list[tuple[str, bool]]:
    return [(case, late == "ya") for _, case, late in CASE_ITEM.findall(html)]


async def test_the_queue_lists_newest_first_filters_pages_and_the_late_case_stands_out(triage: Triage) -> None:
    body = tenant()
    await configured(triage, body)
    now = datetime.now(UTC)
    old = now - timedelta(days=30)  # far beyond 5 working days, whatever the holidays
    recent = [(now - timedelta(minutes=60 - i), "lainnya", "email" if i % 10 == 0 else "web") for i in range(52)]
    [late_case, *recent_cases] = await seed(triage, body, [(old, "korupsi-gratifikasi", "surat"), *recent])
    penelaah = triage.officer(body, Role.PENELAAH)
    queue = f"/perkara/{body}"

    first = await triage.client.get(queue, headers=penelaah)
    assert first.status_code == 200, first.text
    assert "53 perkara; halaman 1 dari 2." in first.text
    shown = listed(first.text)
    assert [c for c, _ in shown] == [str(c) for c in reversed(recent_cases)][:50]  # newest first
    assert not any(late for _, late in shown)
    assert 'href="/perkara/' + body + '?halaman=2"' in first.text

    second = await triage.client.get(queue, params={"halaman": "2"}, headers=penelaah)
    assert listed(second.text) == [(str(recent_cases[1]), False), (str(recent_cases[0]), False), (str(late_case), True)]
    assert "Terlambat" in second.text

    only_late = await triage.client.get(queue, params={"terlambat": "ya"}, headers=penelaah)
    assert listed(only_late.text) == [(str(late_case), True)]
    on_time = await triage.client.get(queue, params={"terlambat": "tidak", "halaman": "2"}, headers=penelaah)
    assert "52 perkara" in on_time.text
    assert len(listed(on_time.text)) == 2
    by_channel = await triage.client.get(queue, params={"saluran": "email"}, headers=penelaah)
    assert len(listed(by_channel.text)) == 6
    assert "Surel" in by_channel.text
    by_category = await triage.client.get(queue, params={"kategori": "korupsi-gratifikasi"}, headers=penelaah)
    assert listed(by_category.text) == [(str(late_case), True)]
    none = await triage.client.get(queue, params={"status": "selesai"}, headers=penelaah)
    assert 'id="empty"' in none.text

    english = await triage.client.get(
        queue, params={"terlambat": "ya"}, headers={**penelaah, "Cookie": "wbs_bahasa=en"}
    )
    assert "The case queue" in english.text
    assert "Late" in english.text

    # Another tenant's officer: neither the queue nor a case of it.
    other = tenant()
    stranger = triage.officer(other, Role.PENELAAH)
    assert (await triage.client.get(queue, headers=stranger)).status_code == 404
    assert (await triage.client.get(f"/perkara/{other}/{late_case}", headers=stranger)).status_code == 404
    assert (await triage.client.get(queue)).status_code == 401


async def test_the_case_page_shows_evidence_and_messages_and_its_form_answers_the_reporter(triage: Triage) -> None:
    body = tenant()
    await configured(triage, body)
    case = await triage.case(body)
    # Disposed to a team with the penelaah (officer-1) on it: only the team opens the evidence.
    await staff(triage.infra, triage.runtime, body, {"officer-1": [Role.PENELAAH], "ketua-1": [Role.KETUA_TIM]})

    async def keys_loaded() -> bool:
        return triage.runtime.keyring.can_seal(body, Audience.CASE_SUBSTANCE)

    await eventually(keys_loaded, what="the body's keys loaded")
    await dispose(triage.client, triage.officer(body, Role.PIMPINAN_SATKER), body, case, "ketua-1", "officer-1")
    sealing = KeyRing.from_directory(triage.keys)
    key = EvidenceKeyV1(
        file_key=base64.b64encode(b"k" * 32).decode(), file_name="kuitansi.pdf", content_type="application/pdf"
    )
    added = EvidenceAddedV1(
        report_id=case,
        evidence_id=uuid.uuid4(),
        blob="blob-1",
        size_bytes=1234,
        key=sealing.seal(body, Audience.CASE_SUBSTANCE, key, case=case),
        added_at=datetime.now(UTC),
    )
    await publish(
        triage.infra.bootstrap_servers,
        topic(triage.infra, EVIDENCE_ADDED.topic),
        EVIDENCE_ADDED.envelope(added, tenant=body, subject=str(case), time=added.added_at, correlation_id="e-1"),
    )
    question = triage.question(body, case, "Apakah laporan saya sudah dibaca?")
    overdue = question.model_copy(update={"data": question.data.model_copy(update={"answer_due": datetime.now(UTC)})})
    await publish(triage.infra.bootstrap_servers, topic(triage.infra, REPORTER_MESSAGE_SENT.topic), overdue)
    penelaah = triage.officer(body, Role.PENELAAH)
    page_path = f"/perkara/{body}/{case}"

    async def both_arrived() -> httpx.Response | None:
        page = await triage.client.get(page_path, headers=penelaah)
        return page if "kuitansi.pdf" in page.text and "sudah dibaca" in page.text else None

    page = await eventually(both_arrived, what="the evidence and the question on the case page")
    assert '<dd id="category">Korupsi/Gratifikasi</dd>' in page.text  # its label in the tenant's policy
    assert f'href="/api/v1/tenants/{body}/cases/{case}/evidence/{added.evidence_id}"' in page.text
    assert 'data-direction="dari-pelapor"' in page.text
    assert 'id="message-form"' in page.text

    # The question is past its due time: the case is late in the queue, waiting for the answer.
    queue = await triage.client.get(f"/perkara/{body}", headers=penelaah)
    assert listed(queue.text) == [(str(case), True)]
    assert 'data-waiting="jawaban-pelapor"' in queue.text

    # An auditor reads the case but gets no form; writing is hidden as 404.
    auditor = triage.officer(body, Role.AUDITOR)
    assert 'id="message-form"' not in (await triage.client.get(page_path, headers=auditor)).text

    cookie = page.cookies["wbs_csrf"]
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    question_id = str(overdue.data.message_id)
    form = {"csrf": token.group(1), "jenis": "jawaban", "balasan": question_id, "teks": "Sudah, sedang ditelaah."}
    send = f"{page_path}/pesan"
    refused = await triage.client.post(
        send, data={**form, "teks": "  "}, headers={**penelaah, "Cookie": f"wbs_csrf={cookie}"}
    )
    assert refused.status_code == 422
    assert "Tulis pesan terlebih dahulu." in refused.text
    forged = await triage.client.post(
        send, data={**form, "csrf": "x"}, headers={**penelaah, "Cookie": f"wbs_csrf={cookie}"}
    )
    assert forged.status_code == 403
    assert (
        await triage.client.post(send, data=form, headers={**auditor, "Cookie": f"wbs_csrf={cookie}"})
    ).status_code == 404

    sent = await triage.client.post(send, data=form, headers={**penelaah, "Cookie": f"wbs_csrf={cookie}"})
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == f"{page_path}?pesan=terkirim#kotak"
    records = await read_until(
        triage.infra.bootstrap_servers,
        topic(triage.infra, OFFICER_MESSAGE_SENT.topic),
        lambda rs: any(e.data.case_id == case for e in events(rs)),
    )
    [event] = [e for e in events(records) if e.data.case_id == case]
    assert str(event.data.in_reply_to) == question_id
    assert event.data.kind.value == "jawaban"

    after = await triage.client.get(f"{page_path}?pesan=terkirim", headers=penelaah)
    assert "Pesan Anda telah dikirim kepada pelapor." in after.text
    assert "Sudah, sedang ditelaah." in after.text
    assert "Sudah dijawab." in after.text
    queue = await triage.client.get(f"/perkara/{body}", headers=penelaah)
    assert listed(queue.text) == [(str(case), False)]  # answered: only the follow-up clock, not due yet
    history = (await triage.client.get(f"/api/v1/tenants/{body}/cases/{case}/riwayat", headers=penelaah)).json()
    actions = [e["action"] for e in history]
    assert {"case.read", "evidence.list", "case.messages-read", "case.message-sent"} <= set(actions)
