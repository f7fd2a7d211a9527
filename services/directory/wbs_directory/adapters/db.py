"""Directory's tables: tenants (current version) and every version of every tenant; officers,
their grants, recovery codes and sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self
from uuid import UUID

from sqlalchemy import (
    BigInteger,
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
    delete,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, insert
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wbs_contracts.roles import Role
from wbs_directory.adapters.audit import TrailAuditLog
from wbs_directory.adapters.totp_sealing import TotpSealer
from wbs_directory.domain.identity_link import FLOW_LIFETIME, IdentityLink, SsoFlow, SsoPurpose
from wbs_directory.domain.officer import Grant, Officer, Totp
from wbs_directory.domain.session import Ended, SignInSession, Stage
from wbs_directory.domain.tenant import TenantDocument
from wbs_directory.ports import StoredTenant
from wbs_runtime.unit_of_work import Repository, UnitOfWork

metadata = MetaData()
#: Flows older than this are deleted whenever a new one starts (an abandoned sign-in leaves one).
FLOW_KEPT = FLOW_LIFETIME * 2

tenant_table = Table(
    "tenant",
    metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("parent_id", Text, ForeignKey("tenant.id"), nullable=True),
    Column("version", Integer, nullable=False),
    Column("document", JSONB, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("changed_by", Text, nullable=False),
)

tenant_version_table = Table(
    "tenant_version",
    metadata,
    Column("tenant_id", Text, ForeignKey("tenant.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("document", JSONB, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("changed_by", Text, nullable=False),
)

officer_table = Table(
    "officer",
    metadata,
    Column("id", PG_UUID(as_uuid=True), primary_key=True),
    Column("login", Text, nullable=False, unique=True),
    Column("display_name", Text, nullable=False),
    Column("email", Text, nullable=True),
    Column("active", Boolean, nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("must_change_password", Boolean, nullable=False),
    Column("totp_secret", Text, nullable=True),
    Column("totp_last_step", BigInteger, nullable=True),
    Column("pending_totp_secret", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

officer_grant_table = Table(
    "officer_grant",
    metadata,
    Column("officer_id", PG_UUID(as_uuid=True), ForeignKey("officer.id"), primary_key=True),
    Column("tenant_id", Text, ForeignKey("tenant.id"), primary_key=True),
    Column("role", Text, primary_key=True),
    Column("granted_at", DateTime(timezone=True), nullable=False),
    Column("granted_by", Text, nullable=False),
)

recovery_code_table = Table(
    "recovery_code",
    metadata,
    Column("officer_id", PG_UUID(as_uuid=True), ForeignKey("officer.id"), primary_key=True),
    Column("digest", Text, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True), nullable=True),
)

officer_session_table = Table(
    "officer_session",
    metadata,
    Column("id", PG_UUID(as_uuid=True), primary_key=True),
    Column("officer_id", PG_UUID(as_uuid=True), ForeignKey("officer.id"), nullable=False),
    # Only a digest of the cookie's token: a copy of the table opens no session.
    Column("token_digest", LargeBinary, nullable=False, unique=True),
    Column("stage", Text, nullable=False),
    Column("amr", ARRAY(Text), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True), nullable=True),
    Column("ended_reason", Text, nullable=True),
    Index("officer_session_officer", "officer_id"),
)


def _stored(row: Any) -> StoredTenant:
    return StoredTenant(
        document=TenantDocument.model_validate(row.document),
        version=row.version,
        changed_at=row.changed_at,
        changed_by=row.changed_by,
    )


class SqlTenants(Repository):
    async def all(self, *, lock: bool = False) -> dict[str, StoredTenant]:
        query = select(tenant_table).order_by(tenant_table.c.id)
        rows = await self._session.execute(query.with_for_update() if lock else query)
        return {row.id: _stored(row) for row in rows}

    async def save(self, stored: StoredTenant) -> None:
        document = stored.document
        values = {
            "id": document.id,
            "name": document.name,
            "kind": document.kind.value,
            "parent_id": document.parent,
            "version": stored.version,
            "document": document.model_dump(mode="json"),
            "changed_at": stored.changed_at,
            "changed_by": stored.changed_by,
        }
        upsert = insert(tenant_table).values(values)
        await self._session.execute(
            upsert.on_conflict_do_update(index_elements=[tenant_table.c.id], set_=dict(upsert.excluded))
        )
        await self._session.execute(
            insert(tenant_version_table).values(
                tenant_id=document.id,
                version=stored.version,
                document=values["document"],
                changed_at=stored.changed_at,
                changed_by=stored.changed_by,
            )
        )

    async def history(self, tenant_id: str) -> list[StoredTenant]:
        rows = await self._session.execute(
            select(tenant_version_table)
            .where(tenant_version_table.c.tenant_id == tenant_id)
            .order_by(tenant_version_table.c.version)
        )
        return [_stored(row) for row in rows]


def _officer(row: Any, sealer: TotpSealer | None) -> Officer:
    opened = sealer.open(row.id, row.totp_secret) if sealer else row.totp_secret
    pending = sealer.open(row.id, row.pending_totp_secret) if sealer else row.pending_totp_secret
    return Officer(
        id=row.id,
        login=row.login,
        display_name=row.display_name,
        email=row.email,
        active=row.active,
        password_hash=row.password_hash,
        must_change_password=row.must_change_password,
        created_at=row.created_at,
        totp=Totp(opened, row.totp_last_step) if opened else None,
        pending_totp_secret=pending,
    )


def _officer_values(officer: Officer, sealer: TotpSealer | None) -> dict[str, Any]:
    def sealed(secret: str | None) -> str | None:
        return sealer.seal(officer.id, secret) if sealer else secret

    return {
        "id": officer.id,
        "login": officer.login,
        "display_name": officer.display_name,
        "email": officer.email,
        "active": officer.active,
        "password_hash": officer.password_hash,
        "must_change_password": officer.must_change_password,
        "totp_secret": sealed(officer.totp.secret if officer.totp else None),
        "totp_last_step": officer.totp.last_step if officer.totp else None,
        "pending_totp_secret": sealed(officer.pending_totp_secret),
        "created_at": officer.created_at,
    }


class SqlOfficers(Repository):
    #: Seals TOTP secrets at rest; the running service sets it (``SqlDirectoryUnitOfWork``). Without
    #: one (operator commands, which never read a code), secrets pass through as stored.
    sealer: TotpSealer | None = None

    async def by_login(self, login: str) -> Officer | None:
        row = (await self._session.execute(select(officer_table).where(officer_table.c.login == login))).first()
        return _officer(row, self.sealer) if row else None

    async def by_id(self, officer_id: UUID, *, lock: bool = False) -> Officer | None:
        query = select(officer_table).where(officer_table.c.id == officer_id)
        row = (await self._session.execute(query.with_for_update() if lock else query)).first()
        return _officer(row, self.sealer) if row else None

    async def all(self) -> list[Officer]:
        rows = await self._session.execute(select(officer_table).order_by(officer_table.c.login))
        return [_officer(row, self.sealer) for row in rows]

    async def add(self, officer: Officer) -> None:
        await self._session.execute(insert(officer_table).values(_officer_values(officer, self.sealer)))

    async def update(self, officer: Officer) -> None:
        values = _officer_values(officer, self.sealer)
        del values["id"], values["created_at"]
        await self._session.execute(update(officer_table).where(officer_table.c.id == officer.id).values(values))

    async def grants(self, officer_id: UUID) -> list[Grant]:
        rows = await self._session.execute(
            select(officer_grant_table.c.tenant_id, officer_grant_table.c.role).where(
                officer_grant_table.c.officer_id == officer_id
            )
        )
        return sorted(Grant(row.tenant_id, Role(row.role)) for row in rows)

    async def all_grants(self) -> dict[UUID, list[Grant]]:
        rows = await self._session.execute(select(officer_grant_table))
        grants: dict[UUID, list[Grant]] = {}
        for row in rows:
            grants.setdefault(row.officer_id, []).append(Grant(row.tenant_id, Role(row.role)))
        return grants

    async def grant(self, officer_id: UUID, grant: Grant, *, at: datetime, by: str) -> bool:
        result = await self._session.execute(
            insert(officer_grant_table)
            .values(officer_id=officer_id, tenant_id=grant.tenant, role=grant.role.value, granted_at=at, granted_by=by)
            .on_conflict_do_nothing()
            .returning(officer_grant_table.c.role)
        )
        return result.first() is not None

    async def revoke(self, officer_id: UUID, grant: Grant) -> bool:
        result = await self._session.execute(
            delete(officer_grant_table)
            .where(
                officer_grant_table.c.officer_id == officer_id,
                officer_grant_table.c.tenant_id == grant.tenant,
                officer_grant_table.c.role == grant.role.value,
            )
            .returning(officer_grant_table.c.role)
        )
        return result.first() is not None

    async def tenant_parents(self) -> dict[str, str | None]:
        rows = await self._session.execute(select(tenant_table.c.id, tenant_table.c.parent_id))
        return {row.id: row.parent_id for row in rows}

    async def tenant_names(self) -> dict[str, str]:
        rows = await self._session.execute(select(tenant_table.c.id, tenant_table.c.name))
        return {row.id: row.name for row in rows}

    async def tenants_requiring_totp(self, tenant_ids: list[str]) -> list[str]:
        if not tenant_ids:
            return []
        required = tenant_table.c.document["policy"]["totp_required"].as_boolean()
        rows = await self._session.execute(
            select(tenant_table.c.id).where(tenant_table.c.id.in_(tenant_ids), required.is_(True))
        )
        return sorted(row.id for row in rows)

    async def replace_recovery_codes(self, officer_id: UUID, digests: list[str], *, at: datetime) -> None:
        await self._session.execute(delete(recovery_code_table).where(recovery_code_table.c.officer_id == officer_id))
        await self._session.execute(
            insert(recovery_code_table),
            [{"officer_id": officer_id, "digest": d, "created_at": at, "used_at": None} for d in digests],
        )

    async def use_recovery_code(self, officer_id: UUID, digest: str, *, at: datetime) -> bool:
        result = await self._session.execute(
            update(recovery_code_table)
            .where(
                recovery_code_table.c.officer_id == officer_id,
                recovery_code_table.c.digest == digest,
                recovery_code_table.c.used_at.is_(None),
            )
            .values(used_at=at)
            .returning(recovery_code_table.c.digest)
        )
        return result.first() is not None

    async def recovery_codes_left(self, officer_id: UUID) -> int:
        count = await self._session.scalar(
            select(func.count()).where(
                recovery_code_table.c.officer_id == officer_id, recovery_code_table.c.used_at.is_(None)
            )
        )
        return int(count or 0)


def _session(row: Any) -> SignInSession:
    return SignInSession(
        id=row.id,
        officer_id=row.officer_id,
        stage=Stage(row.stage),
        amr=tuple(row.amr),
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        ended_at=row.ended_at,
        ended=Ended(row.ended_reason) if row.ended_reason else None,
    )


class SqlSessions(Repository):
    async def add(self, session: SignInSession, token_digest: bytes) -> None:
        await self._session.execute(
            insert(officer_session_table).values(
                id=session.id,
                officer_id=session.officer_id,
                token_digest=token_digest,
                stage=session.stage.value,
                amr=list(session.amr),
                created_at=session.created_at,
                last_seen_at=session.last_seen_at,
            )
        )

    async def by_token(self, token_digest: bytes) -> SignInSession | None:
        query = select(officer_session_table).where(officer_session_table.c.token_digest == token_digest)
        row = (await self._session.execute(query.with_for_update())).first()
        return _session(row) if row else None

    async def save(self, session: SignInSession) -> None:
        await self._session.execute(
            update(officer_session_table)
            .where(officer_session_table.c.id == session.id)
            .values(
                stage=session.stage.value,
                amr=list(session.amr),
                last_seen_at=session.last_seen_at,
                ended_at=session.ended_at,
                ended_reason=session.ended.value if session.ended else None,
            )
        )

    async def replace_token(self, session_id: UUID, token_digest: bytes) -> None:
        await self._session.execute(
            update(officer_session_table)
            .where(officer_session_table.c.id == session_id)
            .values(token_digest=token_digest)
        )

    async def end_all(self, officer_id: UUID, *, at: datetime, reason: Ended, keep: UUID | None = None) -> int:
        query = update(officer_session_table).where(
            officer_session_table.c.officer_id == officer_id, officer_session_table.c.ended_at.is_(None)
        )
        if keep is not None:
            query = query.where(officer_session_table.c.id != keep)
        result = await self._session.execute(
            query.values(ended_at=at, ended_reason=reason.value).returning(officer_session_table.c.id)
        )
        return len(result.all())

    async def last_sign_ins(self, officer_ids: list[UUID]) -> dict[UUID, datetime]:
        if not officer_ids:
            return {}
        # A session reaches the active stage only when its sign-in was completed.
        rows = await self._session.execute(
            select(officer_session_table.c.officer_id, func.max(officer_session_table.c.created_at).label("at"))
            .where(
                officer_session_table.c.officer_id.in_(officer_ids),
                officer_session_table.c.stage == Stage.ACTIVE.value,
            )
            .group_by(officer_session_table.c.officer_id)
        )
        return {row.officer_id: row.at for row in rows}


class TableAncestry:
    """``TenantAncestry`` for authorisation, from directory's own tenant table (directory keeps no
    ``tenant_configuration`` copy of itself): a province's administrator reaches its kabupaten."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def ancestors(self, tenant_id: str) -> tuple[str, ...]:
        async with self._sessionmaker() as session:
            rows = await session.execute(select(tenant_table.c.id, tenant_table.c.parent_id))
        parents: dict[str, str | None] = {row.id: row.parent_id for row in rows}
        chain: list[str] = []
        current = parents.get(tenant_id)
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current)
        return tuple(chain)


