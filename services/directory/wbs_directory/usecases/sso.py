"""Single sign-on through a body's OpenID provider: signing in with a linked identity, and
linking one (by the officer, signed in, or by an operator with ``wbs officers link-sso``).

A tenant's policy names its provider (``policy.oidc_issuer``); the deployment has a client there
(``WBS_DIRECTORY_OIDC_CLIENTS``). An identity opens the account it is linked to only while the
issuer is still named by a tenant the officer holds a role in. The session it opens is the same
kind a password opens (``open_session``), with ``amr`` ``oidc`` (and ``mfa`` when the provider
reports a second factor); otherwise the officer's TOTP is asked as after a password (when
enrolled, or enrolment when a tenant requires it). An unlinked identity gets one refusal that
says nothing about which accounts exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from wbs_directory.domain.identity_link import (
    IdentityLink,
    SsoPurpose,
    check_issuer,
    check_subject,
    flow_digest,
    new_flow,
    provider_did_mfa,
    session_methods,
)
from wbs_directory.ports import (
    AuditAction,
    AuditRecord,
    DirectoryUnitOfWork,
    IdentityProviders,
    ProviderFailed,
    VerifiedIdentity,
)
from wbs_directory.usecases.officers import UnknownOfficer
from wbs_directory.usecases.sign_in import (
    ACTIVE_ONLY,
    SessionInvalid,
    SignInContext,
    Started,
    _session,
    _tenants,
    open_session,
)
from wbs_runtime.clock import Clock


@dataclass(frozen=True)
class SsoChoice:
    """A "sign in with SSO" button: a tenant whose provider the deployment has a client at."""

    tenant: str
    name: str
    issuer: str


class UnknownProvider(LookupError):
    """No tenant of that id names a provider the deployment has a client at."""


class FlowInvalid(Exception):
    """No flow for this browser, an expired one, or an answer whose state is not the flow's."""


class ProviderRefused(Exception):
    """The provider answered with an error, or its answer failed a check."""


class IdentityNotLinked(Exception):
    """The identity opens no account (unlinked, deactivated, or the issuer no longer its tenants')."""


class IdentityTaken(ValueError):
    """The identity is linked to another account already."""


@dataclass(frozen=True)
class Begun:
    #: The browser keeps this (a cookie) until the provider sends it back.
    flow_token: str
    url: str


@dataclass(frozen=True)
class Finished:
    purpose: SsoPurpose
    #: For a sign-in: the new session.
    started: Started | None = None
    #: For a link: the identity now linked.
    identity: VerifiedIdentity | None = None


async def sso_choices(uow: DirectoryUnitOfWork, providers: IdentityProviders) -> list[SsoChoice]:
    async with uow:
        tenants = await uow.identities.sso_tenants()
    return [
        SsoChoice(tenant, name, issuer) for tenant, (name, issuer) in tenants.items() if providers.configured(issuer)
    ]


async def _issuer_of(uow: DirectoryUnitOfWork, providers: IdentityProviders, tenant: str) -> str:
    found = (await uow.identities.sso_tenants()).get(tenant)
    if found is None or not providers.configured(found[1]):
        raise UnknownProvider(tenant)
    return found[1]


async def begin_sign_in(
    uow: DirectoryUnitOfWork, context: SignInContext, providers: IdentityProviders, *, tenant: str, redirect_uri: str
) -> Begun:
    async with uow:
        issuer = await _issuer_of(uow, providers, tenant)
        token, flow = new_flow(issuer=issuer, tenant=tenant, purpose=SsoPurpose.SIGN_IN, at=context.clock())
        await uow.identities.start_flow(flow_digest(token), flow)
        await uow.commit()
    try:
        url = await providers.authorization_url(flow, redirect_uri)
    except ProviderFailed as error:
        raise ProviderRefused(str(error)) from error
    return Begun(token, url)


async def begin_link(
    uow: DirectoryUnitOfWork,
    context: SignInContext,
    providers: IdentityProviders,
    *,
    session_token: str | None,
    tenant: str,
    redirect_uri: str,
) -> Begun:
    """Only for a tenant the signed-in officer holds a role in."""
    async with uow:
        found = await _session(uow, session_token, context, ACTIVE_ONLY)
        if tenant not in _tenants(found.grants):
            raise UnknownProvider(tenant)
        issuer = await _issuer_of(uow, providers, tenant)
        token, flow = new_flow(
            issuer=issuer, tenant=tenant, purpose=SsoPurpose.LINK, at=context.clock(), officer_id=found.officer.id
        )
        await uow.identities.start_flow(flow_digest(token), flow)
        await uow.commit()
    try:
        url = await providers.authorization_url(flow, redirect_uri)
    except ProviderFailed as error:
        raise ProviderRefused(str(error)) from error
    return Begun(token, url)


async def finish(
    uow: DirectoryUnitOfWork,
    context: SignInContext,
    providers: IdentityProviders,
    *,
    flow_token: str | None,
    session_token: str | None,
    state: str,
    code: str,
    error: str,
    redirect_uri: str,
) -> Finished:
    """The provider's answer at the callback: the flow is used up whatever happens next."""
    if not flow_token:
        raise FlowInvalid()
    async with uow:
        flow = await uow.identities.take_flow(flow_digest(flow_token))
        await uow.commit()
    if flow is None or flow.expired(context.clock()) or not flow.answers(state):
        raise FlowInvalid()
    if error or not code:
        raise ProviderRefused(f"{flow.issuer} answered {error or 'without a code'}")
    try:
        identity = await providers.identify(flow, code, redirect_uri)
    except ProviderFailed as failed:
        raise ProviderRefused(str(failed)) from failed
    if flow.purpose is SsoPurpose.LINK:
        assert flow.officer_id is not None
        await _link_own(uow, context, identity, officer_id=flow.officer_id, session_token=session_token)
        return Finished(SsoPurpose.LINK, identity=identity)
    return Finished(SsoPurpose.SIGN_IN, started=await _sign_in(uow, context, identity))


