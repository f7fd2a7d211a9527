"""Officers' addresses as notify keeps them from directory's ``officer-contact``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.unit.notify.fakes import FakeNotifyUnitOfWork
from wbs_contracts.events.directory import OfficerContactV1
from wbs_contracts.registry import OFFICER_CONTACT
from wbs_notify.usecases import keep_officer_contact

AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def event(email: str | None, *, active: bool = True, at: datetime = AT):  # type: ignore[no-untyped-def]
    data = OfficerContactV1(officer_id="o-1", email=email, active=active, changed_at=at)
    return OFFICER_CONTACT.envelope(data, tenant="wbs", subject="o-1", time=at, correlation_id="c")


async def test_the_newest_change_wins_whatever_the_order() -> None:
    uow = FakeNotifyUnitOfWork()
    await keep_officer_contact(event("baru@example.go.id", at=AT + timedelta(minutes=1)), uow)
    await keep_officer_contact(event("lama@example.go.id"), uow)  # an older one, replayed late
    kept = await uow.officer_contacts.get("o-1")
    assert kept is not None
    assert kept.address == "baru@example.go.id"


async def test_a_deactivated_officer_has_no_address() -> None:
    uow = FakeNotifyUnitOfWork()
    await keep_officer_contact(event("petugas@example.go.id", active=False), uow)
    kept = await uow.officer_contacts.get("o-1")
    assert kept is not None
    assert kept.email == "petugas@example.go.id"
    assert kept.address is None
