"""What intake keeps for reporters: identities and messages sealed, files, pseudonyms, sessions."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import (
    delete,
    exists,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.exc import IntegrityError

from wbs_contracts.events.directory import EvidenceLimits
from wbs_contracts.sealed import SealedPayload
from wbs_intake.adapters.db.tables import (
    evidence_table,
    mailbox_message_table,
    reporter_identity_table,
    reporter_pseudonym_table,
    reporter_session_table,
)
from wbs_intake.domain.evidence import Evidence
from wbs_intake.domain.mailbox import Direction, MailboxMessage
from wbs_intake.domain.reporter_session import ReporterSession
from wbs_intake.ports import PseudonymCredential, PseudonymTaken
from wbs_runtime.tenancy import TenantDirectory
from wbs_runtime.unit_of_work import Repository


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
