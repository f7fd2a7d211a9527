"""E-mail through a real SMTP server (aiosmtpd keeping a Maildir, as `make run` does): exactly
once, with no content; officers' addresses from directory's officer-contact; reporters' opened
from the sealed contact only at delivery."""

from __future__ import annotations

import email
import email.policy
import mailbox
import socket
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from aiosmtpd.controller import Controller
from prometheus_client import CollectorRegistry
from sqlalchemy import select

from tests.integration.notify.channels.conftest import PUBLIC_URL, TENANT, Channels
from tests.support.events import report_submitted
from tests.support.publish import publish
from tests.support.teams import known_addresses
from tests.support.waiting import eventually
from wbs_contracts.events.directory import NotificationSubject
from wbs_contracts.events.intake import ReporterContactV2
from wbs_contracts.registry import OFFICER_CONTACT, REPORT_SUBMITTED
from wbs_contracts.sealed import Audience
from wbs_launcher.mail import LocalMailServer, MaildirHandler
from wbs_notify.adapters.db import contact_table
from wbs_notify.adapters.delivery import CONTACT_NOT_KNOWN_YET, NO_ADDRESS, DeliveryMetrics
from wbs_notify.adapters.smtp import MailNotSent, SmtpMailer
from wbs_notify.domain.email import render
from wbs_notify.domain.notification import Channel, DeliveryStatus, RecipientKind
from wbs_runtime.crypto import KeyRing


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[LocalMailServer]:
    server = LocalMailServer(tmp_path / "mail", 0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class RefusingHandler(MaildirHandler):
    """Refuses one mailbox, quoting it, as a real server's ``550 5.1.1`` does."""

    refused = "petugas.pindah@inspektorat.uji.go.id"
    code = 550

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        #: The SMTP session (one per connection) of every recipient asked for.
        self.sessions: list[object] = []

    def connections(self) -> int:
        return len({id(session) for session in self.sessions})

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: object, session: object, envelope: Any, address: str, options: list[str]
    ) -> str:
        self.sessions.append(session)  # kept, so that two connections never share an id
        if address == self.refused:
            return f"{self.code} 5.1.1 <{address}>: Recipient address rejected: user {address} unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"


class RefusingMailServer(LocalMailServer):
    def __init__(self, directory: Path, code: int) -> None:
        super().__init__(directory, 0)
        self.code = code

    def start(self) -> None:
        handler = self.handler = RefusingHandler(self.directory)
        handler.code = self.code
        self._controller = Controller(handler, hostname=self.host, port=self.port)
        self._controller.start()


@pytest.fixture(params=[550, 450])
def refusing(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RefusingMailServer]:
    server = RefusingMailServer(tmp_path / "mail", request.param)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def mailer(server: LocalMailServer, channels: Channels) -> SmtpMailer:
    return SmtpMailer(host=server.host, port=server.port, sender="WBS <wbs@wbs.uji.go.id>", clock=channels.clock)


def received(server: LocalMailServer) -> list[EmailMessage]:
    box = mailbox.Maildir(server.directory, create=False)
    kept = []
    for key in box.iterkeys():
        message = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        kept.append(message)
    return kept


async def officer_with_address(
    channels: Channels, address: str | None, *, officer: str | None = None, active: bool = True
) -> str:
    officer = officer or str(uuid4())
    await known_addresses(
        channels.infra,
        channels.runtime,
        {officer: address},
        on=channels.topic(OFFICER_CONTACT.topic),
        at=channels.clock(),
        active=active,
    )
    return officer


async def reporter_case(channels: Channels, contact: str | None) -> UUID:
    case = uuid4()
    sealed = KeyRing.from_directory(channels.keys / "intake").seal(
        TENANT, Audience.REPORTER_CONTACT, ReporterContactV2(contact=contact), case=case
    )
    event = report_submitted(tenant=TENANT, case_id=case, contact=sealed)
    await publish(channels.infra.bootstrap_servers, channels.topic(REPORT_SUBMITTED.topic), event)

    async def kept() -> object:
        async with channels.runtime.sessionmaker() as session:
            query = select(contact_table).where(contact_table.c.case_id == case)
            return (await session.execute(query)).first()

    await eventually(kept, what="the reporter's sealed contact kept")
    return case


