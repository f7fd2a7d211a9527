"""The delivery round: e-mail and webhooks, from the queue, with retries on the spec's schedule.

A round claims a small batch of due rows (``FOR UPDATE SKIP LOCKED``, so replicas share the work)
by moving their next attempt a lease ahead, commits, delivers outside any transaction, then records
each outcome: delivered (``terkirim``, never sent again), retried later (attempts + 1, the next
attempt per ``domain.retry``, the error without content), or given up (``gagal``). A replica that
dies mid-call leaves rows whose lease runs out: they are tried again, under the same Message-ID or
``webhook-id``, so that the receiver can tell the repeat.

The lease is the claim: each send has a deadline (the channel's configured timeout), a row whose
lease ran out before its turn is left to whoever claims it next, and an outcome is recorded only on
a row whose ``next_attempt_at`` is still the lease this round set (a later claim sets a later one),
so a round that overran never overwrites the round that took its rows over. E-mail and webhooks
are two rounds of their own, so a slow endpoint never holds mail up.

A webhook row (recipient: a tenant) fans out to one ``webhook_delivery`` per enabled endpoint of
that tenant that wants its subject; the row itself is then done, and each endpoint's delivery has
its own attempts. A 410 from an endpoint disables it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

from prometheus_client import Counter, Gauge
from pydantic import SecretStr
from sqlalchemy import func, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from wbs_contracts.events.directory import NotificationSubject
from wbs_contracts.events.intake import ReporterContactV1, ReporterContactV2
from wbs_contracts.sealed import SealedPayload
from wbs_notify.adapters.channels_db import (
    endpoint_of,
    officer_contact_table,
    webhook_delivery_table,
    webhook_endpoint_table,
)
from wbs_notify.adapters.db import contact_table, notification_table
from wbs_notify.adapters.smtp import MailNotSent, SmtpMailer
from wbs_notify.adapters.webhook_secrets import sealer_of
from wbs_notify.adapters.webhooks import Unreachable, WebhookCaller
from wbs_notify.domain import email as emails
from wbs_notify.domain import webhook as webhooks
from wbs_notify.domain.address import RefusedEndpoint
from wbs_notify.domain.email import Email
from wbs_notify.domain.notification import Channel, DeliveryStatus, RecipientKind
from wbs_notify.domain.retry import next_attempt
from wbs_runtime.clock import Clock
from wbs_runtime.crypto import KeyRing, SealedPayloadError
from wbs_runtime.crypto.secret_sealer import SecretSealer, SecretUnreadable
from wbs_runtime.service import ServiceRuntime

log = logging.getLogger(__name__)

NO_ADDRESS = "tanpa alamat surel / no e-mail address"
CONTACT_NOT_KNOWN_YET = "kontak petugas belum diterima / the officer's contact has not arrived yet"
NO_ENDPOINT = "tidak ada endpoint yang berlangganan / no endpoint subscribed"
ENDPOINT_GONE = "410 Gone: endpoint dinonaktifkan / endpoint disabled"
ENDPOINT_DISABLED = "endpoint nonaktif / endpoint disabled"
SIGNING_KEY_UNREADABLE = (
    "rahasia endpoint tidak terbuka dengan kunci notify / the endpoint's secret does not open with notify's key"
)


class ContactNotKnownYet(LookupError):
    """No officer-contact of this officer has arrived yet (directory's event may follow the rule's
    notification): tried again on the schedule, not given up."""


class Mailer(Protocol):
    async def send(self, to: str, email: emails.Email) -> None: ...

    async def close(self) -> None:
        """The end of a round: a connection kept between its messages is closed."""


class Caller(Protocol):
    async def call(self, url: str, headers: dict[str, str], body: bytes) -> int: ...


@dataclass(frozen=True)
class DeliveryOptions:
    #: The address people reach WBS at; every link in a message is under it.
    public_url: str | None
    #: The domain of the messages' Message-IDs (the sender's).
    mail_domain: str
    batch: int = 20
    #: How long a claimed row stays someone's: longer than any delivery of a batch takes.
    lease: timedelta = timedelta(minutes=5)
    #: The longest one e-mail, or one webhook call, may take, all of it (connecting included).
    mail_deadline_seconds: float = 10.0
    call_deadline_seconds: float = 10.0


@dataclass(frozen=True)
class Contacts:
    """A round's recipients' contacts: each officer's address (None: none, or no longer active),
    and each case's sealed reporter contact."""

    officers: dict[str, str | None]
    sealed: dict[UUID, Any]


