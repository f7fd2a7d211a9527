"""What an approved hand-over (pelimpahan) completes: the case's open recommendation to hand the
result to that very target (penyerahan-aph for APH, penyerahan-kpk for the KPK), with the hand-over
as its evidence, in the approval's own transaction.

When the case has none (the recommendation was never issued, was already recorded as done, or names
the other target), the hand-over goes ahead all the same: the approved escalation is the record of
it, and nothing is created after the fact. A recommendation to hand over issued after the case was
handed over is followed like any other (with evidence the officer uploads).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from wbs_investigation.domain.escalation import Escalation
from wbs_investigation.domain.recommendation import (
    FollowUpKind,
    Recommendation,
    carried_out_by_hand_over,
    done_by_hand_over,
    hand_over_note,
)
from wbs_investigation.ports import EscalationUnitOfWork, Keys
from wbs_investigation.usecases.case_files import Officer
from wbs_investigation.usecases.recommendations import announce_completed, follow_up_by


async def complete_recommendations_handed_over(
    escalation: Escalation,
    approver: Officer,
    *,
    uow: EscalationUnitOfWork,
    keys: Keys,
    now: datetime,
    zone: ZoneInfo,
    correlation_id: str,
) -> list[Recommendation]:
    """In the caller's transaction (the approval's): each open recommendation the approved
    ``escalation`` carries out is done on the approval's day, with a ``pelimpahan`` follow-up as its
    evidence, ``recommendation-completed`` in the outbox and ``recommendation.completed`` on the
    trail. Returns those completed (none: the hand-over stands on its own)."""
    case_id = escalation.case_id
    day = now.astimezone(zone).date()
    completed: list[Recommendation] = []
    for candidate in await uow.recommendations.of_case(case_id):
        if not carried_out_by_hand_over(candidate, escalation.target):
            continue
        # Locked and read again: an officer completing it at this moment is not done twice.
        locked = await uow.recommendations.get(candidate.id, for_update=True)
        if locked is None or not carried_out_by_hand_over(locked, escalation.target):
            continue
        done = done_by_hand_over(locked, day=day, at=now, by=approver.officer_id, by_name=approver.name)
        await uow.recommendations.complete(done)
        note = hand_over_note(
            agency_name=escalation.agency_name,
            approved_by=approver.name,
            approved_as=escalation.decided_as.value if escalation.decided_as else "",
            day=day,
        )
        evidence = follow_up_by(
            done, FollowUpKind.PELIMPAHAN, approver, now, keys=keys, note=note, reference=str(escalation.id), dated=day
        )
        await uow.recommendations.add_follow_up(evidence)
        await announce_completed(uow, done, approver, correlation_id=correlation_id, escalation_id=str(escalation.id))
        completed.append(done)
    return completed
