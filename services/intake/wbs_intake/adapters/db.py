"""Intake's tables and repositories. No table holds a report's substance or the reporter's identity."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import (
    Boolean,
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
    bindparam,
    delete,
    exists,
    func,
    insert,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncConnection

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
    # Kept from directory's tenant-configured: a body that is inactive (or an agency) takes no reports,
    # but its row stays for the reports it already has.
    Column("offered", Boolean, nullable=False, server_default=true()),
    Column("policy_version", Integer, nullable=False, server_default="0"),
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
    .where(tenant_table.c.id == bindparam("tenant_id"), tenant_table.c.offered)
)


class SqlReportRepository(Repository):
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
        query = _REPORT_FOR_UPDATE if for_update else _REPORT
        row = (await self._session.execute(query, {"report_id": report_id})).first()
        if row is None:
            return None
        changes = await self._session.execute(_TIMELINE, {"report_id": report_id})
        return Report(
            id=row.id,
            registration_number=row.registration_number,
            secret_hash=row.secret_hash,
            tenant=row.tenant_id,
            category=row.category,
            channel=row.channel,
            submitted_at=row.submitted_at,
            timeline=[StatusChange(ReportStatus(status), at) for status, at in changes],
        )

    async def credentials(self, registration_number: str) -> tuple[UUID, str] | None:
        row = (await self._session.execute(_CREDENTIALS, {"registration_number": registration_number})).first()
        return (row.id, row.secret_hash) if row else None

    async def append_status(self, report_id: UUID, change: StatusChange) -> None:
        await self._session.execute(
            _APPEND_STATUS, {"report_id": report_id, "status": change.status.value, "at": change.at}
        )

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
        tenants = select(tenant_table).where(tenant_table.c.offered).order_by(tenant_table.c.name)
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

    async def save(self, tenant: Tenant, *, policy_version: int) -> None:
        values = {"id": tenant.id, "name": tenant.name, "offered": True, "policy_version": policy_version}
        statement = upsert(tenant_table).values(values)
        await self._session.execute(statement.on_conflict_do_update(index_elements=[tenant_table.c.id], set_=values))
        await self._session.execute(delete(category_table).where(category_table.c.tenant_id == tenant.id))
        if tenant.categories:
            await self._session.execute(
                insert(category_table),
                [
                    {
                        "tenant_id": tenant.id,
                        "slug": category.slug,
                        "label_id": category.label_id,
                        "label_en": category.label_en,
                        "position": position,
                    }
                    for position, category in enumerate(tenant.categories)
                ],
            )

    async def withdraw(self, tenant_id: str) -> None:
        await self._session.execute(tenant_table.update().where(tenant_table.c.id == tenant_id).values(offered=False))


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
