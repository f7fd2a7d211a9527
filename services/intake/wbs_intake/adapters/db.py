"""Intake's tables and repositories. No table holds a report's substance or the reporter's identity."""

from __future__ import annotations

from typing import Self
from uuid import UUID

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Integer,
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
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from wbs_intake.domain.report import Report, ReportStatus, StatusChange
from wbs_intake.domain.tenant import Category, Tenant
from wbs_runtime.unit_of_work import UnitOfWork

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


# Built once (a consumer applies registrations by the thousand): building a statement per call
# costs more than executing it.
_REPORT = select(report_table).where(report_table.c.id == bindparam("report_id"))
_REPORT_FOR_UPDATE = _REPORT.with_for_update()
_TIMELINE = (
    select(status_table.c.status, status_table.c.at)
    .where(status_table.c.report_id == bindparam("report_id"))
    .order_by(status_table.c.at, status_table.c.status)
)
_APPEND_STATUS = insert(status_table)


class SqlReportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, report: Report) -> None:
        await self._session.execute(
            insert(report_table).values(
                id=report.id,
                registration_number=report.registration_number,
                secret_hash=report.secret_hash,
                tenant_id=report.tenant,
                category=report.category,
                channel=report.channel,
                submitted_at=report.submitted_at,
            )
        )
        for change in report.timeline:
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
        query = select(report_table.c.id, report_table.c.secret_hash).where(
            report_table.c.registration_number == registration_number
        )
        row = (await self._session.execute(query)).first()
        return (row.id, row.secret_hash) if row else None

    async def append_status(self, report_id: UUID, change: StatusChange) -> None:
        await self._session.execute(
            _APPEND_STATUS, {"report_id": report_id, "status": change.status.value, "at": change.at}
        )


class SqlTenantRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def all(self) -> list[Tenant]:
        return await self._load()

    async def get(self, tenant_id: str) -> Tenant | None:
        found = await self._load(tenant_id)
        return found[0] if found else None

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
        exists = (await self._session.execute(select(tenant_table.c.id).where(tenant_table.c.id == tenant.id))).first()
        if exists:
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

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.reports = SqlReportRepository(self.session)
        self.tenants = SqlTenantRepository(self.session)
        return self
