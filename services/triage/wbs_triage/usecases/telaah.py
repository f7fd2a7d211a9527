"""The telaah workspace: the substance opened for the entitled (audited), the registration record,
the checklist of the five minimum steps, the free notes, and the related reports."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from wbs_contracts.events.intake import ReportSubstanceV1
from wbs_contracts.sealed import Audience
from wbs_runtime.auth.permissions import Permission
from wbs_runtime.clock import Clock
from wbs_triage.domain.case import Case
from wbs_triage.domain.registration import RegistrationDetailsV1
from wbs_triage.domain.related import Relation
from wbs_triage.domain.telaah import (
    TelaahChecklistV1,
    TelaahNote,
    TelaahNoteV1,
    TelaahStep,
    checked_note,
    may_open_substance,
    may_work_the_checklist,
    with_step,
)
from wbs_triage.ports import Keys, TriageUnitOfWork
from wbs_triage.usecases.cases import Reader, _entry
from wbs_triage.usecases.entitlement import NotEntitled, may_open, on_team
from wbs_triage.usecases.registration import _details
from wbs_triage.usecases.related import RelatedReports


@dataclass(frozen=True)
class OpenedNote:
    id: UUID
    author_id: str
    author_name: str
    written_at: datetime
    text: str


@dataclass(frozen=True)
class Workspace:
    case: Case
    #: None when the substance does not open (it is then said on the page, never hidden).
    substance: ReportSubstanceV1 | None
    details: RegistrationDetailsV1
    details_recorded: bool
    checklist: TelaahChecklistV1
    notes: list[OpenedNote]
    related: list[Relation]
    #: Whether the officer sits on the case's current team (who works the checklist).
    on_team: bool = False


async def _checklist(case: Case, uow: TriageUnitOfWork, keys: Keys, *, for_update: bool = False) -> TelaahChecklistV1:
    sealed = await uow.telaah.checklist(case.id, for_update=for_update)
    if sealed is None:
        return TelaahChecklistV1()
    return keys.open(sealed, tenant=case.tenant, case=case.id, model=TelaahChecklistV1)


def _opened(note: TelaahNote, keys: Keys) -> OpenedNote:
    text = keys.open(note.sealed, tenant=note.tenant, case=note.case_id, model=TelaahNoteV1).text
    return OpenedNote(note.id, note.author_id, note.author_name, note.written_at, text)


async def open_workspace(
    tenant: str,
    case_id: UUID,
    reader: Reader,
    permissions: Collection[Permission],
    *,
    uow: TriageUnitOfWork,
    keys: Keys,
    related: RelatedReports,
) -> Workspace | None:
    """Everything the penelaah works with, opened for an officer who may open the substance (the
    case's team, its ketua tim, the pimpinan satker; ``NotEntitled`` otherwise);
    ``case.substance-read`` on the tenant's trail in the same transaction, so the substance is
    never shown without its entry. None if not ``tenant``'s case."""
    async with uow:
        case = await uow.cases.get(case_id)
        if case is None or case.tenant != tenant:
            return None
        team_member = await on_team(case, reader.officer_id, uow)
        if not may_open_substance(permissions, on_team=team_member):
            raise NotEntitled()
        substance = related.substance(case)
        registration = await _details(case, uow, keys, related)
        if substance is not None and await uow.related.signature(case.id) is None:
            # Registered before the index existed, or when its substance could not be opened.
            await related.index(case, uow, details=registration.details, substance=substance)
        checklist = await _checklist(case, uow, keys)
        notes = [_opened(n, keys) for n in await uow.telaah.notes(case_id) if n.tenant == tenant]
        relations = await related.of_case(case, uow)
        await uow.audit.append(
            _entry(tenant, case_id, reader, "case.substance-read", {"related": [str(r.case_id) for r in relations]})
        )
        await uow.commit()
    return Workspace(
        case, substance, registration.details, registration.recorded, checklist, notes, relations, team_member
    )


async def record_step(
    tenant: str,
    case_id: UUID,
    step: TelaahStep,
    *,
    done: bool,
    note: str,
    officer: Reader,
    permissions: Collection[Permission],
    uow: TriageUnitOfWork,
    keys: Keys,
    clock: Clock,
) -> TelaahChecklistV1 | None:
    """The penelaah records one step (done or not, and its note), sealed; ``telaah.step-recorded``
    on the trail. ``TelaahRefused`` for a note it cannot take; ``NotEntitled`` for an officer
    not on the case's team."""
    async with uow:
        case = await uow.cases.get(case_id)
        if case is None or case.tenant != tenant:
            return None
        if not may_work_the_checklist(permissions, on_team=await on_team(case, officer.officer_id, uow)):
            raise NotEntitled()
        now = clock()
        checklist = with_step(
            await _checklist(case, uow, keys, for_update=True),
            step,
            done=done,
            note=note,
            at=now,
            officer_id=officer.officer_id,
            officer_name=officer.name,
        )
        sealed = keys.seal(tenant, Audience.CASE_SUBSTANCE, checklist, case=case_id)
        await uow.telaah.put_checklist(case_id, tenant, sealed, at=now)
        details = {"step": step.value, "done": done}
        await uow.audit.append(_entry(tenant, case_id, officer, "telaah.step-recorded", details))
        await uow.commit()
    return checklist


async def add_note(
    tenant: str,
    case_id: UUID,
    text: str,
    *,
    author: Reader,
    permissions: Collection[Permission],
    uow: TriageUnitOfWork,
    keys: Keys,
    clock: Clock,
) -> OpenedNote | None:
    """A free note, sealed, kept for good (notes are only added to); ``telaah.note-added`` on the
    trail. ``TelaahRefused`` for an empty or too long note; ``NotEntitled`` for an officer who
    may not open the case."""
    written = checked_note(text, required=True)
    async with uow:
        case = await uow.cases.get(case_id)
        if case is None or case.tenant != tenant:
            return None
        if not await may_open(case, author.officer_id, permissions, uow):
            raise NotEntitled()
        note = TelaahNote(
            id=uuid4(),
            case_id=case_id,
            tenant=tenant,
            author_id=author.officer_id,
            author_name=author.name,
            written_at=clock(),
            sealed=keys.seal(tenant, Audience.CASE_SUBSTANCE, TelaahNoteV1(text=written), case=case_id),
        )
        await uow.telaah.add_note(note)
        await uow.audit.append(_entry(tenant, case_id, author, "telaah.note-added", {"note_id": str(note.id)}))
        await uow.commit()
    return OpenedNote(note.id, note.author_id, note.author_name, note.written_at, written)
