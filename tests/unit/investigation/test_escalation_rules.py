"""Escalation as policy: the demonstration policies of Bengkulu and Lebak route a loss at and around
Rp 1.000.000.000 as their regulations say; a hand-over is proposed only for a TPK final report after
an exposé, by the ketua tim; approved only by the policy's approver, never by the proposer."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from tests.support.tenants import demo_configuration
from wbs_contracts.events.directory import EscalationPolicy, EscalationRule, EscalationTarget
from wbs_contracts.events.intake import ReportedOfficial
from wbs_contracts.events.investigation import AuditResult
from wbs_contracts.roles import Role
from wbs_contracts.sealed import SealedPayload
from wbs_investigation.domain.case_file import CaseFile, CaseFileStatus
from wbs_investigation.domain.escalation import (
    Escalation,
    EscalationProposalTextV1,
    EscalationRefused,
    EscalationState,
    check_case_unchanged,
    check_may_decide,
    check_may_propose,
    check_no_pending,
    check_ready,
    check_routing_unchanged,
    choose_agency,
    dossier,
    route,
    rule_applies,
    rupiah,
)
from wbs_investigation.domain.team import ASSIGN_CASES, INVESTIGATE_CASES, TeamSeat

BILLION = 1_000_000_000
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
BENGKULU = demo_configuration("inspektorat-bengkulu")
LEBAK = demo_configuration("inspektorat-lebak")
AGENCIES = {a: demo_configuration(a) for a in ("kpk", "kejati-bengkulu", "polda-bengkulu", "kejari-lebak")}


def bengkulu(loss: int) -> EscalationTarget:
    return route(loss, BENGKULU.policy.escalation, policy_version=BENGKULU.policy_version).target


@pytest.mark.parametrize(
    ("loss", "target"),
    [
        (0, EscalationTarget.APH),
        (BILLION - 1, EscalationTarget.APH),
        (BILLION, EscalationTarget.KPK),
        (BILLION + 1, EscalationTarget.KPK),
        (25 * BILLION, EscalationTarget.KPK),
    ],
    ids=["nothing", "just-below", "exactly-one-billion", "just-above", "far-above"],
)
def test_bengkulu_routes_below_one_billion_to_aph_and_from_one_billion_to_the_kpk(
    loss: int, target: EscalationTarget
) -> None:
    assert bengkulu(loss) is target


@pytest.mark.parametrize("loss", [0, BILLION - 1, BILLION, 40 * BILLION])
def test_lebak_routes_any_loss_to_aph(loss: int) -> None:
    routing = route(loss, LEBAK.policy.escalation, policy_version=LEBAK.policy_version)
    assert routing.target is EscalationTarget.APH
    assert routing.recipients == ("kejari-lebak", "polres-lebak")
    assert routing.approver_roles == (Role.PIMPINAN_DAERAH,)


def test_the_routing_says_why_in_both_languages_with_the_policy_version_and_basis() -> None:
    at = route(BILLION, BENGKULU.policy.escalation, policy_version=7)
    assert at.recipients == ("kpk",)
    assert "Rp 1.000.000.000 atau lebih" in at.why.pesan
    assert "versi 7" in at.why.pesan
    assert "Pergub Bengkulu 49/2017" in at.why.pesan
    assert "KPK" in at.why.message
    assert "version 7" in at.why.message
    below = route(BILLION - 1, BENGKULU.policy.escalation, policy_version=7)
    assert "kurang dari Rp 1.000.000.000" in below.why.pesan
    assert below.recipients == ("kejati-bengkulu", "polda-bengkulu")


def test_bounds_are_inclusive_below_and_exclusive_above() -> None:
    rule = EscalationRule(target=EscalationTarget.APH, loss_at_least=10, loss_below=20)
    assert [rule_applies(rule, loss) for loss in (9, 10, 19, 20)] == [False, True, True, False]


def test_a_loss_no_rule_covers_is_refused_with_a_clear_reason() -> None:
    policy = EscalationPolicy(
        rules=(EscalationRule(target=EscalationTarget.KPK, loss_at_least=BILLION),),
        recipients={EscalationTarget.KPK: ("kpk",)},
        approver_roles=(Role.PIMPINAN_DAERAH,),
    )
    with pytest.raises(EscalationRefused) as refused:
        route(5, policy, policy_version=1)
    assert refused.value.field == "policy"
    assert "Rp 5" in refused.value.pesan
    assert "does not route" in refused.value.message


def test_a_policy_without_recipients_or_approvers_refuses_to_route() -> None:
    rules = (EscalationRule(target=EscalationTarget.APH),)
    with pytest.raises(EscalationRefused, match="no receiving agency"):
        route(1, EscalationPolicy(rules=rules, approver_roles=(Role.PIMPINAN_DAERAH,)), policy_version=1)
    with pytest.raises(EscalationRefused, match="nobody to approve"):
        route(1, EscalationPolicy(rules=rules, recipients={EscalationTarget.APH: ("kejari-lebak",)}), policy_version=1)


def test_rupiah_are_written_as_indonesian_documents_write_them() -> None:
    assert (rupiah(1_000_000_000), rupiah(0), rupiah(1500)) == ("Rp 1.000.000.000", "Rp 0", "Rp 1.500")


def case_file(**changes: object) -> CaseFile:
    ready = CaseFile(
        case_id=uuid4(),
        tenant="inspektorat-bengkulu",
        agenda_number="WBS/INSPEKTORAT-BENGKULU/2026/0001",
        registered_on=NOW.date(),
        status=CaseFileStatus.LAPORAN_TERBIT,
        result=AuditResult.TPK,
        estimated_loss_idr=BILLION,
        report_number="LHA-0001",
        report_issued_at=NOW,
        ekspose_concluded_at=NOW,
    )
    return replace(ready, **changes)  # type: ignore[arg-type]


def test_a_case_is_ready_once_its_tpk_report_is_issued_and_an_exposé_concluded() -> None:
    assert check_ready(case_file()) == BILLION


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"status": CaseFileStatus.PELAKSANAAN, "report_issued_at": None}, "laporan hasil audit terbit"),
        ({"status": CaseFileStatus.PENGUJIAN_ULANG}, "laporan hasil audit terbit"),
        ({"result": AuditResult.PELANGGARAN_ADMINISTRATIF}, "(TPK)"),
        ({"result": AuditResult.TIDAK_ADA_PENYIMPANGAN}, "(TPK)"),
        ({"ekspose_concluded_at": None}, "ekspose"),
        ({"status": CaseFileStatus.DISERAHKAN}, "sudah dilimpahkan"),
    ],
    ids=["no-report", "retesting", "administrative", "no-deviation", "no-exposé", "handed-over"],
)
def test_a_case_not_ready_is_refused_saying_why(changes: dict[str, object], words: str) -> None:
    with pytest.raises(EscalationRefused) as refused:
        check_ready(case_file(**changes))
    assert words in refused.value.pesan
    assert refused.value.message


def test_the_ketua_tim_or_the_teams_ketua_proposes_and_an_auditor_does_not() -> None:
    check_may_propose({ASSIGN_CASES}, None)
    check_may_propose({INVESTIGATE_CASES}, TeamSeat.KETUA_TIM)
    with pytest.raises(EscalationRefused) as refused:
        check_may_propose({INVESTIGATE_CASES}, TeamSeat.ANGGOTA)
    assert refused.value.field == "officer"


def test_the_agency_is_one_of_the_targets_recipients_and_a_configured_agency() -> None:
    below = route(BILLION - 1, BENGKULU.policy.escalation, policy_version=1)
    assert choose_agency(below, "polda-bengkulu", AGENCIES | {"polda-bengkulu": demo_configuration("polda-bengkulu")})
    with pytest.raises(EscalationRefused, match="kejati-bengkulu, polda-bengkulu"):
        choose_agency(below, "kpk", AGENCIES)
    with pytest.raises(EscalationRefused, match="Choose"):
        choose_agency(below, None, AGENCIES)  # two recipients: the officer chooses
    above = route(BILLION, BENGKULU.policy.escalation, policy_version=1)
    assert choose_agency(above, None, AGENCIES) == "kpk"  # the only one
    with pytest.raises(EscalationRefused, match="not registered"):
        choose_agency(above, "kpk", {})
    with pytest.raises(EscalationRefused, match="not registered"):
        choose_agency(above, "kpk", {"kpk": BENGKULU})  # a body, not an agency


def escalation(**changes: object) -> Escalation:
    proposed = Escalation(
        id=uuid4(),
        case_id=uuid4(),
        tenant="inspektorat-bengkulu",
        target=EscalationTarget.KPK,
        agency="kpk",
        agency_name="Komisi Pemberantasan Korupsi",
        result=AuditResult.TPK,
        estimated_loss_idr=BILLION,
        report_number="LHA-0001",
        proposed_by="inspektur",
        proposed_by_name="Inspektur",
        proposed_at=NOW,
        proposal_policy_version=1,
        approver_roles=(Role.PIMPINAN_DAERAH,),
        sealed_text=SealedPayload(audience="case-substance", kid="k", ciphertext="AA=="),
    )
    return replace(proposed, **changes)  # type: ignore[arg-type]


def test_only_the_policys_approver_approves_and_never_the_proposer() -> None:
    approvers = (Role.PIMPINAN_DAERAH,)
    assert check_may_decide(escalation(), "gubernur", {Role.PIMPINAN_DAERAH}, approvers) is Role.PIMPINAN_DAERAH
    with pytest.raises(EscalationRefused) as not_approver:
        check_may_decide(escalation(), "sekda", {Role.KETUA_TIM}, approvers)
    assert not_approver.value.field == "approver"
    with pytest.raises(EscalationRefused, match="own proposal"):
        check_may_decide(escalation(), "inspektur", {Role.PIMPINAN_DAERAH}, approvers)
    with pytest.raises(EscalationRefused, match="decided already"):
        check_may_decide(escalation(state=EscalationState.DISETUJUI), "gubernur", {Role.PIMPINAN_DAERAH}, approvers)


def test_one_pending_proposal_at_a_time() -> None:
    check_no_pending([escalation(state=EscalationState.DITOLAK)])
    with pytest.raises(EscalationRefused):
        check_no_pending([escalation()])


def test_an_approval_applies_only_to_the_case_and_routing_as_proposed() -> None:
    routing = route(BILLION, BENGKULU.policy.escalation, policy_version=2)
    check_case_unchanged(escalation(), case_file())
    check_routing_unchanged(escalation(), routing)
    with pytest.raises(EscalationRefused, match="result changed"):
        check_case_unchanged(escalation(), case_file(estimated_loss_idr=BILLION + 5))
    with pytest.raises(EscalationRefused, match="result changed"):
        check_case_unchanged(escalation(), case_file(status=CaseFileStatus.PENGUJIAN_ULANG))
    elsewhere = route(BILLION - 1, BENGKULU.policy.escalation, policy_version=2)
    with pytest.raises(EscalationRefused, match="routes this case elsewhere"):
        check_routing_unchanged(escalation(), elsewhere)


def test_the_dossiers_findings_name_the_final_report_then_give_the_auditors_summary_when_there_is_one() -> None:
    official = ReportedOfficial(nama="Budi", nip="1978", jabatan="PPK", unit_kerja="Dinas PUPR")
    text = EscalationProposalTextV1(perihal="Penyampaian hasil audit", recommendation="Mohon ditindaklanjuti.")
    given = dossier(case_file(), text, terlapor=[official], findings=" Mark-up harga. ", ekspose_summary="Sepakat.")
    assert (given.terlapor, given.ekspose_summary) == ((official,), "Sepakat.")
    conclusion, summary = given.findings.split("\n\n")
    assert "Rp 1.000.000.000" in conclusion
    assert "LHA-0001" in conclusion
    assert summary == "Ringkasan temuan: Mark-up harga."
    fallback = dossier(case_file(), text, terlapor=[], findings=None, ekspose_summary="")
    assert fallback.findings == conclusion
    assert dossier(case_file(), text, terlapor=[], findings="  ", ekspose_summary="").findings == conclusion
    long = dossier(case_file(), text, terlapor=[], findings="x" * 10_000, ekspose_summary="")
    assert len(long.findings) == 10_000  # the contract's limit, the report's words kept
    assert long.findings.startswith(conclusion)
    assert fallback.for_agency().perihal == "Penyampaian hasil audit"
