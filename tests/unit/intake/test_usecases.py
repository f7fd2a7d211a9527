from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from tests.support.keys import key_rings
from tests.unit.intake.fakes import FakeAttempts, FakeDigests, FakeHasher, FakeIntakeUnitOfWork
from wbs_contracts.envelope import Envelope
from wbs_contracts.events.intake import (
    ReportElement,
    ReporterContactV2,
    ReporterIdentityV1,
    ReportSubmittedV1,
    ReportSubstanceV1,
)
from wbs_contracts.events.triage import CaseRegisteredV1
from wbs_contracts.registry import CASE_REGISTERED, REPORT_SUBMITTED
from wbs_contracts.sealed import Audience
from wbs_intake.domain.attempts import AttemptPolicy
from wbs_intake.domain.credentials import issue_secret
from wbs_intake.domain.report import ReportStatus
from wbs_intake.domain.tenant import Category, Tenant, UnknownCategory, UnknownTenant
from wbs_intake.usecases import (
    Idempotency,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    Receipt,
    Submission,
    TooManyAttempts,
    UnknownReport,
    find_report,
    prune_idempotency_keys,
    record_registration,
    submit_report,
)

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


async def submit(
    uow: FakeIntakeUnitOfWork,
    hasher: FakeHasher | None = None,
    *,
    key: str | None = None,
    client_secret: str | None = None,
    at: datetime = NOW,
    **changes: Any,
) -> Receipt:
    sealing, _ = key_rings("bps-1700")
    return await submit_report(
        submission(**changes),
        uow=uow,
        sealer=sealing,
        hasher=hasher or FakeHasher(),
        digests=FakeDigests(),
        clock=lambda: at,
        correlation_id="req-1",
        idempotency=Idempotency(key, timedelta(hours=24)) if key else None,
        client_secret=client_secret,
    )


async def find(
    uow: FakeIntakeUnitOfWork, number: str, secret: str, hasher: FakeHasher, attempts: FakeAttempts | None = None
) -> Any:
    return await find_report(number, secret, uow=uow, hasher=hasher, attempts=attempts or FakeAttempts())


async def test_submitting_stores_the_report_and_only_a_hash_of_the_secret() -> None:
    uow = FakeIntakeUnitOfWork(BENGKULU)
    receipt = await submit(uow)
    stored = uow.reports.rows[receipt.report_id]
    assert stored.registration_number == receipt.registration_number
    assert stored.status is ReportStatus.DITERIMA
    assert receipt.secret is not None
    assert receipt.secret.replace("-", "") not in stored.secret_hash
    assert uow.commits == 1


