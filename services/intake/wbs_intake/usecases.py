"""Intake's use cases: each runs in one unit of work, so its state and its events commit together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.intake import ReporterContactV1, ReportSubmittedV1, ReportSubstanceV1
from wbs_contracts.events.triage import CaseRegisteredV1
from wbs_contracts.registry import REPORT_SUBMITTED
from wbs_contracts.sealed import Audience
from wbs_intake.domain.credentials import (
    RandomBytes,
    canonical_registration_number,
    canonical_secret,
    issue_credentials,
)
from wbs_intake.domain.report import Report, StatusChange
from wbs_intake.domain.tenant import Tenant, UnknownTenant
from wbs_intake.ports import IntakeUnitOfWork, Sealer, SecretHasher
from wbs_runtime.clock import Clock
from wbs_runtime.errors import Unretryable


class UnknownReport(Unretryable, LookupError):
    """An event refers to a report intake never received: no retry can fix that, so the consumer
    dead-letters it at once."""


@dataclass(frozen=True)
class Submission:
    tenant: str
    category: str
    channel: str
    substance: ReportSubstanceV1
    contact: str | None = None


@dataclass(frozen=True)
class Receipt:
    report_id: UUID
    registration_number: str
    secret: str
    submitted_at: datetime


async def submit_report(
    submission: Submission,
    *,
    uow: IntakeUnitOfWork,
    sealer: Sealer,
    hasher: SecretHasher,
    clock: Clock,
    correlation_id: str,
    random_bytes: RandomBytes | None = None,
) -> Receipt:
    """Receive a report (status ``diterima``) and announce it, sealed, to triage and reporting.

    Raises ``UnknownTenant``/``UnknownCategory`` before anything is stored.
    """
    credentials = issue_credentials(random_bytes) if random_bytes else issue_credentials()
    secret_hash = await hasher.hash(canonical_secret(credentials.secret))
    async with uow:
        tenant = await uow.tenants.get(submission.tenant)
        if tenant is None:
            raise UnknownTenant(submission.tenant)
        tenant.require_category(submission.category)
        now = clock()
        report = Report.receive(
            id=uuid4(),
            registration_number=credentials.registration_number,
            secret_hash=secret_hash,
            tenant=tenant.id,
            category=submission.category,
            channel=submission.channel,
            at=now,
        )
        contact = (
            sealer.seal(tenant.id, Audience.REPORTER_CONTACT, ReporterContactV1(contact=submission.contact))
            if submission.contact
            else None
        )
        event = ReportSubmittedV1(
            report_id=report.id,
            category=report.category,
            channel=report.channel,
            submitted_at=now,
            substance=sealer.seal(tenant.id, Audience.CASE_SUBSTANCE, submission.substance),
            contact=contact,
        )
        await uow.reports.add(report)
        await uow.outbox.add(
            REPORT_SUBMITTED,
            REPORT_SUBMITTED.envelope(
                event, tenant=tenant.id, subject=str(report.id), time=now, correlation_id=correlation_id
            ),
        )
        await uow.commit()
    return Receipt(report.id, report.registration_number, credentials.secret, now)


async def find_report(
    registration_number: str, secret: str, *, uow: IntakeUnitOfWork, hasher: SecretHasher
) -> Report | None:
    """The report, only if the secret matches. An unknown number costs the same hash check as a
    wrong secret, so timing does not tell which numbers exist."""
    canonical = canonical_registration_number(registration_number)
    async with uow:
        # Only the hash first: the same single query whether or not the number exists.
        credentials = await uow.reports.credentials(canonical) if canonical else None
    verified = await hasher.verify(credentials[1] if credentials else None, canonical_secret(secret))
    if credentials is None or not verified:
        return None
    async with uow:
        return await uow.reports.get(credentials[0])


async def record_registration(event: Envelope[Any], uow: IntakeUnitOfWork) -> None:
    """Triage registered the case: the reporter now sees ``terdaftar``.

    An event handler: it runs inside the consumer's unit of work, which commits it together with
    the inbox record.
    """
    data: CaseRegisteredV1 = event.data
    report = await uow.reports.get(data.case_id, for_update=True)
    if report is None:
        raise UnknownReport(f"case {data.case_id} was registered but intake never received it")
    change: StatusChange | None = report.record_registration(data.registered_at)
    if change is not None:
        await uow.reports.append_status(report.id, change)


async def import_tenant(tenant: Tenant, *, uow: IntakeUnitOfWork) -> None:
    """Create or update a tenant and its categories (used to seed and configure bodies)."""
    async with uow:
        await uow.tenants.save(tenant)
        await uow.commit()


async def list_tenants(*, uow: IntakeUnitOfWork) -> list[Tenant]:
    async with uow:
        return await uow.tenants.all()


async def get_tenant(tenant_id: str, *, uow: IntakeUnitOfWork) -> Tenant | None:
    async with uow:
        return await uow.tenants.get(tenant_id)
