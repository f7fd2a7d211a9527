"""Cases, the agenda and the queue; the tenants' configurations as kept from directory."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, cast
from uuid import UUID

from sqlalchemy import and_, exists, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.directory import TenantConfiguredV1
from wbs_contracts.events.intake import ReporterMessageKind, ReportSubmittedV1
from wbs_runtime.tenancy import TenantDirectory
from wbs_runtime.unit_of_work import Repository
from wbs_triage.adapters.db.tables import case_message_table, case_table, case_team_table
from wbs_triage.domain.agenda import AgendaEntry
from wbs_triage.domain.case import Case, CaseStatus
from wbs_triage.domain.messages import Author
from wbs_triage.domain.queue import Lateness, OpenQuestion, QueueQuery

# Statements on the driver (``Repository._driver``): through SQLAlchemy's session each cost
# 170-350 us of CPU around a round trip of about 40 us, and per row it processed every value again.
_SELECT_CASE = 'SELECT * FROM "case" WHERE id = $1'


_SELECT_CASES = 'SELECT * FROM "case" WHERE id = ANY($1::uuid[])'


#: A tenant's cases, newest first (a minimal queue: the telaah issue builds the real one).
_TENANT_CASES = 'SELECT * FROM "case" WHERE tenant_id = $1 ORDER BY registered_at DESC, agenda_sequence DESC LIMIT $2'


#: A transaction's cases in one statement, in the order they were added.
_INSERT_CASES = """
    INSERT INTO "case" (
        id, tenant_id, category, channel, received_at, agenda_number, agenda_year, agenda_sequence,
        registered_on, registered_at, status, sealed_substance, received_by, received_on
    )
    SELECT id, tenant_id, category, channel, received_at, agenda_number, agenda_year, agenda_sequence,
        registered_on, registered_at, status, sealed_substance::jsonb, received_by, received_on
    FROM unnest(
        $1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::int[], $8::int[],
        $9::date[], $10::timestamptz[], $11::text[], $12::text[], $13::text[], $14::date[]
    ) WITH ORDINALITY AS added(
        id, tenant_id, category, channel, received_at, agenda_number, agenda_year, agenda_sequence,
        registered_on, registered_at, status, sealed_substance, received_by, received_on, position
    )
    ORDER BY position
"""


# Holding a counter: the upsert creates it if missing, row-locks it until the transaction ends (so
# concurrent registrations of one tenant, by another replica, queue up behind it) and takes the
# next number. Further numbers in the transaction are counted in memory and the last one written
# back once, at commit: a batch of one costs one statement, a batch of hundreds two.
_HOLD_COUNTER = """
    INSERT INTO agenda_counter (tenant_id, year, last_sequence) VALUES ($1, $2, 1)
    ON CONFLICT (tenant_id, year) DO UPDATE SET last_sequence = agenda_counter.last_sequence + 1
    RETURNING last_sequence
"""


_WRITE_COUNTERS = """
    UPDATE agenda_counter SET last_sequence = written.last_sequence
    FROM unnest($1::text[], $2::int[], $3::int[]) AS written(tenant_id, year, last_sequence)
    WHERE agenda_counter.tenant_id = written.tenant_id AND agenda_counter.year = written.year
"""


def _columns(cases: Sequence[Case]) -> list[list[Any]]:
    """The cases as one array per column, in ``_INSERT_CASES``' order."""
    return [
        [c.id for c in cases],
        [c.tenant for c in cases],
        [c.category for c in cases],
        [c.channel for c in cases],
        [c.received_at for c in cases],
        [c.agenda.number for c in cases],
        [c.agenda.year for c in cases],
        [c.agenda.sequence for c in cases],
        [c.agenda.registered_on for c in cases],
        [c.agenda.registered_at for c in cases],
        [c.status.value for c in cases],
        [json.dumps(c.sealed_substance) for c in cases],
        [c.received_by for c in cases],
        [c.received_on for c in cases],
    ]


