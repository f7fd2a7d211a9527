"""Valid events for tests, built the way producers build them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.intake import ReportSubmittedV1
from wbs_contracts.events.triage import CaseRegisteredV1, TelaahDecidedV1, TelaahOutcome
from wbs_contracts.registry import CASE_REGISTERED, REPORT_SUBMITTED, TELAAH_DECIDED
from wbs_contracts.sealed import SealedPayload

OPAQUE = SealedPayload(audience="case-substance", kid="bps-1700/case-substance/0000", ciphertext="AAAA")


def report_submitted(
    *,
    tenant: str = "bps-1700",
    case_id: UUID | None = None,
    category: str = "korupsi-gratifikasi",
    channel: str = "web",
    at: datetime | None = None,
    substance: SealedPayload = OPAQUE,
    contact: SealedPayload | None = None,
    received_by: str | None = None,
    received_on: date | None = None,
) -> Envelope[Any]:
    case_id = case_id or uuid4()
    at = at or datetime.now(UTC)
    data = ReportSubmittedV1(
        report_id=case_id,
        category=category,
        channel=channel,
        submitted_at=at,
        substance=substance,
        contact=contact,
        received_by=received_by,
        received_on=received_on,
        recorded_by_officer=received_on is not None,
    )
    return REPORT_SUBMITTED.envelope(data, tenant=tenant, subject=str(case_id), time=at, correlation_id=str(uuid4()))


def case_registered(
    *, tenant: str = "bps-1700", case_id: UUID | None = None, at: datetime | None = None, sequence: int = 1
) -> Envelope[Any]:
    case_id = case_id or uuid4()
    at = at or datetime.now(UTC)
    data = CaseRegisteredV1(
        case_id=case_id,
        agenda_number=f"WBS/{tenant.upper()}/{at.year}/{sequence:04d}",
        agenda_year=at.year,
        agenda_sequence=sequence,
        registered_on=date(at.year, at.month, at.day),
        registered_at=at,
    )
    return CASE_REGISTERED.envelope(data, tenant=tenant, subject=str(case_id), time=at, correlation_id=str(uuid4()))


def telaah_decided(
    tenant: str, outcome: TelaahOutcome, at: datetime | None = None, *, case_id: UUID | None = None, **fields: Any
) -> Envelope[Any]:
    """The end of a telaah, approved by nobody (a policy that asks no approval); ``fields`` are the outcome's."""
    case_id = case_id or uuid4()
    at = at or datetime.now(UTC)
    data = TelaahDecidedV1(
        case_id=case_id, outcome=outcome, decided_at=at, policy_version=1, proposed_by="penelaah", **fields
    )
    return TELAAH_DECIDED.envelope(data, tenant=tenant, subject=str(case_id), time=at, correlation_id=str(uuid4()))
