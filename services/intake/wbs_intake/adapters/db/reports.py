"""Reports, their statuses and idempotent submissions; the hot statements run on the driver."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    bindparam,
    delete,
    exists,
    func,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.triage import CaseRegisteredV1
from wbs_intake.adapters.db.tables import idempotency_table, report_table, status_table
from wbs_intake.domain.report import Report, ReportStatus, StatusChange
from wbs_intake.ports import IdempotentSubmission
from wbs_runtime.unit_of_work import Repository

#: The first of the two keys of ``pg_try_advisory_xact_lock(int, int)`` that holds an
#: idempotency key while its request is processed ("WBSI"). The runtime's locks use the
#: one-bigint form, a separate key space.
IDEMPOTENCY_LOCK_CLASS = 0x57425349


# The statements of a submission, a status check and a batch of registrations run on the driver
# (``Repository._driver``): through SQLAlchemy's session each cost 170-350 us of CPU, of which the
# round trip is about 40 us, and a submission runs six of them. The tables (``tables``) stay the schema.
#: A report and its first status in one statement (one round trip).
_RECEIVE = """
    WITH received AS (
        INSERT INTO report (id, registration_number, secret_hash, tenant_id, category, channel, submitted_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
    )
    INSERT INTO report_status (report_id, status, at) SELECT id, $8, $9 FROM received
"""


_REPORT = """
    SELECT id, registration_number, secret_hash, tenant_id, category, channel, submitted_at FROM report WHERE id = $1
"""


_REPORT_FOR_UPDATE = _REPORT + " FOR UPDATE"


_TIMELINE = "SELECT status, at FROM report_status WHERE report_id = $1 ORDER BY at, status"


#: A batch's reports locked in one statement, in id order (two replicas lock in the same order).
_REPORTS_FOR_UPDATE = """
    SELECT id, registration_number, secret_hash, tenant_id, category, channel, submitted_at FROM report
    WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE
"""


_TIMELINES = (
    "SELECT report_id, status, at FROM report_status WHERE report_id = ANY($1::uuid[]) ORDER BY report_id, at, status"
)


_CREDENTIALS = "SELECT id, secret_hash FROM report WHERE registration_number = $1"


_APPEND_STATUS = (
    "INSERT INTO report_status (report_id, status, at) SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[])"
)


_REPLACE_SECRET_HASH = (
    update(report_table).where(report_table.c.id == bindparam("report_id")).values(secret_hash=bindparam("secret_hash"))
)


_CLAIM = "SELECT pg_try_advisory_xact_lock($1, $2)"


_FIND = """
    SELECT key_digest, request_digest, report_id, expires_at FROM idempotency_key
    WHERE key_digest = $1 AND expires_at > $2
"""


_RECORD_IDEMPOTENT_SUBMISSION = """
    INSERT INTO idempotency_key (key_digest, request_digest, report_id, expires_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (key_digest) DO UPDATE
    SET request_digest = excluded.request_digest, report_id = excluded.report_id, expires_at = excluded.expires_at
"""


def _report(row: Any, timeline: list[StatusChange]) -> Report:
    return Report(
        id=row["id"],
        registration_number=row["registration_number"],
        secret_hash=row["secret_hash"],
        tenant=row["tenant_id"],
        category=row["category"],
        channel=row["channel"],
        submitted_at=row["submitted_at"],
        timeline=timeline,
    )


class SqlReportRepository(Repository):
    """Status changes are written together when the transaction commits. For a consumer's batch
    of registrations, the reports concerned are locked and read in one go (:meth:`expect`), so
    recording a registration costs no round trip of its own."""

    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
        #: status changes appended in this transaction, not yet written
        self._appended: list[tuple[UUID, StatusChange]] = []
        #: read ahead (and locked) for the batch: each expected report as stored (None: no such report)
        self._locked: dict[UUID, Report | None] = {}

    async def expect(self, events: Sequence[Envelope[Any]]) -> None:
        expected = [e.data.case_id for e in events if isinstance(e.data, CaseRegisteredV1)]
        if not expected:
            return
        driver = await self._driver()
        locked: dict[UUID, Report | None] = dict.fromkeys(expected)
        for row in await driver.fetch(_REPORTS_FOR_UPDATE, expected):
            locked[row["id"]] = _report(row, [])
        for report_id, status, at in await driver.fetch(_TIMELINES, expected):
            if (report := locked.get(report_id)) is not None:
                report.timeline.append(StatusChange(ReportStatus(status), at))
        self._locked = locked

    def mark(self) -> int:
        return len(self._appended)

    def rewind(self, mark: object) -> None:
        assert isinstance(mark, int)
        del self._appended[mark:]

    async def flush(self) -> None:
        if self._appended:
            appended, self._appended = self._appended, []
            await (await self._driver()).execute(
                _APPEND_STATUS,
                [report_id for report_id, _ in appended],
                [change.status.value for _, change in appended],
                [change.at for _, change in appended],
            )

    async def add(self, report: Report) -> None:
        first, *later = report.timeline
        await (await self._driver()).execute(
            _RECEIVE,
            report.id,
            report.registration_number,
            report.secret_hash,
            report.tenant,
            report.category,
            report.channel,
            report.submitted_at,
            first.status.value,
            first.at,
        )
        for change in later:
            await self.append_status(report.id, change)

    async def get(self, report_id: UUID, *, for_update: bool = False) -> Report | None:
        """The report with its timeline, including the changes appended in this transaction."""
        if report_id in self._locked:
            held = self._locked[report_id]
            if held is None:
                return None
            stored = replace(held, timeline=list(held.timeline))
        else:
            driver = await self._driver()
            row = await driver.fetchrow(_REPORT_FOR_UPDATE if for_update else _REPORT, report_id)
            if row is None:
                return None
            changes = await driver.fetch(_TIMELINE, report_id)
            stored = _report(row, [StatusChange(ReportStatus(status), at) for status, at in changes])
        appended = [change for appended_to, change in self._appended if appended_to == report_id]
        if appended:
            stored.timeline = sorted([*stored.timeline, *appended], key=lambda c: (c.at, c.status.value))
        return stored

    async def credentials(self, registration_number: str) -> tuple[UUID, str] | None:
        row = await (await self._driver()).fetchrow(_CREDENTIALS, registration_number)
        return (row["id"], row["secret_hash"]) if row else None

    async def append_status(self, report_id: UUID, change: StatusChange) -> None:
        self._appended.append((report_id, change))

    async def replace_secret_hash(self, report_id: UUID, secret_hash: str) -> None:
        await self._session.execute(_REPLACE_SECRET_HASH, {"report_id": report_id, "secret_hash": secret_hash})


class SqlIdempotencyRepository(Repository):
    async def claim(self, key_digest: bytes) -> bool:
        # Its own statement: a statement reads from a snapshot taken when it starts, so the lock
        # must be held before the statement that looks for an earlier submission begins.
        lock_key = int.from_bytes(key_digest[:4], "big", signed=True)
        return bool(await (await self._driver()).fetchval(_CLAIM, IDEMPOTENCY_LOCK_CLASS, lock_key))

    async def find(self, key_digest: bytes, now: datetime) -> IdempotentSubmission | None:
        row = await (await self._driver()).fetchrow(_FIND, key_digest, now)
        if row is None:
            return None
        return IdempotentSubmission(row["key_digest"], row["request_digest"], row["report_id"], row["expires_at"])

    async def add(self, submission: IdempotentSubmission) -> None:
        await (await self._driver()).execute(
            _RECORD_IDEMPOTENT_SUBMISSION,
            submission.key_digest,
            submission.request_digest,
            submission.report_id,
            submission.expires_at,
        )

    async def prune(self, now: datetime) -> int:
        result = await self._session.execute(delete(idempotency_table).where(idempotency_table.c.expires_at <= now))
        return int(getattr(result, "rowcount", 0) or 0)


async def unregistered_reports(db: AsyncConnection) -> tuple[int, float]:
    """(reports not yet ``terdaftar``, age in seconds of the oldest of them)."""
    registered = exists().where(
        status_table.c.report_id == report_table.c.id, status_table.c.status == ReportStatus.TERDAFTAR.value
    )
    query = select(
        func.count(), func.coalesce(func.extract("epoch", func.now() - func.min(report_table.c.submitted_at)), 0)
    ).where(~registered)
    count, age = (await db.execute(query)).one()
    return int(count), float(age)