def _case(row: Any) -> Case:
    return Case(
        id=row["id"],
        tenant=row["tenant_id"],
        category=row["category"],
        channel=row["channel"],
        received_at=row["received_at"],
        agenda=AgendaEntry(
            number=row["agenda_number"],
            year=row["agenda_year"],
            sequence=row["agenda_sequence"],
            registered_on=row["registered_on"],
            registered_at=row["registered_at"],
        ),
        sealed_substance=row["sealed_substance"],
        status=CaseStatus(row["status"]),
        received_by=row["received_by"],
        received_on=row["received_on"],
        disposed_at=row["disposed_at"],
        follow_up_due=row["follow_up_due"],
        waiting_on_reporter_since=row["waiting_on_reporter_since"],
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
        for row in await (await self._driver()).fetch(_SELECT_CASES, expected):
            self._stored[row["id"]] = _case(row)

    async def add(self, case: Case) -> None:
        if case.id in self._added:
            raise ValueError(f"case {case.id} was added twice in one transaction")
        self._added[case.id] = case

    async def get(self, case_id: UUID) -> Case | None:
        if (added := self._added.get(case_id)) is not None:
            return added
        if case_id in self._stored:
            return self._stored[case_id]
        row = await (await self._driver()).fetchrow(_SELECT_CASE, case_id)
        return _case(row) if row is not None else None

    async def in_tenant(self, tenant: str, *, limit: int = 200) -> list[Case]:
        return [_case(row) for row in await (await self._driver()).fetch(_TENANT_CASES, tenant, limit)]

    async def queue(self, tenant: str, query: QueueQuery, lateness: Lateness) -> tuple[list[Case], int]:
        conditions = [case_table.c.tenant_id == tenant]
        for column, wanted in (
            (case_table.c.status, query.status),
            (case_table.c.category, query.category),
            (case_table.c.channel, query.channel),
        ):
            if wanted:
                conditions.append(column == wanted)
        if query.officer:
            conditions.append(
                exists().where(
                    case_team_table.c.case_id == case_table.c.id,
                    case_team_table.c.tenant_id == tenant,
                    case_team_table.c.officer_id == query.officer,
                )
            )
        if query.late is not None:
            late = _late(lateness)
            conditions.append(late if query.late else not_(late))
        where = and_(*conditions)
        total = (await self._session.execute(select(func.count()).select_from(case_table).where(where))).scalar_one()
        rows = await self._session.execute(
            select(case_table)
            .where(where)
            .order_by(case_table.c.registered_at.desc(), case_table.c.agenda_sequence.desc())
            .limit(query.per_page)
            .offset(query.offset)
        )
        return [_case(row._mapping) for row in rows], int(total)

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
            await (await self._driver()).execute(_INSERT_CASES, *_columns(list(added.values())))


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
            held = await (await self._driver()).fetchval(_HOLD_COUNTER, tenant, year)
            sequence = self._written[counter] = int(held)
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
        changed = [(counter, last) for counter, last in self._given.items() if self._written.get(counter) != last]
        if changed:
            await (await self._driver()).execute(
                _WRITE_COUNTERS,
                [tenant for (tenant, _), _ in changed],
                [year for (_, year), _ in changed],
                [last for _, last in changed],
            )
            self._written.update(self._given)


def _unanswered_questions() -> Any:
    answer = case_message_table.alias("answer")
    question = case_message_table
    return and_(
        question.c.author == Author.PELAPOR.value,
        question.c.kind == ReporterMessageKind.PERTANYAAN.value,
        not_(
            exists().where(
                answer.c.in_reply_to == question.c.id,
                answer.c.case_id == question.c.case_id,
                answer.c.author == Author.PETUGAS.value,
            )
        ),
    )


def _late(lateness: Lateness) -> Any:
    """A case is late when its disposition is due, or its team's follow-up (not waiting on the
    reporter), or a question of its reporter's is due unanswered."""
    disposition_due = and_(
        case_table.c.status.in_([s.value for s in lateness.disposition_statuses]),
        case_table.c.registered_on <= lateness.registered_by,
    )
    follow_up_due = and_(
        case_table.c.status == lateness.follow_up_status.value,
        case_table.c.waiting_on_reporter_since.is_(None),
        case_table.c.follow_up_due <= lateness.now,
    )
    question_due = exists().where(
        case_message_table.c.case_id == case_table.c.id,
        case_message_table.c.tenant_id == case_table.c.tenant_id,
        case_message_table.c.answer_due <= lateness.now,
        _unanswered_questions(),
    )
    return or_(disposition_due, follow_up_due, question_due)


class SqlOpenQuestions(Repository):
    async def of_cases(self, tenant: str, case_ids: Sequence[UUID]) -> list[OpenQuestion]:
        if not case_ids:
            return []
        query = (
            select(case_message_table)
            .where(
                case_message_table.c.case_id.in_(case_ids),
                case_message_table.c.tenant_id == tenant,
                _unanswered_questions(),
            )
            .order_by(case_message_table.c.sent_at)
        )
        return [
            OpenQuestion(row.id, row.case_id, row.sent_at, row.answer_due) for row in await self._session.execute(query)
        ]


class SqlTenantConfigurations(Repository):
    """The tenants' configurations kept from directory (``wbs_runtime.tenancy``)."""

    async def get(self, tenant_id: str) -> TenantConfiguredV1 | None:
        return await TenantDirectory(self._session).get(tenant_id)