async def _sign_in(uow: DirectoryUnitOfWork, context: SignInContext, identity: VerifiedIdentity) -> Started:
    async with uow:
        officer_id = await uow.identities.officer_of(identity.issuer, identity.subject)
        officer = await uow.officers.by_id(officer_id) if officer_id else None
        grants = await uow.officers.grants(officer.id) if officer else []
        tenants = await uow.identities.sso_tenants()
        issuer_theirs = any(tenants.get(g.tenant, ("", ""))[1] == identity.issuer for g in grants)
        if officer is None or not officer.active or not issuer_theirs:
            await uow.audit_log.record(
                AuditRecord(
                    AuditAction.SIGN_IN_FAILED,
                    None,
                    _tenants(grants),
                    subject=f"{identity.issuer} {identity.subject}",
                    detail={"method": "oidc", "linked": "yes" if officer else "no"},
                )
            )
            await uow.commit()
            raise IdentityNotLinked()
        started = await open_session(
            uow,
            context,
            officer,
            grants,
            amr=session_methods(identity.amr),
            totp_done=provider_did_mfa(identity.amr),
            must_change_password=False,
        )
        await uow.commit()
    return started


async def _link_own(
    uow: DirectoryUnitOfWork,
    context: SignInContext,
    identity: VerifiedIdentity,
    *,
    officer_id: UUID,
    session_token: str | None,
) -> None:
    """The link made by the officer whose session started the flow (and still lives)."""
    async with uow:
        found = await _session(uow, session_token, context, ACTIVE_ONLY)
        if found.officer.id != officer_id:
            raise SessionInvalid()
        link = IdentityLink(officer_id, identity.issuer, identity.subject, context.clock(), str(officer_id))
        if await uow.identities.link(link) not in (None, officer_id):
            await uow.commit()
            raise IdentityTaken()
        await _linked(uow, link, _tenants(found.grants), session_id=str(found.session.id))
        await uow.commit()


async def _linked(
    uow: DirectoryUnitOfWork, link: IdentityLink, tenants: tuple[str, ...], session_id: str | None
) -> None:
    await uow.audit_log.record(
        AuditRecord(
            AuditAction.SSO_LINKED,
            link.linked_by,
            tenants,
            subject=str(link.officer_id),
            session_id=session_id,
            detail={"issuer": link.issuer, "subject": link.subject},
        )
    )


async def identities_of(
    uow: DirectoryUnitOfWork, context: SignInContext, *, session_token: str | None
) -> list[IdentityLink]:
    """The signed-in officer's linked identities."""
    async with uow:
        found = await _session(uow, session_token, context, ACTIVE_ONLY)
        links = await uow.identities.of_officer(found.officer.id)
        await uow.commit()
    return links


async def unlink_own(
    uow: DirectoryUnitOfWork, context: SignInContext, *, session_token: str | None, issuer: str
) -> bool:
    async with uow:
        found = await _session(uow, session_token, context, ACTIVE_ONLY)
        removed = await uow.identities.unlink(found.officer.id, issuer)
        if removed:
            await uow.audit_log.record(
                AuditRecord(
                    AuditAction.SSO_UNLINKED,
                    str(found.officer.id),
                    _tenants(found.grants),
                    subject=str(found.officer.id),
                    session_id=str(found.session.id),
                    detail={"issuer": issuer},
                )
            )
        await uow.commit()
    return removed


async def link_by_operator(
    uow: DirectoryUnitOfWork, *, login: str, issuer: str, subject: str, actor: str, clock: Clock
) -> IdentityLink:
    """``wbs officers link-sso``: the issuer must be one some tenant names in its policy."""
    issuer, subject = check_issuer(issuer), check_subject(subject)
    async with uow:
        officer = await uow.officers.by_login(login.strip().lower())
        if officer is None:
            raise UnknownOfficer(login)
        named = {found for _, found in (await uow.identities.sso_tenants()).values()}
        if issuer not in named:
            raise UnknownProvider(
                f"tidak ada instansi yang memakai penerbit ini / no tenant's policy names the issuer {issuer!r}"
            )
        link = IdentityLink(officer.id, issuer, subject, clock(), actor)
        if await uow.identities.link(link) not in (None, officer.id):
            raise IdentityTaken(
                "identitas ini sudah terhubung dengan akun lain / the identity is linked to another account"
            )
        await _linked(uow, link, _tenants(await uow.officers.grants(officer.id)), session_id=None)
        await uow.commit()
    return link


async def unlink_by_operator(uow: DirectoryUnitOfWork, *, login: str, issuer: str, actor: str) -> bool:
    async with uow:
        officer = await uow.officers.by_login(login.strip().lower())
        if officer is None:
            raise UnknownOfficer(login)
        removed = await uow.identities.unlink(officer.id, issuer)
        if removed:
            await uow.audit_log.record(
                AuditRecord(
                    AuditAction.SSO_UNLINKED,
                    actor,
                    _tenants(await uow.officers.grants(officer.id)),
                    subject=str(officer.id),
                    detail={"issuer": issuer},
                )
            )
        await uow.commit()
    return removed
