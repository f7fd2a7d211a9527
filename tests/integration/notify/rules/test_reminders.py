"""A deadline reminder reaches the officer's inbox exactly once, with nothing of the case in it:
real PostgreSQL and broker, the service's clock moved by the test."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from uuid import uuid4

from tests.integration.notify.rules.conftest import TENANT, Notify
from tests.support.events import telaah_decided
from tests.support.infrastructure import Infrastructure
from tests.support.publish import publish
from tests.support.services import topic
from tests.support.teams import staff
from tests.support.waiting import eventually
from tests.unit.notify.rules.events import case_disposed
from wbs_contracts.events.triage import TelaahOutcome
from wbs_contracts.registry import CASE_DISPOSED, TELAAH_DECIDED
from wbs_contracts.roles import Role
from wbs_notify.usecases.rules import send_due_reminders
from wbs_runtime.working_days import JAKARTA

#: Every column of a notification: who, which channel, what subject, where, when. Nothing else.
COLUMNS = {
    "idempotency_key", "case_id", "tenant_id", "kind", "channel", "template", "status", "queued_at", "delivered_at",
    "recipient_kind", "recipient", "subject", "link", "attempts", "next_attempt_at", "last_error", "read_at",
}  # fmt: skip


def a_weekday_ahead(days: int) -> date:
    day = date.today() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


async def test_a_deadline_reminder_reaches_the_officers_inbox_exactly_once_without_content(
    infra: Infrastructure, notify: Notify
) -> None:
    await staff(infra, notify.runtime, TENANT, {"ketua-rem": [Role.KETUA_TIM], "penelaah-rem": [Role.PENELAAH]})
    case = uuid4()
    due = a_weekday_ahead(21)
    disposed = case_disposed(case, due, "ketua-rem", "penelaah-rem")
    await publish(infra.bootstrap_servers, topic(infra, CASE_DISPOSED.topic), disposed)
    told = await eventually(lambda: notify.rows(case_id=case, subject="disposisi"), what="the team told")
    assert {(r.recipient, r.channel) for r in told} == {
        (officer, channel) for officer in ("ketua-rem", "penelaah-rem") for channel in ("kotak-masuk-petugas", "surel")
    }

    async def planned() -> list[object]:
        async with notify.runtime.unit_of_work() as uow:
            return list(await uow.reminders.of_reference(case))

    reminders = await eventually(planned, what="the reminders planned")
    approaching = min(r.fire_at for r in reminders)  # type: ignore[attr-defined]
    assert approaching.astimezone(JAKARTA).date() < due

    # Not yet: nothing. Then the clock reaches the reminder's day and the background round fires it.
    assert await notify.rows(case_id=case, subject="tenggat-mendekat") == []
    notify.clock.now = approaching + timedelta(hours=9)
    inbox = await eventually(
        lambda: notify.rows(case_id=case, subject="tenggat-mendekat", channel="kotak-masuk-petugas"),
        what="the reminder in the inbox",
    )
    # Again: the round once more, the event redelivered, the same disposition announced anew.
    assert await send_due_reminders(notify.runtime.unit_of_work, clock=notify.clock) == 0
    await publish(infra.bootstrap_servers, topic(infra, CASE_DISPOSED.topic), disposed)
    again = case_disposed(case, due, "ketua-rem", "penelaah-rem", at=disposed.data.disposed_at)
    await publish(infra.bootstrap_servers, topic(infra, CASE_DISPOSED.topic), again)
    await asyncio.sleep(1.5)
    assert await send_due_reminders(notify.runtime.unit_of_work, clock=notify.clock) == 0

    inbox = await notify.rows(case_id=case, subject="tenggat-mendekat", channel="kotak-masuk-petugas")
    assert sorted(r.recipient for r in inbox) == ["ketua-rem", "penelaah-rem"]
    assert len(await notify.rows(case_id=case, subject="tenggat-mendekat")) == 4  # and one e-mail each
    assert len(await notify.rows(case_id=case, subject="disposisi")) == 4
    for row in inbox:
        assert set(row._fields) == COLUMNS
        assert (row.status, row.recipient_kind, row.read_at) == ("terkirim", "petugas", None)
        assert row.delivered_at is not None
        assert row.link == f"/perkara/{TENANT}/{case}"
        assert (row.template, row.kind, row.tenant_id) == ("tenggat-mendekat.v1", "perhatian", TENANT)
        assert disposed.data.instruction.ciphertext not in str(row)

    # The telaah decided before the limit: the "passed" notice never comes.
    decided = telaah_decided(TENANT, TelaahOutcome.DIGABUNG, case_id=case, merged_into=uuid4())
    await publish(infra.bootstrap_servers, topic(infra, TELAAH_DECIDED.topic), decided)

    async def cancelled() -> bool:
        return all(r.state.value != "menunggu" for r in await planned())  # type: ignore[attr-defined]

    await eventually(cancelled, what="the passed-notice cancelled")
    notify.clock.now = notify.clock.now + timedelta(days=30)
    assert await send_due_reminders(notify.runtime.unit_of_work, clock=notify.clock) == 0
    assert await notify.rows(case_id=case, subject="tenggat-lewat") == []


async def test_a_follow_up_limit_passed_without_decision_tells_the_team_and_the_pimpinan(
    infra: Infrastructure, notify: Notify
) -> None:
    await staff(
        infra, notify.runtime, TENANT, {"ketua-lewat": [Role.KETUA_TIM], "pimpinan-lewat": [Role.PIMPINAN_SATKER]}
    )
    case = uuid4()
    due = a_weekday_ahead(7)
    await publish(infra.bootstrap_servers, topic(infra, CASE_DISPOSED.topic), case_disposed(case, due, "ketua-lewat"))
    await eventually(lambda: notify.rows(case_id=case, subject="disposisi"), what="the team told")
    notify.clock.now = notify.clock.now + timedelta(days=60)
    passed = await eventually(
        lambda: notify.rows(case_id=case, subject="tenggat-lewat", channel="kotak-masuk-petugas"),
        what="the passed notice",
    )
    assert {"ketua-lewat", "pimpinan-lewat"} <= {r.recipient for r in passed}