@dataclass(frozen=True)
class Lease:
    """One webhook call as this round claimed it: its row, and the lease it set."""

    key: str
    endpoint_id: UUID
    leased_until: datetime

    def still_held(self) -> tuple[Any, ...]:
        d = webhook_delivery_table
        return (
            d.c.notification_key == self.key,
            d.c.endpoint_id == self.endpoint_id,
            d.c.status == DeliveryStatus.ANTRE,
            d.c.next_attempt_at == self.leased_until,
        )


def _subject(row: Any) -> NotificationSubject | None:
    return NotificationSubject(row.subject) if row.subject else None


def one_email_each(rows: Sequence[Any]) -> list[list[Any]]:
    """A round's e-mail rows as e-mails: an officer's rows together, as one digest (in the order
    they were queued); a reporter's each alone (each is about another report)."""
    by_officer: dict[str, list[Any]] = {}
    messages: list[list[Any]] = []
    for row in sorted(rows, key=lambda r: r.queued_at):
        if row.recipient_kind != RecipientKind.PETUGAS:
            messages.append([row])
        elif row.recipient in by_officer:
            by_officer[row.recipient].append(row)
        else:
            by_officer[row.recipient] = [row]
            messages.append(by_officer[row.recipient])
    return messages


class DeliveryMetrics:
    def __init__(self, registry: Any) -> None:
        self.deliveries = Counter(
            "wbs_notify_deliveries",
            "Delivery attempts by channel and outcome: terkirim, ulang (retried later), gagal (given up).",
            ["channel", "outcome"],
            registry=registry,
        )
        self.oldest_age = Gauge(
            "wbs_notify_queue_oldest_age_seconds",
            "Age of the oldest notification (or webhook call) still waiting for its channel.",
            ["channel"],
            registry=registry,
        )
        self.waiting = Gauge(
            "wbs_notify_queue_waiting",
            "Notifications (or webhook calls) still waiting for their channel.",
            ["channel"],
            registry=registry,
        )

    async def measure(self, db: AsyncConnection) -> None:
        n, d = notification_table, webhook_delivery_table
        now = func.now()
        queued = (
            await db.execute(
                select(n.c.channel, func.count(), func.min(n.c.queued_at))
                .where(n.c.status == DeliveryStatus.ANTRE, n.c.channel.in_([Channel.SUREL, Channel.WEBHOOK]))
                .group_by(n.c.channel)
            )
        ).all()
        calls = (
            await db.execute(select(func.count(), func.min(d.c.created_at)).where(d.c.status == DeliveryStatus.ANTRE))
        ).one()
        ages: dict[str, tuple[int, datetime | None]] = {Channel.SUREL: (0, None), Channel.WEBHOOK: (0, None)}
        for channel, count, oldest in queued:
            ages[channel] = (count, oldest)
        ages["webhook-call"] = (calls[0], calls[1])
        current = (await db.execute(select(now))).scalar_one()
        for channel, (count, oldest) in ages.items():
            self.waiting.labels(channel).set(count)
            self.oldest_age.labels(channel).set((current - oldest).total_seconds() if oldest else 0.0)


