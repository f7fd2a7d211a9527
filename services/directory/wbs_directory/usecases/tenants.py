"""Tenants: importing their documents, publishing their configuration."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import uuid4

from wbs_contracts.registry import TENANT_CONFIGURED
from wbs_directory.domain.tenant import (
    TenantDocument,
    ancestors,
    check_directory,
    check_place_kept,
    configuration,
    parents_first,
)
from wbs_directory.ports import AuditAction, AuditRecord, DirectoryUnitOfWork, StoredTenant
from wbs_runtime.clock import Clock


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    #: Tenants whose documents did not change but whose ancestors did, so they were published again.
    republished: list[str] = field(default_factory=list)


async def import_tenants(
    documents: list[TenantDocument],
    uow: DirectoryUnitOfWork,
    *,
    clock: Clock,
    actor: str,
    keep_places: bool = False,
) -> ImportResult:
    """Create or change tenants from their documents, all or nothing; each change is a new version
    and a ``tenant-configured`` event. ``keep_places``: a tenant administrator's change, which may
    change existing tenants' names and policies but not where they stand (``check_place_kept``)."""
    if len({d.id for d in documents}) != len(documents):
        raise ValueError("sebuah instansi muncul dua kali / a tenant appears twice")
    result = ImportResult()
    async with uow:
        # The whole directory is checked as one (parents, recipients): no import may change it meanwhile.
        stored = await uow.tenants.all(lock=True)
        before = {tenant_id: s.document for tenant_id, s in stored.items()}
        if keep_places:
            for document in documents:
                check_place_kept(before.get(document.id), document)
        after = before | {d.id: d for d in documents}
        check_directory(after)
        now = clock()
        for document in parents_first(documents, before):
            current = stored.get(document.id)
            if current is not None and current.document == document:
                result.unchanged.append(document.id)
                continue
            (result.changed if current else result.created).append(document.id)
            stored[document.id] = StoredTenant(document, (current.version if current else 0) + 1, now, actor)
            await uow.audit_log.record(
                AuditRecord(
                    AuditAction.POLICY_CHANGED if current else AuditAction.TENANT_CREATED,
                    actor,
                    (document.id,),
                    subject=document.id,
                    detail={"version": str(stored[document.id].version)},
                    object_type="tenant",
                )
            )
            await uow.tenants.save(stored[document.id])
        imported = {d.id for d in documents}
        moved = [t for t in before if t not in imported and ancestors(t, after) != ancestors(t, before)]
        result.republished.extend(sorted(moved))
        for tenant_id in [*result.created, *result.changed, *result.republished]:
            await _publish(uow, stored[tenant_id], after, clock)
        await uow.commit()
    return result


async def publish_all(uow: DirectoryUnitOfWork, *, clock: Clock) -> list[str]:
    """Publish every tenant's configuration again (a new year's calendar, a consumer rebuilt)."""
    async with uow:
        stored = await uow.tenants.all(lock=True)  # announced as it stands: no import meanwhile
        documents = {tenant_id: s.document for tenant_id, s in stored.items()}
        for tenant_id in sorted(stored):
            await _publish(uow, stored[tenant_id], documents, clock)
        await uow.commit()
    return sorted(stored)


async def _publish(
    uow: DirectoryUnitOfWork, stored: StoredTenant, documents: dict[str, TenantDocument], clock: Clock
) -> None:
    now = clock()
    data = configuration(
        stored.document, version=stored.version, documents=documents, today=now.date(), changed_at=stored.changed_at
    )
    envelope = TENANT_CONFIGURED.envelope(
        data, tenant=stored.document.id, subject=stored.document.id, time=now, correlation_id=str(uuid4())
    )
    await uow.outbox.add(TENANT_CONFIGURED, envelope)
