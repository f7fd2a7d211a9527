"""Use cases of public statistics: propose a publication, approve it, show what is published.

(A module of its own beside ``usecases``, so that the read models' use cases and these grow apart.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from wbs_contracts.channels import KNOWN_CHANNELS
from wbs_contracts.events.approvals import ApprovalRequestedV1
from wbs_contracts.events.directory import Decision
from wbs_contracts.registry import PUBLICATION_APPROVAL_REQUESTED
from wbs_contracts.roles import Role
from wbs_reporting.domain.publication import (
    Period,
    Publication,
    PublicationRefused,
    PublicationState,
    YearAlreadyPublished,
    approver_roles,
    check_period,
    latest_period,
    public_statistics,
)
from wbs_reporting.ports import PublishingUnitOfWork
from wbs_runtime.audit.chain import AuditEntry
from wbs_runtime.auth.permissions import RULES, Permission

#: When the policy names no approvers, these are told that a publication waits.
DEFAULT_APPROVERS: tuple[Role, ...] = tuple(sorted(RULES[Permission.APPROVE_PUBLICATION].roles))


@dataclass(frozen=True)
class Officer:
    officer_id: str
    name: str
    session_id: str
    #: The officer's roles in the tenant the request is about.
    roles: frozenset[Role]
    #: Whether they hold the permission to approve publications there.
    may_approve_publication: bool
    correlation_id: str | None = None


def publication_page(tenant: str, publication_id: UUID) -> str:
    """Where an approver acts (behind sign-in)."""
    return f"/statistik/{tenant}/publikasi/{publication_id}"


def _entry(tenant: str, officer: Officer, action: str, item: Publication, **details: Any) -> AuditEntry:
    return AuditEntry(
        tenant_id=tenant,
        actor=officer.officer_id,
        actor_name=officer.name,
        role=",".join(sorted(officer.roles)) or None,
        session_id=officer.session_id,
        action=action,
        object_type="publication",
        object_id=str(item.id),
        details={"year": item.period.year, **details},
        correlation_id=officer.correlation_id,
    )


async def propose_publication(
    tenant: str,
    period: Period | None,
    officer: Officer,
    *,
    timezone: ZoneInfo,
    now: datetime,
    uow: PublishingUnitOfWork,
) -> Publication:
    """Freeze the figures of ``period`` (default: last year) as a publication waiting for approval,
    and tell the approvers (``publication-approval-requested``). Refused for a year already
    published; a proposal of the same year still waiting is superseded (it can no longer be approved)."""
    chosen = period or latest_period(now.astimezone(timezone).date())
    check_period(chosen, now.astimezone(timezone).date())
    async with uow:
        of_year = await uow.publications.of_year(tenant, chosen.year, for_update=True)
        if any(p.state is PublicationState.DISETUJUI for p in of_year):
            raise YearAlreadyPublished(chosen.year)
        for older in of_year:
            if older.state is PublicationState.MENUNGGU:
                await uow.publications.save(older.supersede())
                await uow.audit.append(_entry(tenant, officer, "publication.superseded", older))
        configuration = await uow.publications.configuration(tenant)
        policy = configuration.policy if configuration else None
        categories = [c.slug for c in policy.categories] if policy else []
        labels = {c.slug: (c.label_id, c.label_en) for c in policy.categories} if policy else {}
        counts = await uow.publications.public_counts(tenant, chosen, timezone)
        snapshot = public_statistics(
            chosen, counts, categories=categories, category_labels=labels, channel_labels=KNOWN_CHANNELS
        )
        item = Publication(
            id=uuid4(),
            tenant=tenant,
            period=chosen,
            snapshot=snapshot,
            proposed_by=officer.officer_id,
            proposed_at=now,
            approver_roles=approver_roles(policy) if policy else (),
        )
        await uow.publications.add(item)
        request = ApprovalRequestedV1(
            request_id=item.id,
            decision=Decision.STATISTICS_PUBLICATION,
            approver_roles=item.approver_roles or DEFAULT_APPROVERS,
            requested_by=officer.officer_id,
            requested_at=now,
            page=publication_page(tenant, item.id),
        )
        await uow.outbox.add(
            PUBLICATION_APPROVAL_REQUESTED,
            PUBLICATION_APPROVAL_REQUESTED.envelope(
                request,
                tenant=tenant,
                subject=str(item.id),
                time=now,
                correlation_id=officer.correlation_id or str(uuid4()),
            ),
        )
        await uow.audit.append(_entry(tenant, officer, "publication.proposed", item))
        await uow.commit()
    return item


async def approve_publication(
    tenant: str, publication_id: UUID, officer: Officer, *, now: datetime, uow: PublishingUnitOfWork
) -> Publication | None:
    """Approve a waiting publication (None: no such publication of ``tenant``); raises
    :class:`PublicationRefused` when the officer may not, or it is approved already."""
    async with uow:
        item = await uow.publications.get(tenant, publication_id, for_update=True)
        if item is None:
            return None
        approved = item.approve(
            officer.officer_id, officer.roles, may_approve_publication=officer.may_approve_publication, at=now
        )
        await uow.publications.save(approved)
        await uow.audit.append(_entry(tenant, officer, "publication.approved", approved))
        await uow.commit()
    return approved


async def body_known(tenant: str, *, uow: PublishingUnitOfWork) -> bool:
    """Whether reporting knows ``tenant`` (its configuration): nothing is proposed for an unknown body."""
    async with uow:
        return await uow.publications.configuration(tenant) is not None


async def publications_of(tenant: str, *, uow: PublishingUnitOfWork) -> list[Publication]:
    async with uow:
        return await uow.publications.listed(tenant)


async def publication_of(tenant: str, publication_id: UUID, *, uow: PublishingUnitOfWork) -> Publication | None:
    async with uow:
        return await uow.publications.get(tenant, publication_id)


async def published_statistics(tenant: str, *, uow: PublishingUnitOfWork) -> tuple[Publication | None, str | None]:
    """What the public page shows: the approved publication of the latest year (or nothing), and
    the body's name (None: no such body known)."""
    async with uow:
        configuration = await uow.publications.configuration(tenant)
        return await uow.publications.published(tenant), (configuration.name if configuration else None)


__all__ = [
    "Officer",
    "PublicationRefused",
    "approve_publication",
    "body_known",
    "propose_publication",
    "publication_of",
    "publications_of",
    "published_statistics",
]
