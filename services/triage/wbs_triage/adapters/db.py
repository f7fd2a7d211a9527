"""Triage's tables: cases (substance sealed at rest) and each tenant's agenda counters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast
from uuid import UUID

from sqlalchemy import (
    ARRAY,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    any_,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.intake import ReportSubmittedV1
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
_SELECT_CASES = select(case_table).where(case_table.c.id == any_(bindparam("case_ids", type_=ARRAY(Uuid))))
# Holding a counter: the upsert creates it if missing, row-locks it until the transaction ends (so
# concurrent registrations of one tenant, by another replica, queue up behind it) and takes the
# next number. Further numbers in the transaction are counted in memory and the last one written
# back once, at commit: a batch of one costs one statement, a batch of hundreds two.
_first = pg_insert(agenda_counter).values(tenant_id=bindparam("tenant"), year=bindparam("year"), last_sequence=1)
_HOLD_COUNTER = _first.on_conflict_do_update(
    index_elements=[agenda_counter.c.tenant_id, agenda_counter.c.year],
    set_={"last_sequence": agenda_counter.c.last_sequence + 1},
).returning(agenda_counter.c.last_sequence)
_WRITE_COUNTER = (
    update(agenda_counter)
    .where(
        agenda_counter.c.tenant_id == bindparam("counter_tenant"),
        agenda_counter.c.year == bindparam("counter_year"),
    )
    .values(last_sequence=bindparam("counter_last"))
)


def _row(case: Case) -> dict[str, Any]:
    return {
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
    }


def _case(row: Any) -> Case:
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


class SqlCaseRepository(Repository):
    """Cases added in a transaction are inserted together when it commits (one statement for a
    consumer's whole batch). Whether a batch's reports are registered already is read in one query
    (:meth:`expect`), so registering a case costs no round trip of its own."""

    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
        #: added in this transaction, not yet written; in the order they were added
        self._added: dict[UUID, Case] = {}
        #: read ahead for the batch: each expected case, and what the table holds of it (None: nothing)
        self._stored: dict[UUID, Case | None] = {}

    async def expect(self, events: Sequence[Envelope[Any]]) -> None:
        expected = [e.data.report_id for e in events if isinstance(e.data, ReportSubmittedV1)]
        if not expected:
            return
        self._stored = dict.fromkeys(expected)
        for row in await self._session.execute(_SELECT_CASES, {"case_ids": expected}):
            self._stored[row.id] = _case(row)

    async def add(self, case: Case) -> None:
        if case.id in self._added:
            raise ValueError(f"case {case.id} was added twice in one transaction")
        self._added[case.id] = case

    async def get(self, case_id: UUID) -> Case | None:
        if (added := self._added.get(case_id)) is not None:
            return added
        if case_id in self._stored:
            return self._stored[case_id]
        row = (await self._session.execute(_SELECT_CASE, {"case_id": case_id})).first()
        return _case(row) if row is not None else None

    def mark(self) -> int:
        return len(self._added)

    def rewind(self, mark: object) -> None:
        assert isinstance(mark, int)
        for case_id in list(self._added)[mark:]:
            del self._added[case_id]

    async def flush(self) -> None:
        """Without ON CONFLICT: a case that is somehow there already fails the commit, and the
        consumer then applies the batch's events one by one, where :meth:`get` finds it."""
        if self._added:
            added, self._added = self._added, {}
            await self._session.execute(_INSERT_CASE, [_row(case) for case in added.values()])


class SqlAgenda(Repository):
    """Each tenant's counter is held (row-locked) from its first number in a transaction until
    the transaction ends; the numbers are counted here and the last one written at commit. A
    rolled-back event gives its numbers back (:meth:`rewind`), so the agenda stays gapless."""

    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
        #: (tenant, year) -> the last sequence given in this transaction
        self._given: dict[tuple[str, int], int] = {}
        #: (tenant, year) -> the last sequence the counter row holds
        self._written: dict[tuple[str, int], int] = {}

    async def next_sequence(self, tenant: str, year: int) -> int:
        counter = (tenant, year)
        last = self._given.get(counter)
        if last is None:
            result = await self._session.execute(_HOLD_COUNTER, {"tenant": tenant, "year": year})
            sequence = self._written[counter] = int(result.scalar_one())
        else:
            sequence = last + 1
        self._given[counter] = sequence
        return sequence

    def mark(self) -> tuple[dict[tuple[str, int], int], dict[tuple[str, int], int]]:
        return dict(self._given), dict(self._written)

    def rewind(self, mark: object) -> None:
        # A counter first held inside the savepoint is no longer held (nor created): both go back.
        given, written = cast(tuple[dict[tuple[str, int], int], dict[tuple[str, int], int]], mark)
        self._given, self._written = dict(given), dict(written)

    async def flush(self) -> None:
        changed = [
            {"counter_tenant": tenant, "counter_year": year, "counter_last": last}
            for (tenant, year), last in self._given.items()
            if self._written.get((tenant, year)) != last
        ]
        if changed:
            await self._session.execute(_WRITE_COUNTER, changed)
            self._written.update(self._given)


class SqlTriageUnitOfWork(UnitOfWork):
    cases: SqlCaseRepository
    agenda: SqlAgenda
