"""The reporter's own ways in: a pseudonym and password (normalised, unique, argon2id, strength
checked, throttled), amounts in rupiah as people write them, and what the reporter sees."""

from __future__ import annotations

from datetime import UTC, timedelta
from uuid import uuid4

import pytest

from tests.support.keys import key_rings
from tests.unit.intake.fakes import FakeAttempts, FakeDigests, FakeHasher, FakeIntakeUnitOfWork
from tests.unit.intake.test_usecases import BENGKULU, NOW, submission
from wbs_contracts.events.directory import TimeLimit
from wbs_intake.domain.attempts import AttemptPolicy
from wbs_intake.domain.handling import handling_steps
from wbs_intake.domain.passwords import (
    CONTAINS_PSEUDONYM,
    PASSWORDS_DIFFER,
    TOO_GUESSABLE,
    TOO_SHORT,
    judge_password,
)
from wbs_intake.domain.pseudonym import TOO_SHORT as PSEUDONYM_TOO_SHORT
from wbs_intake.domain.pseudonym import normalise_pseudonym, pseudonym_problems
from wbs_intake.domain.report import Report, ReportStatus, StatusChange
from wbs_intake.domain.reporter_view import (
    REPORTER_SEES,
    Happening,
    current_status,
    happenings_of,
    timeline,
)
from wbs_intake.domain.rupiah import NotAnAmount, format_rupiah, parse_rupiah
from wbs_intake.ports import PseudonymTaken
from wbs_intake.usecases import (
    Idempotency,
    IdempotencyKeyReused,
    Receipt,
    TooManyAttempts,
    find_report,
    find_report_by_pseudonym,
    pseudonym_credential,
    submit_report,
)

STRONG = "kopi jendela sungai biru"
BENGKULU_REPORT_ID = uuid4()


class FakePasswords:
    """Fast and transparent, as argon2id's stand-in; records the checks, as the real one costs."""

    def __init__(self) -> None:
        self.checked: list[str | None] = []

    async def hash(self, secret: str) -> str:
        return f"$argon2id$fake${secret[::-1]}"

    async def verify(self, secret_hash: str | None, secret: str) -> bool:
        self.checked.append(secret_hash)
        return secret_hash == f"$argon2id$fake${secret[::-1]}"

    def needs_rehash(self, secret_hash: str) -> bool:
        return False


@pytest.mark.parametrize(
    "typed", ["Elang Biru", "elang biru", "  ELANG   biru ", "ＥＬＡＮＧ ｂｉｒｕ", "Elang\u00a0Biru", "ELANG\tBIRU"]
)
def test_a_pseudonym_is_one_whatever_its_case_width_or_spacing(typed: str) -> None:
    assert normalise_pseudonym(typed) == "elang biru"


def test_case_folding_goes_beyond_lowercase() -> None:
    assert normalise_pseudonym("STRASSE") == normalise_pseudonym("straße")


def test_a_pseudonym_needs_four_printable_characters() -> None:
    assert pseudonym_problems("  ab ") == [PSEUDONYM_TOO_SHORT]
    assert pseudonym_problems("Elang Biru") == []
    assert pseudonym_problems("elang\u200bbiru") != []  # an invisible character


def test_a_strong_password_passes_and_weak_ones_are_explained_in_both_languages() -> None:
    assert judge_password(STRONG, repeated=STRONG, pseudonym="Elang Biru").acceptable
    weak = judge_password("password123", repeated="password123")
    assert weak.problems == [TOO_GUESSABLE]
    assert weak.advice
    assert all(advice.id and advice.en for advice in weak.advice)
    assert any(advice.id != advice.en for advice in weak.advice)  # zxcvbn's advice, translated
    assert judge_password("pendek", repeated="pendek").problems == [TOO_SHORT]
    assert PASSWORDS_DIFFER in judge_password(STRONG, repeated=STRONG + "x").problems


def test_a_password_must_not_hold_the_pseudonym() -> None:
    assert CONTAINS_PSEUDONYM in judge_password("Elang Biru 2026 sangat rahasia", pseudonym="elang biru").problems


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1.500.000", 1_500_000),
        ("Rp 1.500.000", 1_500_000),
        ("Rp1.500.000,00", 1_500_000),
        ("1500000", 1_500_000),
        ("1,500,000", 1_500_000),
        ("750.000,50", 750_000),
        ("", None),
        ("  ", None),
        ("0", 0),
    ],
)
def test_amounts_are_read_as_indonesians_write_them(typed: str, amount: int | None) -> None:
    assert parse_rupiah(typed) == amount


@pytest.mark.parametrize("typed", ["satu juta", "-5000", "1.5", "1.50.000", "12.34.567", "10" * 10])
def test_what_is_not_an_amount_is_refused(typed: str) -> None:
    with pytest.raises(NotAnAmount):
        parse_rupiah(typed)


def test_amounts_are_written_with_dots() -> None:
    assert format_rupiah(1_500_000) == "Rp 1.500.000"


def test_the_reporter_sees_only_what_the_mapping_lists_in_both_languages() -> None:
    report = Report.receive(
        id=BENGKULU_REPORT_ID,
        registration_number="WBS-7KQ3-M9XD-2P4T",
        secret_hash="x",
        tenant="bps-1700",
        category="lainnya",
        channel="web",
        at=NOW,
    )
    report.timeline.append(StatusChange(ReportStatus.TERDAFTAR, NOW + timedelta(minutes=1)))
    happenings = [*happenings_of(report), Happening("telaah-internal", NOW + timedelta(minutes=2))]
    entries = timeline(reversed(happenings))
    assert [e.kind for e in entries] == ["diterima", "terdaftar"]  # oldest first, the unknown kind left out
    current = current_status(entries)
    assert current is not None
    assert (current.shown.title.of("id"), current.shown.title.of("en")) == ("Laporan dicatat", "Report registered")
    for status in ReportStatus:  # every status intake knows has its words
        shown = REPORTER_SEES[status.value]
        assert all((shown.title.id, shown.title.en, shown.explanation.id, shown.explanation.en))