async def test_a_deadline_reminder_reaches_the_officer_exactly_once_without_content(
    channels: Channels, smtp: LocalMailServer
) -> None:
    officer = await officer_with_address(channels, "petugas.tl@inspektorat.uji.go.id")
    case = uuid4()
    queued = await channels.enqueue(
        channel=Channel.SUREL,
        recipient_kind=RecipientKind.PETUGAS,
        recipient=officer,
        subject=NotificationSubject.TENGGAT_MENDEKAT,
        case_id=case,
    )
    delivery = channels.round(mailer=mailer(smtp, channels))
    await delivery()
    await delivery()  # a second round finds nothing to send
    # The rules' redelivered event puts the same key in the queue again: a no-op.
    again = await channels.enqueue(
        channel=Channel.SUREL,
        recipient_kind=RecipientKind.PETUGAS,
        recipient=officer,
        subject=NotificationSubject.TENGGAT_MENDEKAT,
        case_id=case,
        key=queued.idempotency_key,
    )
    assert again.idempotency_key == queued.idempotency_key
    channels.clock.advance(hours=1)
    await delivery()

    messages = received(smtp)
    assert len(messages) == 1
    message = messages[0]
    assert message["To"] == "petugas.tl@inspektorat.uji.go.id"
    assert message["Subject"] == "[WBS] Tenggat waktu segera tiba / A deadline is approaching"
    body = message.get_content()
    expected = render(
        subject=NotificationSubject.TENGGAT_MENDEKAT,
        link=queued.link,
        public_url=PUBLIC_URL,
        idempotency_key=queued.idempotency_key,
        to_reporter=False,
        domain="wbs.uji.go.id",
    )
    # Exactly the template and the link: nothing of the case but the page's address.
    assert body.replace("\r\n", "\n").strip() == expected.body.strip()
    assert f"{PUBLIC_URL}/perkara/{TENANT}/{case}" in body
    assert message["Message-ID"] == expected.message_id
    row = await channels.row(queued.idempotency_key)
    assert (row.status, row.attempts, row.last_error) == (DeliveryStatus.TERKIRIM, 1, None)
    assert row.delivered_at == channels.clock.now - timedelta(hours=1)


async def test_a_reply_reaches_the_reporter_at_the_address_opened_only_now(
    channels: Channels, smtp: LocalMailServer
) -> None:
    case = await reporter_case(channels, "pelapor.rahasia@example.org")
    queued = await channels.enqueue(
        channel=Channel.SUREL,
        recipient_kind=RecipientKind.PELAPOR,
        recipient=None,
        subject=NotificationSubject.BALASAN,
        case_id=case,
        link="/status",
    )
    await channels.round(mailer=mailer(smtp, channels))()
    messages = received(smtp)
    assert [m["To"] for m in messages] == ["pelapor.rahasia@example.org"]
    assert messages[0]["Subject"] == "[WBS] Ada balasan atas laporan Anda / There is a reply to your report"
    assert f"{PUBLIC_URL}/status" in messages[0].get_content()
    row = await channels.row(queued.idempotency_key)
    assert row.status == DeliveryStatus.TERKIRIM
    assert "pelapor.rahasia" not in repr(tuple(row))  # the address is not kept beside the row


