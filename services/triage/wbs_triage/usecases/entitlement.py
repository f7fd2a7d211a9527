"""Who opens a case: the pimpinan satker and the ketua tim of its tenant, and the penelaah on its
current team (``may_open_substance``); the team is read in the caller's transaction, so a
re-disposition that removed an officer refuses them from then on."""

from __future__ import annotations

from collections.abc import Collection

from wbs_triage.domain.case import Case
from wbs_triage.domain.telaah import may_open_substance, sits_on_team
from wbs_triage.ports import TriageUnitOfWork


class NotEntitled(Exception):
    """The officer may not do this with the case (the HTTP layer answers 403, in both languages)."""


async def on_team(case: Case, officer_id: str, uow: TriageUnitOfWork) -> bool:
    """Whether the officer sits on the case's current team (none before its disposition)."""
    teams = await uow.dispositions.teams([case.id])
    return sits_on_team(officer_id, teams.get(case.id, ()))


async def may_open(case: Case, officer_id: str, permissions: Collection[str], uow: TriageUnitOfWork) -> bool:
    """Whether the officer may open the case's substance and evidence."""
    return may_open_substance(permissions, on_team=await on_team(case, officer_id, uow))
