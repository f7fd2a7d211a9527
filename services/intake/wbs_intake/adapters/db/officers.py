"""What intake keeps of officers' work: reports recorded from other channels, notices, disclosures."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    insert,
    select,
    update,
)

from wbs_intake.adapters.db.tables import identity_disclosure_table, recorded_report_table, reporter_notice_table
from wbs_intake.domain.disclosure import DisclosureState, IdentityDisclosure
from wbs_intake.domain.recording import Arrival
from wbs_intake.domain.reporter_notices import NoticeKind, ReporterNotice
from wbs_runtime.unit_of_work import Repository


class SqlRecordingRepository(Repository):
    async def add(self, report_id: UUID, arrival: Arrival, *, recorded_by: str, at: datetime) -> None:
        await self._session.execute(
            insert(recorded_report_table).values(
                report_id=report_id,
                received_by=arrival.received_by,
                received_on=arrival.received_on,
                forwarded=arrival.forwarded,
                recorded_by=recorded_by,
                recorded_at=at,
            )
        )


class SqlNoticeRepository(Repository):
    async def add(self, report_id: UUID, notice: ReporterNotice) -> None:
        await self._session.execute(
            insert(reporter_notice_table).values(
                report_id=report_id, kind=notice.kind.value, at=notice.at, body_name=notice.body_name
            )
        )

    async def for_report(self, report_id: UUID) -> list[ReporterNotice]:
        rows = await self._session.execute(
            select(reporter_notice_table)
            .where(reporter_notice_table.c.report_id == report_id)
            .order_by(reporter_notice_table.c.at, reporter_notice_table.c.kind)
        )
        return [ReporterNotice(NoticeKind(row.kind), row.at, row.body_name) for row in rows]


def _disclosure(row: Any) -> IdentityDisclosure:
    return IdentityDisclosure(
        id=row.id,
        report_id=row.report_id,
        tenant=row.tenant_id,
        requested_by=row.requested_by,
        requested_by_name=row.requested_by_name,
        reason=row.reason,
        requested_at=row.requested_at,
        state=DisclosureState(row.state),
        decided_by=row.decided_by,
        decided_by_name=row.decided_by_name,
        decision_reason=row.decision_reason,
        decided_at=row.decided_at,
        expires_at=row.expires_at,
    )


def _disclosure_values(disclosure: IdentityDisclosure) -> dict[str, Any]:
    return {
        "id": disclosure.id,
        "report_id": disclosure.report_id,
        "tenant_id": disclosure.tenant,
        "requested_by": disclosure.requested_by,
        "requested_by_name": disclosure.requested_by_name,
        "reason": disclosure.reason,
        "requested_at": disclosure.requested_at,
        "state": disclosure.state.value,
        "decided_by": disclosure.decided_by,
        "decided_by_name": disclosure.decided_by_name,
        "decision_reason": disclosure.decision_reason,
        "decided_at": disclosure.decided_at,
        "expires_at": disclosure.expires_at,
    }


class SqlDisclosureRepository(Repository):
    async def add(self, disclosure: IdentityDisclosure) -> None:
        await self._session.execute(insert(identity_disclosure_table).values(_disclosure_values(disclosure)))

    async def get(self, disclosure_id: UUID, *, for_update: bool = False) -> IdentityDisclosure | None:
        query = select(identity_disclosure_table).where(identity_disclosure_table.c.id == disclosure_id)
        row = (await self._session.execute(query.with_for_update() if for_update else query)).first()
        return None if row is None else _disclosure(row)

    async def save(self, disclosure: IdentityDisclosure) -> None:
        await self._session.execute(
            update(identity_disclosure_table)
            .where(identity_disclosure_table.c.id == disclosure.id)
            .values(_disclosure_values(disclosure))
        )

    async def for_report(self, report_id: UUID, *, for_update: bool = False) -> list[IdentityDisclosure]:
        query = (
            select(identity_disclosure_table)
            .where(identity_disclosure_table.c.report_id == report_id)
            .order_by(identity_disclosure_table.c.requested_at)
        )
        return [
            _disclosure(row) for row in await self._session.execute(query.with_for_update() if for_update else query)
        ]

    async def in_tenant(self, tenant: str, state: DisclosureState | None = None) -> list[IdentityDisclosure]:
        query = select(identity_disclosure_table).where(identity_disclosure_table.c.tenant_id == tenant)
        if state is not None:
            query = query.where(identity_disclosure_table.c.state == state.value)
        query = query.order_by(identity_disclosure_table.c.requested_at.desc()).limit(200)
        return [_disclosure(row) for row in await self._session.execute(query)]