@pytest.mark.parametrize("contact", [None, "0812-3456-7890"])
async def test_a_reporter_without_an_address_gets_nothing_and_the_row_ends(
    channels: Channels, smtp: LocalMailServer, contact: str | None
) -> None:
    case = await reporter_case(channels, contact)
    queued = await channels.enqueue(
        channel=Channel.SUREL,
        recipient_kind=RecipientKind.PELAPOR,
        recipient=None,
        subject=NotificationSubject.BALASAN,
        case_id=case,
    )
    delivery = channels.round(mailer=mailer(smtp, channels))
    await delivery()
    channels.clock.advance(days=2)
    assert await delivery() == 0  # ended: no retries, no error storm
    assert received(smtp) == []
    row = await channels.row(queued.idempotency_key)
    assert (row.status, row.attempts, row.last_error) == (DeliveryStatus.GAGAL, 1, NO_ADDRESS)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_an_unreachable_server_is_tried_again_on_the_schedule(channels: Channels, smtp: LocalMailServer) -> None:
    officer = await officer_with_address(channels, "petugas.retry@inspektorat.uji.go.id")
    queued = await channels.enqueue(
        channel=Channel.SUREL,
        recipient_kind=RecipientKind.PETUGAS,
        recipient=officer,
        subject=NotificationSubject.PERSETUJUAN,
    )
    down = SmtpMailer(host="127.0.0.1", port=closed_port(), sender="wbs@wbs.uji.go.id", clock=channels.clock)
    await channels.round(mailer=down)()
    row = await channels.row(queued.idempotency_key)
    assert (row.status, row.attempts) == (DeliveryStatus.ANTRE, 1)
    assert row.last_error.startswith("SMTP")
    failed_at = channels.clock.now
    assert row.next_attempt_at == failed_at + timedelta(seconds=5)

    up = channels.round(mailer=mailer(smtp, channels))
    channels.clock.advance(seconds=4)
    await up()
    assert received(smtp) == []  # not due yet
    channels.clock.advance(seconds=1)
    await up()
    assert [m["To"] for m in received(smtp)] == ["petugas.retry@inspektorat.uji.go.id"]
    row = await channels.row(queued.idempotency_key)
    assert (row.status, row.attempts) == (DeliveryStatus.TERKIRIM, 2)


async def test_an_officer_without_an_address_gets_no_mail(channels: Channels, smtp: LocalMailServer) -> None:
    officer = await officer_with_address(channels, None)
    queued = await channels.enqueue(
        channel=Channel.SUREL,
        recipient_kind=RecipientKind.PETUGAS,
        recipient=officer,
        subject=NotificationSubject.KASUS_BARU,
    )
    await channels.round(mailer=mailer(smtp, channels))()
    assert received(smtp) == []
    assert (await channels.row(queued.idempotency_key)).status == DeliveryStatus.GAGAL


async def test_deliveries_and_the_waiting_queue_are_measured(channels: Channels, smtp: LocalMailServer) -> None:
    metrics = DeliveryMetrics(CollectorRegistry())
    officer = await officer_with_address(channels, "petugas.metrik@inspektorat.uji.go.id")
    await channels.enqueue(
        channel=Channel.SUREL,
        recipient_kind=RecipientKind.PETUGAS,
        recipient=officer,
        subject=NotificationSubject.DISPOSISI,
    )
    async with channels.runtime.engine.connect() as db:
        await metrics.measure(db)
    assert metrics.waiting.labels(Channel.SUREL)._value.get() >= 1
    delivery = channels.round(mailer=mailer(smtp, channels))
    delivery._metrics = metrics
    await delivery()
    assert metrics.deliveries.labels(Channel.SUREL, DeliveryStatus.TERKIRIM)._value.get() == 1
    async with channels.runtime.engine.connect() as db:
        await metrics.measure(db)
    assert metrics.waiting.labels(Channel.SUREL)._value.get() == 0


async def test_a_refused_recipient_leaves_no_address_behind_and_a_permanent_refusal_ends_the_row(
    channels: Channels, refusing: RefusingMailServer, caplog: pytest.LogCaptureFixture
) -> None:
    address = RefusingHandler.refused
    officer = await officer_with_address(channels, address)
    queued = await channels.enqueue(
        channel=Channel.SUREL,
        recipient_kind=RecipientKind.PETUGAS,
        recipient=officer,
        subject=NotificationSubject.DISPOSISI,
    )
    with caplog.at_level("DEBUG"):
        await channels.round(mailer=mailer(refusing, channels))()
    row = await channels.row(queued.idempotency_key)
    assert received(refusing) == []
    # Only the exception's class and the SMTP code: the server's reply quoted the address.
    assert row.last_error == f"SMTP: SMTPRecipientsRefused {refusing.code}"
    assert "petugas.pindah" not in repr(tuple(row))
    ours = [record.getMessage() for record in caplog.records if not record.name.startswith("mail.log")]
    assert not [line for line in ours if "petugas.pindah" in line]  # the SMTP server's own log aside
    if refusing.code >= 500:  # refused for good: given up at once
        assert (row.status, row.attempts) == (DeliveryStatus.GAGAL, 1)
    else:  # a 4xx is the server's "not now": on the schedule
        assert (row.status, row.attempts) == (DeliveryStatus.ANTRE, 1)
        assert row.next_attempt_at == channels.clock.now + timedelta(seconds=5)
        await channels.forget([row.idempotency_key])


