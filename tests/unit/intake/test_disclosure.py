"""The disclosure of a reporter's identity: asked with a reason, decided once by another officer,
readable only by the requester, only while the approval lasts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from wbs_intake.domain.disclosure import (
    MIN_DECISION_REASON,
    MIN_REQUEST_REASON,
    AlreadyDecided,
    AlreadyPending,
    DisclosureState,
    IdentityDisclosure,
    NotDisclosedToYou,
    OwnRequest,
    ReasonTooLong,
    ReasonTooShort,
    readable_disclosure,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
REASON = "Pemeriksaan saksi dalam audit investigasi berdasarkan Surat Tugas 12/2026"
CASE = uuid4()


def asked(by: str = "penelaah-1", **changes: object) -> IdentityDisclosure:
    values: dict[str, object] = {
        "id": uuid4(),
        "report_id": CASE,
        "tenant": "bps-1700",
        "officer": by,
        "officer_name": "Penelaah",
        "reason": REASON,
        "at": NOW,
    }
    return IdentityDisclosure.request(**(values | changes))  # type: ignore[arg-type]


def test_a_request_starts_pending_with_its_reason_trimmed() -> None:
    disclosure = asked(reason=f"  {REASON}  ")
    assert disclosure.state is DisclosureState.DIMINTA
    assert disclosure.reason == REASON
    assert not disclosure.readable_by("penelaah-1", NOW)


@pytest.mark.parametrize("reason", ["", "   ", "perlu", "x" * (MIN_REQUEST_REASON - 1)])
def test_a_request_needs_a_written_reason(reason: str) -> None:
    with pytest.raises(ReasonTooShort):
        asked(reason=reason)


def test_a_reason_has_a_limit() -> None:
    with pytest.raises(ReasonTooLong):
        asked(reason="x" * 2001)


def test_an_officer_has_one_pending_request_per_case_but_others_may_ask() -> None:
    first = asked()
    with pytest.raises(AlreadyPending):
        asked(pending=(first,))
    assert asked(by="auditor-1", pending=(first,)).requested_by == "auditor-1"
    refused = first.decide(approve=False, officer="kustodian-1", officer_name="K", reason="Tidak cukup alasan", at=NOW)
    assert asked(pending=(refused,)).state is DisclosureState.DIMINTA  # asking again after a refusal


def test_approval_lets_the_requester_alone_read_until_it_expires() -> None:
    approved = asked().decide(
        approve=True,
        officer="kustodian-1",
        officer_name="Kustodian",
        reason="Untuk pemeriksaan saksi",
        at=NOW,
        validity=timedelta(hours=2),
    )
    assert approved.state is DisclosureState.DISETUJUI
    assert (approved.decided_by, approved.expires_at) == ("kustodian-1", NOW + timedelta(hours=2))
    assert approved.readable_by("penelaah-1", NOW + timedelta(hours=1))
    assert not approved.readable_by("kustodian-1", NOW)  # the custodian decides, they do not read
    assert not approved.readable_by("auditor-1", NOW)
    assert not approved.readable_by("penelaah-1", NOW + timedelta(hours=2))
    assert approved.expired(NOW + timedelta(hours=2))
    with pytest.raises(NotDisclosedToYou):
        approved.check_read("penelaah-1", NOW + timedelta(hours=3))


def test_a_refusal_opens_nothing() -> None:
    refused = asked().decide(
        approve=False, officer="kustodian-1", officer_name="K", reason="Bukan untuk pemeriksaan", at=NOW
    )
    assert refused.state is DisclosureState.DITOLAK
    assert refused.expires_at is None
    with pytest.raises(NotDisclosedToYou):
        readable_disclosure([refused], "penelaah-1", NOW)


def test_a_decision_is_taken_once() -> None:
    approved = asked().decide(approve=True, officer="kustodian-1", officer_name="K", reason="Untuk pemeriksaan", at=NOW)
    for approve in (True, False):
        with pytest.raises(AlreadyDecided):
            approved.decide(approve=approve, officer="kustodian-2", officer_name="K2", reason="Keputusan kedua", at=NOW)


def test_the_requester_cannot_decide_their_own_request() -> None:
    with pytest.raises(OwnRequest):
        asked().decide(approve=True, officer="penelaah-1", officer_name="P", reason="Saya setujui sendiri", at=NOW)


def test_a_decision_needs_a_reason() -> None:
    with pytest.raises(ReasonTooShort):
        asked().decide(
            approve=False, officer="kustodian-1", officer_name="K", reason="x" * (MIN_DECISION_REASON - 1), at=NOW
        )


def test_the_readable_disclosure_is_the_requesters_approved_one() -> None:
    mine = asked().decide(approve=True, officer="kustodian-1", officer_name="K", reason="Untuk pemeriksaan", at=NOW)
    theirs = asked(by="auditor-1")
    assert readable_disclosure([theirs, mine], "penelaah-1", NOW) == mine
    with pytest.raises(NotDisclosedToYou):
        readable_disclosure([theirs, mine], "auditor-1", NOW)
