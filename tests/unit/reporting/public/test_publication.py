"""Public statistics: whole past years only, small counts suppressed, approval as the policy asks."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from tests.support.tenants import demo_configuration
from wbs_contracts.events.directory import Approval, Decision
from wbs_contracts.roles import Role
from wbs_reporting.domain.publication import (
    CaseStatus,
    Period,
    Publication,
    PublicationRefused,
    PublicationState,
    PublicCount,
    Superseded,
    approver_roles,
    case_status,
    check_period,
    latest_period,
    public_statistics,
)

NOW = datetime(2026, 5, 20, 3, 0, tzinfo=UTC)


def test_the_running_year_is_held_back() -> None:
    today = date(2026, 5, 20)
    assert latest_period(today) == Period(2025)
    assert latest_period(date(2027, 1, 1)) == Period(2026)
    check_period(Period(2025), today)
    check_period(Period(2019), today)
    for running in (Period(2026), Period(2027)):
        with pytest.raises(PublicationRefused) as refused:
            check_period(running, today)
        assert "berjalan" in refused.value.pesan
        assert "running year" in refused.value.message


def test_the_figures_cover_the_whole_year_and_suppress_small_counts() -> None:
    rows = [
        PublicCount(1, "korupsi", "web", CaseStatus.SELESAI, 12),
        PublicCount(1, "etika", "web", CaseStatus.DALAM_PROSES, 2),  # a small count
        PublicCount(2, "korupsi", "kotak-saran", CaseStatus.DALAM_PROSES, 9),
        PublicCount(2, "etika", "web", CaseStatus.SELESAI, 7),
    ]
    figures = public_statistics(Period(2025), rows, categories=["korupsi", "etika", "lainnya"])
    assert [m["bulan"] for m in figures["months"]][:2] == ["Januari", "Februari"]
    assert len(figures["months"]) == 12
    january, february = figures["months"][:2]
    assert january["by_category"] == {"korupsi": "x", "etika": "< 5", "lainnya": "0"}
    assert january["by_category"]["etika"] == "< 5"
    assert "2" not in {*january["by_category"].values(), *january["by_status"].values()}
    assert february["by_category"]["korupsi"] == "x" or february["by_category"]["etika"] == "x"
    assert figures["by_category"]["lainnya"] == "0"
    assert figures["total"] == "30"
    assert figures["year"] == 2025
    assert figures["months"][11]["total"] == "0"
    assert [c["slug"] for c in figures["categories"]] == ["korupsi", "etika", "lainnya"]
    assert set(figures["by_channel"]) == {"web", "kotak-saran"}


def test_nothing_small_shows_anywhere_in_the_figures() -> None:
    rows = [PublicCount(m, "korupsi", "web", CaseStatus.SELESAI, m) for m in range(1, 7)]
    figures = public_statistics(Period(2025), rows)
    shown = [m["total"] for m in figures["months"]] + [v for m in figures["months"] for v in m["by_status"].values()]
    assert not {"1", "2", "3", "4"} & set(shown)


def test_a_case_is_finished_by_a_telaah_without_audit_or_by_its_final_report() -> None:
    assert case_status("tidak-diproses", final_report=False) is CaseStatus.SELESAI
    assert case_status("audit-investigasi", final_report=False) is CaseStatus.DALAM_PROSES
    assert case_status("audit-investigasi", final_report=True) is CaseStatus.SELESAI
    assert case_status(None, final_report=False) is CaseStatus.DALAM_PROSES


def proposal(roles: tuple[Role, ...]) -> Publication:
    return Publication(uuid4(), "bps-1700", Period(2025), {}, "pengusul", NOW, approver_roles=roles)


def test_with_a_policy_rule_an_approver_role_other_than_the_proposer_approves() -> None:
    waiting = proposal((Role.PIMPINAN_SATKER,))
    with pytest.raises(PublicationRefused, match="own publication"):
        waiting.approve("pengusul", {Role.PIMPINAN_SATKER}, may_approve_publication=True, at=NOW)
    with pytest.raises(PublicationRefused, match="another role"):
        waiting.approve("lain", {Role.PIMPINAN_DAERAH}, may_approve_publication=True, at=NOW)
    approved = waiting.approve("pimpinan", {Role.PIMPINAN_SATKER, Role.PENELAAH}, may_approve_publication=False, at=NOW)
    assert approved.state is PublicationState.DISETUJUI
    assert (approved.approved_by, approved.via_roles) == ("pimpinan", (Role.PIMPINAN_SATKER,))
    with pytest.raises(PublicationRefused, match="already approved"):
        approved.approve("lain", {Role.PIMPINAN_SATKER}, may_approve_publication=True, at=NOW)


def test_without_a_rule_the_permission_to_approve_publications_decides_but_never_for_the_proposer() -> None:
    waiting = proposal(())
    with pytest.raises(PublicationRefused, match="may not approve"):
        waiting.approve("lain", {Role.PENELAAH}, may_approve_publication=False, at=NOW)
    with pytest.raises(PublicationRefused, match="own publication"):
        waiting.approve("pengusul", {Role.PIMPINAN_DAERAH}, may_approve_publication=True, at=NOW)
    assert waiting.approve("lain", {Role.PIMPINAN_DAERAH}, may_approve_publication=True, at=NOW).approved_by == "lain"


def test_a_superseded_proposal_is_never_approved() -> None:
    superseded = proposal(()).supersede()
    assert superseded.state is PublicationState.DIGANTIKAN
    with pytest.raises(Superseded) as refused:
        superseded.approve("lain", {Role.PIMPINAN_DAERAH}, may_approve_publication=True, at=NOW)
    assert "digantikan" in refused.value.pesan
    assert "superseded" in refused.value.message


def test_the_policy_names_the_approvers_of_a_statistics_publication() -> None:
    policy = demo_configuration("bps-1700").policy
    others = tuple(a for a in policy.approvals if a.decision != Decision.STATISTICS_PUBLICATION)
    rule = Approval(decision=Decision.STATISTICS_PUBLICATION, approver_roles=(Role.KETUA_TIM,))
    ruled = policy.model_copy(update={"approvals": (*others, rule)})
    assert approver_roles(ruled) == (Role.KETUA_TIM,)
    bare = policy.model_copy(update={"approvals": others})
    assert approver_roles(bare) == ()
