"""In-memory stand-ins for the telaah's repositories (registration record, checklist and notes,
related-reports index), for use-case tests without a database."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from wbs_contracts.sealed import SealedPayload
from wbs_triage.domain.case import Case
from wbs_triage.domain.related import Candidate, RelatedIndexEntry
from wbs_triage.domain.telaah import TelaahNote


class FakeRegistrations:
    def __init__(self) -> None:
        self.rows: dict[UUID, tuple[str, SealedPayload]] = {}

    async def get(self, case_id: UUID) -> SealedPayload | None:
        found = self.rows.get(case_id)
        return None if found is None else found[1]

    async def put(self, case_id: UUID, tenant: str, sealed: SealedPayload, *, at: datetime, by: str) -> None:
        self.rows[case_id] = (tenant, sealed)


class FakeTelaah:
    def __init__(self) -> None:
        self.checklists: dict[UUID, SealedPayload] = {}
        self.kept_notes: list[TelaahNote] = []

    async def checklist(self, case_id: UUID, *, for_update: bool = False) -> SealedPayload | None:
        return self.checklists.get(case_id)

    async def put_checklist(self, case_id: UUID, tenant: str, sealed: SealedPayload, *, at: datetime) -> None:
        self.checklists[case_id] = sealed

    async def add_note(self, note: TelaahNote) -> None:
        self.kept_notes.append(note)

    async def notes(self, case_id: UUID) -> list[TelaahNote]:
        return sorted((n for n in self.kept_notes if n.case_id == case_id), key=lambda n: n.written_at)


class FakeRelatedIndex:
    def __init__(self, cases: dict[UUID, Case] | None = None) -> None:
        self.entries: dict[UUID, tuple[str, RelatedIndexEntry]] = {}
        #: The triage fake's cases, to tell which wait for the index.
        self.cases: dict[UUID, Case] = cases if cases is not None else {}

    async def replace(self, case_id: UUID, tenant: str, entry: RelatedIndexEntry) -> None:
        self.entries[case_id] = (tenant, entry)

    async def signature(self, case_id: UUID) -> tuple[int, ...] | None:
        found = self.entries.get(case_id)
        return None if found is None else found[1].signature

    async def unindexed(self, *, tenant: str | None = None, limit: int) -> list[UUID]:
        return [
            case_id
            for case_id, case in self.cases.items()
            if case_id not in self.entries and (tenant is None or case.tenant == tenant)
        ][:limit]

    async def cases_after(self, tenant: str, after: UUID | None, *, limit: int) -> list[UUID]:
        raise NotImplementedError  # the command is tested against PostgreSQL

    async def candidates(self, case_id: UUID, tenant: str, *, limit: int = 50) -> list[Candidate]:
        if case_id not in self.entries:
            return []
        mine = set(self.entries[case_id][1].digests)
        found = []
        for other, (their_tenant, entry) in self.entries.items():
            shared = mine & set(entry.digests)
            if other != case_id and their_tenant == tenant and shared:
                found.append(Candidate(other, frozenset(label for label, _ in shared), entry.signature))
        return found[:limit]
