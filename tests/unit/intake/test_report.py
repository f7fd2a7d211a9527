from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from wbs_intake.domain.report import Report, ReportStatus

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def received() -> Report:
    return Report.receive(
        id=uuid4(),
        registration_number="WBS-0000-0000-0001",
        secret_hash="h",
        tenant="bps-1700",
        category="lainnya",
        channel="web",
        at=T0,
    )


def test_a_new_report_is_received() -> None:
    report = received()
    assert report.status is ReportStatus.DITERIMA
    assert [(c.status, c.at) for c in report.timeline] == [(ReportStatus.DITERIMA, T0)]


def test_registration_moves_it_to_terdaftar_once() -> None:
    report = received()
    first = report.record_registration(T0 + timedelta(seconds=1))
    again = report.record_registration(T0 + timedelta(seconds=5))
    assert first is not None
    assert first.status is ReportStatus.TERDAFTAR
    assert again is None
    assert [c.status for c in report.timeline] == [ReportStatus.DITERIMA, ReportStatus.TERDAFTAR]
    assert report.status is ReportStatus.TERDAFTAR
