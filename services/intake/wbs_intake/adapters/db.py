"""Intake's tables and repositories. No table holds a report's substance or the reporter's identity."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
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
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.directory import EvidenceLimits, TenantConfiguredV1
from wbs_contracts.events.triage import CaseRegisteredV1
from wbs_contracts.sealed import SealedPayload
from wbs_intake.domain.disclosure import DisclosureState, IdentityDisclosure
from wbs_intake.domain.evidence import Evidence
from wbs_intake.domain.mailbox import Direction, MailboxMessage
from wbs_intake.domain.recording import Arrival
from wbs_intake.domain.report import Report, ReportStatus, StatusChange
from wbs_intake.domain.reporter_notices import NoticeKind, ReporterNotice
from wbs_intake.domain.reporter_session import ReporterSession
from wbs_intake.domain.tenant import Category, Tenant
from wbs_intake.ports import IdempotentSubmission, OfferedBody, PseudonymCredential, PseudonymTaken
from wbs_runtime.messaging.tables import tenant_configuration
from wbs_runtime.tenancy import TenantDirectory
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

#: The reporter's identity when they gave it: sealed to reporter-identity (only an approved
#: disclosure opens it), never in the clear.
reporter_identity_table = Table(
    "reporter_identity",
    metadata,
    Column("report_id", Uuid, ForeignKey("report.id", ondelete="CASCADE"), primary_key=True),
    Column("sealed", JSONB, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

#: Evidence files: the blob (ciphertext only) and its size and date; the file's name and type only
#: in the reporter's receipt, sealed to reporter-mailbox. The file key is not kept here: it went to
#: the case's officers sealed to case-substance, in evidence-added.
evidence_table = Table(
    "evidence",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("report_id", Uuid, ForeignKey("report.id", ondelete="CASCADE"), nullable=False),
    Column("blob", Text, nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("late", Boolean, nullable=False),
    Column("sealed_receipt", JSONB, nullable=False),
    Index("evidence_report_id", "report_id", "added_at"),
)

#: Reporters signed in: a keyed digest of the token, the report, and when the session ends.
reporter_session_table = Table(
    "reporter_session",
    metadata,
    Column("token_digest", LargeBinary, primary_key=True),
    Column("report_id", Uuid, ForeignKey("report.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Index("reporter_session_expires_at", "expires_at"),
)

#: Reporters who follow their report with a pseudonym and password: a keyed digest of the
#: pseudonym's normal form (unique: one pseudonym, one report) and an argon2id hash of the password.
reporter_pseudonym_table = Table(
    "reporter_pseudonym",
    metadata,
    Column("pseudonym_digest", LargeBinary, primary_key=True),
    Column("report_id", Uuid, ForeignKey("report.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

#: The Kotak Komunikasi: each message sealed to reporter-mailbox (only intake opens it, for the
#: reporter signed in), both ways. Its id is the message id of the event, so a message delivered
#: twice is kept once.
mailbox_message_table = Table(
    "mailbox_message",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("report_id", Uuid, ForeignKey("report.id", ondelete="CASCADE"), nullable=False),
    Column("direction", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Column("sealed", JSONB, nullable=False),
    Column("in_reply_to", Uuid, nullable=True),
    Column("answer_due", DateTime(timezone=True), nullable=True),
    Index("mailbox_message_report", "report_id", "sent_at"),
)


#: Reports a petugas recorded from another channel: where and when they arrived, and who recorded
#: them (the channel is the report's). ``forwarded``: the report went on to a body below.
recorded_report_table = Table(
    "recorded_report",
    metadata,
    Column("report_id", Uuid, ForeignKey("report.id", ondelete="CASCADE"), primary_key=True),
    Column("received_by", Text, nullable=False),
    Column("received_on", Date, nullable=False),
    Column("forwarded", Boolean, nullable=False),
    Column("recorded_by", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

#: What the reporter's timeline says besides the status (``domain.reporter_notices``).
reporter_notice_table = Table(
    "reporter_notice",
    metadata,
    Column("report_id", Uuid, ForeignKey("report.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", Text, primary_key=True),
    Column("at", DateTime(timezone=True), primary_key=True),
    Column("body_name", Text),
)

#: Requests to disclose a reporter's identity and their decisions (``domain.disclosure``). The
#: reasons are the officers' own words about why; the identity itself stays in reporter_identity.
identity_disclosure_table = Table(
    "identity_disclosure",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("report_id", Uuid, ForeignKey("report.id", ondelete="CASCADE"), nullable=False),
    Column("tenant_id", Text, nullable=False),
    Column("requested_by", Text, nullable=False),
    Column("requested_by_name", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("state", Text, nullable=False),
    Column("decided_by", Text),
    Column("decided_by_name", Text),
    Column("decision_reason", Text),
    Column("decided_at", DateTime(timezone=True)),
    Column("expires_at", DateTime(timezone=True)),
    Index("identity_disclosure_report", "report_id"),
    Index("identity_disclosure_tenant_state", "tenant_id", "state"),
)

#: The first of the two keys of ``pg_try_advisory_xact_lock(int, int)`` that holds an
#: idempotency key while its request is processed ("WBSI"). The runtime's locks use the
#: one-bigint form, a separate key space.
IDEMPOTENCY_LOCK_CLASS = 0x57425349


# The statements of a submission, a status check and a batch of registrations run on the driver
# (``Repository._driver``): through SQLAlchemy's session each cost 170-350 us of CPU, of which the
# round trip is about 40 us, and a submission runs six of them. The tables above stay the schema.
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
_TENANT_WITH_CATEGORY = """
    SELECT tenant.id, tenant.name, tenant_category.slug, tenant_category.label_id, tenant_category.label_en
    FROM tenant LEFT JOIN tenant_category ON tenant_category.tenant_id = tenant.id AND tenant_category.slug = $2
    WHERE tenant.id = $1 AND tenant.offered
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


