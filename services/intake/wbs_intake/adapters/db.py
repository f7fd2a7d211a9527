"""Intake's tables and repositories. No table holds a report's substance or the reporter's identity."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ARRAY,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    Uuid,
    any_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.triage import CaseRegisteredV1
from wbs_intake.domain.report import Report, ReportStatus, StatusChange
from wbs_intake.domain.tenant import Category, Tenant
from wbs_intake.ports import IdempotentSubmission
from wbs_runtime.unit_of_work import Repository, UnitOfWork

metadata = MetaData()

tenant_table = Table(
    "tenant",
    metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False),
)

category_table = Table(
    "tenant_category",
    metadata,
    Column("tenant_id", Text, ForeignKey("tenant.id", ondelete="CASCADE"), primary_key=True),
    Column("slug", Text, primary_key=True),
    Column("label_id", Text, nullable=False),
    Column("label_en", Text, nullable=False),
    Column("position", Integer, nullable=False),
)

report_table = Table(
    "report",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("registration_number", Text, nullable=False, unique=True),
    Column("secret_hash", Text, nullable=False),
    Column("tenant_id", Text, ForeignKey("tenant.id"), nullable=False),
    Column("category", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
)

status_table = Table(
    "report_status",
    metadata,
    Column("report_id", Uuid, ForeignKey("report.id", ondelete="CASCADE"), primary_key=True),
    Column("status", Text, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
)


#: Submissions made with an ``Idempotency-Key``: only keyed digests of the key and of the request.
idempotency_table = Table(
    "idempotency_key",
    metadata,
    Column("key_digest", LargeBinary, primary_key=True),
    Column("request_digest", LargeBinary, nullable=False),
    Column("report_id", Uuid, ForeignKey("report.id", ondelete="CASCADE"), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Index("idempotency_key_expires_at", "expires_at"),
)

#: The first of the two keys of ``pg_try_advisory_xact_lock(int, int)`` that holds an
#: idempotency key while its request is processed ("WBSI"). The runtime's locks use the
#: one-bigint form, a separate key space.
IDEMPOTENCY_LOCK_CLASS = 0x57425349


# Statements are built once, with bound parameters: building one per call (clause objects,
# coercions, cache keys) cost more CPU than executing it, and a submission runs several.
_received = (
    insert(report_table)
    .values({column.name: bindparam(f"report_{column.name}") for column in report_table.columns})
    .returning(report_table.c.id)
    .cte("received")
)
#: A report and its first status in one statement (one round trip).
_RECEIVE = insert(status_table).from_select(
    ["report_id", "status", "at"],
    select(
        _received.c.id,
        bindparam("first_status", type_=Text),
        bindparam("first_at", type_=DateTime(timezone=True)),
    ),
)
_REPORT = select(report_table).where(report_table.c.id == bindparam("report_id"))
_REPORT_FOR_UPDATE = _REPORT.with_for_update()
_TIMELINE = (
    select(status_table.c.status, status_table.c.at)
    .where(status_table.c.report_id == bindparam("report_id"))
    .order_by(status_table.c.at, status_table.c.status)
)
_REPORT_IDS = bindparam("report_ids", type_=ARRAY(Uuid))
#: A batch's reports locked in one statement, in id order (two replicas lock in the same order).
_REPORTS_FOR_UPDATE = (
    select(report_table).where(report_table.c.id == any_(_REPORT_IDS)).order_by(report_table.c.id).with_for_update()
)
_TIMELINES = (
    select(status_table.c.report_id, status_table.c.status, status_table.c.at)
    .where(status_table.c.report_id == any_(_REPORT_IDS))
    .order_by(status_table.c.report_id, status_table.c.at, status_table.c.status)
)
_CREDENTIALS = select(report_table.c.id, report_table.c.secret_hash).where(
    report_table.c.registration_number == bindparam("registration_number")
)
_APPEND_STATUS = insert(status_table).values(
    report_id=bindparam("report_id"), status=bindparam("status"), at=bindparam("at")
)
_REPLACE_SECRET_HASH = (
    update(report_table).where(report_table.c.id == bindparam("report_id")).values(secret_hash=bindparam("secret_hash"))
)
_CLAIM = select(func.pg_try_advisory_xact_lock(IDEMPOTENCY_LOCK_CLASS, bindparam("lock_key", type_=Integer)))
_FIND = select(idempotency_table).where(
    idempotency_table.c.key_digest == bindparam("key_digest"), idempotency_table.c.expires_at > bindparam("now")
)
_upsert = upsert(idempotency_table)
_RECORD_IDEMPOTENT_SUBMISSION = _upsert.on_conflict_do_update(
    index_elements=[idempotency_table.c.key_digest],
    set_={k: _upsert.excluded[k] for k in ("request_digest", "report_id", "expires_at")},
)
_TENANT_WITH_CATEGORY = (
    select(
        tenant_table.c.id,
        tenant_table.c.name,
        category_table.c.slug,
        category_table.c.label_id,
        category_table.c.label_en,
    )
    .select_from(
        tenant_table.outerjoin(
            category_table,
            (category_table.c.tenant_id == tenant_table.c.id) & (category_table.c.slug == bindparam("slug")),
        )
    )
    .where(tenant_table.c.id == bindparam("tenant_id"))
)


def _report(row: Any, timeline: list[StatusChange]) -> Report:
    return Report(
        id=row.id,
        registration_number=row.registration_number,
        secret_hash=row.secret_hash,
        tenant=row.tenant_id,
        category=row.category,
        channel=row.channel,
        submitted_at=row.submitted_at,
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
        locked: dict[UUID, Report | None] = dict.fromkeys(expected)
        for row in await self._session.execute(_REPORTS_FOR_UPDATE, {"report_ids": expected}):
            locked[row.id] = _report(row, [])
        for report_id, status, at in await self._session.execute(_TIMELINES, {"report_ids": expected}):
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
            await self._session.execute(
                _APPEND_STATUS,
                [{"report_id": report_id, "status": c.status.value, "at": c.at} for report_id, c in appended],
            )

    async def add(self, report: Report) -> None:
        first, *later = report.timeline
        await self._session.execute(
            _RECEIVE,
            {
                "report_id": report.id,
                "report_registration_number": report.registration_number,
                "report_secret_hash": report.secret_hash,
                "report_tenant_id": report.tenant,
                "report_category": report.category,
                "report_channel": report.channel,
                "report_submitted_at": report.submitted_at,
                "first_status": first.status.value,
                "first_at": first.at,
            },
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
            query = _REPORT_FOR_UPDATE if for_update else _REPORT
            row = (await self._session.execute(query, {"report_id": report_id})).first()
            if row is None:
                return None
            changes = await self._session.execute(_TIMELINE, {"report_id": report_id})
            stored = _report(row, [StatusChange(ReportStatus(status), at) for status, at in changes])
        appended = [change for appended_to, change in self._appended if appended_to == report_id]
        if appended:
            stored.timeline = sorted([*stored.timeline, *appended], key=lambda c: (c.at, c.status.value))
        return stored

    async def credentials(self, registration_number: str) -> tuple[UUID, str] | None:
        row = (await self._session.execute(_CREDENTIALS, {"registration_number": registration_number})).first()
        return (row.id, row.secret_hash) if row else None

    async def append_status(self, report_id: UUID, change: StatusChange) -> None:
        self._appended.append((report_id, change))

    async def replace_secret_hash(self, report_id: UUID, secret_hash: str) -> None:
        await self._session.execute(_REPLACE_SECRET_HASH, {"report_id": report_id, "secret_hash": secret_hash})


class SqlIdempotencyRepository(Repository):
    async def claim(self, key_digest: bytes) -> bool:
        # Its own statement: a statement reads from a snapshot taken when it starts, so the lock
        # must be held before the statement that looks for an earlier submission begins.
        lock_key = int.from_bytes(key_digest[:4], "big", signed=True)
        return bool((await self._session.execute(_CLAIM, {"lock_key": lock_key})).scalar_one())

    async def find(self, key_digest: bytes, now: datetime) -> IdempotentSubmission | None:
        row = (await self._session.execute(_FIND, {"key_digest": key_digest, "now": now})).first()
        if row is None:
            return None
        return IdempotentSubmission(row.key_digest, row.request_digest, row.report_id, row.expires_at)

    async def add(self, submission: IdempotentSubmission) -> None:
        await self._session.execute(
            _RECORD_IDEMPOTENT_SUBMISSION,
            {
                "key_digest": submission.key_digest,
                "request_digest": submission.request_digest,
                "report_id": submission.report_id,
                "expires_at": submission.expires_at,
            },
        )

    async def prune(self, now: datetime) -> int:
        result = await self._session.execute(delete(idempotency_table).where(idempotency_table.c.expires_at <= now))
        return int(getattr(result, "rowcount", 0) or 0)


class SqlTenantRepository(Repository):
    async def all(self) -> list[Tenant]:
        return await self._load()

    async def get(self, tenant_id: str) -> Tenant | None:
        found = await self._load(tenant_id)
        return found[0] if found else None

    async def with_category(self, tenant_id: str, slug: str) -> Tenant | None:
        row = (await self._session.execute(_TENANT_WITH_CATEGORY, {"tenant_id": tenant_id, "slug": slug})).first()
        if row is None:
            return None
        categories = (Category(row.slug, row.label_id, row.label_en),) if row.slug is not None else ()
        return Tenant(id=row.id, name=row.name, categories=categories)

    async def _load(self, tenant_id: str | None = None) -> list[Tenant]:
        """Tenants (one, or all by name) with their categories: two queries, however many tenants."""
        tenants = select(tenant_table).order_by(tenant_table.c.name)
        categories = select(category_table).order_by(category_table.c.tenant_id, category_table.c.position)
        if tenant_id is not None:
            tenants = tenants.where(tenant_table.c.id == tenant_id)
            categories = categories.where(category_table.c.tenant_id == tenant_id)
        by_tenant: dict[str, list[Category]] = {}
        for c in await self._session.execute(categories):
            by_tenant.setdefault(c.tenant_id, []).append(Category(c.slug, c.label_id, c.label_en))
        return [
            Tenant(id=row.id, name=row.name, categories=tuple(by_tenant.get(row.id, ())))
            for row in await self._session.execute(tenants)
        ]

    async def save(self, tenant: Tenant) -> None:
        known = (await self._session.execute(select(tenant_table.c.id).where(tenant_table.c.id == tenant.id))).first()
        if known:
            await self._session.execute(
                tenant_table.update().where(tenant_table.c.id == tenant.id).values(name=tenant.name)
            )
        else:
            await self._session.execute(insert(tenant_table).values(id=tenant.id, name=tenant.name))
        await self._session.execute(delete(category_table).where(category_table.c.tenant_id == tenant.id))
        for position, category in enumerate(tenant.categories):
            await self._session.execute(
                insert(category_table).values(
                    tenant_id=tenant.id,
                    slug=category.slug,
                    label_id=category.label_id,
                    label_en=category.label_en,
                    position=position,
                )
            )


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


class SqlIntakeUnitOfWork(UnitOfWork):
    reports: SqlReportRepository
    tenants: SqlTenantRepository
    idempotency: SqlIdempotencyRepository
