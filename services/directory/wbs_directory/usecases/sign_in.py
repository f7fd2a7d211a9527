"""Signing in and out, the second factor, changing one's password, and the session behind every
page and every assertion.

A sign-in passes through the steps the officer still needs (``Stage``); each step that succeeds
gives the session a new token, so a token seen before sign-in finished is worth nothing after.
Wrong passwords and codes are throttled per account name (as typed, existing or not) and per
client; the answer to a wrong password is the same whether or not the account exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from uuid import uuid4

from wbs_contracts.identity import ASSERTION_LIFETIME_SECONDS, CallerClaims, TenantRoles
from wbs_directory.domain.officer import Grant, Officer, Totp, grants_by_tenant, normalise_login
from wbs_directory.domain.passwords import SAME_AS_BEFORE, WeakPassword, check_password
from wbs_directory.domain.session import (
    Ended,
    SessionPolicy,
    SessionState,
    SignInSession,
    Stage,
    new_token,
    next_stage,
    token_digest,
)
from wbs_directory.domain.totp import (
    looks_like_recovery_code,
    matching_step,
    new_recovery_codes,
    new_secret,
    provisioning_uri,
    recovery_digest,
)
from wbs_directory.ports import (
    AssertionSigning,
    AuditAction,
    AuditRecord,
    DirectoryUnitOfWork,
    PasswordHasher,
    SignInThrottle,
)
from wbs_runtime.clock import Clock

#: Throttled kinds: wrong passwords per account name, per client; wrong codes per officer.
ACCOUNT = "account"
CLIENT = "client"
CODE = "code"


@dataclass(frozen=True)
class SignInContext:
    hasher: PasswordHasher
    throttle: SignInThrottle
    clock: Clock
    policy: SessionPolicy = field(default_factory=SessionPolicy)


class BadCredentials(Exception):
    """Unknown account, wrong password or deactivated account: one answer for all three."""


class BadCode(Exception):
    """The code is wrong, too old, or was used already."""


class Throttled(Exception):
    def __init__(self, retry_after: timedelta) -> None:
        super().__init__(f"retry after {retry_after}")
        self.retry_after = retry_after


class PasswordsDiffer(ValueError):
    """The new password and its repetition are not the same."""


class SessionInvalid(Exception):
    """No session, or one that expired or ended, or one that has not reached the needed step."""

    def __init__(self, state: SessionState | None = None, stage: Stage | None = None) -> None:
        super().__init__(state or stage or "missing")
        #: None: no such session; else why it cannot be used.
        self.state = state
        #: Set when the session is live but at another step of sign-in.
        self.stage = stage


@dataclass(frozen=True)
class Started:
    """The session's (new) token, and the step it is at."""

    token: str
    stage: Stage


@dataclass(frozen=True)
class Current:
    session: SignInSession
    officer: Officer
    grants: list[Grant]


def _tenants(grants: list[Grant]) -> tuple[str, ...]:
    return tuple(sorted({g.tenant for g in grants}))


def _refuse_if_throttled(throttle: SignInThrottle, *keys: tuple[str, str]) -> None:
    wait = max((throttle.wait(kind, key) for kind, key in keys), default=timedelta(0))
    if wait > timedelta(0):
        raise Throttled(wait)


async def sign_in(
    uow: DirectoryUnitOfWork, context: SignInContext, *, login: str, password: str, client: str
) -> Started:
    account = normalise_login(login)[:200]
    throttle = context.throttle
    try:
        _refuse_if_throttled(throttle, (ACCOUNT, account), (CLIENT, client))
    except Throttled:
        async with uow:
            await uow.audit_log.record(AuditRecord(AuditAction.SIGN_IN_THROTTLED, None, subject=account))
            await uow.commit()
        raise
    async with uow:
        officer = await uow.officers.by_login(account)
    usable = officer is not None and officer.active
    # Verified outside the transaction: the hash takes tens of milliseconds, a connection is not held for it.
    correct = await context.hasher.verify(officer.password_hash if usable and officer else None, password)
    async with uow:
        if not correct or officer is None:
            throttle.failed(ACCOUNT, account)
            throttle.failed(CLIENT, client)
            grants = await uow.officers.grants(officer.id) if officer else []
            await uow.audit_log.record(AuditRecord(AuditAction.SIGN_IN_FAILED, None, _tenants(grants), subject=account))
            await uow.commit()
            raise BadCredentials()
        throttle.succeeded(ACCOUNT, account)
        grants = await uow.officers.grants(officer.id)
        started = await open_session(
            uow,
            context,
            officer,
            grants,
            amr=("pwd",),
            totp_done=False,
            must_change_password=officer.must_change_password,
        )
        await uow.commit()
    return started


