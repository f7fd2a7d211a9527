"""What the reporter learns of the telaah: "sedang ditelaah" from a disposition, and each decision
in plain words (the reason opened for them; the body named; never who decided)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

import pytest

from tests.unit.intake.fakes import FakeIntakeUnitOfWork
from wbs_contracts.events.intake import MailboxMessageV1
from wbs_contracts.events.triage import (
    CaseDisposedV1,
    CaseRegisteredV1,
    NotProcessedReason,
    TeamMember,
    TelaahDecidedV1,
    TelaahOutcome,
)
from wbs_contracts.registry import CASE_DISPOSED, CASE_REGISTERED, TELAAH_DECIDED
from wbs_contracts.sealed import SealedDocument, SealedPayload
from wbs_intake.domain.report import Report, ReportStatus
from wbs_intake.usecases import record_decision, record_disposition, record_registration, reporter_timeline
from wbs_intake.usecases.errors import UnknownReport

D = TypeVar("D", bound=SealedDocument)
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
SEALED = SealedPayload(audience="reporter-mailbox", kid="bps-1700/reporter-mailbox/0000", ciphertext="AAAA")


class FakeOpener:
    """Opens the one sealed reason, checking it is asked for with the tenant and case that sealed it."""

    def __init__(self, text: str, tenant: str, case: uuid.UUID) -> None:
        self.text, self.tenant, self.case = text, tenant, case

    def open(self, sealed: SealedPayload, *, tenant: str, case: uuid.UUID, model: type[D]) -> D:
        assert (tenant, case) == (self.tenant, self.case)
        assert model is MailboxMessageV1
        return model.model_validate({"text": self.text})


def a_report(uow: FakeIntakeUnitOfWork, tenant: str = "bps-1700") -> Report:
    report = Report.receive(
        id=uuid.uuid4(),
        registration_number="WBS-1",
        secret_hash="h",
        tenant=tenant,
        category="korupsi",
        channel="web",
        at=T0,
    )
    uow.reports.rows[report.id] = report
    return report


def decided(case: uuid.UUID, outcome: TelaahOutcome, tenant: str = "bps-1700", **fields: Any) -> Any:
    data = TelaahDecidedV1(
        case_id=case,
        outcome=outcome,
        decided_at=T0 + timedelta(days=3),
        policy_version=1,
        proposed_by="penelaah-1",
        **fields,
    )
    return TELAAH_DECIDED.envelope(data, tenant=tenant, subject=str(case), time=data.decided_at, correlation_id="c")


def disposed(case: uuid.UUID, tenant: str = "bps-1700") -> Any:
    data = CaseDisposedV1(
        case_id=case,
        disposed_at=T0 + timedelta(days=1),
        disposed_by="pimpinan",
        team=(TeamMember(officer_id="penelaah-1"),),
        instruction=SEALED,
        follow_up_due=date(2026, 11, 10),
        policy_version=1,
    )
    return CASE_DISPOSED.envelope(data, tenant=tenant, subject=str(case), time=data.disposed_at, correlation_id="c")


async def test_a_disposition_shows_the_report_being_assessed_once() -> None:
    uow = FakeIntakeUnitOfWork()
    report = a_report(uow)
    await record_disposition(disposed(report.id), uow)
    await record_disposition(disposed(report.id), uow)  # a re-disposition, or the same delivered again
    entries = await reporter_timeline(uow.reports.rows[report.id], uow=uow)
    assert [e.kind for e in entries] == ["diterima", "ditelaah"]
    assert entries[-1].title("id") == "Laporan sedang ditelaah"


async def test_not_processed_shows_the_officers_reason_in_plain_words() -> None:
    uow = FakeIntakeUnitOfWork()
    report = a_report(uow)
    reason = "Laporan tidak menyebutkan kejadian yang dapat diperiksa."
    opener = FakeOpener(reason, "bps-1700", report.id)
    event = decided(
        report.id,
        TelaahOutcome.TIDAK_DIPROSES,
        not_processed_reason=NotProcessedReason.TIDAK_LOGIS,
        reason_for_reporter=SEALED,
    )
    await record_decision(opener)(event, uow)
    entries = await reporter_timeline(uow.reports.rows[report.id], uow=uow, opener=opener)
    assert entries[-1].kind == "tidak-diproses"
    assert entries[-1].explanation("id").endswith("Alasannya: " + reason)
    assert entries[-1].explanation("en").endswith("The reason: " + reason)
    assert uow.reports.rows[report.id].status is ReportStatus.TIDAK_DIPROSES


@pytest.mark.parametrize(
    ("outcome", "fields", "kind", "words"),
    [
        (
            TelaahOutcome.DITERUSKAN,
            {"forwarded_to_name": "SP4N-LAPOR!", "forwarded_to_external": "SP4N-LAPOR!"},
            "dilimpahkan",
            "diteruskan kepada SP4N-LAPOR!",
        ),
        (TelaahOutcome.DIGABUNG, {"merged_into": uuid.uuid4()}, "digabung", "ditangani bersama"),
        (TelaahOutcome.AUDIT_INVESTIGASI, {"conclusion": SEALED}, "ditindaklanjuti", "audit investigasi"),
    ],
)
async def test_each_decision_reads_in_plain_words(
    outcome: TelaahOutcome, fields: dict[str, Any], kind: str, words: str
) -> None:
    uow = FakeIntakeUnitOfWork()
    report = a_report(uow)
    await record_decision(FakeOpener("", "", report.id))(decided(report.id, outcome, **fields), uow)
    [*_, last] = await reporter_timeline(uow.reports.rows[report.id], uow=uow)
    assert last.kind == kind
    assert words in last.explanation("id")
    assert "penelaah" not in last.explanation("id")  # never who


async def test_the_body_a_report_was_forwarded_to_speaks_to_the_same_reporter() -> None:
    uow = FakeIntakeUnitOfWork()
    report = a_report(uow, "bps-1700")
    there = uuid.uuid4()
    registered = CaseRegisteredV1(
        case_id=there,
        agenda_number="1/3600/2026",
        agenda_year=2026,
        agenda_sequence=1,
        registered_on=date(2026, 11, 5),
        registered_at=T0 + timedelta(days=4),
        forwarded_from=report.id,
    )
    envelope = CASE_REGISTERED.envelope(registered, tenant="bps-3600", subject=str(there), time=T0, correlation_id="c")
    await record_registration(envelope, uow)
    await record_disposition(disposed(there, tenant="bps-3600"), uow)
    assert uow.reports.rows[report.id].status is ReportStatus.DITELAAH
    with pytest.raises(UnknownReport):
        await record_disposition(disposed(uuid.uuid4(), tenant="bps-3600"), uow)
