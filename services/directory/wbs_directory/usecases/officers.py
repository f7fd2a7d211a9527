"""Officers' accounts: created and changed by an operator (``wbs officers``) or, for the accounts
of their tenants, by a tenant administrator. A password is never sent anywhere: a new account and
a reset get a temporary password, shown once to whoever made it, that must be changed at the
next sign-in."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID, uuid4

from wbs_directory.domain.officer import Grant, InvalidOfficer, Officer, administers, check_login, may_grant
from wbs_directory.domain.passwords import check_password, temporary_password
from wbs_directory.domain.session import Ended
from wbs_directory.ports import AuditAction, AuditRecord, DirectoryUnitOfWork, PasswordHasher
from wbs_directory.usecases.contact import publish_contact
from wbs_directory.usecases.roster import publish_roles
from wbs_runtime.clock import Clock


class UnknownOfficer(LookupError):
    def __init__(self, login: str) -> None:
        super().__init__(f"petugas tidak dikenal / unknown officer {login!r}")


class NotPermitted(PermissionError):
    """The administrator does not manage this account (it has roles outside their tenants, or is
    an operator's), or may not grant this role (outside their tenants, or ``operator``)."""


async def _officer(uow: DirectoryUnitOfWork, login: str) -> Officer:
    officer = await uow.officers.by_login(login.strip().lower())
    if officer is None:
        raise UnknownOfficer(login)
    return officer


async def _check_tenants(uow: DirectoryUnitOfWork, grants: list[Grant]) -> None:
    known = await uow.officers.tenant_parents()
    unknown = sorted({g.tenant for g in grants if g.tenant not in known})
    if unknown:
        raise InvalidOfficer(f"instansi tidak dikenal / unknown tenant: {', '.join(unknown)}")


async def _check_administers(uow: DirectoryUnitOfWork, administrator: UUID | None, target: UUID) -> None:
    """``administrator`` None is the operator (``wbs officers``), who may do anything."""
    if administrator is None:
        return
    parents = await uow.officers.tenant_parents()
    if not administers(await uow.officers.grants(administrator), await uow.officers.grants(target), parents):
        raise NotPermitted("bukan akun instansi Anda / not an account of your tenants")


async def _check_may_grant(uow: DirectoryUnitOfWork, administrator: UUID | None, grants: list[Grant]) -> None:
    if administrator is None:
        return
    parents = await uow.officers.tenant_parents()
    admin_grants = await uow.officers.grants(administrator)
    if not all(may_grant(admin_grants, grant, parents) for grant in grants):
        raise NotPermitted(
            "peran ini tidak dapat Anda berikan: hanya di instansi yang Anda kelola, dan tidak pernah peran operator"
            " / you cannot grant this role: only in the tenants you administer, and never the operator role"
        )


async def create_officer(
    uow: DirectoryUnitOfWork,
    hasher: PasswordHasher,
    *,
    login: str,
    display_name: str,
    email: str | None = None,
    grants: list[Grant] | None = None,
    actor: str,
    clock: Clock,
    password: str | None = None,
    administrator: UUID | None = None,
) -> tuple[Officer, str]:
    """The new officer and their password: a temporary one (to be shown once, then forgotten,
    and changed at the first sign-in), or ``password`` as given (it must meet the policy).
    ``administrator``: the tenant administrator creating it (None: an operator), who grants only
    what they may grant, and at least one role (an account without roles is nobody's to manage)."""
    login = check_login(login)
    display_name = display_name.strip()
    if not display_name or len(display_name) > 200:
        raise InvalidOfficer("nama tampilan 1-200 karakter / a display name has 1-200 characters")
    must_change = password is None
    if password is None:
        password = temporary_password()
    else:
        check_password(password, login=login, display_name=display_name)
    password_hash = await hasher.hash(password)
    grants = grants or []
    async with uow:
        if await uow.officers.by_login(login) is not None:
            raise InvalidOfficer(f"nama pengguna {login!r} sudah dipakai / login {login!r} is taken")
        await _check_tenants(uow, grants)
        if administrator is not None and not grants:
            raise NotPermitted("akun baru memerlukan peran / a new account needs a role")
        await _check_may_grant(uow, administrator, grants)
        now = clock()
        officer = Officer(
            id=uuid4(),
            login=login,
            display_name=display_name,
            email=email or None,
            active=True,
            password_hash=password_hash,
            must_change_password=must_change,
            created_at=now,
        )
        await uow.officers.add(officer)
        await uow.audit_log.record(
            AuditRecord(
                AuditAction.OFFICER_CREATED,
                actor,
                tuple(sorted({g.tenant for g in grants})),
                subject=str(officer.id),
                detail={"login": login},
            )
        )
        for grant in grants:
            await _grant(uow, officer, grant, actor=actor, clock=clock)
        await publish_roles(uow, officer, {g.tenant for g in grants}, clock=clock)
        await publish_contact(uow, officer, clock=clock)
        await uow.commit()
    return officer, password


async def _grant(uow: DirectoryUnitOfWork, officer: Officer, grant: Grant, *, actor: str, clock: Clock) -> bool:
    added = await uow.officers.grant(officer.id, grant, at=clock(), by=actor)
    if added:
        await uow.audit_log.record(
            AuditRecord(
                AuditAction.ROLE_GRANTED,
                actor,
                (grant.tenant,),
                subject=str(officer.id),
                detail={"role": grant.role.value},
            )
        )
    return added


async def grant_role(
    uow: DirectoryUnitOfWork,
    *,
    login: str,
    grant: Grant,
    actor: str,
    clock: Clock,
    administrator: UUID | None = None,
) -> bool:
    """True if the officer did not hold the role in that tenant before. A tenant administrator
    grants roles in their tenants only, never ``operator``, and only to accounts they manage."""
    async with uow:
        officer = await _officer(uow, login)
        await _check_tenants(uow, [grant])
        await _check_may_grant(uow, administrator, [grant])
        await _check_administers(uow, administrator, officer.id)
        added = await _grant(uow, officer, grant, actor=actor, clock=clock)
        if added:
            await publish_roles(uow, officer, [grant.tenant], clock=clock)
        await uow.commit()
    return added


async def revoke_role(
    uow: DirectoryUnitOfWork,
    *,
    login: str,
    grant: Grant,
    actor: str,
    clock: Clock,
    administrator: UUID | None = None,
) -> bool:
    async with uow:
        officer = await _officer(uow, login)
        await _check_may_grant(uow, administrator, [grant])
        await _check_administers(uow, administrator, officer.id)
        removed = await uow.officers.revoke(officer.id, grant)
        if removed:
            await uow.audit_log.record(
                AuditRecord(
                    AuditAction.ROLE_REVOKED,
                    actor,
                    (grant.tenant,),
                    subject=str(officer.id),
                    detail={"role": grant.role.value},
                )
            )
            await publish_roles(uow, officer, [grant.tenant], clock=clock)
        await uow.commit()
    return removed


async def reset_password(
    uow: DirectoryUnitOfWork,
    hasher: PasswordHasher,
    *,
    login: str,
    actor: str,
    clock: Clock,
    administrator: UUID | None = None,
) -> str:
    """A new temporary password (shown once to the administrator); every session of the officer
    ends. The second factor stays: whoever learns the temporary password still needs the code."""
    password = temporary_password()
    password_hash = await hasher.hash(password)
    async with uow:
        officer = await _officer(uow, login)
        await _check_administers(uow, administrator, officer.id)
        await uow.officers.update(replace(officer, password_hash=password_hash, must_change_password=True))
        now = clock()
        ended = await uow.sessions.end_all(officer.id, at=now, reason=Ended.PASSWORD_RESET)
        tenants = tuple(sorted({g.tenant for g in await uow.officers.grants(officer.id)}))
        await uow.audit_log.record(
            AuditRecord(
                AuditAction.PASSWORD_RESET,
                actor,
                tenants,
                subject=str(officer.id),
                detail={"sessions_ended": str(ended)},
            )
        )
        await uow.commit()
    return password


async def deactivate_officer(
    uow: DirectoryUnitOfWork, *, login: str, actor: str, clock: Clock, administrator: UUID | None = None
) -> int:
    """The officer can no longer sign in; their sessions end. How many sessions ended."""
    async with uow:
        officer = await _officer(uow, login)
        await _check_administers(uow, administrator, officer.id)
        deactivated = replace(officer, active=False)
        await uow.officers.update(deactivated)
        ended = await uow.sessions.end_all(officer.id, at=clock(), reason=Ended.DEACTIVATED)
        tenants = tuple(sorted({g.tenant for g in await uow.officers.grants(officer.id)}))
        await uow.audit_log.record(
            AuditRecord(AuditAction.OFFICER_DEACTIVATED, actor, tenants, subject=str(officer.id))
        )
        await publish_roles(uow, deactivated, tenants, clock=clock)  # off every roster
        await publish_contact(uow, deactivated, clock=clock)  # no more e-mail
        await uow.commit()
    return ended


async def list_officers(uow: DirectoryUnitOfWork) -> list[tuple[Officer, list[Grant]]]:
    async with uow:
        officers = await uow.officers.all()
        grants = await uow.officers.all_grants()
    return [(officer, sorted(grants.get(officer.id, []))) for officer in officers]
