"""Disclosing a reporter's identity: asked with a reason, decided by a custodian, read by the asker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID, uuid4

from wbs_contracts.events.intake import (
    ReporterIdentityV1,
)
from wbs_intake.domain.disclosure import (
    DEFAULT_VALIDITY,
    DisclosureState,
    IdentityDisclosure,
    NoIdentity,
    NotDisclosedToYou,
    readable_disclosure,
)
from wbs_intake.domain.report import Report
from wbs_intake.domain.reporter_notices import NoticeKind, ReporterNotice
from wbs_intake.ports import (
    IntakeUnitOfWork,
    Opener,
)
from wbs_intake.usecases.errors import CaseNotFound
from wbs_intake.usecases.officers import Officer
from wbs_runtime.clock import Clock


async def _case_in(tenant: str, case_id: UUID, uow: IntakeUnitOfWork, *, lock: bool = False) -> Report:
    report = await uow.reports.get(case_id, for_update=lock)
    if report is None or report.tenant != tenant:
        raise CaseNotFound(case_id)
    return report


async def request_disclosure(
    tenant: str, case_id: UUID, officer: Officer, reason: str, *, uow: IntakeUnitOfWork, clock: Clock
) -> IdentityDisclosure:
    """An officer asks, with a written reason, to read the reporter's identity."""
    async with uow:
        # The report's row is held until commit: two requests at once are made one after the other,
        # so the second sees the first pending (no request row exists yet for a lock to hold).
        report = await _case_in(tenant, case_id, uow, lock=True)
        if await uow.identities.get(report.id) is None:
            raise NoIdentity()
        earlier = await uow.disclosures.for_report(report.id, for_update=True)
        disclosure = IdentityDisclosure.request(
            id=uuid4(),
            report_id=report.id,
            tenant=tenant,
            officer=officer.officer_id,
            officer_name=officer.name,
            reason=reason,
            at=clock(),
            pending=tuple(earlier),
        )
        await uow.disclosures.add(disclosure)
        await uow.audit.append(
            officer.entry(tenant, "identity.disclosure-requested", report.id, request=str(disclosure.id))
        )
        await uow.commit()
    return disclosure


async def decide_disclosure(
    tenant: str,
    case_id: UUID,
    disclosure_id: UUID,
    custodian: Officer,
    *,
    approve: bool,
    reason: str,
    uow: IntakeUnitOfWork,
    clock: Clock,
    validity: timedelta = DEFAULT_VALIDITY,
) -> IdentityDisclosure:
    """A custodian (not the requester) approves or refuses; the reporter is told of an approval."""
    async with uow:
        report = await _case_in(tenant, case_id, uow)
        found = await uow.disclosures.get(disclosure_id, for_update=True)
        if found is None or found.report_id != report.id:
            raise CaseNotFound(disclosure_id)
        now = clock()
        decided = found.decide(
            approve=approve,
            officer=custodian.officer_id,
            officer_name=custodian.name,
            reason=reason,
            at=now,
            validity=validity,
        )
        await uow.disclosures.save(decided)
        await uow.audit.append(
            custodian.entry(
                tenant,
                "identity.disclosure-decided",
                report.id,
                request=str(decided.id),
                outcome=decided.state.value,
                requested_by=decided.requested_by,
            )
        )
        if decided.state is DisclosureState.DISETUJUI:
            await uow.notices.add(report.id, ReporterNotice(NoticeKind.IDENTITAS_DIUNGKAPKAN, now))
        await uow.commit()
    return decided


@dataclass(frozen=True)
class DisclosedIdentity:
    disclosure: IdentityDisclosure
    #: None: the reporter gave no identity (cannot happen once requested, but is said plainly).
    identity: ReporterIdentityV1 | None


async def read_disclosed_identity(
    tenant: str, case_id: UUID, officer: Officer, *, uow: IntakeUnitOfWork, opener: Opener, clock: Clock
) -> DisclosedIdentity:
    """The identity, for the officer whose request was approved and has not expired. Each read is
    on the case's audit trail; so is each refused attempt."""
    async with uow:
        report = await _case_in(tenant, case_id, uow)
        now = clock()
        try:
            disclosure = readable_disclosure(await uow.disclosures.for_report(report.id), officer.officer_id, now)
        except NotDisclosedToYou:
            await uow.audit.append(officer.entry(tenant, "identity.read-refused", report.id))
            await uow.commit()
            raise
        stored = await uow.identities.get(report.id)
        identity = None
        if stored is not None:
            identity = opener.open(stored[0], tenant=report.tenant, case=report.id, model=ReporterIdentityV1)
        await uow.audit.append(officer.entry(tenant, "identity.read", report.id, request=str(disclosure.id)))
        await uow.commit()
    return DisclosedIdentity(disclosure, identity)


async def case_disclosures(
    tenant: str, case_id: UUID, officer: Officer, *, uow: IntakeUnitOfWork
) -> list[IdentityDisclosure]:
    """The requests made for one case, oldest first (reading them is recorded)."""
    async with uow:
        report = await _case_in(tenant, case_id, uow)
        found = await uow.disclosures.for_report(report.id)
        await uow.audit.append(officer.entry(tenant, "identity.disclosures-read", report.id))
        await uow.commit()
    return found


async def tenant_disclosures(
    tenant: str, *, uow: IntakeUnitOfWork, state: DisclosureState | None = None
) -> list[IdentityDisclosure]:
    """The tenant's requests (newest first), for its custodians: those awaiting a decision first of all."""
    async with uow:
        return await uow.disclosures.in_tenant(tenant, state)
