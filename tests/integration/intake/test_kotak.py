"""The reporter's Kotak Komunikasi in intake, over HTTP, against real PostgreSQL and a real broker:
a question goes out sealed with its answer due in the tenant's working days, the reporter's copy
is kept sealed, an officer's answer delivered twice is kept once, the page shows both ways."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select

from tests.support.infrastructure import Infrastructure
from tests.support.kafka import events, read_until
from tests.support.publish import publish
from tests.support.services import migrated_database, running, settings_for, topic
from tests.support.tenants import demo_configuration, publish_tenant
from tests.support.waiting import eventually
from wbs_contracts.events.directory import Holiday, TimeLimit
from wbs_contracts.events.intake import TEXT_LIMIT, MailboxMessageV1, ReporterMessageV1
from wbs_contracts.events.triage import OfficerMessageKind, OfficerMessageSentV1
from wbs_contracts.registry import OFFICER_MESSAGE_SENT, REPORTER_MESSAGE_SENT
from wbs_contracts.sealed import Audience, SealedPayload
from wbs_intake.adapters.db import SqlIntakeUnitOfWork, mailbox_message_table, metadata, report_table
from wbs_intake.entrypoint import PROGRAM, IntakeSettings, build
from wbs_runtime.crypto import KeyRing, ensure_tenant_keys
from wbs_runtime.service import ServiceRuntime

JAKARTA = ZoneInfo("Asia/Jakarta")
TENANT = "bps-1700"
REPORT = {
    "tenant": TENANT,
    "category": "korupsi-gratifikasi",
    "what": "Permintaan uang untuk mempercepat layanan data",
    "where": "Ruang PST",
    "when": "Oktober 2026",
    "who": "Petugas layanan",
    "how": "Meminta transfer",
}
#: The tenant's next seven days are holidays (e.g. a week of cuti bersama): the answer is due after them.
HOLIDAYS = 7
ANSWER_DAYS = 2


@dataclass
class Kotak:
    runtime: ServiceRuntime[SqlIntakeUnitOfWork]
    client: httpx.AsyncClient
    keys: Path
    infra: Infrastructure

    async def reporter(self) -> tuple[uuid.UUID, httpx.AsyncClient]:
        """A new report, and a client of its reporter, signed in (the session cookie kept)."""
        receipt = (await self.client.post("/api/v1/reports", json=REPORT)).json()
        reporter = httpx.AsyncClient(transport=self.client._transport, base_url=str(self.client.base_url))
        signed_in = await reporter.post(
            "/api/v1/reporter/session",
            json={"registration_number": receipt["registration_number"], "secret": receipt["secret"]},
        )
        assert signed_in.status_code == 200, signed_in.text
        async with self.runtime.sessionmaker() as session:
            number = report_table.c.registration_number == receipt["registration_number"]
            report: uuid.UUID = (await session.execute(select(report_table.c.id).where(number))).scalar_one()
        return report, reporter

    async def stored(self, report: uuid.UUID) -> list[Any]:
        async with self.runtime.sessionmaker() as session:
            query = select(mailbox_message_table).where(mailbox_message_table.c.report_id == report)
            return list((await session.execute(query.order_by(mailbox_message_table.c.sent_at))).all())


def today() -> date:
    return datetime.now(JAKARTA).date()


@pytest.fixture(scope="module")
async def kotak(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Kotak]:
    keys = tmp_path_factory.mktemp("keys")
    ensure_tenant_keys(keys, TENANT)
    url = await migrated_database(infra, "intake", PROGRAM.migrations, metadata, label="_kotak")
    runtime = build(settings_for(IntakeSettings, infra, url, keys, insecure_cookies=True))
    configuration = demo_configuration(TENANT)
    calendar = configuration.policy.calendar
    week_off = tuple(Holiday(date=today() + timedelta(days=d), name="Libur uji") for d in range(1, HOLIDAYS + 1))
    policy = configuration.policy.model_copy(
        update={
            "calendar": calendar.model_copy(update={"holidays": (*calendar.holidays, *week_off)}),
            "time_limits": {"jawaban-pelapor": TimeLimit(working_days=ANSWER_DAYS, basis="uji")},
        }
    )
    async with running(runtime) as client:
        await publish_tenant(infra, configuration.model_copy(update={"policy": policy}))

        async def offered() -> bool:
            return any(t["id"] == TENANT for t in (await client.get("/api/v1/tenants")).json())

        await eventually(offered, what=f"{TENANT} offered")
        yield Kotak(runtime, client, keys, infra)


def expected_due(asked: datetime) -> datetime:
    """Counted here without the runtime's arithmetic: weekends and the week off skipped."""
    day, counted = asked.astimezone(JAKARTA).date(), 0
    off = {today() + timedelta(days=d) for d in range(1, HOLIDAYS + 1)}
    while counted < ANSWER_DAYS:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in off:
            counted += 1
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=JAKARTA)


