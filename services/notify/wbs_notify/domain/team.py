"""A case's team as the latest disposition named it: whom the case's news and deadlines concern."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID


@dataclass(frozen=True)
class CaseTeam:
    case_id: UUID
    tenant: str
    #: Officer ids, the ketua first.
    members: tuple[str, ...]
    disposed_at: datetime
    follow_up_due: date


def replaces(kept: CaseTeam | None, announced: CaseTeam) -> bool:
    """A later disposition replaces the team; an older one, redelivered or read late, does not."""
    return kept is None or announced.disposed_at > kept.disposed_at
