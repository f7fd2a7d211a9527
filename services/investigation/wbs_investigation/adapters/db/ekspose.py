"""The exposés of each case: the schedule and its invitation, the minutes, the leaders' meeting, the
result sent to the head of region (one row per exposé: each record comes once); and what a concluded
exposé leaves on the case file for a hand-over."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Column, Date, DateTime, Index, Table, Text, Uuid, insert, null, select, update
from sqlalchemy.dialects.postgresql import JSONB

from wbs_contracts.sealed import SealedPayload
from wbs_investigation.adapters.db.tables import case_file_table, metadata
from wbs_investigation.domain.ekspose import (
    Ekspose,
    EksposeKind,
    LeadersDecision,
    LeadersMeeting,
    Minutes,
    MinutesConclusion,
    ResultSent,
)
from wbs_runtime.tenancy import TenantDirectory
from wbs_runtime.unit_of_work import Repository

#: Sealed columns hold ciphertext to the tenant's case-substance only: the invitation's subject,
#: presenters and parties invited; the minutes; the leaders' meeting.
ekspose_table = Table(
    "ekspose",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False),
    Column("tenant_id", Text, nullable=False),
    #: internal | eksternal
    Column("kind", Text, nullable=False),
    Column("scheduled_at", DateTime(timezone=True), nullable=False),
    Column("place", Text, nullable=False),
    Column("letter_number", Text, nullable=False),
    #: When the invitation went out (the 3-day rule is checked against it), and by whom.
    Column("invited_at", DateTime(timezone=True), nullable=False),
    Column("invited_by", Text, nullable=False),
    Column("invited_by_name", Text, nullable=False),
    Column("sealed_invitation", JSONB, nullable=False),
    Column("invitation_document_id", Uuid),
    #: The minutes: sepakat | tidak-sepakat | bukti-baru.
    Column("minutes_conclusion", Text),
    Column("minutes_recorded_by", Text),
    Column("minutes_recorded_by_name", Text),
    Column("minutes_recorded_at", DateTime(timezone=True)),
    Column("sealed_minutes", JSONB),
    Column("minutes_document_id", Uuid),
    #: The meeting of leaders after a disagreement: disepakati | pengujian-ulang.
    Column("leaders_held_on", Date),
    Column("leaders_decision", Text),
    Column("leaders_recorded_by", Text),
    Column("leaders_recorded_by_name", Text),
    Column("leaders_recorded_at", DateTime(timezone=True)),
    Column("sealed_leaders_meeting", JSONB),
    #: The result sent to the head of region.
    Column("result_sent_to", Text),
    Column("result_sent_on", Date),
    Column("result_letter_number", Text),
    Column("result_recorded_by", Text),
    Column("result_recorded_by_name", Text),
    Column("result_recorded_at", DateTime(timezone=True)),
    Index("ekspose_case", "case_id", "scheduled_at"),
)

_table = ekspose_table


def _sealed(value: Any) -> SealedPayload:
    return SealedPayload.model_validate(value)


def ekspose_of(row: Any) -> Ekspose:
    minutes = (
        Minutes(
            conclusion=MinutesConclusion(row.minutes_conclusion),
            recorded_by=row.minutes_recorded_by,
            recorded_by_name=row.minutes_recorded_by_name,
            recorded_at=row.minutes_recorded_at,
            sealed=_sealed(row.sealed_minutes),
            document_id=row.minutes_document_id,
        )
        if row.minutes_conclusion
        else None
    )
    leaders = (
        LeadersMeeting(
            held_on=row.leaders_held_on,
            decision=LeadersDecision(row.leaders_decision),
            recorded_by=row.leaders_recorded_by,
            recorded_by_name=row.leaders_recorded_by_name,
            recorded_at=row.leaders_recorded_at,
            sealed=_sealed(row.sealed_leaders_meeting),
        )
        if row.leaders_decision
        else None
    )
    result = (
        ResultSent(
            sent_to=row.result_sent_to,
            sent_on=row.result_sent_on,
            letter_number=row.result_letter_number,
            recorded_by=row.result_recorded_by,
            recorded_by_name=row.result_recorded_by_name,
            recorded_at=row.result_recorded_at,
        )
        if row.result_sent_to
        else None
    )
    return Ekspose(
        id=row.id,
        case_id=row.case_id,
        tenant=row.tenant_id,
        kind=EksposeKind(row.kind),
        scheduled_at=row.scheduled_at,
        place=row.place,
        letter_number=row.letter_number,
        invited_at=row.invited_at,
        invited_by=row.invited_by,
        invited_by_name=row.invited_by_name,
        sealed_invitation=_sealed(row.sealed_invitation),
        invitation_document_id=row.invitation_document_id,
        minutes=minutes,
        leaders_meeting=leaders,
        result_sent=result,
    )


class SqlEksposes(Repository):
    async def add(self, ekspose: Ekspose) -> None:
        await self._session.execute(
            insert(_table).values(
                id=ekspose.id,
                case_id=ekspose.case_id,
                tenant_id=ekspose.tenant,
                kind=ekspose.kind.value,
                scheduled_at=ekspose.scheduled_at,
                place=ekspose.place,
                letter_number=ekspose.letter_number,
                invited_at=ekspose.invited_at,
                invited_by=ekspose.invited_by,
                invited_by_name=ekspose.invited_by_name,
                sealed_invitation=ekspose.sealed_invitation.model_dump(mode="json"),
                invitation_document_id=ekspose.invitation_document_id,
            )
        )

    async def of_case(self, case_id: UUID) -> list[Ekspose]:
        statement = select(_table).where(_table.c.case_id == case_id).order_by(_table.c.scheduled_at, _table.c.id)
        return [ekspose_of(row) for row in await self._session.execute(statement)]

    async def lock(self, ekspose_id: UUID) -> Ekspose | None:
        statement = select(_table).where(_table.c.id == ekspose_id).with_for_update()
        row = (await self._session.execute(statement)).first()
        return ekspose_of(row) if row else None

    async def _set(self, ekspose_id: UUID, **values: Any) -> None:
        await self._session.execute(update(_table).where(_table.c.id == ekspose_id).values(**values))

    async def record_minutes(self, ekspose_id: UUID, minutes: Minutes) -> None:
        await self._set(
            ekspose_id,
            minutes_conclusion=minutes.conclusion.value,
            minutes_recorded_by=minutes.recorded_by,
            minutes_recorded_by_name=minutes.recorded_by_name,
            minutes_recorded_at=minutes.recorded_at,
            sealed_minutes=minutes.sealed.model_dump(mode="json"),
            minutes_document_id=minutes.document_id,
        )

    async def record_leaders_meeting(self, ekspose_id: UUID, meeting: LeadersMeeting) -> None:
        await self._set(
            ekspose_id,
            leaders_held_on=meeting.held_on,
            leaders_decision=meeting.decision.value,
            leaders_recorded_by=meeting.recorded_by,
            leaders_recorded_by_name=meeting.recorded_by_name,
            leaders_recorded_at=meeting.recorded_at,
            sealed_leaders_meeting=meeting.sealed.model_dump(mode="json"),
        )

    async def record_result_sent(self, ekspose_id: UUID, result: ResultSent) -> None:
        await self._set(
            ekspose_id,
            result_sent_to=result.sent_to,
            result_sent_on=result.sent_on,
            result_letter_number=result.letter_number,
            result_recorded_by=result.recorded_by,
            result_recorded_by_name=result.recorded_by_name,
            result_recorded_at=result.recorded_at,
        )

    async def conclude_case(self, case_id: UUID, at: datetime | None, conclusion: SealedPayload | None) -> None:
        await self._session.execute(
            update(case_file_table)
            .where(case_file_table.c.case_id == case_id)
            .values(
                ekspose_concluded_at=at,
                # SQL NULL, not JSON null: "no conclusion" must read the same in SQL as in Python.
                sealed_ekspose_conclusion=conclusion.model_dump(mode="json") if conclusion else null(),
            )
        )

    async def case_conclusion(self, case_id: UUID) -> SealedPayload | None:
        statement = select(case_file_table.c.sealed_ekspose_conclusion).where(case_file_table.c.case_id == case_id)
        value = (await self._session.execute(statement)).scalar()
        return _sealed(value) if value else None

    async def body_name(self, tenant: str) -> str | None:
        configuration = await TenantDirectory(self._session).get(tenant)
        return configuration.name if configuration else None