class DeliveryRound:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        keyring: KeyRing,
        *,
        mailer: Mailer | None,
        caller: Caller,
        clock: Clock,
        options: DeliveryOptions,
        sealer: SecretSealer,
        metrics: DeliveryMetrics | None = None,
    ) -> None:
        self._sessions = sessionmaker
        self._sealer = sealer
        self._keyring = keyring
        self._mailer = mailer
        self._caller = caller
        self._clock = clock
        self._options = options
        self._metrics = metrics

    async def __call__(self) -> int:
        """How many rows this round took (the runtime runs it again at once while it took some)."""
        return await self.emails() + await self.webhook_deliveries()

    async def webhook_deliveries(self) -> int:
        return await self.fan_out() + await self.webhook_calls()

    def _lease_over(self, leased_until: datetime) -> bool:
        """The row may already be someone else's: not sent by this round."""
        return self._clock() >= leased_until

    # -- e-mail --------------------------------------------------------------------------------

    async def emails(self) -> int:
        if self._mailer is None:  # no SMTP server configured: e-mail waits in the queue
            return 0
        rows = await self._claim_notifications(Channel.SUREL)
        if not rows:
            return 0
        contacts = await self._contacts(rows)
        try:
            for group in one_email_each(rows):
                if self._lease_over(group[0].leased_until):
                    continue
                await self._email(group, contacts, self._mailer)
        finally:
            await self._mailer.close()  # one connection per round, not one per message
        return len(rows)

    async def _claim_notifications(self, channel: Channel) -> Sequence[Any]:
        n = notification_table
        now = self._clock()
        due = (
            select(n.c.idempotency_key)
            .where(
                n.c.status == DeliveryStatus.ANTRE,
                n.c.channel == channel,
                or_(n.c.next_attempt_at.is_(None), n.c.next_attempt_at <= now),
            )
            .order_by(n.c.next_attempt_at)
            .limit(self._options.batch)
            .with_for_update(skip_locked=True)
        )
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(n)
                .where(n.c.idempotency_key.in_(due.scalar_subquery()))
                .values(next_attempt_at=now + self._options.lease)
                .returning(
                    n.c.idempotency_key,
                    n.c.case_id,
                    n.c.tenant_id,
                    n.c.recipient_kind,
                    n.c.recipient,
                    n.c.subject,
                    n.c.link,
                    n.c.attempts,
                    n.c.queued_at,
                    n.c.next_attempt_at.label("leased_until"),
                )
            )
            return result.all()

    async def _email(self, rows: Sequence[Any], contacts: Contacts, mailer: Mailer) -> None:
        """One e-mail for ``rows`` (one recipient's), and their outcome, the same for all."""
        row = rows[0]
        try:
            to = self._address(row, contacts)
        except ContactNotKnownYet:
            await self._retry_notifications(rows, CONTACT_NOT_KNOWN_YET)
            return
        except Exception as error:  # a contact that does not open: no use trying again
            log.warning(
                "notification %s: the recipient's address could not be read (%s)",
                row.idempotency_key,
                type(error).__name__,
            )
            await self._finish(
                rows, DeliveryStatus.GAGAL, f"alamat tidak terbaca / address unreadable: {type(error).__name__}"
            )
            return
        if to is None:
            await self._finish(rows, DeliveryStatus.GAGAL, NO_ADDRESS)
            return
        try:
            async with asyncio.timeout(self._options.mail_deadline_seconds):
                await mailer.send(to, self._render(rows))
        except Exception as error:  # the server refused, was unreachable, timed out: later
            # Only the class and the code: the server's text quotes the address.
            failure = (
                error
                if isinstance(error, MailNotSent)
                else MailNotSent(type(error).__name__, None, recipient_refused=False)
            )
            if failure.permanent:
                await self._finish(rows, DeliveryStatus.GAGAL, f"SMTP: {failure}")
            else:
                await self._retry_notifications(rows, f"SMTP: {failure}")
            return
        await self._finish(rows, DeliveryStatus.TERKIRIM, None)

    def _render(self, rows: Sequence[Any]) -> Email:
        if len(rows) > 1:
            items = [emails.Item(_subject(row), row.link, row.idempotency_key) for row in rows]
            return emails.render_digest(items, public_url=self._options.public_url, domain=self._options.mail_domain)
        row = rows[0]
        return emails.render(
            subject=_subject(row),
            link=row.link,
            public_url=self._options.public_url,
            idempotency_key=row.idempotency_key,
            to_reporter=row.recipient_kind == RecipientKind.PELAPOR,
            domain=self._options.mail_domain,
        )

    async def _contacts(self, rows: Sequence[Any]) -> Contacts:
        """What the round's recipients are reached at, read in one go: the officers' contacts, and
        the reporters' sealed contacts (opened one by one, only when their e-mail is sent). As of
        the round's start: an officer deactivated while it sends (at most a batch of deadlines) may
        still get its e-mail; a contact that arrives meanwhile is used by the next round. A failure
        here ends the round; its rows are claimed again when their lease runs out."""
        officers = {row.recipient for row in rows if row.recipient_kind == RecipientKind.PETUGAS}
        cases = {row.case_id for row in rows if row.recipient_kind == RecipientKind.PELAPOR and row.case_id}
        o, c = officer_contact_table, contact_table
        contacts = Contacts(officers={}, sealed={})
        async with self._sessions() as session:
            if officers:
                statement = select(o.c.officer_id, o.c.email, o.c.active).where(o.c.officer_id.in_(officers))
                for officer in await session.execute(statement):
                    contacts.officers[officer.officer_id] = officer.email if officer.active else None
            if cases:
                statement = select(c.c.case_id, c.c.sealed_contact).where(c.c.case_id.in_(cases))
                for case in await session.execute(statement):
                    contacts.sealed[case.case_id] = case.sealed_contact
        return contacts

    def _address(self, row: Any, contacts: Contacts) -> str | None:
        """Where the e-mail goes; opened only now, never stored or logged. None: nowhere, for good (a
        known officer without an address or no longer active, a reporter without one)."""
        if row.recipient_kind == RecipientKind.PETUGAS:
            if row.recipient not in contacts.officers:
                raise ContactNotKnownYet(row.recipient)
            return contacts.officers[row.recipient]
        if row.recipient_kind != RecipientKind.PELAPOR or row.case_id is None:
            return None
        sealed = contacts.sealed.get(row.case_id)
        if sealed is None:
            return None
        payload = SealedPayload.model_validate(sealed)
        try:
            contact = self._keyring.open(
                payload, tenant=row.tenant_id, case=row.case_id, model=ReporterContactV2
            ).contact
        except SealedPayloadError:
            contact = self._keyring.open(
                payload, tenant=row.tenant_id, case=row.case_id, model=ReporterContactV1
            ).contact
        return emails.looks_like_address(contact)

    async def _finish(self, rows: Sequence[Any], status: DeliveryStatus, error: str | None) -> None:
        """The outcome of one e-mail's rows, in one transaction; each row is counted
        (``wbs_notify_deliveries`` counts notifications, a digest as many as it lists)."""
        now = self._clock()
        n = notification_table
        async with self._sessions() as session, session.begin():
            for still_leased in self._still_leased(rows):
                await session.execute(
                    update(n)
                    .where(*still_leased)
                    .values(
                        status=status,
                        attempts=n.c.attempts + 1,
                        last_error=error,
                        delivered_at=now if status == DeliveryStatus.TERKIRIM else None,
                    )
                )
        for _ in rows:
            self._count(Channel.SUREL, status)

    async def _retry_notifications(self, rows: Sequence[Any], error: str) -> None:
        """One e-mail's rows again, all at the time its most-tried row is due (so that they stay
        one digest, as a rule); a row out of attempts ends (``gagal``, a second transaction)."""
        n, now = notification_table, self._clock()
        spent = [row for row in rows if next_attempt(row.attempts + 1, now) is None]
        retried = [row for row in rows if row not in spent]
        if retried:
            then = next_attempt(max(row.attempts for row in retried) + 1, now)
            async with self._sessions() as session, session.begin():
                for still_leased in self._still_leased(retried):
                    await session.execute(
                        update(n)
                        .where(*still_leased)
                        .values(attempts=n.c.attempts + 1, next_attempt_at=then, last_error=error)
                    )
        for _ in retried:
            self._count(Channel.SUREL, "ulang")
        if spent:
            await self._finish(spent, DeliveryStatus.GAGAL, error)

    @staticmethod
    def _still_leased(rows: Sequence[Any]) -> list[tuple[Any, ...]]:
        """The rows, as long as they are still queued under the lease this round claimed them with
        (a row's attempts are then as claimed): one condition per lease, one as a rule."""
        n = notification_table
        by_lease: dict[datetime, list[str]] = {}
        for row in rows:
            by_lease.setdefault(row.leased_until, []).append(row.idempotency_key)
        return [
            (n.c.idempotency_key.in_(keys), n.c.status == DeliveryStatus.ANTRE, n.c.next_attempt_at == leased_until)
            for leased_until, keys in by_lease.items()
        ]

    def _count(self, channel: str, outcome: str) -> None:
        if self._metrics is not None:
            self._metrics.deliveries.labels(channel, outcome).inc()

    # -- webhooks ------------------------------------------------------------------------------

    async def fan_out(self) -> int:
        """Each due webhook row becomes one call per endpoint that wants it (no network here)."""
        n, e = notification_table, webhook_endpoint_table
        now = self._clock()
        async with self._sessions() as session, session.begin():
            rows = (
                await session.execute(
                    select(n.c.idempotency_key, n.c.tenant_id, n.c.recipient, n.c.subject)
                    .where(
                        n.c.status == DeliveryStatus.ANTRE,
                        n.c.channel == Channel.WEBHOOK,
                        or_(n.c.next_attempt_at.is_(None), n.c.next_attempt_at <= now),
                    )
                    .order_by(n.c.next_attempt_at)
                    .limit(self._options.batch)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            for row in rows:
                tenant = row.recipient or row.tenant_id
                subject = _subject(row)
                endpoints = [
                    endpoint_of(found)
                    for found in (await session.execute(select(e).where(e.c.tenant_id == tenant))).all()
                ]
                wanted = [endpoint for endpoint in endpoints if endpoint.wants(subject)]
                for endpoint in wanted:
                    await session.execute(
                        insert(webhook_delivery_table)
                        .values(
                            notification_key=row.idempotency_key,
                            endpoint_id=endpoint.id,
                            status=DeliveryStatus.ANTRE,
                            attempts=0,
                            next_attempt_at=now,
                            created_at=now,
                        )
                        .on_conflict_do_nothing()
                    )
                await session.execute(
                    update(n)
                    .where(n.c.idempotency_key == row.idempotency_key)
                    .values(
                        status=DeliveryStatus.TERKIRIM,
                        delivered_at=now,
                        last_error=None if wanted else NO_ENDPOINT,
                    )
                )
        return len(rows)

    async def webhook_calls(self) -> int:
        d, e, n = webhook_delivery_table, webhook_endpoint_table, notification_table
        now = self._clock()
        due = (
            select(d.c.notification_key, d.c.endpoint_id)
            .where(d.c.status == DeliveryStatus.ANTRE, d.c.next_attempt_at <= now)
            .order_by(d.c.next_attempt_at)
            .limit(self._options.batch)
            .with_for_update(skip_locked=True)
        )
        async with self._sessions() as session, session.begin():
            claimed = (
                await session.execute(
                    update(d)
                    .where(tuple_(d.c.notification_key, d.c.endpoint_id).in_(due))
                    .values(next_attempt_at=now + self._options.lease)
                    .returning(
                        d.c.notification_key, d.c.endpoint_id, d.c.attempts, d.c.next_attempt_at.label("leased_until")
                    )
                )
            ).all()
            calls: list[tuple[Any, webhooks.WebhookEndpoint, Any]] = []
            for call in claimed:
                found = (await session.execute(select(e).where(e.c.id == call.endpoint_id))).one()
                notification = (
                    await session.execute(
                        select(n.c.tenant_id, n.c.recipient, n.c.subject, n.c.link, n.c.queued_at).where(
                            n.c.idempotency_key == call.notification_key
                        )
                    )
                ).one()
                calls.append((call, endpoint_of(found), notification))
        for call, endpoint, notification in calls:
            if self._lease_over(call.leased_until):
                continue
            lease = Lease(call.notification_key, endpoint.id, call.leased_until)
            await self._call(lease, call.attempts, endpoint, notification)
        return len(calls)

    async def _call(self, key: Lease, attempts: int, endpoint: webhooks.WebhookEndpoint, notification: Any) -> None:
        if not endpoint.enabled:
            await self._record_call(key, endpoint.id, DeliveryStatus.GAGAL, attempts, ENDPOINT_DISABLED, None)
            return
        subject = NotificationSubject(notification.subject) if notification.subject else None
        body = webhooks.payload(
            subject=subject,
            tenant=notification.recipient or notification.tenant_id,
            link=emails.absolute_link(self._options.public_url, notification.link),
            at=notification.queued_at,
        )
        try:
            secret = self._sealer.open(endpoint.id, endpoint.secret) or ""
        except SecretUnreadable:
            # Sealed under another key (or copied from another endpoint's row): no call can be signed,
            # now or later; the operator re-adds the endpoint. One row ends, the round goes on.
            log.warning("webhook endpoint %s: its secret does not open with notify's key", endpoint.id)
            await self._record_call(key, endpoint.id, DeliveryStatus.GAGAL, attempts + 1, SIGNING_KEY_UNREADABLE, None)
            return
        headers = webhooks.signed_headers(secret, webhooks.message_id(key.key, endpoint.id), self._clock(), body)
        try:
            async with asyncio.timeout(self._options.call_deadline_seconds):
                status = await self._caller.call(endpoint.url, headers, body)
        except TimeoutError:  # the whole call, however slowly the endpoint answered: later
            await self._retry_call(key, endpoint.id, attempts + 1, "Timeout: no answer in time", None)
            return
        except RefusedEndpoint as refused:
            await self._record_call(key, endpoint.id, DeliveryStatus.GAGAL, attempts + 1, str(refused), None)
            return
        except Unreachable as error:
            await self._retry_call(key, endpoint.id, attempts + 1, str(error), None)
            return
        outcome = webhooks.outcome_of(status)
        if outcome is webhooks.Outcome.DELIVERED:
            await self._record_call(key, endpoint.id, DeliveryStatus.TERKIRIM, attempts + 1, None, status)
        elif outcome is webhooks.Outcome.GONE:
            await self._record_call(
                key, endpoint.id, DeliveryStatus.GAGAL, attempts + 1, ENDPOINT_GONE, status, disable=True
            )
        else:
            await self._retry_call(key, endpoint.id, attempts + 1, f"HTTP {status}", status)

    async def _record_call(
        self,
        key: Lease,
        endpoint_id: UUID,
        status: DeliveryStatus,
        attempts: int,
        error: str | None,
        http_status: int | None,
        *,
        disable: bool = False,
    ) -> None:
        d, e = webhook_delivery_table, webhook_endpoint_table
        now = self._clock()
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(d)
                .where(*key.still_held())
                .values(
                    status=status,
                    attempts=attempts,
                    last_error=error,
                    last_status=http_status,
                    delivered_at=now if status == DeliveryStatus.TERKIRIM else None,
                )
            )
            if disable:
                await session.execute(
                    update(e).where(e.c.id == endpoint_id).values(enabled=False, disabled_reason=ENDPOINT_GONE)
                )
                # Nothing more goes to an endpoint that said it is gone.
                await session.execute(
                    update(d)
                    .where(d.c.endpoint_id == endpoint_id, d.c.status == DeliveryStatus.ANTRE)
                    .values(status=DeliveryStatus.GAGAL, last_error=ENDPOINT_GONE)
                )
        self._count(Channel.WEBHOOK, status)

    async def _retry_call(
        self, key: Lease, endpoint_id: UUID, attempts: int, error: str, http_status: int | None
    ) -> None:
        then = next_attempt(attempts, self._clock())
        if then is None:
            await self._record_call(key, endpoint_id, DeliveryStatus.GAGAL, attempts, error, http_status)
            return
        d = webhook_delivery_table
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(d)
                .where(*key.still_held())
                .values(attempts=attempts, next_attempt_at=then, last_error=error, last_status=http_status)
            )
        self._count(Channel.WEBHOOK, "ulang")


