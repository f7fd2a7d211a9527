"""Triage's tables: cases (substance sealed at rest) and each tenant's agenda counters."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    bindparam,
    insert,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert

from wbs_runtime.unit_of_work import Repository, UnitOfWork
from wbs_triage.domain.agenda import AgendaEntry
from wbs_triage.domain.case import Case, CaseStatus

metadata = MetaData()

case_table = Table(
    "case",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("agenda_number", Text, nullable=False),
    Column("agenda_year", Integer, nullable=False),
    Column("agenda_sequence", Integer, nullable=False),
    Column("registered_on", Date, nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False),
    Column("status", Text, nullable=False),
    Column("sealed_substance", JSONB, nullable=False),
    UniqueConstraint("tenant_id", "agenda_year", "agenda_sequence", name="case_agenda_unique"),
)

agenda_counter = Table(
    "agenda_counter",
    metadata,
    Column("tenant_id", Text, primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("last_sequence", Integer, nullable=False),
)


# Statements built once: building one per call (``insert(...).values(...)``) cost more CPU than
# everything else in registering a case, and a consumer registers thousands per second.
_INSERT_CASE = insert(case_table)
_SELECT_CASE = select(case_table).where(case_table.c.id == bindparam("case_id"))
# The upsert row-locks the counter until commit, so concurrent registrations of one tenant queue
# up and numbers stay gapless (a rollback returns the number).
_first = pg_insert(agenda_counter).values(tenant_id=bindparam("tenant"), year=bindparam("year"), last_sequence=1)
_NEXT_SEQUENCE = _first.on_conflict_do_update(
    index_elements=[agenda_counter.c.tenant_id, agenda_counter.c.year],
    set_={"last_sequence": agenda_counter.c.last_sequence + 1},
).returning(agenda_counter.c.last_sequence)


class SqlCaseRepository(Repository):
    async def add(self, case: Case) -> None:
        await self._session.execute(
            _INSERT_CASE,
            {
                "id": case.id,
                "tenant_id": case.tenant,
                "category": case.category,
                "channel": case.channel,
                "received_at": case.received_at,
                "agenda_number": case.agenda.number,
                "agenda_year": case.agenda.year,
                "agenda_sequence": case.agenda.sequence,
                "registered_on": case.agenda.registered_on,
                "registered_at": case.agenda.registered_at,
                "status": case.status.value,
                "sealed_substance": case.sealed_substance,
            },
        )

    async def get(self, case_id: UUID) -> Case | None:
        row = (await self._session.execute(_SELECT_CASE, {"case_id": case_id})).first()
        if row is None:
            return None
        return Case(
            id=row.id,
            tenant=row.tenant_id,
            category=row.category,
            channel=row.channel,
            received_at=row.received_at,
            agenda=AgendaEntry(
                number=row.agenda_number,
                year=row.agenda_year,
                sequence=row.agenda_sequence,
                registered_on=row.registered_on,
                registered_at=row.registered_at,
            ),
            sealed_substance=row.sealed_substance,
            status=CaseStatus(row.status),
        )


class SqlAgenda(Repository):
    async def next_sequence(self, tenant: str, year: int) -> int:
        return int((await self._session.execute(_NEXT_SEQUENCE, {"tenant": tenant, "year": year})).scalar_one())


class SqlTriageUnitOfWork(UnitOfWork):
    cases: SqlCaseRepository
    agenda: SqlAgenda
