"""Completeness by the regulations' elements: 3W makes a report actionable, the rest makes it stronger."""

from __future__ import annotations

from wbs_contracts.events.intake import ReportedOfficial, ReportElement, ReportSubstanceV1
from wbs_intake.domain.completeness import assess

FULL = ReportSubstanceV1(
    what="Pungutan liar", where="Kantor", when="Oktober 2026", who="Kepala seksi", how="Tunai", amount_idr=1_000_000
)


def test_a_full_report_with_evidence_misses_nothing() -> None:
    completeness = assess(FULL, evidence_files=1)
    assert completeness.missing == ()
    assert completeness.actionable


def test_without_evidence_and_loss_it_is_still_actionable() -> None:
    completeness = assess(FULL.model_copy(update={"amount_idr": None}))
    assert completeness.missing == (ReportElement.AMOUNT, ReportElement.EVIDENCE)
    assert completeness.actionable


def test_without_where_or_when_it_is_flagged() -> None:
    completeness = assess(FULL.model_copy(update={"where": "  ", "when": ""}), evidence_files=2)
    assert completeness.missing == (ReportElement.WHERE, ReportElement.WHEN)
    assert not completeness.actionable


def test_a_terlapor_named_in_the_fields_counts_as_who() -> None:
    anonymous_who = FULL.model_copy(update={"who": ""})
    assert ReportElement.WHO in assess(anonymous_who).missing
    named = anonymous_who.model_copy(update={"terlapor": (ReportedOfficial(jabatan="Bendahara"),)})
    assert ReportElement.WHO not in assess(named).missing