async def open_session(
    uow: DirectoryUnitOfWork,
    context: SignInContext,
    officer: Officer,
    grants: list[Grant],
    *,
    amr: tuple[str, ...],
    totp_done: bool,
    must_change_password: bool,
) -> Started:
    """A new session (in ``uow``) for an officer who has just proved who they are by ``amr``,
    at the first step they still need; a sign-in that needs none is recorded as done."""
    required = await uow.officers.tenants_requiring_totp(list(_tenants(grants)))
    stage = next_stage(
        totp_enrolled=officer.totp is not None,
        totp_done=totp_done,
        must_change_password=must_change_password,
        totp_required=bool(required),
    )
    now = context.clock()
    session = SignInSession(uuid4(), officer.id, stage, amr, created_at=now, last_seen_at=now)
    token = new_token()
    await uow.sessions.add(session, token_digest(token))
    if stage is Stage.ACTIVE:
        await _signed_in(uow, session, grants)
    return Started(token, stage)


async def _signed_in(uow: DirectoryUnitOfWork, session: SignInSession, grants: list[Grant]) -> None:
    await uow.audit_log.record(
        AuditRecord(
            AuditAction.SIGNED_IN,
            str(session.officer_id),
            _tenants(grants),
            subject=str(session.officer_id),
            session_id=str(session.id),
            detail={"amr": " ".join(session.amr)},
        )
    )


async def _session(
    uow: DirectoryUnitOfWork, token: str | None, context: SignInContext, stages: frozenset[Stage]
) -> Current:
    """The live session of ``token`` at one of ``stages``, its last use set to now (in ``uow``)."""
    if not token:
        raise SessionInvalid()
    session = await uow.sessions.by_token(token_digest(token))
    if session is None:
        raise SessionInvalid()
    now = context.clock()
    state = session.state(now, context.policy)
    if state is not SessionState.LIVE:
        raise SessionInvalid(state)
    if session.stage not in stages:
        raise SessionInvalid(stage=session.stage)
    officer = await uow.officers.by_id(session.officer_id, lock=True)
    if officer is None or not officer.active:
        raise SessionInvalid(SessionState.ENDED)
    session = session.seen(now)
    await uow.sessions.save(session)
    return Current(session, officer, await uow.officers.grants(officer.id))


ACTIVE_ONLY = frozenset({Stage.ACTIVE})


async def current(
    uow: DirectoryUnitOfWork, context: SignInContext, token: str | None, stages: frozenset[Stage] = ACTIVE_ONLY
) -> Current:
    """The session behind a page (its idle clock starts again); ``SessionInvalid`` otherwise."""
    async with uow:
        found = await _session(uow, token, context, stages)
        await uow.commit()
    return found


async def _advance(
    uow: DirectoryUnitOfWork, found: Current, context: SignInContext, *, totp_done: bool, amr: tuple[str, ...]
) -> Started:
    """The session's next step, under a new token."""
    officer = found.officer
    required = await uow.officers.tenants_requiring_totp(list(_tenants(found.grants)))
    stage = next_stage(
        totp_enrolled=officer.totp is not None,
        totp_done=totp_done,
        # A temporary password is changed once it has been used, not after a sign-in through a provider.
        must_change_password=officer.must_change_password and "pwd" in amr,
        totp_required=bool(required),
    )
    was_active = found.session.stage is Stage.ACTIVE
    session = replace(found.session, stage=stage, amr=amr)
    await uow.sessions.save(session)
    token = new_token()
    await uow.sessions.replace_token(session.id, token_digest(token))
    if stage is Stage.ACTIVE and not was_active:
        await _signed_in(uow, session, found.grants)
    return Started(token, stage)


async def _check_code(
    uow: DirectoryUnitOfWork, context: SignInContext, found: Current, secret: str, last_step: int | None, code: str
) -> int:
    """The step of a valid, unused code; ``BadCode`` (counted) or ``Throttled`` otherwise."""
    key = str(found.officer.id)
    _refuse_if_throttled(context.throttle, (CODE, key))
    step = matching_step(secret, code, at=context.clock(), last_used_step=last_step)
    if step is None:
        await _code_failed(uow, context, found)
        raise BadCode()
    context.throttle.succeeded(CODE, key)
    return step


async def _code_failed(uow: DirectoryUnitOfWork, context: SignInContext, found: Current) -> None:
    """A wrong TOTP or recovery code: counted against the officer, and on the trail with its session."""
    key = str(found.officer.id)
    context.throttle.failed(CODE, key)
    await uow.audit_log.record(
        AuditRecord(AuditAction.CODE_FAILED, key, _tenants(found.grants), subject=key, session_id=str(found.session.id))
    )