def test_the_steps_show_the_bodys_time_limits() -> None:
    steps = handling_steps(
        {"tindak-lanjut-tim": TimeLimit(working_days=5, basis="SOP"), "ekspose": TimeLimit(months=1)}
    )
    by_title = {step.title.id: step for step in steps}
    telaah = by_title["Penelaahan oleh tim"]
    assert telaah.duration is not None
    assert (telaah.duration.id, telaah.duration.en, telaah.basis) == (
        "paling lama 5 hari kerja",
        "at most 5 working days",
        "SOP",
    )
    assert by_title["Audit investigasi"].duration is None  # no limit in this policy
    assert by_title["Ekspose"].duration.en == "at most 1 month"  # type: ignore[union-attr]
    assert handling_steps({})[2].duration is None


async def submit_with_pseudonym(
    uow: FakeIntakeUnitOfWork, pseudonym: str, password: str = STRONG, key: str | None = None
) -> Receipt:
    sealing, _ = key_rings("bps-1700")
    credential = await pseudonym_credential(pseudonym, password, digests=FakeDigests(), passwords=FakePasswords())
    return await submit_report(
        submission(pseudonym=credential),
        uow=uow,
        sealer=sealing,
        hasher=FakeHasher(),
        digests=FakeDigests(),
        clock=lambda: NOW,
        correlation_id="req-1",
        idempotency=Idempotency(key) if key else None,
        passwords=FakePasswords(),
    )


async def test_a_retry_with_a_pseudonym_gets_the_receipt_only_with_the_same_password() -> None:
    uow = FakeIntakeUnitOfWork(BENGKULU)
    first = await submit_with_pseudonym(uow, "Elang Biru", key="kunci-percobaan-ulang-1")
    again = await submit_with_pseudonym(uow, "Elang Biru", key="kunci-percobaan-ulang-1")
    assert again.replayed
    assert again.pseudonym
    assert again.report_id == first.report_id  # the same report, not "pseudonym taken"
    with pytest.raises(IdempotencyKeyReused):
        await submit_with_pseudonym(uow, "Elang Biru", STRONG + " lain", key="kunci-percobaan-ulang-1")
    assert len(uow.reports.rows) == 1


async def test_a_pseudonym_report_gets_a_number_no_secret_and_keeps_only_digest_and_hash() -> None:
    uow = FakeIntakeUnitOfWork(BENGKULU)
    receipt = await submit_with_pseudonym(uow, "Elang Biru")
    assert receipt.pseudonym
    assert receipt.secret is None
    assert receipt.registration_number.startswith("WBS-")
    ((digest, (report_id, password_hash)),) = uow.pseudonyms.rows.items()
    assert report_id == receipt.report_id
    assert b"Elang" not in digest
    assert STRONG not in password_hash
    passwords = FakePasswords()
    found = await find_report_by_pseudonym(
        "  ELANG biru", STRONG, uow=uow, digests=FakeDigests(), passwords=passwords, attempts=FakeAttempts()
    )
    assert found is not None
    assert found.id == receipt.report_id


async def test_a_pseudonym_is_unique_and_a_clash_stores_nothing() -> None:
    uow = FakeIntakeUnitOfWork(BENGKULU)
    await submit_with_pseudonym(uow, "Elang Biru")
    with pytest.raises(PseudonymTaken):
        await submit_with_pseudonym(uow, "elang  BIRU", "another long passphrase here")
    assert len(uow.reports.rows) == 1
    assert len(uow.outbox.events) == 1


async def test_wrong_passwords_are_throttled_like_wrong_secrets_known_pseudonym_or_not() -> None:
    uow = FakeIntakeUnitOfWork(BENGKULU)
    await submit_with_pseudonym(uow, "Elang Biru")
    attempts = FakeAttempts(AttemptPolicy(free_attempts=3, lock_after=3, lock_seconds=900))
    passwords = FakePasswords()
    for pseudonym in ("Elang Biru", "Tidak Ada"):
        for _ in range(3):
            assert (
                await find_report_by_pseudonym(
                    pseudonym, "salah sekali", uow=uow, digests=FakeDigests(), passwords=passwords, attempts=attempts
                )
                is None
            )
        with pytest.raises(TooManyAttempts):
            await find_report_by_pseudonym(
                pseudonym, STRONG, uow=uow, digests=FakeDigests(), passwords=passwords, attempts=attempts
            )
    # An unknown pseudonym costs the same check as a wrong password.
    assert passwords.checked.count(None) == 3
    attempts.now += 901
    found = await find_report_by_pseudonym(
        "elang biru", STRONG, uow=uow, digests=FakeDigests(), passwords=passwords, attempts=attempts
    )
    assert found is not None


async def test_the_secret_of_a_pseudonym_report_opens_nothing() -> None:
    uow = FakeIntakeUnitOfWork(BENGKULU)
    receipt = await submit_with_pseudonym(uow, "Elang Biru")
    hasher = FakeHasher()
    for guess in ("", "00000-00000-00000-00000-00000"):
        assert (
            await find_report(receipt.registration_number, guess, uow=uow, hasher=hasher, attempts=FakeAttempts())
            is None
        )


def test_dates_used_are_aware() -> None:
    assert NOW.tzinfo is UTC
