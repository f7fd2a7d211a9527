"""The audit's rules, pure: the Surat Tugas's team (one ketua tim, one pengendali teknis, anggota; each
an active auditor or ketua tim of the roster, in one seat), its schedule and budget; sums in rupiah
as Indonesians write them; the three results and their loss; the auditee's response to the result
in force before the final report; who works on an audit and who issues its report; in which stage
each record is made."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from wbs_contracts.events.investigation import AuditResult
from wbs_contracts.roles import Role
from wbs_contracts.sealed import SealedPayload
from wbs_investigation.domain.audit import (
    AuditRefused,
    UploadedFile,
    check_running,
    checked_files,
    checked_programme,
    extension_of,
    may_work_audit,
    names_of,
    parse_rupiah,
    rupiah_text,
)
from wbs_investigation.domain.audit_result import (
    AuditeeResponse,
    RecordedResult,
    ResultDraft,
    check_reportable,
    checked_result,
    may_issue_report,
)
from wbs_investigation.domain.case_file import CaseFileStatus
from wbs_investigation.domain.refusal import Refusal
from wbs_investigation.domain.surat_tugas import SuratTugasDraft, checked_letter, checked_team
from wbs_investigation.domain.team import TeamSeat
from wbs_runtime.roster import RosterEntry

pytestmark = pytest.mark.unit
AT = datetime(2026, 11, 2, 9, tzinfo=UTC)
SEALED = SealedPayload(audience="case-substance", kid="k", ciphertext="AAAA")


def officer(officer_id: str, *roles: Role, active: bool = True) -> RosterEntry:
    return RosterEntry("inspektorat-bengkulu", officer_id, officer_id.title(), frozenset(roles), active, AT)


ROSTER = {
    e.officer_id: e
    for e in (
        officer("inspektur", Role.KETUA_TIM),
        officer("dewi", Role.AUDITOR),
        officer("eko", Role.AUDITOR),
        officer("fajar", Role.AUDITOR, Role.PENELAAH),
        officer("gita", Role.PENELAAH),
        officer("hadi", Role.AUDITOR, active=False),
    )
}


def draft(ketua: str = "dewi", pengendali: str = "inspektur", *anggota: str, **changes: object) -> SuratTugasDraft:
    fields: dict[str, object] = {
        "number": "700/ST-12/ITPROV/2026",
        "issued_on": date(2026, 11, 2),
        "ketua_tim": ketua,
        "pengendali_teknis": pengendali,
        "anggota": anggota,
        "starts_on": date(2026, 11, 3),
        "ends_on": date(2026, 11, 30),
        "budget_idr": 25_000_000,
        "resources": "Kendaraan dinas, laptop",
    }
    return SuratTugasDraft(**(fields | changes))  # type: ignore[arg-type]


def test_a_team_has_one_ketua_tim_one_pengendali_teknis_and_members_of_the_roster() -> None:
    team = checked_team(draft("dewi", "inspektur", "eko", " fajar ", ""), ROSTER)
    assert [(m.officer_id, m.seat) for m in team] == [
        ("dewi", TeamSeat.KETUA_TIM),
        ("inspektur", TeamSeat.PENGENDALI_TEKNIS),
        ("eko", TeamSeat.ANGGOTA),
        ("fajar", TeamSeat.ANGGOTA),
    ]
    assert team[0].name == "Dewi"
    # The seeds fix no size: a ketua tim and a pengendali teknis alone are a team.
    assert len(checked_team(draft("dewi", "eko"), ROSTER)) == 2


@pytest.mark.parametrize(
    ("given", "field"),
    [
        (draft("", "inspektur"), "ketua_tim"),  # no ketua tim
        (draft("dewi", " "), "pengendali_teknis"),  # no pengendali teknis
        (draft("dewi", "dewi"), "pengendali_teknis"),  # one officer in two seats
        (draft("dewi", "eko", "dewi"), "anggota"),
        (draft("gita", "eko"), "ketua_tim"),  # a penelaah only: not an auditor
        (draft("dewi", "hadi"), "pengendali_teknis"),  # deactivated
        (draft("dewi", "eko", "orang-luar"), "anggota"),  # not on this tenant's roster
    ],
)
def test_a_team_outside_the_rules_is_refused_in_both_languages(given: SuratTugasDraft, field: str) -> None:
    with pytest.raises(AuditRefused) as refused:
        checked_team(given, ROSTER)
    assert refused.value.field == field
    assert refused.value.refusal is Refusal.INVALID
    assert refused.value.pesan
    assert refused.value.pesan != refused.value.message


def test_the_letter_needs_its_number_date_and_a_schedule_that_does_not_end_before_it_starts() -> None:
    fields = checked_letter(draft(number="  700/ST-12  ", resources=" Laptop "))
    assert (fields.number, fields.resources, fields.budget_idr) == ("700/ST-12", "Laptop", 25_000_000)
    assert checked_letter(draft(starts_on=date(2026, 11, 3), ends_on=date(2026, 11, 3))).ends_on == date(2026, 11, 3)
    for wrong, field in (
        (draft(number=" "), "number"),
        (draft(issued_on=None), "issued_on"),
        (draft(starts_on=None), "starts_on"),
        (draft(ends_on=date(2026, 11, 2)), "ends_on"),
        (draft(budget_idr=-1), "budget"),
    ):
        with pytest.raises(AuditRefused) as refused:
            checked_letter(wrong)
        assert refused.value.field == field


@pytest.mark.parametrize(
    ("written", "rupiah"),
    [
        ("Rp 1.500.000.000", 1_500_000_000),
        ("Rp1.500.000.000,00", 1_500_000_000),
        ("1.500.000.000,-", 1_500_000_000),
        ("rp. 250.000", 250_000),
        ("IDR 999", 999),
        ("1500000000", 1_500_000_000),
        ("  Rp 0  ", 0),
        ("Rp 1 000 000", 1_000_000),
    ],
)
def test_sums_in_rupiah_as_indonesians_write_them(written: str, rupiah: int) -> None:
    assert parse_rupiah(written, field="estimated_loss") == rupiah


@pytest.mark.parametrize(
    "written",
    ["", "Rp", "1,5 miliar", "1.50.000", "1.500.000,50", "-5", "Rp -1.000", "USD 100", "1.500,000"],
)
def test_what_is_not_a_sum_in_whole_rupiah_is_refused_with_an_example(written: str) -> None:
    with pytest.raises(AuditRefused) as refused:
        parse_rupiah(written, field="estimated_loss")
    assert refused.value.field == "estimated_loss"
    assert "Rp 1.500.000.000" in refused.value.pesan
    assert "Rp 1.500.000.000" in refused.value.message


def test_a_sum_beyond_any_state_loss_is_refused() -> None:
    with pytest.raises(AuditRefused) as refused:
        parse_rupiah("10.000.000.000.000.000", field="budget")
    assert (refused.value.field, refused.value.message) == ("budget", "The sum is too large.")


def test_a_sum_prints_the_indonesian_way() -> None:
    assert rupiah_text(1_500_000_000) == "Rp 1.500.000.000"
    assert rupiah_text(0) == "Rp 0"


def test_a_corruption_offence_or_administrative_violation_states_its_loss_none_without_deviation() -> None:
    tpk = checked_result(ResultDraft("tpk", "Rp 1.000.000.000", " Pembayaran fiktif. "))
    assert (tpk.result, tpk.estimated_loss_idr, tpk.findings) == (AuditResult.TPK, 1_000_000_000, "Pembayaran fiktif.")
    gratifikasi = checked_result(ResultDraft("tpk", "Rp 0", "Suap tanpa kerugian negara."))
    assert gratifikasi.estimated_loss_idr == 0
    clean = checked_result(ResultDraft("tidak-ada-penyimpangan", "", "Tidak terbukti."))
    assert (clean.result, clean.estimated_loss_idr) == (AuditResult.TIDAK_ADA_PENYIMPANGAN, 0)
    admin = checked_result(ResultDraft("pelanggaran-administratif", "12.500.000", "SPJ terlambat."))
    assert admin.estimated_loss_idr == 12_500_000
    for wrong, field in (
        (ResultDraft("korupsi", "1", "x"), "result"),
        (ResultDraft("tpk", "", "x"), "estimated_loss"),  # a TPK says its loss, Rp 0 when none
        (ResultDraft("pelanggaran-administratif", "", "x"), "estimated_loss"),
        (ResultDraft("tidak-ada-penyimpangan", "Rp 5.000", "x"), "estimated_loss"),
        (ResultDraft("tpk", "Rp 1.000", "  "), "findings"),
    ):
        with pytest.raises(AuditRefused) as refused:
            checked_result(wrong)
        assert refused.value.field == field


def recorded(version: int = 1) -> RecordedResult:
    return RecordedResult(uuid4(), uuid4(), "t", version, AuditResult.TPK, 10, SEALED, "dewi", "Dewi", AT)


def response_to(result: RecordedResult) -> AuditeeResponse:
    return AuditeeResponse(uuid4(), result.case_id, "t", result.id, date(2026, 11, 20), SEALED, "dewi", "Dewi", AT)


def test_the_final_report_follows_the_auditees_response_to_the_result_in_force() -> None:
    first = recorded()
    with pytest.raises(AuditRefused) as no_result:
        check_reportable(CaseFileStatus.PELAKSANAAN, None, None)
    assert (no_result.value.field, no_result.value.refusal) == ("result", Refusal.CONFLICT)
    with pytest.raises(AuditRefused) as unanswered:
        check_reportable(CaseFileStatus.PELAKSANAAN, first, None)
    assert (unanswered.value.field, unanswered.value.refusal) == ("auditee_response", Refusal.CONFLICT)
    assert "auditan" in unanswered.value.pesan
    assert "auditee" in unanswered.value.message
    result, response = check_reportable(CaseFileStatus.PELAKSANAAN, first, answer := response_to(first))
    assert (result, response) == (first, answer)
    # A revised result needs its own response: the one to the first result does not do.
    revised = recorded(2)
    with pytest.raises(AuditRefused):
        check_reportable(CaseFileStatus.PENGUJIAN_ULANG, revised, answer)
    assert check_reportable(CaseFileStatus.PENGUJIAN_ULANG, revised, response_to(revised))[0] is revised
    # Once issued, a report is revised only after the case was sent back for testing.
    with pytest.raises(AuditRefused) as issued:
        check_reportable(CaseFileStatus.LAPORAN_TERBIT, first, answer)
    assert issued.value.refusal is Refusal.CONFLICT


def test_who_works_on_an_audit_and_who_issues_its_report() -> None:
    assert may_work_audit({"assign-cases"}, on_team=False)  # the Inspektur
    assert may_work_audit({"investigate-cases", "read-cases"}, on_team=True)
    assert not may_work_audit({"investigate-cases", "read-cases"}, on_team=False)
    assert not may_work_audit({"dispose-cases", "read-cases"}, on_team=False)  # the pimpinan reads only
    assert may_issue_report({"assign-cases"}, seat=None)
    assert may_issue_report({"investigate-cases"}, seat=TeamSeat.KETUA_TIM)
    assert not may_issue_report({"investigate-cases"}, seat=TeamSeat.ANGGOTA)
    assert not may_issue_report({"investigate-cases"}, seat=TeamSeat.PENGENDALI_TEKNIS)


def test_records_are_made_after_the_surat_tugas_and_before_the_final_report_or_while_retested() -> None:
    check_running(CaseFileStatus.PELAKSANAAN)
    check_running(CaseFileStatus.PENGUJIAN_ULANG)
    for stage in (CaseFileStatus.PERENCANAAN, CaseFileStatus.LAPORAN_TERBIT, CaseFileStatus.DISERAHKAN):
        with pytest.raises(AuditRefused) as refused:
            check_running(stage)
        assert refused.value.refusal is Refusal.CONFLICT


def test_the_programme_clarification_names_and_files() -> None:
    with pytest.raises(AuditRefused):
        checked_programme(" ", "", "", "")
    assert checked_programme("UU 31/1999 jo. UU 20/2001", "", "", "").regulations == "UU 31/1999 jo. UU 20/2001"
    assert names_of("Dewi\n\n Eko \nDewi", "signed_by") == ("Dewi", "Eko")
    assert names_of(["Dewi\nEko", "Fajar"], "signed_by") == ("Dewi", "Eko", "Fajar")
    kept = checked_files(
        [
            UploadedFile("", "application/octet-stream", b""),  # an empty file input
            UploadedFile("C:\\Users\\x\\BAK ttd.PDF", "application/pdf; charset=binary", b"%PDF"),
            UploadedFile("foto.jpg", "not a type", b"jpg"),
        ],
        max_bytes=10,
    )
    assert [(f.file_name, f.media_type) for f in kept] == [
        ("BAK ttd.PDF", "application/pdf"),
        ("foto.jpg", "application/octet-stream"),
    ]
    with pytest.raises(AuditRefused):
        checked_files([UploadedFile("besar.pdf", "application/pdf", b"x" * 11)], max_bytes=10)
    assert (extension_of("BAK ttd.PDF"), extension_of("tanpa-titik"), extension_of("a.b/c")) == (".pdf", "", "")