async def test_a_question_goes_out_sealed_with_its_due_time_and_the_copy_is_kept_sealed(kotak: Kotak) -> None:
    assert (await kotak.client.get("/api/v1/reporter/messages")).status_code == 401
    report, reporter = await kotak.reporter()
    text = f"Bagaimana perkembangan laporan saya? {uuid.uuid4().hex}"
    sent = await reporter.post("/api/v1/reporter/messages", json={"kind": "pertanyaan", "text": text})
    assert sent.status_code == 201, sent.text
    body = sent.json()
    answer_due = datetime.fromisoformat(body["answer_due"])
    assert answer_due == expected_due(datetime.fromisoformat(body["sent_at"]))
    assert answer_due > datetime.now(UTC) + timedelta(days=HOLIDAYS)  # the week off does not count
    assert sent.headers["cache-control"] == "no-store"

    records = await read_until(
        kotak.infra.bootstrap_servers,
        topic(kotak.infra, REPORTER_MESSAGE_SENT.topic),
        lambda rs: any(e.data.message_id == uuid.UUID(body["id"]) for e in events(rs)),
    )
    [event] = [e for e in events(records) if e.data.message_id == uuid.UUID(body["id"])]
    assert (event.tenant, event.subject, event.data.kind.value) == (TENANT, str(report), "pertanyaan")
    assert event.data.answer_due == answer_due
    assert all(text.encode() not in r.value for r in records)
    triage_keys = KeyRing.from_directory(kotak.keys, {Audience.CASE_SUBSTANCE})
    assert triage_keys.open(event.data.body, tenant=TENANT, case=report, model=ReporterMessageV1).text == text

    [row] = await kotak.stored(report)
    assert text not in str(row._mapping)
    own = KeyRing.from_directory(kotak.keys, {Audience.REPORTER_MAILBOX})
    copy = own.open(SealedPayload.model_validate(row.sealed), tenant=TENANT, case=report, model=MailboxMessageV1)
    assert copy.text == text
    assert (row.direction, row.kind, row.answer_due) == ("dari-pelapor", "pertanyaan", answer_due)


async def officer_answer(kotak: Kotak, report: uuid.UUID, text: str, **more: Any) -> Any:
    data = OfficerMessageSentV1(
        case_id=report,
        message_id=uuid.uuid4(),
        kind=more.pop("kind", OfficerMessageKind.JAWABAN),
        sent_at=datetime.now(UTC),
        body=KeyRing.from_directory(kotak.keys).seal(
            TENANT, Audience.REPORTER_MAILBOX, MailboxMessageV1(text=text), case=report
        ),
        **more,
    )
    return OFFICER_MESSAGE_SENT.envelope(
        data, tenant=TENANT, subject=str(report), time=data.sent_at, correlation_id=str(uuid.uuid4())
    )


