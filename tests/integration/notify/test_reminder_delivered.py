"""The whole of notify at once, as ``make run`` runs it: a case disposed to a team, the team's
follow-up limit approaching, and the reminder reaching each officer's in-app inbox and a real SMTP
server (aiosmtpd keeping a Maildir, the launcher's) exactly once, however often the round runs and
the event is delivered, with nothing of the case in it but the link to its page behind sign-in."""

from __future__ import annotations

import asyncio
import email
import email.policy
import mailbox
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from uuid import uuid4

import pytest
from sqlalchemy import select

from tests.integration.notify.rules.conftest import TENANT
from tests.integration.notify.rules.test_reminders import a_weekday_ahead
from tests.support.clock import MovableClock
from tests.support.infrastructure import Infrastructure
from tests.support.publish import publish
from tests.support.services import migrated_database, running, settings_for
from tests.support.teams import known_addresses, staff
from tests.support.tenants import demo_configuration, keep_in
from tests.support.waiting import eventually
from tests.unit.notify.rules.events import case_disposed
from wbs_contracts.registry import CASE_DISPOSED, OFFICER_CONTACT, OFFICER_ROLES
from wbs_contracts.roles import Role
from wbs_launcher.mail import LocalMailServer
from wbs_notify.adapters.db import SqlNotifyUnitOfWork, metadata, notification_table
from wbs_notify.entrypoint import PROGRAM, NotifySettings, build
from wbs_runtime.crypto import issue_for_services
from wbs_runtime.service import ServiceRuntime

PUBLIC_URL = "https://wbs.uji.go.id"
ADDRESSES = {"ketua-surel": "ketua.tim@bps.uji.go.id", "penelaah-surel": "penelaah@bps.uji.go.id"}


@dataclass
class Running:
    runtime: ServiceRuntime[SqlNotifyUnitOfWork]
    clock: MovableClock
    mail: LocalMailServer
    infra: Infrastructure

    def topic(self, name: str) -> str:
        return f"{self.runtime.settings.kafka_topic_prefix}{name}"

    def messages(self) -> list[EmailMessage]:
        if not (self.mail.directory / "cur").exists():
            return []  # nothing received yet: the server makes its Maildir with the first message
        box = mailbox.Maildir(self.mail.directory, create=False)
        kept = []
        for key in box.iterkeys():
            message = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            kept.append(message)
        return kept


@pytest.fixture(scope="module")
async def notify(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Running]:
    keys = tmp_path_factory.mktemp("keys")
    issue_for_services(keys, TENANT, ["notify"])
    mail = LocalMailServer(tmp_path_factory.mktemp("mail"), 0)
    mail.start()
    url = await migrated_database(infra, "notify", PROGRAM.migrations, metadata, label="_delivered")
    clock = MovableClock()
    settings = settings_for(
        NotifySettings,
        infra,
        url,
        keys / "notify",
        reminder_round_seconds=0.2,
        delivery_idle_seconds=0.2,
        smtp_host=mail.host,
        smtp_port=mail.port,
        mail_sender="WBS <wbs@bps.uji.go.id>",
        public_url=PUBLIC_URL,
        # Topics of its own: other tests' cases on the shared ones would send other mail.
        kafka_topic_prefix=f"{infra.namespace}.delivered.",
    )
    runtime = build(settings, clock=clock)
    try:
        async with running(runtime):
            await keep_in(runtime, demo_configuration(TENANT))
            yield Running(runtime, clock, mail, infra)
    finally:
        mail.stop()


async def on_the_roster(notify: Running, officers: dict[str, Role]) -> None:
    """Directory's officer-roles for ``officers``, on this notify's own topics."""
    roles = {officer: [role] for officer, role in officers.items()}
    await staff(notify.infra, notify.runtime, TENANT, roles, on=notify.topic(OFFICER_ROLES.topic), at=notify.clock())


async def addresses_known(notify: Running) -> None:
    topic = notify.topic(OFFICER_CONTACT.topic)
    await known_addresses(notify.infra, notify.runtime, ADDRESSES, on=topic, at=notify.clock())


async def test_a_deadline_reminder_reaches_the_inbox_and_the_smtp_server_exactly_once_without_content(
    notify: Running,
) -> None:
    await on_the_roster(notify, {"ketua-surel": Role.KETUA_TIM, "penelaah-surel": Role.PENELAAH})
    await addresses_known(notify)
    case = uuid4()
    disposed = case_disposed(case, a_weekday_ahead(21), "ketua-surel", "penelaah-surel")
    cases = notify.topic(CASE_DISPOSED.topic)
    await publish(notify.infra.bootstrap_servers, cases, disposed)

    def mails(subject_line: str) -> list[EmailMessage]:
        return [m for m in notify.messages() if m["Subject"].startswith(subject_line)]

    async def mailed(subject_line: str, count: int) -> bool:
        return len(mails(subject_line)) == count

    # The disposition itself: each member told in the inbox and by e-mail.
    await eventually(lambda: mailed("[WBS] Ada disposisi untuk tim Anda", 2), what="the disposition e-mailed")

    async def reminders() -> list[object]:
        async with notify.runtime.unit_of_work() as uow:
            return list(await uow.reminders.of_reference(case))

    planned = await eventually(reminders, what="the reminders planned")
    notify.clock.now = min(r.fire_at for r in planned) + timedelta(hours=9)  # type: ignore[attr-defined]
    await eventually(lambda: mailed("[WBS] Tenggat waktu segera tiba", 2), what="the reminder e-mailed")

    # The event again, the rounds again, time passing: nothing more.
    await publish(notify.infra.bootstrap_servers, cases, disposed)
    notify.clock.now += timedelta(hours=2)
    await asyncio.sleep(2)

    reminded = mails("[WBS] Tenggat waktu segera tiba")
    assert sorted(m["To"] for m in reminded) == sorted(ADDRESSES.values())
    async with notify.runtime.sessionmaker() as session:
        query = select(notification_table).where(
            notification_table.c.case_id == case, notification_table.c.subject == "tenggat-mendekat"
        )
        rows = (await session.execute(query)).all()
    assert sorted((r.recipient, r.channel, r.status) for r in rows) == [
        ("ketua-surel", "kotak-masuk-petugas", "terkirim"),
        ("ketua-surel", "surel", "terkirim"),
        ("penelaah-surel", "kotak-masuk-petugas", "terkirim"),
        ("penelaah-surel", "surel", "terkirim"),
    ]
    link = f"{PUBLIC_URL}/perkara/{TENANT}/{case}"
    for message in reminded:
        body = message.get_content()
        assert link in body
        # Nothing of the case but its page: not the instruction (sealed), not a name, not the agenda.
        assert disposed.data.instruction.ciphertext not in body
        assert "Ketua-Surel" not in body
        assert "Penelaah-Surel" not in body
        assert message["Message-ID"].endswith("@bps.uji.go.id>")