class ChannelSettings(Protocol):
    """What the channels read from notify's settings (``NotifySettings``)."""

    public_url: str | None
    smtp_host: str | None
    smtp_port: int
    smtp_username: str | None
    smtp_password: SecretStr | None
    smtp_use_tls: bool
    smtp_starttls: bool | None
    smtp_timeout_seconds: float
    mail_sender: str
    webhook_timeout_seconds: float
    webhook_allow_private: bool
    webhook_key: SecretStr | None
    webhook_key_create: bool
    key_dir: Path | None
    delivery_enabled: bool
    delivery_batch: int
    delivery_idle_seconds: float


def mail_domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "localhost"


def deliver_notifications(runtime: ServiceRuntime[Any], settings: ChannelSettings, *, clock: Clock) -> None:
    """E-mail and webhooks delivered in the background while notify runs; their metrics."""
    metrics = DeliveryMetrics(runtime.metrics.registry)
    runtime.gauges.register("notification queue", metrics.measure)
    if not settings.delivery_enabled:
        return
    mailer = None
    if settings.smtp_host:
        mailer = SmtpMailer(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.mail_sender,
            clock=clock,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            use_tls=settings.smtp_use_tls,
            start_tls=settings.smtp_starttls,
            timeout=settings.smtp_timeout_seconds,
        )
    caller = WebhookCaller(timeout=settings.webhook_timeout_seconds, allow_private=settings.webhook_allow_private)
    runtime.on_stop("webhook client", caller.close)
    round_ = DeliveryRound(
        runtime.sessionmaker,
        runtime.keyring,
        mailer=mailer,
        caller=caller,
        clock=clock,
        options=DeliveryOptions(
            public_url=settings.public_url,
            mail_domain=mail_domain(settings.mail_sender),
            batch=settings.delivery_batch,
            mail_deadline_seconds=settings.smtp_timeout_seconds,
            call_deadline_seconds=settings.webhook_timeout_seconds,
        ),
        sealer=sealer_of(settings),
        metrics=metrics,
    )
    # Two rounds: a slow webhook endpoint never holds e-mail up, nor the other way round.
    runtime.every("e-mail delivery", round_.emails, idle_seconds=settings.delivery_idle_seconds)
    runtime.every("webhook delivery", round_.webhook_deliveries, idle_seconds=settings.delivery_idle_seconds)