async def test_an_officers_answer_delivered_twice_is_kept_once_and_the_timeline_says_so(kotak: Kotak) -> None:
    report, reporter = await kotak.reporter()
    question = (
        await reporter.post("/api/v1/reporter/messages", json={"kind": "pertanyaan", "text": "Ada kabar?"})
    ).json()
    answer = await officer_answer(kotak, report, "Laporan Anda sedang ditelaah.", in_reply_to=uuid.UUID(question["id"]))
    officers = topic(kotak.infra, OFFICER_MESSAGE_SENT.topic)
    await publish(kotak.infra.bootstrap_servers, officers, answer)
    await publish(kotak.infra.bootstrap_servers, officers, answer.model_copy(update={"id": uuid.uuid4()}))
    marker = await officer_answer(kotak, report, "Mohon sebutkan lantai.", kind=OfficerMessageKind.PERMINTAAN_INFORMASI)
    await publish(kotak.infra.bootstrap_servers, officers, marker)

    async def both_arrived() -> dict[str, Any] | None:
        mailbox: dict[str, Any] = (await reporter.get("/api/v1/reporter/messages")).json()
        return mailbox if len(mailbox["messages"]) >= 3 else None

    mailbox = await eventually(both_arrived, what="the officers' messages")
    assert [(m["direction"], m["kind"], m["text"]) for m in mailbox["messages"]] == [
        ("dari-pelapor", "pertanyaan", "Ada kabar?"),
        ("dari-petugas", "jawaban", "Laporan Anda sedang ditelaah."),
        ("dari-petugas", "permintaan-informasi", "Mohon sebutkan lantai."),
    ]
    assert mailbox["messages"][1]["in_reply_to"] == question["id"]
    assert [(t["kind"], t["pesan"], t["message"]) for t in mailbox["timeline"]] == [
        ("petugas-menjawab", "Petugas menjawab", "An officer answered"),
        ("petugas-meminta-informasi", "Petugas meminta informasi tambahan", "An officer asked for more information"),
    ]
    assert len(await kotak.stored(report)) == 3  # the answer delivered twice is kept once

    # The reporter answers the request for information.
    reply = await reporter.post(
        "/api/v1/reporter/messages",
        json={"kind": "informasi-tambahan", "text": "Lantai dua.", "in_reply_to": str(marker.data.message_id)},
    )
    assert reply.status_code == 201, reply.text


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "pesan", "text": "  "}, "text"),
        ({"kind": "pesan", "text": "x" * (TEXT_LIMIT + 1)}, "text"),
        ({"kind": "gosip", "text": "Halo"}, "kind"),
        ({"kind": "pesan", "text": "Halo", "in_reply_to": str(uuid.uuid4())}, "in_reply_to"),
    ],
)
async def test_a_message_it_cannot_take_is_refused_naming_the_field_in_both_languages(
    kotak: Kotak, payload: dict[str, str], field: str
) -> None:
    report, reporter = await kotak.reporter()
    refused = await reporter.post("/api/v1/reporter/messages", json=payload)
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert [e["field"] for e in body["errors"]] == [field]
    assert body["errors"][0]["pesan"] != body["errors"][0]["message"]
    assert await kotak.stored(report) == []


def csrf_of(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None, "no CSRF field on the page"
    return found.group(1)


async def test_the_page_shows_the_messages_and_takes_one_with_its_csrf_token(kotak: Kotak) -> None:
    away = await kotak.client.get("/pantau/kotak")
    assert (away.status_code, away.headers["location"]) == (303, "/pantau")

    report, reporter = await kotak.reporter()
    await reporter.post("/api/v1/reporter/messages", json={"kind": "pesan", "text": "Pesan pertama"})
    answer = await officer_answer(kotak, report, "Terima kasih, kami baca.")
    await publish(kotak.infra.bootstrap_servers, topic(kotak.infra, OFFICER_MESSAGE_SENT.topic), answer)

    async def answered() -> httpx.Response | None:
        page = await reporter.get("/pantau/kotak")
        return page if "Terima kasih, kami baca." in page.text else None

    page = await eventually(answered, what="the answer on the page")
    assert page.headers["cache-control"] == "no-store"
    assert "Pesan pertama" in page.text
    assert "Petugas menjawab" in page.text
    token = csrf_of(page)

    forged = await reporter.post("/pantau/kotak", data={"jenis": "pesan", "teks": "Tanpa token"})
    assert forged.status_code == 403

    long = "Panjang sekali. " * 700  # above the limit: refused, and the text stays in the form
    refused = await reporter.post("/pantau/kotak", data={"csrf": token, "jenis": "pertanyaan", "teks": long})
    assert refused.status_code == 422
    assert "Pesan terlalu panjang" in refused.text
    assert long.strip() in refused.text
    assert 'value="pertanyaan" checked' in refused.text

    sent = await reporter.post("/pantau/kotak", data={"csrf": token, "jenis": "pertanyaan", "teks": "Kapan ada kabar?"})
    assert (sent.status_code, sent.headers["location"]) == (303, "/pantau/kotak?pesan=terkirim")
    shown = await reporter.get(sent.headers["location"])
    assert "Pesan Anda telah terkirim." in shown.text
    assert "Kapan ada kabar?" in shown.text
    assert "Jawaban paling lambat" in shown.text
    assert [r.kind for r in await kotak.stored(report)] == ["pesan", "jawaban", "pertanyaan"]