class SqlIdentityRepository(Repository):
    async def put(self, report_id: UUID, sealed: SealedPayload, at: datetime) -> None:
        values = {"report_id": report_id, "sealed": sealed.model_dump(mode="json"), "recorded_at": at}
        statement = upsert(reporter_identity_table).values(values)
        await self._session.execute(
            statement.on_conflict_do_update(index_elements=[reporter_identity_table.c.report_id], set_=values)
        )

    async def get(self, report_id: UUID) -> tuple[SealedPayload, datetime] | None:
        row = (
            await self._session.execute(
                select(reporter_identity_table).where(reporter_identity_table.c.report_id == report_id)
            )
        ).first()
        if row is None:
            return None
        return SealedPayload.model_validate(row.sealed), row.recorded_at


class SqlEvidenceRepository(Repository):
    async def add(self, evidence: Evidence) -> None:
        await self._session.execute(
            insert(evidence_table).values(
                id=evidence.id,
                report_id=evidence.report_id,
                blob=evidence.blob,
                size_bytes=evidence.size_bytes,
                added_at=evidence.added_at,
                late=evidence.late,
                sealed_receipt=evidence.receipt.model_dump(mode="json"),
            )
        )

    async def of_report(self, report_id: UUID) -> list[Evidence]:
        rows = await self._session.execute(
            select(evidence_table)
            .where(evidence_table.c.report_id == report_id)
            .order_by(evidence_table.c.added_at, evidence_table.c.id)
        )
        return [
            Evidence(
                id=row.id,
                report_id=row.report_id,
                blob=row.blob,
                size_bytes=row.size_bytes,
                added_at=row.added_at,
                late=row.late,
                receipt=SealedPayload.model_validate(row.sealed_receipt),
            )
            for row in rows
        ]

    async def totals(self, report_id: UUID) -> tuple[int, int]:
        query = select(func.count(), func.coalesce(func.sum(evidence_table.c.size_bytes), 0)).where(
            evidence_table.c.report_id == report_id
        )
        files, size = (await self._session.execute(query)).one()
        return int(files), int(size)

    async def limits(self, tenant: str) -> EvidenceLimits:
        configuration = await TenantDirectory(self._session).get(tenant)
        return configuration.policy.evidence if configuration is not None else EvidenceLimits()


class SqlPseudonymRepository(Repository):
    async def add(self, credential: PseudonymCredential, report_id: UUID, at: datetime) -> None:
        statement = insert(reporter_pseudonym_table).values(
            pseudonym_digest=credential.pseudonym_digest,
            report_id=report_id,
            password_hash=credential.password_hash,
            created_at=at,
        )
        try:
            # In a savepoint: a clash must leave the session usable for the caller to roll back.
            async with self._session.begin_nested():
                await self._session.execute(statement)
        except IntegrityError:
            raise PseudonymTaken from None

    async def find(self, pseudonym_digest: bytes) -> tuple[UUID, str] | None:
        query = select(reporter_pseudonym_table.c.report_id, reporter_pseudonym_table.c.password_hash).where(
            reporter_pseudonym_table.c.pseudonym_digest == pseudonym_digest
        )
        row = (await self._session.execute(query)).first()
        return (row.report_id, row.password_hash) if row else None

    async def replace_password_hash(self, pseudonym_digest: bytes, password_hash: str) -> None:
        await self._session.execute(
            update(reporter_pseudonym_table)
            .where(reporter_pseudonym_table.c.pseudonym_digest == pseudonym_digest)
            .values(password_hash=password_hash)
        )

    async def used_by(self, report_id: UUID) -> bool:
        query = select(exists().where(reporter_pseudonym_table.c.report_id == report_id))
        return bool((await self._session.execute(query)).scalar())


