"""Who is told what, and how: notify's defaults per subject, replaced subject by subject by a
tenant's ``policy.notifications``.

A rule names the roles told *besides* those the event itself names (the case's team, the roles a
request asks to approve, the receiving agency's subscribers), the channels, and for reminders the
lead time in the tenant's working days. Pure: the use cases find who holds a role.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from wbs_contracts.events.directory import NotificationChannel, NotificationRule, NotificationSubject
from wbs_contracts.roles import Role
from wbs_notify.domain.notification import Channel, DeliveryStatus, Kind, Notification, RecipientKind

S = NotificationSubject
INBOX_AND_MAIL = (NotificationChannel.KOTAK_MASUK, NotificationChannel.SUREL)

#: A reminder before the team's follow-up limit (case-disposed's ``follow_up_due``), in working days.
FOLLOW_UP_LEAD_DAYS = 1
#: A reminder before a recommendation's ``due``, in working days.
RECOMMENDATION_LEAD_DAYS = 5

DEFAULT_RULES: dict[NotificationSubject, NotificationRule] = {
    S.KASUS_BARU: NotificationRule(subject=S.KASUS_BARU, roles=(Role.PETUGAS_PENGADUAN, Role.PIMPINAN_SATKER)),
    # The team the disposition names.
    S.DISPOSISI: NotificationRule(subject=S.DISPOSISI),
    # The officers holding the roles the request names.
    S.PERSETUJUAN: NotificationRule(subject=S.PERSETUJUAN),
    # The case's team; before a disposition, the petugas pengaduan (see ``before_disposition``).
    S.PESAN_PELAPOR: NotificationRule(subject=S.PESAN_PELAPOR),
    # Whoever must meet the deadline; the lead time per deadline unless the tenant sets one.
    S.TENGGAT_MENDEKAT: NotificationRule(subject=S.TENGGAT_MENDEKAT),
    S.TENGGAT_LEWAT: NotificationRule(subject=S.TENGGAT_LEWAT, roles=(Role.PIMPINAN_SATKER,)),
    # In the receiving agency: its subscribers, and one call to each of its webhook endpoints.
    S.PELIMPAHAN: NotificationRule(
        subject=S.PELIMPAHAN,
        roles=(Role.AGENCY_SUBSCRIBER,),
        channels=(*INBOX_AND_MAIL, NotificationChannel.WEBHOOK),
    ),
    # The reporter, by e-mail, only if they left an address (the channel finds out at delivery).
    S.BALASAN: NotificationRule(subject=S.BALASAN, channels=(NotificationChannel.SUREL,)),
}

#: Who reads a reporter's message while the case has no team yet.
BEFORE_DISPOSITION = (Role.PETUGAS_PENGADUAN,)
#: Who hears of a deadline when nobody else would (no team known, no role in the rule).
NOBODY_ELSE = (Role.PIMPINAN_SATKER,)


def rule_for(subject: NotificationSubject, tenant_rules: Iterable[NotificationRule] = ()) -> NotificationRule:
    """The tenant's rule for ``subject`` if its policy has one, else notify's default."""
    for rule in tenant_rules:
        if rule.subject == subject:
            return rule
    return DEFAULT_RULES[subject]


def lead_days(rule: NotificationRule, default: int) -> int:
    """How many working days before a deadline the reminder comes: the tenant's, else ``default``."""
    return rule.working_days_before if rule.working_days_before is not None else default


@dataclass(frozen=True)
class Occasion:
    """Why notifications are made: a subject, the event (or reminder) behind it, where they point."""

    subject: NotificationSubject
    #: The event id, or the reminder id: with the recipient and channel, the idempotency key.
    cause: UUID
    tenant: str
    case_id: UUID | None
    #: A path behind sign-in; never anything about the matter itself.
    link: str
    at: datetime


def key(occasion: Occasion, recipient: str, channel: Channel) -> str:
    """``{subject}:{event or reminder id}:{recipient}:{channel}``: a redelivered event queues nothing new."""
    return f"{occasion.subject}:{occasion.cause}:{recipient}:{channel}"


def template_of(subject: NotificationSubject) -> str:
    return f"{subject}.v1"


def for_officers(occasion: Occasion, rule: NotificationRule, officers: Iterable[str]) -> list[Notification]:
    """One notification per officer and officer channel of ``rule`` (none when it is disabled):
    the in-app inbox is delivered at once (unread until read), e-mail waits for its round."""
    if not rule.enabled:
        return []
    made: list[Notification] = []
    for officer in sorted(set(officers)):
        if NotificationChannel.KOTAK_MASUK in rule.channels:
            made.append(_make(occasion, Channel.KOTAK_MASUK_PETUGAS, RecipientKind.PETUGAS, officer))
        if NotificationChannel.SUREL in rule.channels:
            made.append(_make(occasion, Channel.SUREL, RecipientKind.PETUGAS, officer))
    return made


def for_tenant_endpoints(occasion: Occasion, rule: NotificationRule, tenant: str) -> list[Notification]:
    """One webhook row for ``tenant`` when the rule asks for webhooks; the channel fans it out to
    every endpoint of that tenant subscribed to the subject."""
    if not rule.enabled or NotificationChannel.WEBHOOK not in rule.channels:
        return []
    return [_make(occasion, Channel.WEBHOOK, RecipientKind.TENANT, tenant)]


def for_reporter(occasion: Occasion, rule: NotificationRule) -> list[Notification]:
    """The reporter is reached by e-mail only (their inbox is the status page, which shows the
    message itself); whether they left an address is known only when the contact is opened."""
    if not rule.enabled or NotificationChannel.SUREL not in rule.channels:
        return []
    return [_make(occasion, Channel.SUREL, RecipientKind.PELAPOR, None)]


def _make(occasion: Occasion, channel: Channel, kind: RecipientKind, recipient: str | None) -> Notification:
    at_once = channel is Channel.KOTAK_MASUK_PETUGAS
    return Notification(
        idempotency_key=key(occasion, recipient or kind.value, channel),
        case_id=occasion.case_id,
        tenant=occasion.tenant,
        kind=Kind.PERHATIAN,
        channel=channel,
        template=template_of(occasion.subject),
        status=DeliveryStatus.TERKIRIM if at_once else DeliveryStatus.ANTRE,
        queued_at=occasion.at,
        recipient_kind=kind,
        recipient=recipient,
        subject=occasion.subject,
        link=occasion.link,
        next_attempt_at=None if at_once else occasion.at,
    )