async def verify_code(uow: DirectoryUnitOfWork, context: SignInContext, *, token: str | None, code: str) -> Started:
    """The second step: a TOTP code, or one of the recovery codes (each works once)."""
    async with uow:
        found = await _session(uow, token, context, frozenset({Stage.TOTP}))
        officer = found.officer
        assert officer.totp is not None  # the TOTP stage exists only for enrolled officers
        key = str(officer.id)
        if looks_like_recovery_code(code):
            _refuse_if_throttled(context.throttle, (CODE, key))
            if not await uow.officers.use_recovery_code(officer.id, recovery_digest(code), at=context.clock()):
                await _code_failed(uow, context, found)
                await uow.commit()
                raise BadCode()
            context.throttle.succeeded(CODE, key)
            await uow.audit_log.record(
                AuditRecord(
                    AuditAction.RECOVERY_CODE_USED,
                    key,
                    _tenants(found.grants),
                    subject=key,
                    session_id=str(found.session.id),
                    detail={"left": str(await uow.officers.recovery_codes_left(officer.id))},
                )
            )
        else:
            try:
                step = await _check_code(uow, context, found, officer.totp.secret, officer.totp.last_step, code)
            except BadCode:
                await uow.commit()
                raise
            await uow.officers.update(replace(officer, totp=Totp(officer.totp.secret, step)))
        # After the password, or after a provider that did not report a second factor.
        amr = tuple(dict.fromkeys((*found.session.amr, "otp")))
        started = await _advance(uow, found, context, totp_done=True, amr=amr)
        await uow.commit()
    return started


async def change_password(
    uow: DirectoryUnitOfWork,
    context: SignInContext,
    *,
    token: str | None,
    current_password: str | None,
    new_password: str,
    repeated: str,
) -> Started:
    """At the password-change step (after a temporary password) the old password is not asked
    again; on an active session it is. Every other session of the officer ends."""
    async with uow:
        found = await _session(uow, token, context, frozenset({Stage.PASSWORD_CHANGE, Stage.ACTIVE}))
        await uow.commit()
    officer = found.officer
    if found.session.stage is Stage.ACTIVE:
        key = str(officer.id)
        _refuse_if_throttled(context.throttle, (ACCOUNT, officer.login))
        if not await context.hasher.verify(officer.password_hash, current_password or ""):
            context.throttle.failed(ACCOUNT, officer.login)
            async with uow:
                await uow.audit_log.record(
                    AuditRecord(AuditAction.SIGN_IN_FAILED, key, _tenants(found.grants), subject=officer.login)
                )
                await uow.commit()
            raise BadCredentials()
    if new_password != repeated:
        raise PasswordsDiffer()
    check_password(new_password, login=officer.login, display_name=officer.display_name)
    if await context.hasher.verify(officer.password_hash, new_password):
        raise WeakPassword([SAME_AS_BEFORE])
    password_hash = await context.hasher.hash(new_password)
    async with uow:
        found = await _session(uow, token, context, frozenset({Stage.PASSWORD_CHANGE, Stage.ACTIVE}))
        officer = replace(found.officer, password_hash=password_hash, must_change_password=False)
        await uow.officers.update(officer)
        now = context.clock()
        await uow.sessions.end_all(officer.id, at=now, reason=Ended.REPLACED, keep=found.session.id)
        await uow.audit_log.record(
            AuditRecord(
                AuditAction.PASSWORD_CHANGED,
                str(officer.id),
                _tenants(found.grants),
                subject=str(officer.id),
                session_id=str(found.session.id),
            )
        )
        found = replace(found, officer=officer)
        started = await _advance(uow, found, context, totp_done=True, amr=found.session.amr)
        await uow.commit()
    return started


ENROLMENT_STAGES = frozenset({Stage.TOTP_ENROLMENT, Stage.ACTIVE})


@dataclass(frozen=True)
class Enrolment:
    secret: str
    uri: str
    #: A second factor is in use already (enrolling again replaces it).
    replacing: bool
    required: bool


async def begin_enrolment(uow: DirectoryUnitOfWork, context: SignInContext, *, token: str | None) -> Enrolment:
    """The secret to put in an authenticator app (the same one until it is confirmed)."""
    async with uow:
        found = await _session(uow, token, context, ENROLMENT_STAGES)
        officer = found.officer
        secret = officer.pending_totp_secret
        if secret is None:
            secret = new_secret()
            await uow.officers.update(replace(officer, pending_totp_secret=secret))
        required = await uow.officers.tenants_requiring_totp(list(_tenants(found.grants)))
        await uow.commit()
    return Enrolment(secret, provisioning_uri(secret, officer.login), officer.totp is not None, bool(required))


