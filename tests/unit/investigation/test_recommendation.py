"""The rules of recommendations: which kind answers which result, the deadline from the tenant's
policy (calendar months from the day of receipt, month ends included), when one is overdue and
announced, and when it is done, on time or late."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.support.events import OPAQUE
from tests.support.tenants import demo_configuration
from wbs_contracts.events.directory import EscalationTarget, TenantPolicy, TimeLimit
from wbs_contracts.events.investigation import AuditResult, RecommendationKind
from wbs_investigation.domain.case_file import CaseFile, CaseFileStatus
from wbs_investigation.domain.recommendation import (
    CheckedDraft,
    Draft,
    DueSource,
    FollowUp,
    FollowUpKind,
    Recommendation,
    RecommendationRefused,
    carried_out_by_hand_over,
    check_may_act,
    check_may_read,
    check_report_issued,
    checked_document,
    checked_draft,
    completion_day,
    done_by_hand_over,
    hand_over_note,
    may_act_on_recommendations,
    months_after,
    ordered_for_follow_up,
    policy_due,
)
from wbs_investigation.domain.team import ASSIGN_CASES, DISPOSE_CASES, INVESTIGATE_CASES
from wbs_runtime.working_days import last_day_before, months_due

JAKARTA = ZoneInfo("Asia/Jakarta")
BENGKULU = demo_configuration("inspektorat-bengkulu").policy
LEBAK = demo_configuration("inspektorat-lebak").policy
REPORT_DAY = date(2026, 11, 2)
TODAY = date(2026, 11, 30)


def no_working_days(day: date, n: int) -> date:
    raise AssertionError("a limit in months counts no working days")


def case_file(result: AuditResult | None = AuditResult.TPK, loss: int | None = 250_000_000) -> CaseFile:
    return CaseFile(
        case_id=uuid.uuid4(),
        tenant="inspektorat-bengkulu",
        agenda_number="WBS/1",
        registered_on=date(2026, 9, 1),
        status=CaseFileStatus.LAPORAN_TERBIT,
        result=result,
        estimated_loss_idr=loss,
        report_number="LHA-1",
        report_issued_at=datetime(2026, 11, 2, 3, tzinfo=UTC),
    )


def draft(kind: RecommendationKind | str, **fields: Any) -> Draft:
    values: dict[str, Any] = {"addressed_to": "Sekretaris Daerah", "text": "Jatuhkan hukuman disiplin."}
    return Draft(kind=str(kind), **(values | fields))


def checked(
    kind: RecommendationKind | str,
    *,
    policy: TenantPolicy = BENGKULU,
    file: CaseFile | None = None,
    lpsk_name: str | None = None,
    **fields: Any,
) -> CheckedDraft:
    return checked_draft(
        draft(kind, **fields),
        file or case_file(),
        policy,
        today=TODAY,
        report_day=REPORT_DAY,
        lpsk_name=lpsk_name,
        nth_working_day_after=no_working_days,
    )


def refused(field: str, call: Callable[[], object]) -> RecommendationRefused:
    with pytest.raises(RecommendationRefused) as raised:
        call()
    assert raised.value.field == field, raised.value.message
    assert raised.value.pesan
    assert raised.value.message
    return raised.value


# -- the deadline ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "months", "due"),
    [
        (date(2026, 11, 30), 3, date(2027, 2, 28)),  # no 30 February: its last day
        (date(2027, 11, 30), 3, date(2028, 2, 29)),  # a leap year
        (date(2026, 11, 30), 2, date(2027, 1, 30)),
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2026, 8, 31), 3, date(2026, 11, 30)),
        (date(2026, 12, 15), 2, date(2027, 2, 15)),
        (date(2026, 10, 31), 2, date(2026, 12, 31)),
        (date(2026, 2, 28), 3, date(2026, 5, 28)),  # the same day, not the month's end
    ],
)
def test_a_limit_in_months_ends_on_the_same_day_months_later_or_that_months_last_day(
    received: date, months: int, due: date
) -> None:
    assert months_after(received, months) == due
    # The same rule as every other clock of the system (the runtime's months_due).
    started = datetime.combine(received, datetime.min.time(), tzinfo=JAKARTA) + timedelta(hours=10)
    assert last_day_before(months_due(started, months, zone=JAKARTA), JAKARTA) == due


def test_a_limit_in_working_days_counts_on_the_tenants_calendar() -> None:
    asked: list[tuple[date, int]] = []

    def working(day: date, n: int) -> date:
        asked.append((day, n))
        return date(2026, 12, 7)

    assert policy_due(TimeLimit(working_days=5), date(2026, 11, 30), working) == date(2026, 12, 7)
    assert asked == [(date(2026, 11, 30), 5)]


def test_a_disciplinary_sanction_is_due_by_each_tenants_limit_from_receipt() -> None:
    bengkulu = checked(RecommendationKind.HUKUMAN_DISIPLIN, received_on=date(2026, 11, 30))
    lebak = checked(RecommendationKind.HUKUMAN_DISIPLIN, policy=LEBAK, received_on=date(2026, 11, 30))
    assert (bengkulu.due, bengkulu.due_source) == (date(2027, 2, 28), DueSource.KEBIJAKAN)
    assert "Pergub Bengkulu 49/2017" in bengkulu.due_basis
    assert lebak.due == date(2027, 1, 30)
    assert "Perbup Lebak 18/2021" in lebak.due_basis
    # Received today unless the officer says when.
    assert checked(RecommendationKind.HUKUMAN_DISIPLIN).due == date(2027, 2, 28)


def test_the_policy_sets_the_deadline_of_a_sanction_not_the_officer() -> None:
    problem = refused("due", lambda: checked(RecommendationKind.HUKUMAN_DISIPLIN, due=date(2027, 6, 1)))
    assert "3 bulan" in problem.pesan
    assert "3 months" in problem.message


def test_a_body_whose_policy_sets_no_limit_lets_the_officer_set_one_or_none() -> None:
    policy = BENGKULU.model_copy(update={"time_limits": {}})
    free = checked(RecommendationKind.HUKUMAN_DISIPLIN, policy=policy)
    assert (free.due, free.due_source) == (None, None)
    set_by_officer = checked(RecommendationKind.HUKUMAN_DISIPLIN, policy=policy, due=date(2027, 1, 15))
    assert (set_by_officer.due, set_by_officer.due_source) == (date(2027, 1, 15), DueSource.PETUGAS)


def test_other_kinds_take_the_officers_deadline_never_before_receipt() -> None:
    recovery = checked(RecommendationKind.PENGEMBALIAN_KERUGIAN, due=date(2027, 3, 1))
    assert (recovery.due, recovery.due_source) == (date(2027, 3, 1), DueSource.PETUGAS)
    assert checked(RecommendationKind.PENGEMBALIAN_KERUGIAN).due is None
    refused("due", lambda: checked(RecommendationKind.PENGEMBALIAN_KERUGIAN, received_on=TODAY, due=date(2026, 11, 1)))


def test_the_day_of_receipt_lies_between_the_final_report_and_today() -> None:
    refused("received_on", lambda: checked(RecommendationKind.HUKUMAN_DISIPLIN, received_on=TODAY + timedelta(days=1)))
    refused("received_on", lambda: checked(RecommendationKind.HUKUMAN_DISIPLIN, received_on=date(2026, 11, 1)))
    assert checked(RecommendationKind.HUKUMAN_DISIPLIN, received_on=REPORT_DAY).received_on == REPORT_DAY


# -- which kind, for which result ---------------------------------------------------------------------


def test_each_kind_answers_a_result_of_the_audit() -> None:
    clean = case_file(AuditResult.TIDAK_ADA_PENYIMPANGAN, 0)
    administrative = case_file(AuditResult.PELANGGARAN_ADMINISTRATIF, 0)
    refused("kind", lambda: checked(RecommendationKind.HUKUMAN_DISIPLIN, file=clean))
    assert checked(RecommendationKind.HUKUMAN_DISIPLIN, file=administrative)
    refused("kind", lambda: checked(RecommendationKind.PENGEMBALIAN_KERUGIAN, file=administrative))  # no loss
    refused("kind", lambda: checked(RecommendationKind.PEMULIHAN_NAMA_BAIK, file=administrative))
    restored = checked(RecommendationKind.PEMULIHAN_NAMA_BAIK, file=clean, addressed_to="Gubernur Bengkulu")
    assert restored.kind is RecommendationKind.PEMULIHAN_NAMA_BAIK
    refused("kind", lambda: checked(RecommendationKind.PENYERAHAN_APH, file=administrative))
    refused("kind", lambda: checked("teguran-lisan"))


@pytest.mark.parametrize(
    ("loss", "allowed", "refused_kind"),
    [
        (999_999_999, RecommendationKind.PENYERAHAN_APH, RecommendationKind.PENYERAHAN_KPK),
        (1_000_000_000, RecommendationKind.PENYERAHAN_KPK, RecommendationKind.PENYERAHAN_APH),
        (5_000_000_000, RecommendationKind.PENYERAHAN_KPK, RecommendationKind.PENYERAHAN_APH),
    ],
)
def test_handing_over_follows_bengkulus_routing(
    loss: int, allowed: RecommendationKind, refused_kind: RecommendationKind
) -> None:
    file = case_file(AuditResult.TPK, loss)
    assert checked(allowed, file=file).kind is allowed
    problem = refused("kind", lambda: checked(refused_kind, file=file))
    assert "Pergub Bengkulu" in problem.pesan


def test_lebak_hands_every_loss_to_aph_and_none_to_the_kpk() -> None:
    file = case_file(AuditResult.TPK, 5_000_000_000)
    assert checked(RecommendationKind.PENYERAHAN_APH, policy=LEBAK, file=file)
    assert "APH" in refused("kind", lambda: checked(RecommendationKind.PENYERAHAN_KPK, policy=LEBAK, file=file)).pesan


def test_a_referral_to_lpsk_goes_to_the_lpsk_the_policy_names() -> None:
    referral = checked(RecommendationKind.RUJUKAN_LPSK, addressed_to="", lpsk_name="Lembaga Perlindungan Saksi")
    assert referral.agency == "lpsk"
    assert referral.addressed_to == "Lembaga Perlindungan Saksi"
    no_lpsk = BENGKULU.model_copy(update={"escalation": BENGKULU.escalation.model_copy(update={"lpsk": None})})
    refused("kind", lambda: checked(RecommendationKind.RUJUKAN_LPSK, policy=no_lpsk))


def test_an_office_and_the_words_are_required() -> None:
    refused("addressed_to", lambda: checked(RecommendationKind.HUKUMAN_DISIPLIN, addressed_to="  "))
    refused("addressed_to", lambda: checked(RecommendationKind.HUKUMAN_DISIPLIN, addressed_to="x" * 201))
    refused("text", lambda: checked(RecommendationKind.HUKUMAN_DISIPLIN, text=" "))
    refused("text", lambda: checked(RecommendationKind.HUKUMAN_DISIPLIN, text="x" * 10_001))
    assert checked(RecommendationKind.HUKUMAN_DISIPLIN, addressed_to=" Sekretaris   Daerah ").addressed_to == (
        "Sekretaris Daerah"
    )


# -- who and when ------------------------------------------------------------------------------------


def test_the_ketua_tim_and_the_teams_auditors_act_the_pimpinan_satker_reads() -> None:
    assert may_act_on_recommendations({ASSIGN_CASES}, on_team=False)
    assert may_act_on_recommendations({INVESTIGATE_CASES}, on_team=True)
    assert not may_act_on_recommendations({INVESTIGATE_CASES}, on_team=False)
    assert not may_act_on_recommendations({DISPOSE_CASES}, on_team=False)
    check_may_read({DISPOSE_CASES}, on_team=False)
    problem = refused("officer", lambda: check_may_read({INVESTIGATE_CASES}, on_team=False))
    assert problem.status_code == 403
    refused("officer", lambda: check_may_act({DISPOSE_CASES}, on_team=False))


def test_recommendations_wait_for_the_final_report() -> None:
    check_report_issued(case_file())
    check_report_issued(replace(case_file(), status=CaseFileStatus.DISERAHKAN))
    for status in (CaseFileStatus.PELAKSANAAN, CaseFileStatus.PENGUJIAN_ULANG, CaseFileStatus.PERENCANAAN):
        before = replace(case_file(), status=status)
        problem = refused("case", lambda before=before: check_report_issued(before))  # type: ignore[misc]
        assert problem.status_code == 409
        assert "laporan hasil audit" in problem.pesan


# -- overdue, follow-up, completion -------------------------------------------------------------------


def recommendation(
    kind: RecommendationKind = RecommendationKind.HUKUMAN_DISIPLIN, due: date | None = date(2027, 2, 28), **fields: Any
) -> Recommendation:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "case_id": uuid.uuid4(),
        "tenant": "inspektorat-bengkulu",
        "kind": kind,
        "addressed_to": "Sekretaris Daerah",
        "received_on": date(2026, 11, 30),
        "due": due,
        "due_source": DueSource.KEBIJAKAN,
        "due_basis": "",
        "policy_version": 1,
        "sealed_text": OPAQUE,
        "issued_by": "inspektur",
        "issued_by_name": "Inspektur",
        "issued_at": datetime(2026, 11, 30, 3, tzinfo=UTC),
    }
    return Recommendation(**(values | fields))


def test_overdue_the_day_after_its_last_day_and_announced_once_per_deadline() -> None:
    open_one = recommendation()
    assert not open_one.overdue_on(date(2027, 2, 28))
    assert not open_one.needs_overdue_notice(date(2027, 2, 28))
    assert open_one.overdue_on(date(2027, 3, 1))
    assert open_one.needs_overdue_notice(date(2027, 3, 1))
    noticed = replace(open_one, overdue_noticed_for=date(2027, 2, 28))
    assert noticed.overdue_on(date(2027, 4, 1))
    assert not noticed.needs_overdue_notice(date(2027, 4, 1))
    # Another deadline is announced again.
    moved = replace(noticed, due=date(2027, 3, 15))
    assert moved.needs_overdue_notice(date(2027, 3, 16))
    assert not recommendation(due=None).overdue_on(date(2030, 1, 1))
    done = replace(open_one, completed_at=datetime(2027, 3, 2, tzinfo=UTC))
    assert not done.overdue_on(date(2027, 3, 5))


def follow_up(rec: Recommendation, kind: FollowUpKind, dated: date | None = None) -> FollowUp:
    return FollowUp(
        id=uuid.uuid4(),
        recommendation_id=rec.id,
        case_id=rec.case_id,
        tenant=rec.tenant,
        kind=kind,
        recorded_by="auditor",
        recorded_by_name="Auditor",
        recorded_at=datetime(2027, 1, 5, tzinfo=UTC),
        document_id=None if kind is FollowUpKind.CATATAN else uuid.uuid4(),
        reference="800/12/BKD/2027" if kind is FollowUpKind.SK else "",
        dated=dated,
    )


def test_a_sanction_is_done_with_its_sk_on_time_when_the_sk_is_dated_by_the_deadline() -> None:
    rec = recommendation()
    note = follow_up(rec, FollowUpKind.CATATAN)
    refused("evidence", lambda: completion_day(rec, [note], None, today=date(2027, 1, 10)))
    refused(
        "evidence", lambda: completion_day(rec, [follow_up(rec, FollowUpKind.BUKTI)], None, today=date(2027, 1, 10))
    )
    sk = follow_up(rec, FollowUpKind.SK, dated=date(2027, 2, 28))
    assert completion_day(rec, [note, sk], None, today=date(2027, 3, 10)) == (date(2027, 2, 28), True)
    late_sk = follow_up(rec, FollowUpKind.SK, dated=date(2027, 3, 1))
    assert completion_day(rec, [late_sk], None, today=date(2027, 3, 10)) == (date(2027, 3, 1), False)
    # The officer may say when it was carried out; never after today, nor before receipt.
    assert completion_day(rec, [late_sk], date(2027, 2, 20), today=date(2027, 3, 10)) == (date(2027, 2, 20), True)
    refused("carried_out_on", lambda: completion_day(rec, [sk], date(2027, 3, 11), today=date(2027, 3, 10)))
    refused("carried_out_on", lambda: completion_day(rec, [sk], date(2026, 11, 29), today=date(2027, 3, 10)))
    done = replace(rec, completed_at=datetime(2027, 3, 10, tzinfo=UTC))
    assert (refused("recommendation", lambda: completion_day(done, [sk], None, today=TODAY))).status_code == 409


def test_other_kinds_are_done_with_any_evidence_on_the_day_recorded_unless_told() -> None:
    rec = recommendation(RecommendationKind.PENGEMBALIAN_KERUGIAN, due=date(2027, 1, 31))
    proof = follow_up(rec, FollowUpKind.BUKTI)
    assert completion_day(rec, [proof], None, today=date(2027, 1, 31)) == (date(2027, 1, 31), True)
    assert completion_day(rec, [proof], None, today=date(2027, 2, 1)) == (date(2027, 2, 1), False)
    no_deadline = recommendation(RecommendationKind.PEMULIHAN_NAMA_BAIK, due=None)
    assert completion_day(no_deadline, [follow_up(no_deadline, FollowUpKind.BUKTI)], None, today=TODAY)[1] is True
    award = recommendation(RecommendationKind.PENGHARGAAN_PELAPOR, due=None)
    refused("evidence", lambda: completion_day(award, [follow_up(award, FollowUpKind.BUKTI)], None, today=TODAY))


def test_a_decree_names_its_number_and_date() -> None:
    later = date(2027, 3, 10)
    assert checked_document("sk", " SK  Gubernur ", "800/12", date(2027, 1, 5), today=later) == (
        FollowUpKind.SK,
        "SK Gubernur",
        "800/12",
    )
    refused("reference", lambda: checked_document("sk", "SK", "", date(2027, 1, 5), today=later))
    refused("reference", lambda: checked_document("sk", "SK", "800/12", None, today=later))
    refused("dated", lambda: checked_document("bukti", "Bukti setor", "", later + timedelta(days=1), today=later))
    refused("document_kind", lambda: checked_document("catatan", "x", "", None, today=later))
    refused("document_kind", lambda: checked_document("pelimpahan", "x", "", None, today=later))  # never uploaded
    refused("title", lambda: checked_document("bukti", " ", "", None, today=later))
    assert checked_document("bukti", "Bukti setor", "", None, today=later)[0] is FollowUpKind.BUKTI


def test_overdue_ones_come_first_then_open_by_deadline_then_done() -> None:
    today = date(2027, 3, 5)
    done = recommendation(due=date(2027, 1, 1), completed_at=datetime(2027, 1, 1, tzinfo=UTC))
    later = recommendation(due=date(2027, 6, 1))
    no_deadline = recommendation(due=None)
    overdue_long = recommendation(due=date(2027, 1, 31))
    overdue_short = recommendation(due=date(2027, 3, 1))
    soon = recommendation(due=date(2027, 3, 10))
    ordered = ordered_for_follow_up([done, later, no_deadline, overdue_short, soon, overdue_long], today)
    assert ordered == [overdue_long, overdue_short, soon, later, no_deadline, done]


def test_a_hand_over_carries_out_the_open_recommendation_to_hand_over_to_its_own_target_only() -> None:
    to_kpk = recommendation(RecommendationKind.PENYERAHAN_KPK, due=None)
    to_aph = recommendation(RecommendationKind.PENYERAHAN_APH, due=None)
    sanction = recommendation(RecommendationKind.HUKUMAN_DISIPLIN)
    assert carried_out_by_hand_over(to_kpk, EscalationTarget.KPK)
    assert not carried_out_by_hand_over(to_kpk, EscalationTarget.APH)
    assert carried_out_by_hand_over(to_aph, EscalationTarget.APH)
    assert not carried_out_by_hand_over(to_aph, EscalationTarget.KPK)
    assert not carried_out_by_hand_over(sanction, EscalationTarget.KPK)
    already = replace(to_kpk, completed_at=datetime(2026, 12, 1, tzinfo=UTC))
    assert not carried_out_by_hand_over(already, EscalationTarget.KPK)


def test_done_by_the_hand_over_on_the_day_of_approval_on_time_by_its_deadline() -> None:
    at = datetime(2027, 1, 10, 2, tzinfo=UTC)
    due = date(2027, 1, 10)
    on_the_day = done_by_hand_over(
        recommendation(RecommendationKind.PENYERAHAN_KPK, due=due), day=due, at=at, by="gubernur", by_name="Gubernur"
    )
    assert (on_the_day.done, on_the_day.carried_out_on, on_the_day.on_time) == (True, due, True)
    assert (on_the_day.completed_at, on_the_day.completed_by, on_the_day.completed_by_name) == (
        at,
        "gubernur",
        "Gubernur",
    )
    late = done_by_hand_over(
        recommendation(RecommendationKind.PENYERAHAN_KPK, due=due),
        day=due + timedelta(days=1),
        at=at,
        by="gubernur",
        by_name="Gubernur",
    )
    assert late.on_time is False
    without_deadline = recommendation(RecommendationKind.PENYERAHAN_APH, due=None)
    assert done_by_hand_over(without_deadline, day=date(2030, 1, 1), at=at, by="b", by_name="B").on_time is True
    note = hand_over_note(
        agency_name="Komisi Pemberantasan Korupsi",
        approved_by="Gubernur Bengkulu",
        approved_as="pimpinan-daerah",
        day=due,
    )
    assert note == (
        "Ditindaklanjuti dengan pelimpahan perkara kepada Komisi Pemberantasan Korupsi, disetujui Gubernur Bengkulu "
        "(pimpinan-daerah) pada 2027-01-10."
    )
