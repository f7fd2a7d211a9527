"""The rules of the end of the telaah, on plain values: who approves (the policy's roles, never the
proposer), what each outcome needs, the BPK/APIP flag barring an audit investigasi, and merges."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from tests.support.tenants import demo_configuration
from wbs_contracts.events.directory import Approval, Decision
from wbs_contracts.events.triage import NotProcessedReason, TelaahOutcome
from wbs_contracts.roles import Role
from wbs_contracts.sealed import SealedPayload
from wbs_triage.domain.agenda import AgendaEntry
from wbs_triage.domain.case import Case, CaseStatus
from wbs_triage.domain.decision import (
    Auditor,
    AuditState,
    DecisionRefused,
    Draft,
    PriorAudit,
    Proposal,
    ProposalState,
    approver_roles,
    check_may_decide,
    check_may_propose,
    check_may_work,
    checked_draft,
    checked_prior_audit,
)

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
SEALED = SealedPayload(audience="case-substance", kid="bps-1700/case-substance/0000", ciphertext="AAAA")


def a_case(tenant: str = "bps-1700", status: CaseStatus = CaseStatus.DITELAAH) -> Case:
    return Case(
        id=uuid.uuid4(),
        tenant=tenant,
        category="korupsi",
        channel="web",
        received_at=NOW,
        agenda=AgendaEntry(
            number="1/WBS/2026", year=2026, sequence=1, registered_on=date(2026, 11, 2), registered_at=NOW
        ),
        sealed_substance={},
        status=status,
    )


def a_proposal(
    approvers: tuple[Role, ...] = (Role.KETUA_TIM,), state: ProposalState = ProposalState.MENUNGGU
) -> Proposal:
    return Proposal(
        id=uuid.uuid4(),
        case_id=uuid.uuid4(),
        tenant="bps-1700",
        outcome=TelaahOutcome.TIDAK_DIPROSES,
        status_before=CaseStatus.DITELAAH,
        proposed_by="penelaah-1",
        proposed_by_name="Penelaah",
        proposed_at=NOW,
        policy_version=1,
        approver_roles=approvers,
        sealed_text=SEALED,
        state=state,
    )


def test_the_policy_names_the_approvers_of_each_outcome() -> None:
    policy = demo_configuration("bps-1700").policy
    assert approver_roles(policy, TelaahOutcome.TIDAK_DIPROSES) == (Role.KETUA_TIM,)
    assert approver_roles(policy, TelaahOutcome.DIGABUNG) == ()  # no approval: in effect at once
    both = policy.model_copy(
        update={
            "approvals": (
                Approval(decision=Decision.TELAAH_MERGED, approver_roles=(Role.PIMPINAN_SATKER, Role.KETUA_TIM)),
            )
        }
    )
    assert approver_roles(both, TelaahOutcome.DIGABUNG) == (Role.PIMPINAN_SATKER, Role.KETUA_TIM)


def test_four_eyes_the_proposer_never_approves_even_holding_the_role() -> None:
    with pytest.raises(DecisionRefused) as refused:
        check_may_decide(a_proposal(), "penelaah-1", {Role.KETUA_TIM})
    assert refused.value.field == "approver"
    assert "Pengusul" in refused.value.pesan


def test_only_a_role_the_policy_names_approves() -> None:
    with pytest.raises(DecisionRefused):
        check_may_decide(a_proposal(), "penelaah-2", {Role.PENELAAH})
    assert (
        check_may_decide(a_proposal((Role.PIMPINAN_SATKER, Role.KETUA_TIM)), "ketua", {Role.KETUA_TIM})
        is Role.KETUA_TIM
    )


def test_a_decided_proposal_is_not_decided_again() -> None:
    with pytest.raises(DecisionRefused) as refused:
        check_may_decide(a_proposal(state=ProposalState.DITOLAK), "ketua", {Role.KETUA_TIM})
    assert refused.value.field == "proposal"


@pytest.mark.parametrize("status", [CaseStatus.MENUNGGU_PERSETUJUAN, CaseStatus.DIGABUNG, CaseStatus.TIDAK_DIPROSES])
def test_only_an_open_telaah_without_a_pending_proposal_is_decided(status: CaseStatus) -> None:
    with pytest.raises(DecisionRefused):
        check_may_propose(a_case(status=status))
    check_may_propose(a_case(status=CaseStatus.TERDAFTAR))


def test_only_the_team_works_a_case_to_a_decision_besides_the_ketua_and_the_pimpinan() -> None:
    check_may_work({"assess-cases", "read-cases"}, on_team=True)
    check_may_work({"approve-decisions"}, on_team=False)
    check_may_work({"dispose-cases"}, on_team=False)
    with pytest.raises(DecisionRefused) as refused:
        check_may_work({"assess-cases", "read-cases"}, on_team=False)
    assert refused.value.field == "officer"
    assert "tim" in refused.value.pesan
    assert "team" in refused.value.message


def test_the_bpk_apip_flag_bars_an_audit_investigasi_in_both_languages() -> None:
    case = a_case()
    flag = PriorAudit(case.id, case.tenant, True, "penelaah-1", NOW, Auditor.BPK, "", AuditState.SUDAH)
    draft = Draft(TelaahOutcome.AUDIT_INVESTIGASI, conclusion="Lanjut audit")
    with pytest.raises(DecisionRefused) as refused:
        checked_draft(draft, case, prior_audit=flag, bodies=[], merge_target=None)
    assert "BPK" in refused.value.pesan
    assert "BPK" in refused.value.message
    cleared = PriorAudit(case.id, case.tenant, False, "penelaah-1", NOW)
    checked, _ = checked_draft(draft, case, prior_audit=cleared, bodies=[], merge_target=None)
    assert checked.conclusion == "Lanjut audit"


def test_another_apip_is_named() -> None:
    with pytest.raises(DecisionRefused):
        checked_prior_audit(True, "apip-lain", "sedang", " ")
    assert checked_prior_audit(True, "apip-lain", "sedang", "BPKP") == (Auditor.APIP_LAIN, AuditState.SEDANG, "BPKP")
    assert checked_prior_audit(False, "bpk", "sedang", "x") == (None, None, "")


def test_not_processed_needs_its_kind_and_plain_words_for_the_reporter() -> None:
    case = a_case()
    with pytest.raises(DecisionRefused):
        checked_draft(
            Draft(TelaahOutcome.TIDAK_DIPROSES, reason_for_reporter="x"),
            case,
            prior_audit=None,
            bodies=[],
            merge_target=None,
        )
    draft = Draft(TelaahOutcome.TIDAK_DIPROSES, NotProcessedReason.TIDAK_LOGIS, reason_for_reporter="  ")
    with pytest.raises(DecisionRefused):
        checked_draft(draft, case, prior_audit=None, bodies=[], merge_target=None)


def test_forwarding_goes_to_another_active_body_or_outside_the_system() -> None:
    case = a_case("bps-1700")
    bodies = [demo_configuration("bps-3603"), demo_configuration("bps-1700")]
    to = Draft(TelaahOutcome.DITERUSKAN, forwarded_to_tenant="bps-3603")
    checked, name = checked_draft(to, case, prior_audit=None, bodies=bodies, merge_target=None)
    assert (checked.forwarded_to_tenant, name) == ("bps-3603", "BPS Kabupaten Tangerang")
    for wrong in (
        Draft(TelaahOutcome.DITERUSKAN, forwarded_to_tenant="bps-1700"),  # itself
        Draft(TelaahOutcome.DITERUSKAN, forwarded_to_tenant="kpk"),  # not a body it knows
        Draft(TelaahOutcome.DITERUSKAN),  # nowhere
        Draft(TelaahOutcome.DITERUSKAN, forwarded_to_tenant="bps-3603", forwarded_to_external="SP4N-LAPOR!"),  # both
    ):
        with pytest.raises(DecisionRefused):
            checked_draft(wrong, case, prior_audit=None, bodies=bodies, merge_target=None)
    outside = Draft(TelaahOutcome.DITERUSKAN, forwarded_to_external="SP4N-LAPOR!")
    assert checked_draft(outside, case, prior_audit=None, bodies=[], merge_target=None)[1] == "SP4N-LAPOR!"


def test_a_merge_goes_into_another_case_of_the_tenant_not_merged_away() -> None:
    case = a_case()
    target = a_case()
    checked, _ = checked_draft(
        Draft(TelaahOutcome.DIGABUNG, merged_into=target.id), case, prior_audit=None, bodies=[], merge_target=target
    )
    assert checked.merged_into == target.id
    elsewhere = a_case("bps-3603")
    merged_away = a_case(status=CaseStatus.DIGABUNG)
    for into in (case, elsewhere, merged_away):
        with pytest.raises(DecisionRefused):
            checked_draft(
                Draft(TelaahOutcome.DIGABUNG, merged_into=into.id), case, prior_audit=None, bodies=[], merge_target=into
            )
