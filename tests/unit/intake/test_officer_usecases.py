"""Officers' use cases on fakes: a report recorded from a letter and forwarded down the hierarchy,
and the disclosure flow, each step on the audit trail."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from tests.support.keys import key_rings
from tests.support.tenants import demo_configuration
from tests.unit.intake.fakes import FakeHasher, FakeIntakeUnitOfWork
from wbs_contracts.events.intake import ReporterIdentityV1, ReportSubmittedV1, ReportSubstanceV1
from wbs_intake.domain.disclosure import NoIdentity, NotDisclosedToYou, OwnRequest
from wbs_intake.domain.recording import Arrival, RecordingRefused
from wbs_intake.domain.reporter_notices import NoticeKind
from wbs_intake.domain.tenant import Category, Tenant
from wbs_intake.usecases import (
    Officer,
    Submission,
    decide_disclosure,
    read_disclosed_identity,
    record_report,
    request_disclosure,
)

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
JAKARTA = ZoneInfo("Asia/Jakarta")
KKN = (Category("kkn", "Korupsi, Kolusi dan Nepotisme", "Corruption"),)
TENANTS = (Tenant("bps-3600", "BPS Provinsi Banten", KKN), Tenant("bps-3603", "BPS Kabupaten Tangerang", KKN))
PETUGAS = Officer("petugas-1", "Petugas Banten", ("petugas-pengaduan",), "sesi-1", "req-1")
PENELAAH = Officer("penelaah-1", "Penelaah Tangerang", ("penelaah",), "sesi-2")
KUSTODIAN = Officer("kustodian-1", "Kustodian Tangerang", ("custodian",), "sesi-3")
IDENTITY = ReporterIdentityV1(nama="Siti Rahma", telepon="0812-0000-1111")
REASON = "Pemeriksaan saksi pelapor dalam audit investigasi, Surat Tugas 7/2026"
SEALING, OPENING = key_rings("bps-3600", "bps-3603")


def unit_of_work() -> FakeIntakeUnitOfWork:
    configurations = tuple(demo_configuration(t) for t in ("bps", "bps-1700", "bps-3600", "bps-3603", "bps-3674"))
    return FakeIntakeUnitOfWork(*TENANTS, configurations=configurations)


async def record(uow: FakeIntakeUnitOfWork, arrival: Arrival, **changes: Any) -> Any:
    submission = Submission(
        tenant=arrival.handled_by,
        category="kkn",
        channel=arrival.channel,
        substance=ReportSubstanceV1(what="Pungutan pada rekrutmen mitra", where="", when="", who="", how=""),
        identity=changes.pop("identity", IDENTITY),
    )
    return await record_report(
        submission, arrival, PETUGAS, uow=uow, sealer=SEALING, hasher=FakeHasher(), clock=lambda: NOW, timezone=JAKARTA
    )


async def test_a_letter_forwarded_to_a_kabupaten_is_its_case_with_the_trail_at_both_ends() -> None:
    uow = unit_of_work()
    recorded = await record(uow, Arrival("bps-3600", "sp4n-lapor", date(2026, 11, 20), forward_to="bps-3603"))
    assert (recorded.handled_by.id, recorded.handled_by.name, recorded.forwarded) == (
        "bps-3603",
        "BPS Kabupaten Tangerang",
        True,
    )
    assert recorded.receipt.secret
    report = uow.reports.rows[recorded.receipt.report_id]
    assert (report.tenant, report.channel) == ("bps-3603", "sp4n-lapor")
    [(_, envelope)] = uow.outbox.events
    event: ReportSubmittedV1 = envelope.data
    assert envelope.tenant == "bps-3603"
    assert (event.received_by, event.received_on, event.recorded_by_officer) == (
        "bps-3600",
        date(2026, 11, 20),
        True,
    )
    OPENING.open(event.substance, tenant="bps-3603", case=report.id, model=ReportSubstanceV1)
    case = str(report.id)
    assert uow.audit.actions("bps-3600") == [("report.recorded", case)]
    assert uow.audit.actions("bps-3603") == [("report.forwarded-in", case)]
    assert uow.audit.chains["bps-3600"][0].details["forwarded_to"] == "bps-3603"
    [(_, notice)] = uow.notices.rows
    assert (notice.kind, notice.body_name) == (NoticeKind.DITERUSKAN, "BPS Kabupaten Tangerang")


async def test_a_report_kept_where_it_arrived_says_nothing_of_forwarding() -> None:
    uow = unit_of_work()
    recorded = await record(uow, Arrival("bps-3600", "surat", date(2026, 11, 23)))
    [(_, envelope)] = uow.outbox.events
    assert envelope.tenant == "bps-3600"
    assert envelope.data.received_by is None
    assert envelope.data.recorded_by_officer is True
    assert uow.notices.rows == []
    assert uow.audit.actions("bps-3600") == [("report.recorded", str(recorded.receipt.report_id))]


async def test_the_day_received_is_a_day_in_jakarta() -> None:
    """02:00 UTC is already 09:00 on the 23rd in Jakarta: the 23rd is today, the 24th is not."""
    uow = unit_of_work()
    await record(uow, Arrival("bps-3600", "surat", date(2026, 11, 23)))
    with pytest.raises(RecordingRefused):
        await record(uow, Arrival("bps-3600", "surat", date(2026, 11, 24)))


async def test_a_refused_forwarding_records_nothing() -> None:
    uow = unit_of_work()
    with pytest.raises(RecordingRefused):
        await record(uow, Arrival("bps-3600", "surat", date(2026, 11, 20), forward_to="bps-1700"))
    assert uow.reports.rows == {}
    assert uow.outbox.events == []


async def recorded_case(uow: FakeIntakeUnitOfWork, **changes: Any) -> UUID:
    recorded = await record(uow, Arrival("bps-3600", "surat", date(2026, 11, 20), forward_to="bps-3603"), **changes)
    report_id: UUID = recorded.receipt.report_id
    return report_id


async def test_an_approved_disclosure_is_read_by_its_requester_and_the_reporter_is_told() -> None:
    uow = unit_of_work()
    case = await recorded_case(uow)
    asked = await request_disclosure("bps-3603", case, PENELAAH, REASON, uow=uow, clock=lambda: NOW)
    with pytest.raises(NotDisclosedToYou):
        await read_disclosed_identity("bps-3603", case, PENELAAH, uow=uow, opener=OPENING, clock=lambda: NOW)
    with pytest.raises(OwnRequest):
        await decide_disclosure(
            "bps-3603", case, asked.id, PENELAAH, approve=True, reason="Saya sendiri", uow=uow, clock=lambda: NOW
        )
    await decide_disclosure(
        "bps-3603", case, asked.id, KUSTODIAN, approve=True, reason="Sesuai Pasal 8", uow=uow, clock=lambda: NOW
    )
    read = await read_disclosed_identity("bps-3603", case, PENELAAH, uow=uow, opener=OPENING, clock=lambda: NOW)
    assert read.identity == IDENTITY
    later = NOW + timedelta(hours=73)
    with pytest.raises(NotDisclosedToYou):
        await read_disclosed_identity("bps-3603", case, PENELAAH, uow=uow, opener=OPENING, clock=lambda: later)
    assert [a for a, _ in uow.audit.actions("bps-3603")] == [
        "report.forwarded-in",
        "identity.disclosure-requested",
        "identity.read-refused",
        "identity.disclosure-decided",
        "identity.read",
        "identity.read-refused",
    ]
    assert [n.kind for _, n in uow.notices.rows] == [NoticeKind.DITERUSKAN, NoticeKind.IDENTITAS_DIUNGKAPKAN]


async def test_an_anonymous_report_has_no_identity_to_ask_for() -> None:
    uow = unit_of_work()
    case = await recorded_case(uow, identity=None)
    with pytest.raises(NoIdentity):
        await request_disclosure("bps-3603", case, PENELAAH, REASON, uow=uow, clock=lambda: NOW)
