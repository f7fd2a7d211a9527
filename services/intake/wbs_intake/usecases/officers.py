"""Officers of intake: reports recorded from other channels, forwarded down the hierarchy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from wbs_intake.domain.credentials import (
    canonical_secret,
    issue_secret,
)
from wbs_intake.domain.recording import Arrival, check_arrival, recordable_channels
from wbs_intake.domain.reporter_notices import NoticeKind, ReporterNotice
from wbs_intake.domain.tenant import Category, UnknownTenant
from wbs_intake.ports import (
    IntakeUnitOfWork,
    Sealer,
    SecretHasher,
)
from wbs_intake.usecases.submission import Receipt, Submission, receive_report
from wbs_runtime.audit import AuditEntry
from wbs_runtime.clock import Clock


@dataclass(frozen=True)
class Officer:
    """The officer acting, as the audit trail names them."""

    officer_id: str
    name: str
    roles: tuple[str, ...]
    session_id: str
    correlation_id: str | None = None

    def entry(self, tenant: str, action: str, case: UUID | None, **details: Any) -> AuditEntry:
        return AuditEntry(
            tenant_id=tenant,
            actor=self.officer_id,
            actor_name=self.name,
            role=",".join(sorted(self.roles)) or None,
            session_id=self.session_id,
            action=action,
            object_type="case" if case is not None else None,
            object_id=str(case) if case is not None else None,
            details=details,
            correlation_id=self.correlation_id,
        )


@dataclass(frozen=True)
class Body:
    id: str
    name: str


@dataclass(frozen=True)
class RecordingOptions:
    """What the petugas of ``body`` can choose when recording a report."""

    body: Body
    channels: tuple[str, ...]
    categories: tuple[Category, ...]
    #: The active bodies below, to which a report may be forwarded.
    below: tuple[Body, ...]


@dataclass(frozen=True)
class RecordedReport:
    receipt: Receipt
    #: The body that handles the case (the one forwarded to, or the one where it arrived).
    handled_by: Body
    forwarded: bool


async def recording_options(tenant: str, *, uow: IntakeUnitOfWork) -> RecordingOptions | None:
    """None when ``tenant`` is not an active body that takes reports."""
    async with uow:
        configuration = await uow.configurations.get(tenant)
        offered = await uow.tenants.get(tenant)
        if configuration is None or offered is None:
            return None
        below = await uow.configurations.descendants(tenant)
    return RecordingOptions(
        body=Body(tenant, configuration.name),
        channels=recordable_channels(configuration.policy.channels),
        categories=offered.categories,
        below=tuple(Body(c.tenant_id, c.name) for c in below),
    )


async def record_report(
    submission: Submission,
    arrival: Arrival,
    officer: Officer,
    *,
    uow: IntakeUnitOfWork,
    sealer: Sealer,
    hasher: SecretHasher,
    clock: Clock,
    timezone: ZoneInfo,
) -> RecordedReport:
    """A petugas of ``arrival.received_by`` records a report that came by another channel; it goes
    to the body that handles it (the one forwarded to, if any), with the trail kept at both ends.

    The reporter gets a number and secret as on the web (handed over on paper). Raises
    ``UnknownTenant`` for a body that takes no reports, ``UnknownCategory``, ``RecordingRefused``.
    """
    secret = issue_secret()
    secret_hash = await hasher.hash(canonical_secret(secret))
    now = clock()
    async with uow:
        arrived_at = await uow.configurations.get(arrival.received_by)
        if arrived_at is None or await uow.tenants.get(arrival.received_by) is None:
            raise UnknownTenant(arrival.received_by)
        below = await uow.configurations.descendants(arrival.received_by) if arrival.forwarded else []
        check_arrival(
            arrival,
            policy_channels=arrived_at.policy.channels,
            descendants=[c.tenant_id for c in below],
            today=now.astimezone(timezone).date(),
        )
        handled_by = next((c for c in below if c.tenant_id == arrival.handled_by), arrived_at)
        report = await receive_report(
            Submission(
                tenant=arrival.handled_by,
                category=submission.category,
                channel=arrival.channel,
                substance=submission.substance,
                contact=submission.contact,
                identity=submission.identity,
            ),
            uow=uow,
            sealer=sealer,
            secret_hash=secret_hash,
            at=now,
            correlation_id=officer.correlation_id or f"petugas-{uuid4()}",
            arrival=arrival,
        )
        await uow.recordings.add(report.id, arrival, recorded_by=officer.officer_id, at=now)
        entries = {
            arrival.received_by: officer.entry(
                arrival.received_by,
                "report.recorded",
                report.id,
                channel=arrival.channel,
                received_on=arrival.received_on.isoformat(),
                forwarded_to=arrival.forward_to,
            )
        }
        if arrival.forward_to is not None:
            entries[arrival.forward_to] = officer.entry(
                arrival.forward_to,
                "report.forwarded-in",
                report.id,
                channel=arrival.channel,
                received_by=arrival.received_by,
            )
            await uow.notices.add(report.id, ReporterNotice(NoticeKind.DITERUSKAN, now, handled_by.name))
        for tenant in sorted(entries):  # several chains: always in the same order
            await uow.audit.append(entries[tenant])
        await uow.commit()
    return RecordedReport(
        Receipt(report.id, report.registration_number, secret, now),
        Body(handled_by.tenant_id, handled_by.name),
        arrival.forwarded,
    )


def today_in(clock: Clock, timezone: ZoneInfo) -> date:
    return clock().astimezone(timezone).date()
