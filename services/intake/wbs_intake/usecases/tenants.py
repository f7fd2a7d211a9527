"""What intake learns from other services: the bodies it offers, and registrations."""

from __future__ import annotations

from typing import Any

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.directory import TenantConfiguredV1, TenantKind
from wbs_contracts.events.triage import CaseRegisteredV1
from wbs_intake.domain.report import StatusChange
from wbs_intake.domain.tenant import Category, Tenant
from wbs_intake.ports import (
    IntakeUnitOfWork,
)
from wbs_intake.usecases.errors import UnknownReport


async def record_registration(event: Envelope[Any], uow: IntakeUnitOfWork) -> None:
    """Triage registered the case: the reporter now sees ``terdaftar``.

    An event handler: it runs inside the consumer's unit of work, which commits it together with
    the inbox record.
    """
    data: CaseRegisteredV1 = event.data
    if data.forwarded_from is not None:
        # Another body's telaah forwarded the report here as a new case: what becomes of that case
        # reaches the same reporter (``usecases/telaah.py``); the reporter saw "terdaftar" already.
        if await uow.reports.get(data.forwarded_from) is None:
            raise UnknownReport(f"case {data.case_id} was forwarded from {data.forwarded_from}, unknown here")
        await uow.telaah.add_forwarded_case(data.case_id, data.forwarded_from, event.tenant)
        return
    report = await uow.reports.get(data.case_id, for_update=True)
    if report is None:
        raise UnknownReport(f"case {data.case_id} was registered but intake never received it")
    change: StatusChange | None = report.record_registration(data.registered_at)
    if change is not None:
        await uow.reports.append_status(report.id, change)


async def offer_tenant(configuration: TenantConfiguredV1, uow: IntakeUnitOfWork) -> None:
    """After a newer ``tenant-configured`` was kept: an active body takes reports in the categories
    of its current policy; an agency or an inactive body takes none."""
    if configuration.kind is TenantKind.BODY and configuration.active:
        categories = tuple(Category(c.slug, c.label_id, c.label_en) for c in configuration.policy.categories)
        tenant = Tenant(id=configuration.tenant_id, name=configuration.name, categories=categories)
        await uow.tenants.save(tenant, policy_version=configuration.policy_version)
    else:
        await uow.tenants.withdraw(configuration.tenant_id)


async def list_tenants(*, uow: IntakeUnitOfWork) -> list[Tenant]:
    async with uow:
        return await uow.tenants.all()


async def get_tenant(tenant_id: str, *, uow: IntakeUnitOfWork) -> Tenant | None:
    async with uow:
        return await uow.tenants.get(tenant_id)
