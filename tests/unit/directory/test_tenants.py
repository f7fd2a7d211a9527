"""Tenant documents: what an administrator may write, and what reaches the other services."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from tests.support.tenants import demo_documents
from wbs_contracts.events.directory import EscalationTarget
from wbs_directory.domain.tenant import (
    InvalidTenant,
    TenantDocument,
    ancestors,
    check_directory,
    configuration,
    parents_first,
)

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
CATEGORY = {"slug": "lainnya", "label_id": "Lainnya", "label_en": "Other"}


def body(tenant_id: str, parent: str | None = None, **policy: Any) -> TenantDocument:
    return TenantDocument.model_validate(
        {"id": tenant_id, "name": tenant_id.upper(), "parent": parent, "policy": {"categories": [CATEGORY], **policy}}
    )


def agency(tenant_id: str, agency_type: str) -> TenantDocument:
    return TenantDocument.model_validate(
        {"id": tenant_id, "name": tenant_id.upper(), "kind": "agency", "agency_type": agency_type}
    )


def route(configuration_policy: Any, loss: int) -> EscalationTarget:
    """Where the policy's rules send a suspected loss (what investigation will do with them)."""
    matches = [
        rule.target
        for rule in configuration_policy.escalation.rules
        if (rule.loss_at_least is None or loss >= rule.loss_at_least)
        and (rule.loss_below is None or loss < rule.loss_below)
    ]
    assert len(matches) == 1, matches
    target: EscalationTarget = matches[0]
    return target


def test_the_demonstration_directory_is_coherent_and_the_two_inspectorates_differ() -> None:
    documents = demo_documents()
    check_directory(documents)
    bengkulu = configuration(
        documents["inspektorat-bengkulu"], version=1, documents=documents, today=NOW.date(), changed_at=NOW
    ).policy
    lebak = configuration(
        documents["inspektorat-lebak"], version=1, documents=documents, today=NOW.date(), changed_at=NOW
    ).policy
    # Pergub Bengkulu 49/2017: below Rp 1.000.000.000 to APH, from Rp 1.000.000.000 to KPK.
    assert route(bengkulu, 999_999_999) is EscalationTarget.APH
    assert route(bengkulu, 1_000_000_000) is EscalationTarget.KPK
    # Perbup Lebak 18/2021: any loss to APH.
    assert route(lebak, 1_000_000_000) is EscalationTarget.APH
    assert route(lebak, 5) is EscalationTarget.APH
    assert bengkulu.time_limits["tindak-lanjut-disiplin"].months == 3
    assert lebak.time_limits["tindak-lanjut-disiplin"].months == 2
    assert [r.value for r in bengkulu.escalation.approver_roles] == ["pimpinan-daerah"]


def test_ancestors_run_from_the_root_down() -> None:
    documents = demo_documents()
    assert ancestors("bps-3603", documents) == ("bps", "bps-3600")
    assert ancestors("bps", documents) == ()


def test_the_calendar_holds_national_holidays_cuti_bersama_and_the_tenants_changes() -> None:
    document = body(
        "satker",
        calendar={"add": [{"date": "2026-11-23", "name": "Hari jadi kabupaten"}], "remove": ["2026-12-24"]},
    )
    calendar = configuration(document, version=1, documents={"satker": document}, today=NOW.date(), changed_at=NOW)
    days = {h.date: h.name for h in calendar.policy.calendar.holidays}
    assert days[date(2026, 8, 17)] == "Hari Kemerdekaan Republik Indonesia"
    assert "Cuti Bersama" in days[date(2026, 3, 20)]  # government category, not only public holidays
    assert days[date(2026, 11, 23)] == "Hari jadi kabupaten"
    assert date(2026, 12, 24) not in days  # cuti bersama the tenant does not observe
    assert calendar.policy.calendar.weekend == (5, 6)
    assert calendar.policy.calendar.covers_from <= date(2025, 1, 1)
    assert calendar.policy.calendar.covers_until >= date(2028, 12, 31)


@pytest.mark.parametrize(
    ("rules", "problem"),
    [
        ([{"target": "aph", "loss_below": 2000}, {"target": "kpk", "loss_at_least": 1000}], "overlap"),
        ([{"target": "aph", "loss_at_least": 5, "loss_below": 5}], "below"),
    ],
)
def test_escalation_rules_that_would_send_one_loss_two_ways_are_refused(rules: list[Any], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        body("xx", escalation={"approver_roles": ["pimpinan-daerah"], "rules": rules})


def test_an_escalation_needs_an_approver_and_fitting_recipients() -> None:
    with pytest.raises(ValidationError, match="approver"):
        body("xx", escalation={"rules": [{"target": "aph"}]})
    police_as_kpk = body(
        "xx",
        escalation={
            "approver_roles": ["pimpinan-daerah"],
            "rules": [{"target": "kpk"}],
            "recipients": {"kpk": ["polda"]},
        },
    )
    with pytest.raises(InvalidTenant, match="polda"):
        check_directory({"xx": police_as_kpk, "polda": agency("polda", "kepolisian")})
    no_recipient = body("xx", escalation={"approver_roles": ["pimpinan-daerah"], "rules": [{"target": "aph"}]})
    with pytest.raises(InvalidTenant, match="no recipient"):
        check_directory({"xx": no_recipient})


def test_unknown_parents_and_cycles_are_refused() -> None:
    with pytest.raises(InvalidTenant, match="does not exist"):
        check_directory({"aa": body("aa", parent="ghost")})
    with pytest.raises(InvalidTenant, match="cycle"):
        check_directory({"aa": body("aa", parent="bb"), "bb": body("bb", parent="aa")})


def test_documents_are_applied_parents_first() -> None:
    child, parent, root = body("child", parent="parent"), body("parent", parent="root"), body("root")
    assert [d.id for d in parents_first([child, parent, root], {})] == ["root", "parent", "child"]
    assert [d.id for d in parents_first([child], {"parent": parent})] == ["child"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "agency"}, "agency_type"),
        ({"policy": {"categories": []}}, "category"),
        ({"policy": {"categories": [CATEGORY], "channels": ["telepati"]}}, "channel"),
        ({"policy": {"categories": [CATEGORY, CATEGORY]}}, "unique"),
        ({"policy": {"categories": [CATEGORY], "time_limits": {"xx": {"working_days": 5, "months": 1}}}}, "either"),
        ({"policy": {"categories": [CATEGORY], "approvals": {"eskalasi": ["lurah"]}}}, "eskalasi"),
        ({"surprise": True}, "surprise"),
    ],
)
def test_a_bad_document_is_refused_with_the_field_named(changes: dict[str, Any], field: str) -> None:
    raw = {"id": "xx", "name": "X", "policy": {"categories": [CATEGORY]}} | changes
    with pytest.raises(ValidationError, match=field):
        TenantDocument.model_validate(raw)
