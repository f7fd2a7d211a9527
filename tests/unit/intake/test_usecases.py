from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from tests.support.keys import key_rings
from tests.unit.intake.fakes import FakeHasher, FakeIntakeUnitOfWork
from wbs_contracts.envelope import Envelope
from wbs_contracts.events.intake import ReporterContactV2, ReportSubmittedV1, ReportSubstanceV1
from wbs_contracts.events.triage import CaseRegisteredV1
from wbs_contracts.registry import CASE_REGISTERED, REPORT_SUBMITTED
from wbs_contracts.sealed import Audience
from wbs_intake.domain.report import ReportStatus
from wbs_intake.domain.tenant import Category, Tenant, UnknownCategory, UnknownTenant
from wbs_intake.usecases import Receipt, Submission, UnknownReport, find_report, record_registration, submit_report

NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
BENGKULU = Tenant(
    "bps-1700",
    "BPS Provinsi Bengkulu",
    (Category("korupsi-gratifikasi", "Korupsi/Gratifikasi", "Corruption"), Category("lainnya", "Lainnya", "Other")),
)
SUBSTANCE = ReportSubstanceV1(
    what="Pungutan liar pada layanan data",
    where="Kantor BPS Provinsi Bengkulu",
    when="Oktober 2026",
    who="Petugas PST",
    how="Meminta uang tunai",
    amount_idr=2_500_000,
)


def submission(**changes: Any) -> Submission:
    fields: dict[str, Any] = {
        "tenant": "bps-1700",
        "category": "korupsi-gratifikasi",
        "channel": "web",
        "substance": SUBSTANCE,
        "contact": "pelapor@example.org",
    }
    fields.update(changes)
    return Submission(**fields)


async def submit(uow: FakeIntakeUnitOfWork, hasher: FakeHasher | None = None, **changes: Any) -> Receipt:
    sealing, _ = key_rings("bps-1700")
    return await submit_report(
        submission(**changes),
        uow=uow,
        sealer=sealing,
        hasher=hasher or FakeHasher(),
        clock=lambda: NOW,
        correlation_id="req-1",
    )


async def test_submitting_stores_the_report_and_only_a_hash_of_the_secret() -> None:
    uow = FakeIntakeUnitOfWork(BENGKULU)
    receipt = await submit(uow)
    stored = uow.reports.rows[receipt.report_id]
    assert stored.registration_number == receipt.registration_number
    assert stored.status is ReportStatus.DITERIMA
    assert receipt.secret.replace("-", "") not in stored.secret_hash
    assert uow.commits == 1


async def test_submitting_announces_the_report_sealed() -> None:
    uow = FakeIntakeUnitOfWork(BENGKULU)
    sealing, opening = key_rings("bps-1700")
    receipt = await submit_report(
        submission(), uow=uow, sealer=sealing, hasher=FakeHasher(), clock=lambda: NOW, correlation_id="req-1"
    )
    [(spec, envelope)] = uow.outbox.events
    assert spec is REPORT_SUBMITTED
    assert (envelope.tenant, envelope.subject, envelope.correlationid) == ("bps-1700", str(receipt.report_id), "req-1")
    event: ReportSubmittedV1 = envelope.data
    assert (event.category, event.channel, event.submitted_at) == ("korupsi-gratifikasi", "web", NOW)
    assert event.substance.audience == Audience.CASE_SUBSTANCE
    case = receipt.report_id
    assert opening.open(event.substance, tenant="bps-1700", case=case, model=ReportSubstanceV1) == SUBSTANCE
    assert event.contact is not None
    assert event.contact.audience == Audience.REPORTER_CONTACT
    contact = opening.open(event.contact, tenant="bps-1700", case=case, model=ReporterContactV2)
    assert contact.contact == "pelapor@example.org"
    wire = envelope.model_dump_json()
    for plaintext in ("Pungutan liar", "Petugas PST", "pelapor@example.org", "2500000"):
        assert plaintext not in wire


async def test_an_anonymous_report_carries_a_sealed_no_contact_as_long_as_a_contact() -> None:
    """Whether the reporter can be reached must not show on the bus: an empty contact is sealed too."""
    uow = FakeIntakeUnitOfWork(BENGKULU)
    sealing, opening = key_rings("bps-1700")
    submitted = {}
    for contact in (None, "pelapor@example.org"):
        receipt = await submit_report(
            submission(contact=contact), uow=uow, sealer=sealing, hasher=FakeHasher(), clock=lambda: NOW,
            correlation_id="req-1",
        )  # fmt: skip
        submitted[contact] = (receipt.report_id, uow.outbox.events[-1][1].data.contact)
    (anonymous_case, anonymous), (_, reachable) = submitted.values()
    assert anonymous is not None
    assert reachable is not None
    assert len(anonymous.ciphertext) == len(reachable.ciphertext)
    opened = opening.open(anonymous, tenant="bps-1700", case=anonymous_case, model=ReporterContactV2)
    assert opened.contact is None


@pytest.mark.parametrize(
    ("changes", "error"),
    [({"tenant": "pemkab-lebak"}, UnknownTenant), ({"category": "disiplin-pegawai"}, UnknownCategory)],
)
async def test_an_unknown_tenant_or_category_stores_and_emits_nothing(
    changes: dict[str, Any], error: type[Exception]
) -> None:
    uow = FakeIntakeUnitOfWork(BENGKULU)
    with pytest.raises(error):
        await submit(uow, **changes)
    assert uow.reports.rows == {}
    assert uow.outbox.events == []


async def test_a_report_is_found_only_with_its_secret() -> None:
    uow = FakeIntakeUnitOfWork(BENGKULU)
    hasher = FakeHasher()
    receipt = await submit(uow, hasher)
    typed_loosely = receipt.secret.lower().replace("-", " ")
    found = await find_report(receipt.registration_number.lower(), typed_loosely, uow=uow, hasher=hasher)
    assert found is not None
    assert found.id == receipt.report_id
    assert await find_report(receipt.registration_number, "WRONG-SECRET", uow=uow, hasher=hasher) is None


async def test_an_unknown_number_costs_a_hash_check_like_a_wrong_secret() -> None:
    uow = FakeIntakeUnitOfWork(BENGKULU)
    hasher = FakeHasher()
    assert await find_report("WBS-0000-0000-0000", "anything", uow=uow, hasher=hasher) is None
    assert await find_report("not a number", "anything", uow=uow, hasher=hasher) is None
    assert hasher.verified == [None, None]


def registered(case_id: UUID, at: datetime = NOW) -> Envelope[Any]:
    data = CaseRegisteredV1(
        case_id=case_id,
        agenda_number="WBS/BPS-1700/2026/0001",
        agenda_year=2026,
        agenda_sequence=1,
        registered_on=date(2026, 11, 21),
        registered_at=at,
    )
    return CASE_REGISTERED.envelope(data, tenant="bps-1700", subject=str(case_id), time=at, correlation_id="req-1")


async def test_registration_shows_terdaftar_to_the_reporter_once() -> None:
    uow = FakeIntakeUnitOfWork(BENGKULU)
    receipt = await submit(uow)
    await record_registration(registered(receipt.report_id), uow)
    await record_registration(registered(receipt.report_id), uow)
    timeline = uow.reports.rows[receipt.report_id].timeline
    assert [c.status for c in timeline] == [ReportStatus.DITERIMA, ReportStatus.TERDAFTAR]


async def test_registration_of_an_unknown_report_is_an_error() -> None:
    with pytest.raises(UnknownReport):
        await record_registration(registered(uuid4()), FakeIntakeUnitOfWork(BENGKULU))