async def test_submitting_announces_the_report_sealed() -> None:
    uow = FakeIntakeUnitOfWork(BENGKULU)
    sealing, opening = key_rings("bps-1700")
    receipt = await submit_report(
        submission(),
        uow=uow,
        sealer=sealing,
        hasher=FakeHasher(),
        digests=FakeDigests(),
        clock=lambda: NOW,
        correlation_id="req-1",
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
            submission(contact=contact), uow=uow, sealer=sealing, hasher=FakeHasher(), digests=FakeDigests(),
            clock=lambda: NOW, correlation_id="req-1",
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
    assert receipt.secret is not None
    typed_loosely = receipt.secret.lower().replace("-", " ")
    found = await find(uow, receipt.registration_number.lower(), typed_loosely, hasher)
    assert found is not None
    assert found.id == receipt.report_id
    assert await find(uow, receipt.registration_number, "WRONG-SECRET", hasher) is None


async def test_an_unknown_number_costs_a_hash_check_like_a_wrong_secret() -> None:
    uow = FakeIntakeUnitOfWork(BENGKULU)
    hasher = FakeHasher()
    assert await find(uow, "WBS-0000-0000-0000", "anything", hasher) is None
    assert await find(uow, "not a number", "anything", hasher) is None
    assert hasher.verified == [None, None]


async def test_a_hash_of_the_older_kind_still_opens_the_report_and_is_replaced() -> None:
    uow = FakeIntakeUnitOfWork(BENGKULU)
    hasher = FakeHasher()
    receipt = await submit(uow, hasher)
    assert receipt.secret is not None
    secret = receipt.secret.replace("-", "")
    uow.reports.rows[receipt.report_id].secret_hash = f"old:{secret}"  # as written before keyed digests
    found = await find(uow, receipt.registration_number, receipt.secret, hasher)
    assert found is not None
    assert uow.reports.rows[receipt.report_id].secret_hash == await hasher.hash(secret)
    assert await find(uow, receipt.registration_number, receipt.secret, hasher) is not None


POLICY = AttemptPolicy(free_attempts=3, lock_after=5, lock_seconds=600, first_delay_seconds=2)


async def test_wrong_secrets_slow_down_then_lock_known_and_unknown_numbers_alike() -> None:
    uow = FakeIntakeUnitOfWork(BENGKULU)
    hasher = FakeHasher()
    receipt = await submit(uow, hasher)
    attempts = FakeAttempts(POLICY)
    refusals: dict[str, list[float]] = {}
    for number in (receipt.registration_number, "WBS-0000-0000-0000"):
        refusals[number] = []
        for _ in range(7):
            try:
                assert await find(uow, number, "WRONG-SECRET", hasher, attempts) is None
                refusals[number].append(0.0)
            except TooManyAttempts as refused:
                refusals[number].append(refused.retry_after)
            attempts.now += 0.5
        attempts.now = 0.0
    # Three free tries, then a wait (2 s, then 4 s), then the lock: the same for both numbers.
    assert refusals[receipt.registration_number] == refusals["WBS-0000-0000-0000"]
    assert refusals["WBS-0000-0000-0000"][:4] == [0.0, 0.0, 0.0, 1.5]
    attempts.now = 100.0
    assert await find(uow, receipt.registration_number, "WRONG-SECRET", hasher, attempts) is None  # the 5th
    with pytest.raises(TooManyAttempts) as locked:  # even the right secret waits out the lock
        await find(uow, receipt.registration_number, receipt.secret or "", hasher, attempts)
    assert locked.value.retry_after == 600


async def test_the_right_secret_clears_the_count_of_wrong_ones() -> None:
    uow = FakeIntakeUnitOfWork(BENGKULU)
    hasher = FakeHasher()
    receipt = await submit(uow, hasher)
    attempts = FakeAttempts(POLICY)
    for _ in range(2):
        assert await find(uow, receipt.registration_number, "WRONG", hasher, attempts) is None
    assert await find(uow, receipt.registration_number, receipt.secret or "", hasher, attempts) is not None
    for _ in range(3):
        assert await find(uow, receipt.registration_number, "WRONG", hasher, attempts) is None


async def test_a_retry_with_the_same_key_returns_the_first_receipt_and_creates_nothing() -> None:
    uow = FakeIntakeUnitOfWork(BENGKULU)
    first = await submit(uow, key="k-0123456789abcdef")
    again = await submit(uow, key="k-0123456789abcdef", at=NOW + timedelta(minutes=5))
    assert again.replayed
    assert not first.replayed
    assert (again.report_id, again.registration_number, again.submitted_at) == (
        first.report_id,
        first.registration_number,
        first.submitted_at,
    )
    assert again.secret is None  # the server's secret was shown once and is not kept
    assert len(uow.reports.rows) == len(uow.outbox.events) == 1


async def test_a_secret_made_by_the_client_comes_back_whole_on_a_retry() -> None:
    uow = FakeIntakeUnitOfWork(BENGKULU)
    hasher = FakeHasher()
    secret = issue_secret()
    first = await submit(uow, hasher, key="k-0123456789abcdef", client_secret=secret)
    again = await submit(uow, hasher, key="k-0123456789abcdef", client_secret=secret)
    assert first.secret == again.secret == secret
    assert again.replayed
    assert await find(uow, first.registration_number, secret, hasher) is not None
    with pytest.raises(IdempotencyKeyReused):  # the key alone does not let anyone else claim the receipt
        await submit(uow, hasher, key="k-0123456789abcdef", client_secret=issue_secret())


async def test_the_same_key_with_another_request_is_refused() -> None:
    uow = FakeIntakeUnitOfWork(BENGKULU)
    await submit(uow, key="k-0123456789abcdef")
    with pytest.raises(IdempotencyKeyReused):
        await submit(uow, key="k-0123456789abcdef", category="lainnya")
    assert len(uow.reports.rows) == 1


async def test_a_key_still_in_progress_elsewhere_is_a_conflict() -> None:
    uow = FakeIntakeUnitOfWork(BENGKULU)
    uow.idempotency.busy.add(FakeDigests().digest("idempotency-key", b"k-0123456789abcdef"))
    with pytest.raises(IdempotencyKeyInUse):
        await submit(uow, key="k-0123456789abcdef")
    assert uow.reports.rows == {}


async def test_keys_expire_and_are_pruned() -> None:
    uow = FakeIntakeUnitOfWork(BENGKULU)
    first = await submit(uow, key="k-0123456789abcdef")
    later = NOW + timedelta(hours=25)
    again = await submit(uow, key="k-0123456789abcdef", at=later)
    assert again.report_id != first.report_id
    assert not again.replayed
    assert await prune_idempotency_keys(uow=uow, clock=lambda: later + timedelta(hours=25)) == 1
    assert uow.idempotency.rows == {}


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


async def test_the_reporters_identity_is_kept_sealed_to_an_audience_no_case_officer_holds() -> None:
    uow = FakeIntakeUnitOfWork(BENGKULU)
    sealing, opening = key_rings("bps-1700")
    identity = ReporterIdentityV1(nama="Siti Rahmawati", nip="198001012005012001", unit_kerja="Bagian Umum")
    receipt = await submit_report(
        submission(identity=identity),
        uow=uow,
        sealer=sealing,
        hasher=FakeHasher(),
        digests=FakeDigests(),
        clock=lambda: NOW,
        correlation_id="req-1",
    )
    sealed, at = uow.identities.rows[receipt.report_id]
    assert sealed.audience == Audience.REPORTER_IDENTITY
    assert Audience.READERS[Audience.REPORTER_IDENTITY] == ("intake",)
    assert at == NOW
    assert opening.open(sealed, tenant="bps-1700", case=receipt.report_id, model=ReporterIdentityV1) == identity
    # Nothing of it travels on the bus.
    (_, envelope), *_ = uow.outbox.events
    assert "Siti" not in envelope.model_dump_json()


async def test_the_event_says_which_elements_the_reporter_left_out() -> None:
    uow = FakeIntakeUnitOfWork(BENGKULU)
    await submit(uow, substance=SUBSTANCE.model_copy(update={"when": "", "amount_idr": None}))
    (_, envelope), *_ = uow.outbox.events
    completeness = envelope.data.completeness
    assert completeness.missing == (ReportElement.WHEN, ReportElement.AMOUNT, ReportElement.EVIDENCE)
    assert not completeness.actionable
