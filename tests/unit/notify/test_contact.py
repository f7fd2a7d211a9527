from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from tests.support.events import report_submitted
from tests.support.keys import key_rings
from tests.unit.notify.fakes import FakeNotifyUnitOfWork
from wbs_contracts.events.intake import ReporterContactV2
from wbs_contracts.sealed import Audience, SealedPayload
from wbs_notify.usecases import keep_contact

NOW = datetime(2026, 11, 22, tzinfo=UTC)


async def test_a_reports_sealed_contact_is_kept_for_its_case_unopened_and_once() -> None:
    sealing, opening = key_rings("bps-1700")
    case = uuid4()
    sealed = sealing.seal("bps-1700", Audience.REPORTER_CONTACT, ReporterContactV2(contact="0812-1700"), case=case)
    uow = FakeNotifyUnitOfWork()
    handle = keep_contact(lambda: NOW)
    await handle(report_submitted(case_id=case, contact=sealed), uow)
    again = sealing.seal("bps-1700", Audience.REPORTER_CONTACT, ReporterContactV2(contact="lain"), case=case)
    await handle(report_submitted(case_id=case, contact=again), uow)  # a second event about the case
    [kept] = uow.contacts.kept.values()
    assert (kept.case_id, kept.tenant, kept.received_at) == (case, "bps-1700", NOW)
    assert "0812" not in str(kept.sealed)
    stored = SealedPayload.model_validate(kept.sealed)
    assert opening.open(stored, tenant="bps-1700", case=case, model=ReporterContactV2).contact == "0812-1700"
    assert uow.notifications.queued == {}


async def test_an_event_from_an_older_intake_without_a_contact_keeps_nothing() -> None:
    uow = FakeNotifyUnitOfWork()
    await keep_contact(lambda: NOW)(report_submitted(contact=None), uow)
    assert uow.contacts.kept == {}
