"""Reporting's use cases for the annual report (laporan tahunan): the seeds' tables of one body and
one year, rolled up to the bodies below it unless asked otherwise; the disposition each case got
(case-disposed); and what officers write for the report (kendala, solusi, evaluation, sign-off),
recorded with an audit entry in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from wbs_contracts.channels import KNOWN_CHANNELS
from wbs_contracts.envelope import Envelope
from wbs_contracts.events.directory import TenantConfiguredV1
from wbs_contracts.events.triage import CaseDisposedV1
from wbs_reporting.domain.tables import AnnualTables, Label, MonthNote, SignOff, annual_tables
from wbs_reporting.domain.timeliness import FOLLOW_UP_LIMIT_KEY, RECOMMENDATION_LIMIT_KEYS, PolicyLimit
from wbs_reporting.ports import ReportingUnitOfWork
from wbs_runtime.audit import AuditEntry


@dataclass(frozen=True)
class Writer:
    """The officer writing the annual report's notes, for the audit trail."""

    officer_id: str
    name: str
    session_id: str
    roles: frozenset[str] = frozenset()


async def record_disposition(event: Envelope[Any], uow: ReportingUnitOfWork) -> None:
    """Handler of ``case-disposed``: when the case was disposed and the team's follow-up limit."""
    data: CaseDisposedV1 = event.data
    await uow.annual.record_disposition(data.case_id, event.tenant, data.disposed_at, data.follow_up_due)


def channel_label(slug: str) -> Label:
    label_id, label_en = KNOWN_CHANNELS.get(slug, (slug, slug))
    return Label(slug, label_id, label_en)


def _categories(configurations: list[TenantConfiguredV1]) -> list[Label]:
    """The body's categories first, in its order, then those only the bodies below it use."""
    found: dict[str, Label] = {}
    for configuration in configurations:
        for category in configuration.policy.categories:
            found.setdefault(category.slug, Label(category.slug, category.label_id, category.label_en))
    return list(found.values())


async def annual_report(
    tenant: str,
    year: int,
    zone: ZoneInfo,
    *,
    uow: ReportingUnitOfWork,
    rolled_up: bool = True,
    now: datetime | None = None,
) -> AnnualTables:
    """``now``: when the tables are made, so that a case past a step's limit without it counts as late."""
    start, end = datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)
    async with uow:
        own = await uow.annual.configuration(tenant)
        below = await uow.annual.descendants(tenant) if rolled_up else []
        scope = [tenant, *(c.tenant_id for c in below)]
        cases = await uow.annual.cases(scope, start, end)
        events = await uow.annual.events(scope, start, end)
        recommendations = await uow.annual.recommendations(scope, start, end)
        notes = await uow.annual.notes(tenant, year)
        sign_off = await uow.annual.sign_off(tenant, year)
    configurations = ([own] if own else []) + below
    channels = [channel_label(slug) for slug in (own.policy.channels if own else ())]
    limit = own.policy.time_limits.get(FOLLOW_UP_LIMIT_KEY) if own else None
    return annual_tables(
        tenant=tenant,
        name=own.name if own else tenant,
        year=year,
        zone=zone,
        scope=scope,
        rolled_up=rolled_up,
        categories=_categories(configurations),
        channels=channels,
        channel_labels={slug: channel_label(slug) for slug in KNOWN_CHANNELS},
        cases=cases,
        events=events,
        notes=notes,
        sign_off=sign_off,
        follow_up_basis=limit.basis if limit else "",
        recommendations=recommendations,
        recommendation_limits=_recommendation_limits(own),
        now=now,
    )


def _recommendation_limits(own: TenantConfiguredV1 | None) -> dict[str, PolicyLimit]:
    """The policy's limits for recommendations (``tindak-lanjut-disiplin``: 3 months in Bengkulu,
    2 in Lebak), by the recommendation kind they bound."""
    if own is None:
        return {}
    found = {}
    for kind, key in RECOMMENDATION_LIMIT_KEYS.items():
        limit = own.policy.time_limits.get(key)
        if limit is not None:
            found[kind] = PolicyLimit(limit.months, limit.working_days, limit.basis)
    return found


async def write_notes(
    tenant: str,
    year: int,
    notes: dict[int, MonthNote],
    sign_off: SignOff,
    *,
    writer: Writer,
    at: datetime,
    uow: ReportingUnitOfWork,
) -> None:
    """Keep the months' notes and the sign-off as written (a month left empty is kept empty)."""
    async with uow:
        for month, note in sorted(notes.items()):
            await uow.annual.save_note(tenant, year, month, note, by=writer.officer_id, at=at)
        await uow.annual.save_sign_off(tenant, year, sign_off, by=writer.officer_id, at=at)
        await uow.audit.append(
            AuditEntry(
                tenant_id=tenant,
                actor=writer.officer_id,
                actor_name=writer.name,
                role=",".join(sorted(writer.roles)) or None,
                session_id=writer.session_id,
                action="annual-report.notes-written",
                object_type="annual-report",
                object_id=f"{tenant}/{year}",
                details={"months": len(notes)},
            )
        )
        await uow.commit()
