"""The registration record (pencatatan): read and completed by the officers, sealed, audited, and
the related-reports index kept in step with it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from uuid import UUID
from zoneinfo import ZoneInfo

from wbs_contracts.sealed import Audience
from wbs_runtime.auth.permissions import Permission
from wbs_runtime.clock import Clock
from wbs_triage.domain.case import Case
from wbs_triage.domain.registration import (
    RegistrationDetailsV1,
    checked_details,
    from_substance,
    may_edit_registration,
)
from wbs_triage.domain.telaah import may_open_substance
from wbs_triage.ports import Keys, TriageUnitOfWork
from wbs_triage.usecases.cases import Reader, _entry
from wbs_triage.usecases.entitlement import NotEntitled, on_team
from wbs_triage.usecases.related import RelatedReports


def may_read_registration(permissions: Collection[Permission], *, on_team: bool) -> bool:
    """The record (the officers' pencatatan; it names the terlapor) is read by those who complete
    it and by those who may open the report: the pimpinan satker, the ketua tim, the team."""
    return may_edit_registration(permissions, on_team=on_team) or may_open_substance(permissions, on_team=on_team)


@dataclass(frozen=True)
class RegistrationView:
    case: Case
    details: RegistrationDetailsV1
    #: False while the record is still the draft taken from the report's own words.
    recorded: bool
    #: Whether the officer who reads it may complete it.
    editable: bool = False


async def _details(case: Case, uow: TriageUnitOfWork, keys: Keys, related: RelatedReports) -> RegistrationView:
    sealed = await uow.registrations.get(case.id)
    if sealed is not None:
        details = keys.open(sealed, tenant=case.tenant, case=case.id, model=RegistrationDetailsV1)
        return RegistrationView(case, details, recorded=True)
    substance = related.substance(case)
    draft = from_substance(substance) if substance is not None else RegistrationDetailsV1()
    return RegistrationView(case, draft, recorded=False)


async def read_registration(
    tenant: str,
    case_id: UUID,
    reader: Reader,
    permissions: Collection[Permission],
    *,
    uow: TriageUnitOfWork,
    keys: Keys,
    related: RelatedReports,
) -> RegistrationView | None:
    """The record, opened for an officer who may read it (``case.registration-read`` on the trail);
    ``NotEntitled`` for anyone else."""
    async with uow:
        case = await uow.cases.get(case_id)
        if case is None or case.tenant != tenant:
            return None
        team = await on_team(case, reader.officer_id, uow)
        if not may_read_registration(permissions, on_team=team):
            raise NotEntitled()
        view = await _details(case, uow, keys, related)
        await uow.audit.append(_entry(tenant, case_id, reader, "case.registration-read"))
        await uow.commit()
        return replace(view, editable=may_edit_registration(permissions, on_team=team))


async def update_registration(
    tenant: str,
    case_id: UUID,
    details: RegistrationDetailsV1,
    editor: Reader,
    permissions: Collection[Permission],
    *,
    uow: TriageUnitOfWork,
    keys: Keys,
    related: RelatedReports,
    clock: Clock,
    zone: ZoneInfo,
) -> RegistrationView | None:
    """Keep the record the officer completed (sealed), re-index the case for related reports, and
    put ``case.registration-updated`` (naming the fields changed, never their values) on the trail,
    in one transaction. ``RegistrationRefused`` for a record it cannot take."""
    now = clock()
    checked = checked_details(details, today=now.astimezone(zone).date())
    async with uow:
        case = await uow.cases.get(case_id)
        if case is None or case.tenant != tenant:
            return None
        if not may_edit_registration(permissions, on_team=await on_team(case, editor.officer_id, uow)):
            raise NotEntitled()
        before = (await _details(case, uow, keys, related)).details
        changed = sorted(name for name in type(checked).model_fields if getattr(checked, name) != getattr(before, name))
        sealed = keys.seal(tenant, Audience.CASE_SUBSTANCE, checked, case=case_id)
        await uow.registrations.put(case_id, tenant, sealed, at=now, by=editor.officer_id)
        await related.index(case, uow, details=checked)
        await uow.audit.append(_entry(tenant, case_id, editor, "case.registration-updated", {"fields": changed}))
        await uow.commit()
    return RegistrationView(case, checked, recorded=True, editable=True)