async def confirm_enrolment(
    uow: DirectoryUnitOfWork, context: SignInContext, *, token: str | None, code: str
) -> tuple[Started, list[str]]:
    """A code from the app confirms the secret; ten new recovery codes (shown once) replace any
    earlier ones."""
    async with uow:
        found = await _session(uow, token, context, ENROLMENT_STAGES)
        officer = found.officer
        if officer.pending_totp_secret is None:
            raise BadCode()
        try:
            step = await _check_code(uow, context, found, officer.pending_totp_secret, None, code)
        except BadCode:
            await uow.commit()
            raise
        officer = replace(officer, totp=Totp(officer.pending_totp_secret, step), pending_totp_secret=None)
        await uow.officers.update(officer)
        codes = new_recovery_codes()
        await uow.officers.replace_recovery_codes(officer.id, [recovery_digest(c) for c in codes], at=context.clock())
        await uow.audit_log.record(
            AuditRecord(
                AuditAction.TOTP_ENROLLED,
                str(officer.id),
                _tenants(found.grants),
                subject=str(officer.id),
                session_id=str(found.session.id),
            )
        )
        amr = tuple(dict.fromkeys((*found.session.amr, "otp")))
        started = await _advance(uow, replace(found, officer=officer), context, totp_done=True, amr=amr)
        await uow.commit()
    return started, codes


ANY_STAGE = frozenset(Stage)


async def sign_out(uow: DirectoryUnitOfWork, context: SignInContext, *, token: str | None) -> None:
    """Ends this session; nothing happens for a session that is gone already."""
    async with uow:
        try:
            found = await _session(uow, token, context, ANY_STAGE)
        except SessionInvalid:
            return
        await uow.sessions.save(replace(found.session, ended_at=context.clock(), ended=Ended.SIGNED_OUT))
        await uow.audit_log.record(
            AuditRecord(
                AuditAction.SIGNED_OUT,
                str(found.officer.id),
                _tenants(found.grants),
                subject=str(found.officer.id),
                session_id=str(found.session.id),
            )
        )
        await uow.commit()


async def sign_out_everywhere(uow: DirectoryUnitOfWork, context: SignInContext, *, token: str | None) -> int:
    """Ends every session of the officer, this one included; how many ended."""
    async with uow:
        found = await _session(uow, token, context, ACTIVE_ONLY)
        ended = await uow.sessions.end_all(found.officer.id, at=context.clock(), reason=Ended.SIGNED_OUT_EVERYWHERE)
        await uow.audit_log.record(
            AuditRecord(
                AuditAction.SIGNED_OUT_EVERYWHERE,
                str(found.officer.id),
                _tenants(found.grants),
                subject=str(found.officer.id),
                session_id=str(found.session.id),
                detail={"sessions_ended": str(ended)},
            )
        )
        await uow.commit()
    return ended


@dataclass(frozen=True)
class Assertion:
    token: str
    expires_at: int


async def issue_assertion(
    uow: DirectoryUnitOfWork,
    context: SignInContext,
    signer: AssertionSigning,
    *,
    session_token: str,
    audience: str,
) -> Assertion:
    """Who is calling, signed for one service: the officer, the session, how they signed in and
    their roles per tenant exactly as granted. Never valid beyond the session's own deadline."""
    found = await current(uow, context, session_token)
    now = context.clock()
    issued = int(now.timestamp())
    deadline = int(found.session.deadline(context.policy).timestamp())
    expires = min(issued + ASSERTION_LIFETIME_SECONDS, deadline)
    claims = CallerClaims(
        aud=audience,
        sub=str(found.officer.id),
        name=found.officer.display_name,
        sid=str(found.session.id),
        iat=issued,
        exp=expires,
        amr=found.session.amr,
        grants=tuple(
            TenantRoles(tenant=tenant, roles=roles) for tenant, roles in grants_by_tenant(found.grants).items()
        ),
    )
    return Assertion(signer.sign(claims), expires)


@dataclass(frozen=True)
class Overview:
    """What the officer's home page shows."""

    current: Current
    tenant_names: dict[str, str]
    totp_required_by: list[str]
    recovery_codes_left: int


async def overview(uow: DirectoryUnitOfWork, context: SignInContext, *, token: str | None) -> Overview:
    async with uow:
        found = await _session(uow, token, context, ACTIVE_ONLY)
        names = await uow.officers.tenant_names()
        required = await uow.officers.tenants_requiring_totp(list(_tenants(found.grants)))
        left = await uow.officers.recovery_codes_left(found.officer.id)
        await uow.commit()
    return Overview(found, names, required, left)