class SqlDirectoryUnitOfWork(UnitOfWork):
    tenants: SqlTenants
    officers: SqlOfficers
    sessions: SqlSessions
    audit_log: TrailAuditLog
    identities: SqlIdentityLinks

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], consumer: str, sealer: TotpSealer | None = None
    ) -> None:
        super().__init__(sessionmaker, consumer)
        self._sealer = sealer

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.officers.sealer = self._sealer
        return self


# -- single sign-on ------------------------------------------------------------------------------

officer_identity_table = Table(
    "officer_identity",
    metadata,
    # One identity opens one account; an officer has at most one identity per provider.
    Column("issuer", Text, primary_key=True),
    Column("subject", Text, primary_key=True),
    Column("officer_id", PG_UUID(as_uuid=True), ForeignKey("officer.id"), nullable=False),
    Column("linked_at", DateTime(timezone=True), nullable=False),
    Column("linked_by", Text, nullable=False),
    Index("officer_identity_officer_issuer", "officer_id", "issuer", unique=True),
)

sso_flow_table = Table(
    "sso_flow",
    metadata,
    # Only a digest of the browser's flow cookie.
    Column("token_digest", LargeBinary, primary_key=True),
    Column("issuer", Text, nullable=False),
    Column("tenant_id", Text, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("nonce", Text, nullable=False),
    Column("code_verifier", Text, nullable=False),
    Column("officer_id", PG_UUID(as_uuid=True), nullable=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Index("sso_flow_started", "started_at"),
)


class SqlIdentityLinks(Repository):
    async def officer_of(self, issuer: str, subject: str) -> UUID | None:
        found = await self._session.scalar(
            select(officer_identity_table.c.officer_id).where(
                officer_identity_table.c.issuer == issuer, officer_identity_table.c.subject == subject
            )
        )
        return found if isinstance(found, UUID) else None

    async def of_officer(self, officer_id: UUID) -> list[IdentityLink]:
        rows = await self._session.execute(
            select(officer_identity_table)
            .where(officer_identity_table.c.officer_id == officer_id)
            .order_by(officer_identity_table.c.issuer)
        )
        return [IdentityLink(row.officer_id, row.issuer, row.subject, row.linked_at, row.linked_by) for row in rows]

    async def link(self, link: IdentityLink) -> UUID | None:
        holder = await self.officer_of(link.issuer, link.subject)
        if holder is not None:
            return holder
        # A new identity at the same provider replaces the officer's earlier one.
        await self.unlink(link.officer_id, link.issuer)
        await self._session.execute(
            insert(officer_identity_table).values(
                issuer=link.issuer,
                subject=link.subject,
                officer_id=link.officer_id,
                linked_at=link.linked_at,
                linked_by=link.linked_by,
            )
        )
        return None

    async def unlink(self, officer_id: UUID, issuer: str) -> bool:
        result = await self._session.execute(
            delete(officer_identity_table)
            .where(officer_identity_table.c.officer_id == officer_id, officer_identity_table.c.issuer == issuer)
            .returning(officer_identity_table.c.subject)
        )
        return result.first() is not None

    async def sso_tenants(self) -> dict[str, tuple[str, str]]:
        issuer = tenant_table.c.document["policy"]["oidc_issuer"].as_string()
        active = tenant_table.c.document["active"].as_boolean()
        rows = await self._session.execute(
            select(tenant_table.c.id, tenant_table.c.name, issuer.label("issuer"))
            .where(issuer.is_not(None), active.is_not(False))
            .order_by(tenant_table.c.name)
        )
        return {row.id: (row.name, row.issuer) for row in rows}

    async def start_flow(self, token_digest: bytes, flow: SsoFlow) -> None:
        await self._session.execute(
            delete(sso_flow_table).where(sso_flow_table.c.started_at < flow.started_at - FLOW_KEPT)
        )
        await self._session.execute(
            insert(sso_flow_table).values(
                token_digest=token_digest,
                issuer=flow.issuer,
                tenant_id=flow.tenant,
                purpose=flow.purpose.value,
                state=flow.state,
                nonce=flow.nonce,
                code_verifier=flow.code_verifier,
                officer_id=flow.officer_id,
                started_at=flow.started_at,
            )
        )

    async def take_flow(self, token_digest: bytes) -> SsoFlow | None:
        row = (
            await self._session.execute(
                delete(sso_flow_table).where(sso_flow_table.c.token_digest == token_digest).returning(sso_flow_table)
            )
        ).first()
        if row is None:
            return None
        return SsoFlow(
            issuer=row.issuer,
            tenant=row.tenant_id,
            purpose=SsoPurpose(row.purpose),
            state=row.state,
            nonce=row.nonce,
            code_verifier=row.code_verifier,
            started_at=row.started_at,
            officer_id=row.officer_id,
        )
