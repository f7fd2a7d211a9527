"""Reminders of deadlines: one before a deadline (tenggat-mendekat) and, for the team's follow-up
limit, one when it passed without a telaah decision (tenggat-lewat).

A reminder is planned when the event that sets the deadline arrives, fires when the background
round finds it due, and is cancelled by the event that meets the deadline. Its id is derived from
what it reminds of, so an event redelivered plans nothing new and a fired reminder stays fired.
The times come from the tenant's working-day calendar, computed outside the domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID, uuid5

from wbs_contracts.events.directory import NotificationSubject

_NAMESPACE = UUID("8f0d3c8e-6a0b-4b8e-9a57-2c1f5f0e7d41")


class Deadline(StrEnum):
    #: The team's follow-up limit after a disposition (case-disposed's ``follow_up_due``).
    TINDAK_LANJUT = "tindak-lanjut"
    #: A recommendation's follow-up deadline (recommendation-issued's ``due``).
    REKOMENDASI = "rekomendasi"


class ReminderState(StrEnum):
    MENUNGGU = "menunggu"  # planned, not yet due
    TERKIRIM = "terkirim"  # turned into notifications
    BATAL = "batal"  # the deadline was met (or replaced) before it fired


@dataclass(frozen=True)
class Reminder:
    id: UUID
    tenant: str
    case_id: UUID
    deadline: Deadline
    #: What the deadline belongs to: the case (follow-up limit) or the recommendation.
    reference: UUID
    subject: NotificationSubject
    due_on: date
    fire_at: datetime
    link: str
    state: ReminderState = ReminderState.MENUNGGU


def reminder_id(tenant: str, deadline: Deadline, reference: UUID, subject: NotificationSubject, due_on: date) -> UUID:
    return uuid5(_NAMESPACE, f"{tenant}/{deadline}/{reference}/{subject}/{due_on.isoformat()}")


def plan(
    *,
    tenant: str,
    case_id: UUID,
    deadline: Deadline,
    reference: UUID,
    due_on: date,
    link: str,
    approaching_at: datetime | None,
    passed_at: datetime | None = None,
) -> list[Reminder]:
    """The reminders of one deadline: before it (``approaching_at``) and once it passed (``passed_at``)."""
    wanted = ((NotificationSubject.TENGGAT_MENDEKAT, approaching_at), (NotificationSubject.TENGGAT_LEWAT, passed_at))
    return [
        Reminder(
            id=reminder_id(tenant, deadline, reference, subject, due_on),
            tenant=tenant,
            case_id=case_id,
            deadline=deadline,
            reference=reference,
            subject=subject,
            due_on=due_on,
            fire_at=at,
            link=link,
        )
        for subject, at in wanted
        if at is not None
    ]