class SqlBodyDirectory(Repository):
    """Bodies as the reporter's pages show them: intake's offered tenants, placed in the hierarchy
    by the runtime's kept configurations."""

    async def offered(self) -> list[OfferedBody]:
        query = (
            select(tenant_table.c.id, tenant_table.c.name, tenant_configuration.c.ancestors)
            .select_from(
                tenant_table.outerjoin(tenant_configuration, tenant_configuration.c.tenant_id == tenant_table.c.id)
            )
            .where(tenant_table.c.offered)
            .order_by(tenant_table.c.name)
        )
        return [OfferedBody(row.id, row.name, tuple(row.ancestors or ())) for row in await self._session.execute(query)]

    async def names(self, tenant_ids: list[str]) -> dict[str, str]:
        if not tenant_ids:
            return {}
        query = select(tenant_configuration.c.tenant_id, tenant_configuration.c.configuration["name"].astext).where(
            tenant_configuration.c.tenant_id.in_(tenant_ids)
        )
        return {row[0]: row[1] for row in await self._session.execute(query)}

    async def configuration(self, tenant_id: str) -> TenantConfiguredV1 | None:
        return await TenantDirectory(self._session).get(tenant_id)


class SqlReporterSessionRepository(Repository):
    async def add(self, session: ReporterSession) -> None:
        await self._session.execute(
            insert(reporter_session_table).values(
                token_digest=session.token_digest,
                report_id=session.report_id,
                created_at=session.created_at,
                expires_at=session.expires_at,
            )
        )

    async def get(self, token_digest: bytes) -> ReporterSession | None:
        row = (
            await self._session.execute(
                select(reporter_session_table).where(reporter_session_table.c.token_digest == token_digest)
            )
        ).first()
        if row is None:
            return None
        return ReporterSession(row.token_digest, row.report_id, row.created_at, row.expires_at)

    async def extend(self, session: ReporterSession) -> None:
        await self._session.execute(
            update(reporter_session_table)
            .where(reporter_session_table.c.token_digest == session.token_digest)
            .values(expires_at=session.expires_at)
        )

    async def remove(self, token_digest: bytes) -> None:
        await self._session.execute(
            delete(reporter_session_table).where(reporter_session_table.c.token_digest == token_digest)
        )

    async def prune(self, now: datetime) -> int:
        result = await self._session.execute(
            delete(reporter_session_table).where(reporter_session_table.c.expires_at <= now)
        )
        return int(getattr(result, "rowcount", 0) or 0)


class SqlTenantRepository(Repository):
    async def all(self) -> list[Tenant]:
        return await self._load()

    async def get(self, tenant_id: str) -> Tenant | None:
        found = await self._load(tenant_id)
        return found[0] if found else None

    async def with_category(self, tenant_id: str, slug: str) -> Tenant | None:
        row = await (await self._driver()).fetchrow(_TENANT_WITH_CATEGORY, tenant_id, slug)
        if row is None:
            return None
        categories = (Category(row["slug"], row["label_id"], row["label_en"]),) if row["slug"] is not None else ()
        return Tenant(id=row["id"], name=row["name"], categories=categories)

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


class SqlMailboxRepository(Repository):
    async def add(self, message: MailboxMessage) -> bool:
        statement = (
            upsert(mailbox_message_table)
            .values(
                id=message.id,
                report_id=message.report_id,
                direction=message.direction.value,
                kind=message.kind,
                sent_at=message.sent_at,
                sealed=message.sealed.model_dump(mode="json"),
                in_reply_to=message.in_reply_to,
                answer_due=message.answer_due,
            )
            .on_conflict_do_nothing(index_elements=[mailbox_message_table.c.id])
            .returning(mailbox_message_table.c.id)
        )
        return (await self._session.execute(statement)).first() is not None

    async def of_report(self, report_id: UUID) -> list[MailboxMessage]:
        query = (
            select(mailbox_message_table)
            .where(mailbox_message_table.c.report_id == report_id)
            .order_by(mailbox_message_table.c.sent_at, mailbox_message_table.c.id)
        )
        return [
            MailboxMessage(
                id=row.id,
                report_id=row.report_id,
                direction=Direction(row.direction),
                kind=row.kind,
                sent_at=row.sent_at,
                sealed=SealedPayload.model_validate(row.sealed),
                in_reply_to=row.in_reply_to,
                answer_due=row.answer_due,
            )
            for row in await self._session.execute(query)
        ]


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


class SqlTenantConfigurations(Repository):
    """The tenants' configurations kept from directory (``wbs_runtime.tenancy``)."""

    async def get(self, tenant_id: str) -> TenantConfiguredV1 | None:
        return await TenantDirectory(self._session).get(tenant_id)

    async def descendants(self, tenant_id: str) -> list[TenantConfiguredV1]:
        return await TenantDirectory(self._session).descendants(tenant_id)


class SqlIntakeUnitOfWork(UnitOfWork):
    reports: SqlReportRepository
    tenants: SqlTenantRepository
    idempotency: SqlIdempotencyRepository
    reporter_sessions: SqlReporterSessionRepository
    identities: SqlIdentityRepository
    evidence: SqlEvidenceRepository
    pseudonyms: SqlPseudonymRepository
    bodies: SqlBodyDirectory
    messages: SqlMailboxRepository
    recordings: SqlRecordingRepository
    notices: SqlNoticeRepository
    disclosures: SqlDisclosureRepository
    configurations: SqlTenantConfigurations
