"""What the reporter learns of the audit's end, as the regulations' monitoring counts it: "dalam
proses" while the audit runs; "selesai" once the final audit report is issued or the case is handed
to law enforcement, in plain words saying which; a hand-over after the report shows as an event;
never the result, the loss, the report's number or the agency; a redelivered event or a revised
report changes nothing."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from tests.unit.intake.fakes import FakeIntakeUnitOfWork
from tests.unit.intake.test_telaah import T0, a_report, decided
from wbs_contracts.events.directory import EscalationTarget
from wbs_contracts.events.investigation import AuditReportIssuedV1, AuditResult, CaseHandedOverV1
from wbs_contracts.events.triage import TelaahOutcome
from wbs_contracts.registry import AUDIT_REPORT_ISSUED, CASE_HANDED_OVER
from wbs_contracts.sealed import SealedPayload
from wbs_intake.domain.report import STATUS_LABEL_EN, ReportStatus
from wbs_intake.usecases import record_audit_report, record_decision, record_hand_over, reporter_timeline

CONCLUSION = SealedPayload(audience="case-substance", kid="bps-1700/case-substance/0000", ciphertext="AAAA")


class NoOpener:
    def open(self, *_: Any, **__: Any) -> Any:
        raise AssertionError("nothing to open")


def report_issued(case: uuid.UUID, *, days: int = 30, number: str = "LHA-7/2026", tenant: str = "bps-1700") -> Any:
    data = AuditReportIssuedV1(
        case_id=case,
        issued_at=T0 + timedelta(days=days),
        report_number=number,
        result=AuditResult.TPK,
        estimated_loss_idr=1_250_000_000,
    )
    return AUDIT_REPORT_ISSUED.envelope(data, tenant=tenant, subject=str(case), time=data.issued_at, correlation_id="c")


def handed_over(case: uuid.UUID, *, days: int = 45, tenant: str = "bps-1700") -> Any:
    data = CaseHandedOverV1(
        case_id=case,
        escalation_id=uuid.uuid4(),
        target=EscalationTarget.KPK,
        agency="kpk",
        approved_at=T0 + timedelta(days=days),
        policy_version=3,
    )
    return CASE_HANDED_OVER.envelope(data, tenant=tenant, subject=str(case), time=data.approved_at, correlation_id="c")


async def test_the_audit_runs_dalam_proses_then_the_final_report_makes_it_selesai_once() -> None:
    uow = FakeIntakeUnitOfWork()
    report = a_report(uow)
    await record_decision(NoOpener())(decided(report.id, TelaahOutcome.AUDIT_INVESTIGASI, conclusion=CONCLUSION), uow)
    running = await reporter_timeline(uow.reports.rows[report.id], uow=uow)
    assert running[-1].kind == "ditindaklanjuti"
    assert "dalam proses" in running[-1].explanation("id")
    assert "in progress" in running[-1].explanation("en")

    await record_audit_report(report_issued(report.id), uow)
    await record_audit_report(report_issued(report.id), uow)  # delivered again
    await record_audit_report(report_issued(report.id, days=60, number="LHA-7/2026-R"), uow)  # a revised report
    kept = uow.reports.rows[report.id]
    assert kept.status is ReportStatus.SELESAI
    assert STATUS_LABEL_EN[kept.status] == "finished"
    entries = await reporter_timeline(kept, uow=uow)
    assert [e.kind for e in entries] == ["diterima", "ditindaklanjuti", "selesai"]
    done = entries[-1]
    assert (done.title("id"), done.at) == ("Selesai", T0 + timedelta(days=30))
    assert "laporan hasil audit telah diterbitkan" in done.explanation("id")
    assert "final audit report has been issued" in done.explanation("en")
    shown = " ".join(e.explanation(language) for e in entries for language in ("id", "en"))
    for never in ("LHA-7", "1.250.000.000", "1250000000", "tpk", "korupsi", "kpk", "KPK"):
        assert never not in shown


async def test_a_hand_over_after_the_report_is_told_as_such_and_the_case_stays_selesai() -> None:
    uow = FakeIntakeUnitOfWork()
    report = a_report(uow)
    await record_audit_report(report_issued(report.id), uow)
    await record_hand_over(handed_over(report.id), uow)
    await record_hand_over(handed_over(report.id), uow)
    entries = await reporter_timeline(uow.reports.rows[report.id], uow=uow)
    assert [(e.kind, e.shown.is_status) for e in entries] == [
        ("diterima", True),
        ("selesai", True),
        ("diserahkan-kepada-penegak-hukum", False),
    ]
    assert "aparat penegak hukum" in entries[-1].explanation("id")
    assert "kpk" not in entries[-1].explanation("id").lower()


async def test_a_case_handed_over_first_is_selesai_in_those_words() -> None:
    """The two events travel on different topics: either may come first."""
    uow = FakeIntakeUnitOfWork()
    report = a_report(uow)
    await record_hand_over(handed_over(report.id, days=45), uow)
    entries = await reporter_timeline(uow.reports.rows[report.id], uow=uow)
    assert [e.kind for e in entries] == ["diterima", "selesai"]
    assert "telah diserahkan kepada aparat penegak hukum" in entries[-1].explanation("id")
    assert "handed to law enforcement" in entries[-1].explanation("en")
