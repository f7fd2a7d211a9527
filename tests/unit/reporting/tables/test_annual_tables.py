"""The annual tables from case facts, as the seeds print them (seed 000 BAB II; seed 001 Tabel 1,
Lampiran, Gambar 8)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

from wbs_reporting.domain.cases import CaseSteps, StepEvent
from wbs_reporting.domain.printed import printed_tables
from wbs_reporting.domain.tables import Label, MonthNote, annual_tables
from wbs_reporting.domain.timeliness import PolicyLimit, RecommendationSteps

JAKARTA = ZoneInfo("Asia/Jakarta")
LEMPUK = [
    Label("korupsi-gratifikasi", "Korupsi/Gratifikasi", "Corruption/Gratuities"),
    Label("etika-pegawai", "Etika Pegawai", "Employee ethics"),
    Label("kinerja-pegawai", "Kinerja Pegawai", "Employee performance"),
    Label("lainnya", "Lainnya", "Other"),
]
#: Seed 001, Tabel 1: the columns as printed.
BANTEN_CHANNELS = [
    Label("web", "Website WBS", "WBS website"),
    Label("sp4n-lapor", "SP4N LAPOR", "SP4N LAPOR"),
    Label("halo-mitra", "Halo Mitra", "Halo Mitra"),
    Label("kotak-saran", "Kotak Saran", "Suggestion box"),
    Label("lembar-saran-online", "Lembar Saran dan Pengaduan Online", "Online suggestion sheet"),
]


def identity(text: str) -> str:
    return text


def banten_case(tenant: str, day: int, *, outcome: str | None = "tidak-diproses") -> CaseSteps:
    arrived = datetime(2023, 2, day, 4, 35, tzinfo=UTC)
    return CaseSteps(
        case_id=uuid4(),
        tenant=tenant,
        received_by="bps-3600",
        category="lainnya",
        channel="sp4n-lapor",
        submitted_at=arrived,
        registered_at=arrived + timedelta(minutes=4),
        disposed_at=arrived + timedelta(minutes=12),
        follow_up_due=date(2023, 3, 3),
        decided_at=None if outcome is None else arrived + timedelta(days=3),
        outcome=outcome,
    )


def test_an_empty_year_prints_seed_000s_zeros_and_seed_001s_dashes() -> None:
    tables = annual_tables(
        tenant="bps-1700", name="BPS Provinsi Bengkulu", year=2024, zone=JAKARTA, scope=["bps-1700"],
        rolled_up=True, categories=LEMPUK, channels=[], channel_labels={}, cases=[], events=[],
    )  # fmt: skip
    kategori, *_, penyelesaian, _waktu = printed_tables(tables, identity, "id")
    assert kategori.header == [
        "No.",
        "Periode",
        "Korupsi/Gratifikasi",
        "Etika Pegawai",
        "Kinerja Pegawai",
        "Lainnya",
        "Jumlah",
    ]
    assert kategori.rows[0] == [1, "Januari", 0, 0, 0, 0, 0]
    assert kategori.rows[-1] == ["", "Total", 0, 0, 0, 0, 0]
    assert len(kategori.rows) == 13
    assert [r[2] for r in penyelesaian.rows] == ["-"] * 12


def test_the_two_banten_cases_of_february_arrive_at_the_province_and_are_handled_below_it() -> None:
    cases = [banten_case("bps-3674", 20), banten_case("bps-3603", 24)]
    notes = {2: MonthNote(hasil_penanganan="Sudah disampaikan melalui lapor.go.id")}
    common: dict[str, Any] = {
        "tenant": "bps-3600", "name": "BPS Provinsi Banten", "year": 2023, "zone": JAKARTA, "categories": [],
        "channels": BANTEN_CHANNELS, "channel_labels": {}, "cases": cases, "events": [], "notes": notes,
    }  # fmt: skip
    for scope, rolled_up in ((["bps-3600"], False), (["bps-3600", "bps-3603", "bps-3674"], True)):
        tables = annual_tables(scope=scope, rolled_up=rolled_up, **common)
        _kategori, saluran, _tl, _k, _e, penyelesaian, _w = printed_tables(tables, identity, "id")
        assert saluran.header == [
            "No.", "Periode", "Website WBS", "SP4N LAPOR", "Halo Mitra", "Kotak Saran",
            "Lembar Saran dan Pengaduan Online", "Jumlah",
        ]  # fmt: skip
        assert saluran.rows[1] == [2, "Februari", "-", 2, "-", "-", "-", 2]
        assert all(row[2:] == ["-"] * 6 for i, row in enumerate(saluran.rows) if i != 1)
        assert penyelesaian.rows[1] == [2, "Februari", 100, "Sudah disampaikan melalui lapor.go.id", "-"]
        assert penyelesaian.rows[0] == [1, "Januari", "-", "-", "-"]
    # Handled below the province: counted by category only when rolled up.
    alone = annual_tables(scope=["bps-3600"], rolled_up=False, **common)
    assert alone.by_category.total == 0
    rolled = annual_tables(scope=["bps-3600", "bps-3603", "bps-3674"], rolled_up=True, **common)
    assert rolled.by_category.month(2).counts == {"lainnya": 2}


def test_completion_counts_only_finished_cases_and_rounds_down() -> None:
    cases = [banten_case("bps-3603", 1), banten_case("bps-3603", 2), banten_case("bps-3603", 3, outcome=None)]
    tables = annual_tables(
        tenant="bps-3603", name="x", year=2023, zone=JAKARTA, scope=["bps-3603"], rolled_up=False,
        categories=[], channels=[], channel_labels={}, cases=cases, events=[],
    )  # fmt: skip
    assert tables.completion[1].percent == 66
    # An audit-investigasi decision is not the end: the final report is.
    audited = CaseSteps(
        uuid4(), "bps-3603", None, "kkn", "web", datetime(2023, 5, 2, tzinfo=UTC),
        decided_at=datetime(2023, 5, 9, tzinfo=UTC), outcome="audit-investigasi",
    )  # fmt: skip
    assert audited.finished_at is None
    reported = CaseSteps(**{**vars(audited), "report_issued_at": datetime(2023, 8, 1, tzinfo=UTC)})
    assert reported.finished_at == datetime(2023, 8, 1, tzinfo=UTC)


def test_time_to_each_step_against_the_sop_and_the_follow_up_limit() -> None:
    quick = banten_case("bps-3603", 20)  # registered in 4 min, disposed 8 min later, decided in 3 days
    slow = CaseSteps(
        **{
            **vars(banten_case("bps-3603", 21)),
            "registered_at": datetime(2023, 2, 21, 5, 35, tzinfo=UTC),  # an hour after it arrived
            "disposed_at": datetime(2023, 2, 21, 6, 0, tzinfo=UTC),
            "decided_at": datetime(2023, 3, 6, 3, 0, tzinfo=UTC),  # after its follow-up limit (3 March)
        }
    )
    tables = annual_tables(
        tenant="bps-3603", name="x", year=2023, zone=JAKARTA, scope=["bps-3603"], rolled_up=False,
        categories=[], channels=[], channel_labels={}, cases=[quick, slow], events=[],
    )  # fmt: skip
    steps = {s.step: s for s in tables.timeliness}
    assert (steps["pencatatan"].reached, steps["pencatatan"].within) == (2, 1)
    assert (steps["disposisi"].reached, steps["disposisi"].within) == (2, 1)
    assert (steps["tindak-lanjut-tim"].reached, steps["tindak-lanjut-tim"].within) == (2, 1)
    assert steps["laporan-hasil-audit"].within is None
    assert steps["pencatatan"].median_seconds == (4 * 60 + 60 * 60) / 2


def test_follow_up_counts_each_step_in_its_month_for_the_bodies_in_scope() -> None:
    at = datetime(2024, 6, 30, 18, 0, tzinfo=UTC)  # already July in Jakarta
    events = [
        StepEvent("bps-1700", "didisposisi", at),
        StepEvent("bps-1700", "audit-investigasi", at),
        StepEvent("bps-1700", "dilimpahkan", datetime(2024, 9, 1, tzinfo=UTC)),
        StepEvent("bps-lain", "didisposisi", at),
        StepEvent("bps-1700", "didisposisi", datetime(2023, 7, 1, tzinfo=UTC)),
    ]
    tables = annual_tables(
        tenant="bps-1700", name="x", year=2024, zone=JAKARTA, scope=["bps-1700"], rolled_up=False,
        categories=[], channels=[], channel_labels={}, cases=[], events=events,
    )  # fmt: skip
    assert tables.follow_up.month(7).counts["didisposisi"] == 1
    assert tables.follow_up.month(7).counts["audit-investigasi"] == 1
    assert tables.follow_up.month(9).counts["dilimpahkan"] == 1
    assert tables.follow_up.totals["didisposisi"] == 1


def test_recommendations_against_the_policys_limit_and_their_own_deadlines() -> None:
    issued = datetime(2024, 2, 1, tzinfo=UTC)
    recommendations = [
        RecommendationSteps("hukuman-disiplin", issued, issued + timedelta(days=30), on_time=True),
        RecommendationSteps("hukuman-disiplin", issued, issued + timedelta(days=120), on_time=False),
        RecommendationSteps("hukuman-disiplin", issued, None, on_time=None),  # not carried out yet
        RecommendationSteps("pengembalian-kerugian", issued, issued + timedelta(days=10), on_time=True),
        RecommendationSteps("pengembalian-kerugian", datetime(2023, 12, 1, tzinfo=UTC), None, None),  # last year
    ]
    tables = annual_tables(
        tenant="inspektorat", name="x", year=2024, zone=JAKARTA, scope=["inspektorat"], rolled_up=False,
        categories=[], channels=[], channel_labels={}, cases=[], events=[], recommendations=recommendations,
        recommendation_limits={"hukuman-disiplin": PolicyLimit(3, None, "Pergub Bengkulu 49/2017 Pasal 8")},
    )  # fmt: skip
    steps = {s.step: s for s in tables.timeliness}
    discipline = steps["rekomendasi-hukuman-disiplin"]
    assert (discipline.reached, discipline.within, discipline.median_seconds) == (2, 1, 75 * 86400)
    losses = steps["rekomendasi-pengembalian-kerugian"]
    assert (losses.reached, losses.within) == (1, 1)
    rows = {row[0]: row for row in printed_tables(tables, identity, "id")[-1].rows}
    assert rows["Rekomendasi hukuman disiplin dilaksanakan: dari diterbitkan"][1:3] == [
        "3 bulan",
        "Pergub Bengkulu 49/2017 Pasal 8",
    ]
    assert rows["Rekomendasi pengembalian kerugian dilaksanakan: dari diterbitkan"][1] == (
        "tenggat yang ditetapkan saat diterbitkan"
    )


def test_a_case_past_a_steps_limit_without_the_step_counts_as_late() -> None:
    quick = banten_case("bps-3603", 20)  # every step within its limit
    never_registered = CaseSteps(**{**vars(banten_case("bps-3603", 21)), "registered_at": None, "disposed_at": None,
                                    "follow_up_due": None, "decided_at": None})  # fmt: skip
    never_decided = CaseSteps(**{**vars(banten_case("bps-3603", 22)), "decided_at": None})
    now = datetime(2023, 12, 31, tzinfo=UTC)
    tables = annual_tables(
        tenant="bps-3603", name="x", year=2023, zone=JAKARTA, scope=["bps-3603"], rolled_up=False,
        categories=[], channels=[], channel_labels={}, cases=[quick, never_registered, never_decided], events=[],
        now=now,
    )  # fmt: skip
    steps = {s.step: s for s in tables.timeliness}
    recording = steps["pencatatan"]
    assert (recording.reached, recording.within, recording.overdue) == (2, 2, 1)
    assert recording.within_percent == 66  # not 100: the case never registered is late
    follow_up = steps["tindak-lanjut-tim"]
    assert (follow_up.reached, follow_up.within, follow_up.overdue) == (1, 1, 1)
    assert follow_up.within_percent == 50
    assert steps["laporan-hasil-audit"].overdue == 0  # no limit: never late
    printed = printed_tables(tables, identity, "id")[-1]
    assert "Lewat batas, belum sampai" in printed.header
    assert printed.rows[0][6] == 1  # the case never registered, in the recording step's row
    # Not yet past the limit when the tables are made: not late.
    early = annual_tables(
        tenant="bps-3603", name="x", year=2023, zone=JAKARTA, scope=["bps-3603"], rolled_up=False,
        categories=[], channels=[], channel_labels={}, cases=[quick, never_decided], events=[],
        now=datetime(2023, 2, 23, tzinfo=UTC),
    )  # fmt: skip
    assert {s.step: s for s in early.timeliness}["tindak-lanjut-tim"].overdue == 0


def test_a_recommendation_past_its_deadline_without_being_carried_out_is_late() -> None:
    issued = datetime(2024, 2, 1, tzinfo=UTC)
    recommendations = [
        RecommendationSteps("hukuman-disiplin", issued, issued + timedelta(days=30), on_time=True),
        RecommendationSteps("hukuman-disiplin", issued, None, None, due=date(2024, 5, 1)),  # past its deadline
        RecommendationSteps("hukuman-disiplin", issued, None, None, due=date(2024, 12, 1)),  # not yet due
    ]
    tables = annual_tables(
        tenant="inspektorat", name="x", year=2024, zone=JAKARTA, scope=["inspektorat"], rolled_up=False,
        categories=[], channels=[], channel_labels={}, cases=[], events=[], recommendations=recommendations,
        now=datetime(2024, 6, 1, tzinfo=UTC),
    )  # fmt: skip
    discipline = {s.step: s for s in tables.timeliness}["rekomendasi-hukuman-disiplin"]
    assert (discipline.reached, discipline.within, discipline.overdue) == (1, 1, 1)
    assert discipline.within_percent == 50