async def test_a_round_sends_its_messages_on_one_connection_past_a_refused_recipient(
    channels: Channels, refusing: RefusingMailServer
) -> None:
    """A round connects and greets once, not once per message; a refused recipient does not end
    the conversation (the server reset it), so the next message goes on the same connection."""
    first = await officer_with_address(channels, "ketua.tim@inspektorat.uji.go.id")
    moved = await officer_with_address(channels, RefusingHandler.refused)
    second = await officer_with_address(channels, "anggota.tim@inspektorat.uji.go.id")
    queued = [
        await channels.enqueue(
            channel=Channel.SUREL,
            recipient_kind=RecipientKind.PETUGAS,
            recipient=officer,
            subject=NotificationSubject.DISPOSISI,
        )
        for officer in (first, moved, second)
    ]
    assert await channels.round(mailer=mailer(refusing, channels))() == 3
    assert sorted(m["To"] for m in received(refusing)) == [
        "anggota.tim@inspektorat.uji.go.id",
        "ketua.tim@inspektorat.uji.go.id",
    ]
    assert refusing.handler.connections() == 1
    rows = [await channels.row(q.idempotency_key) for q in queued]
    assert [r.status for r in rows] == [
        DeliveryStatus.TERKIRIM,
        DeliveryStatus.GAGAL if refusing.code >= 500 else DeliveryStatus.ANTRE,
        DeliveryStatus.TERKIRIM,
    ]
    await channels.forget([r.idempotency_key for r in rows])


async def test_a_refused_recipient_between_two_messages_keeps_the_connection(
    channels: Channels, refusing: RefusingMailServer
) -> None:
    """In this order, whatever order a round claims its rows in: the server's refusal (and its
    reset) leaves the conversation usable for the next message."""
    sender = mailer(refusing, channels)
    message = render(
        subject=NotificationSubject.DISPOSISI,
        link="/perkara/bps-1700/x",
        public_url=PUBLIC_URL,
        idempotency_key="k",
        to_reporter=False,
        domain="wbs.uji.go.id",
    )
    await sender.send("ketua.tim@inspektorat.uji.go.id", message)
    with pytest.raises(MailNotSent):
        await sender.send(RefusingHandler.refused, message)
    await sender.send("anggota.tim@inspektorat.uji.go.id", message)
    await sender.close()
    assert len(received(refusing)) == 2
    assert refusing.handler.connections() == 1


async def test_an_officer_whose_contact_has_not_arrived_yet_is_tried_again(
    channels: Channels, smtp: LocalMailServer
) -> None:
    officer = str(uuid4())
    queued = await channels.enqueue(
        channel=Channel.SUREL,
        recipient_kind=RecipientKind.PETUGAS,
        recipient=officer,
        subject=NotificationSubject.DISPOSISI,
    )
    delivery = channels.round(mailer=mailer(smtp, channels))
    await delivery()
    row = await channels.row(queued.idempotency_key)
    assert (row.status, row.attempts, row.last_error) == (DeliveryStatus.ANTRE, 1, CONTACT_NOT_KNOWN_YET)
    assert row.next_attempt_at == channels.clock.now + timedelta(seconds=5)

    await officer_with_address(channels, "petugas.baru@inspektorat.uji.go.id", officer=officer)
    channels.clock.advance(seconds=5)
    await delivery()
    assert [m["To"] for m in received(smtp)] == ["petugas.baru@inspektorat.uji.go.id"]
    assert (await channels.row(queued.idempotency_key)).status == DeliveryStatus.TERKIRIM


