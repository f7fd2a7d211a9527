"""An e-mail notification: a bilingual subject line and body, a link, and nothing else.

The text says that something needs the recipient's attention, in Bahasa Indonesia first and
English second, and links to the page behind sign-in. It never names the case's substance, the
reporter or an officer; the Message-ID is derived from the idempotency key, so that a mail server
(or a reader) sees one message however often it is handed over.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from wbs_contracts.events.directory import NotificationSubject

#: (Indonesian, English) per subject: what needs attention, in a few words.
SUBJECT_TEXT: dict[NotificationSubject, tuple[str, str]] = {
    NotificationSubject.KASUS_BARU: ("Ada pengaduan baru", "A new report has arrived"),
    NotificationSubject.DISPOSISI: ("Ada disposisi untuk tim Anda", "A case was assigned to your team"),
    NotificationSubject.PERSETUJUAN: ("Ada persetujuan yang menunggu Anda", "An approval is waiting for you"),
    NotificationSubject.PESAN_PELAPOR: ("Ada pesan dari pelapor", "The reporter sent a message"),
    NotificationSubject.TENGGAT_MENDEKAT: ("Tenggat waktu segera tiba", "A deadline is approaching"),
    NotificationSubject.TENGGAT_LEWAT: ("Tenggat waktu telah lewat", "A deadline has passed"),
    NotificationSubject.PELIMPAHAN: ("Ada pelimpahan untuk instansi Anda", "A case was handed over to your body"),
    NotificationSubject.BALASAN: ("Ada balasan atas laporan Anda", "There is a reply to your report"),
}
#: A notification without a subject (the reporter's acknowledgement, say).
GENERIC_TEXT = ("Ada yang memerlukan perhatian Anda", "Something needs your attention")

SIGN_IN_ID = "Buka tautan berikut; Anda akan diminta masuk terlebih dahulu."
SIGN_IN_EN = "Open the link below; you will be asked to sign in first."
DIGEST_SIGN_IN_ID = "Buka tautan di bawah; Anda akan diminta masuk terlebih dahulu."
DIGEST_SIGN_IN_EN = "Open the links below; you will be asked to sign in first."
REPORTER_ID = "Buka tautan berikut dan masukkan nomor registrasi serta kata sandi laporan Anda."
REPORTER_EN = "Open the link below and enter your report's registration number and secret."
NOTICE_ID = "Surel ini dikirim otomatis oleh WBS dan tidak memuat isi laporan. Jangan membalas surel ini."
NOTICE_EN = "This e-mail was sent automatically by WBS and carries none of the report's content. Do not reply."


@dataclass(frozen=True)
class Email:
    subject: str
    body: str
    #: ``<...@domain>``: the same for every attempt to deliver one notification.
    message_id: str


#: Every e-mail ends so: a blank line, the signature separator, the notice in both languages.
FOOTER = ("", "-- ", NOTICE_ID, NOTICE_EN, "")


def subject_text(subject: NotificationSubject | None) -> tuple[str, str]:
    """What needs attention, in Indonesian and English; the generic words for no or an unknown subject."""
    return SUBJECT_TEXT.get(subject, GENERIC_TEXT) if subject is not None else GENERIC_TEXT


def absolute_link(public_url: str | None, link: str | None) -> str:
    """The page's address: the public address joined to the notification's path."""
    base = (public_url or "").rstrip("/")
    path = link or "/"
    if not path.startswith("/"):
        path = "/" + path
    return f"{base}{path}" if base else path


def message_id(idempotency_key: str, domain: str) -> str:
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]
    return f"<wbs.{digest}@{domain}>"


def render(
    *,
    subject: NotificationSubject | None,
    link: str | None,
    public_url: str | None,
    idempotency_key: str,
    to_reporter: bool,
    domain: str,
) -> Email:
    indonesian, english = subject_text(subject)
    how_id, how_en = (REPORTER_ID, REPORTER_EN) if to_reporter else (SIGN_IN_ID, SIGN_IN_EN)
    url = absolute_link(public_url, link)
    body = "\n".join(
        [
            f"{indonesian}.",
            how_id,
            "",
            f"{english}.",
            how_en,
            "",
            url,
            *FOOTER,
        ]
    )
    return Email(
        subject=f"[WBS] {indonesian} / {english}",
        body=body,
        message_id=message_id(idempotency_key, domain),
    )


@dataclass(frozen=True)
class Item:
    """One notification in a digest: what needs attention, and where."""

    subject: NotificationSubject | None
    link: str | None
    idempotency_key: str


def render_digest(items: Sequence[Item], *, public_url: str | None, domain: str) -> Email:
    """Several notifications for one officer, due in the same round, as one e-mail.

    A flood of reports would otherwise put one e-mail per report in every officer's mailbox (and
    cost notify an SMTP conversation each). Each item keeps its own line and link, in the order
    given; nothing of any case but the page's address. The Message-ID is derived from the items'
    keys, in any order: the same digest handed over again is one message. (A digest tried again
    after a failure may be put together differently, with rows that came due since, and then is
    another message.)"""
    count = len(items)
    lines = [
        f"Ada {count} hal yang memerlukan perhatian Anda.",
        DIGEST_SIGN_IN_ID,
        "",
        f"{count} things need your attention.",
        DIGEST_SIGN_IN_EN,
        "",
    ]
    for item in items:
        indonesian, english = subject_text(item.subject)
        lines += [f"- {indonesian} / {english}", f"  {absolute_link(public_url, item.link)}"]
    lines += FOOTER
    return Email(
        subject=f"[WBS] {count} hal memerlukan perhatian Anda / {count} things need your attention",
        body="\n".join(lines),
        message_id=message_id("\n".join(sorted(item.idempotency_key for item in items)), domain),
    )


def looks_like_address(contact: str | None) -> str | None:
    """The e-mail address in a reporter's contact, if the contact is one (it may be a telephone
    number, or anything the reporter typed); None otherwise."""
    if contact is None:
        return None
    candidate = contact.strip()
    local, at, domain = candidate.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() or c in "<>,;\"'" for c in candidate):
        return None
    if len(candidate) > 320 or domain.startswith(".") or domain.endswith("."):
        return None
    return candidate
