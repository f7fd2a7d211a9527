"""Fakes of triage's dispositions and kept tenant configurations, over a fake's cases."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from wbs_contracts.events.directory import TenantConfiguredV1
from wbs_triage.domain.case import Case, CaseStatus
from wbs_triage.domain.disposition import Disposition, TeamSeat


class FakeDispositions:
    def __init__(self, cases: dict[UUID, Case]) -> None:
        self.cases = cases
        self.kept: list[Disposition] = []

    async def record(self, disposition: Disposition, *, waiting_on_reporter_since: datetime | None) -> None:
        self.kept.append(disposition)
        case = self.cases[disposition.case_id]
        self.cases[case.id] = dataclasses.replace(
            case,
            status=CaseStatus.DITELAAH,
            disposed_at=disposition.disposed_at,
            follow_up_due=disposition.follow_up_due,
            waiting_on_reporter_since=waiting_on_reporter_since,
        )

    async def of_case(self, case_id: UUID) -> list[Disposition]:
        return [d for d in self.kept if d.case_id == case_id]

    async def teams(self, case_ids: Sequence[UUID]) -> dict[UUID, list[TeamSeat]]:
        teams = {d.case_id: list(d.team) for d in self.kept}
        return {case_id: teams[case_id] for case_id in case_ids if case_id in teams}

    async def wait_on_reporter(self, case_id: UUID, since: datetime) -> None:
        case = self.cases[case_id]
        if case.waiting_on_reporter_since is None:
            self.cases[case_id] = dataclasses.replace(case, waiting_on_reporter_since=since)

    async def resume(self, case_id: UUID, follow_up_due: datetime | None) -> None:
        self.cases[case_id] = dataclasses.replace(
            self.cases[case_id], waiting_on_reporter_since=None, follow_up_due=follow_up_due
        )


class FakeTenants:
    def __init__(self) -> None:
        self.kept: dict[str, TenantConfiguredV1] = {}

    async def get(self, tenant_id: str) -> TenantConfiguredV1 | None:
        return self.kept.get(tenant_id)