async def test_a_deactivated_officer_gets_no_mail_and_the_row_ends(channels: Channels, smtp: LocalMailServer) -> None:
    officer = await officer_with_address(channels, "petugas.keluar@inspektorat.uji.go.id", active=False)
    queued = await channels.enqueue(
        channel=Channel.SUREL,
        recipient_kind=RecipientKind.PETUGAS,
        recipient=officer,
        subject=NotificationSubject.DISPOSISI,
    )
    await channels.round(mailer=mailer(smtp, channels))()
    assert received(smtp) == []
    row = await channels.row(queued.idempotency_key)
    assert (row.status, row.last_error) == (DeliveryStatus.GAGAL, NO_ADDRESS)


async def test_an_officers_notifications_due_in_one_round_are_one_digest(
    channels: Channels, smtp: LocalMailServer
) -> None:
    """A flood of reports must not put one e-mail per report in an officer's mailbox: what is due
    for one officer in a round goes as one message listing each link; every row is delivered."""
    busy = await officer_with_address(channels, "petugas.sibuk@inspektorat.uji.go.id")
    other = await officer_with_address(channels, "pimpinan.satker@inspektorat.uji.go.id")
    cases = [uuid4() for _ in range(3)]
    digested = [
        await channels.enqueue(
            channel=Channel.SUREL,
            recipient_kind=RecipientKind.PETUGAS,
            recipient=busy,
            subject=NotificationSubject.KASUS_BARU,
            case_id=case,
        )
        for case in cases
    ]
    alone = await channels.enqueue(
        channel=Channel.SUREL,
        recipient_kind=RecipientKind.PETUGAS,
        recipient=other,
        subject=NotificationSubject.KASUS_BARU,
        case_id=cases[0],
    )
    await channels.round(mailer=mailer(smtp, channels), batch=50)()

    messages: dict[str, list[EmailMessage]] = {}
    for message in received(smtp):
        messages.setdefault(message["To"], []).append(message)
    assert len(messages["petugas.sibuk@inspektorat.uji.go.id"]) == 1
    assert len(messages["pimpinan.satker@inspektorat.uji.go.id"]) == 1
    digest = messages["petugas.sibuk@inspektorat.uji.go.id"][0]
    assert digest["Subject"] == "[WBS] 3 hal memerlukan perhatian Anda / 3 things need your attention"
    body = digest.get_content()
    listed = [line.strip() for line in body.splitlines() if line.startswith("  http")]
    assert sorted(listed) == sorted(f"{PUBLIC_URL}/perkara/{TENANT}/{case}" for case in cases)
    # One notification alone is the usual message.
    assert messages["pimpinan.satker@inspektorat.uji.go.id"][0]["Subject"] == (
        "[WBS] Ada pengaduan baru / A new report has arrived"
    )
    for queued in [*digested, alone]:
        row = await channels.row(queued.idempotency_key)
        assert (row.status, row.attempts, row.last_error) == (DeliveryStatus.TERKIRIM, 1, None)


async def test_a_digest_refused_for_good_ends_every_row_in_it(channels: Channels, refusing: RefusingMailServer) -> None:
    moved = await officer_with_address(channels, RefusingHandler.refused)
    queued = [
        await channels.enqueue(
            channel=Channel.SUREL,
            recipient_kind=RecipientKind.PETUGAS,
            recipient=moved,
            subject=subject,
        )
        for subject in (NotificationSubject.DISPOSISI, NotificationSubject.PERSETUJUAN)
    ]
    await channels.round(mailer=mailer(refusing, channels), batch=50)()
    rows = [await channels.row(q.idempotency_key) for q in queued]
    expected = DeliveryStatus.GAGAL if refusing.code >= 500 else DeliveryStatus.ANTRE
    assert [(r.status, r.attempts) for r in rows] == [(expected, 1), (expected, 1)]
    assert all(r.last_error == f"SMTP: SMTPRecipientsRefused {refusing.code}" for r in rows)
    assert RefusingHandler.refused not in str([r.last_error for r in rows])
    await channels.forget([q.idempotency_key for q in queued])
