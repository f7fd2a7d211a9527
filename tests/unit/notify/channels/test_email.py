"""E-mail text: bilingual, a link, no content; a Message-ID per notification."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import pytest

from wbs_contracts.events.directory import NotificationSubject
from wbs_notify.adapters.delivery import one_email_each
from wbs_notify.domain.email import (
    SUBJECT_TEXT,
    Item,
    absolute_link,
    looks_like_address,
    message_id,
    render,
    render_digest,
)
from wbs_notify.domain.notification import RecipientKind


@pytest.mark.parametrize("subject", list(NotificationSubject))
def test_every_subject_has_its_bilingual_text_and_a_link(subject: NotificationSubject) -> None:
    email = render(
        subject=subject,
        link="/perkara/bps-1700/0b7c",
        public_url="https://wbs.example.go.id/",
        idempotency_key=f"{subject}:e1:o1:surel",
        to_reporter=False,
        domain="wbs.example.go.id",
    )
    indonesian, english = SUBJECT_TEXT[subject]
    assert email.subject == f"[WBS] {indonesian} / {english}"
    assert email.body.index(indonesian) < email.body.index(english)  # Bahasa Indonesia first
    assert "https://wbs.example.go.id/perkara/bps-1700/0b7c" in email.body.splitlines()


def test_the_text_is_only_the_template_and_the_link() -> None:
    """Nothing from anywhere but the template and the link can reach the message: the renderer
    takes no other input (this pins that: any new input would change its signature)."""
    email = render(
        subject=NotificationSubject.BALASAN,
        link="/status",
        public_url="https://wbs.test",
        idempotency_key="balasan:e9:pelapor:surel",
        to_reporter=True,
        domain="wbs.test",
    )
    lines = [line for line in email.body.splitlines() if line.strip()]
    assert lines[0] == "Ada balasan atas laporan Anda."
    assert "https://wbs.test/status" in lines
    assert "balasan:e9" not in email.body  # not even the key


def test_the_message_id_follows_the_idempotency_key() -> None:
    assert message_id("k1", "wbs.test") == message_id("k1", "wbs.test")
    assert message_id("k1", "wbs.test") != message_id("k2", "wbs.test")
    assert message_id("k1", "wbs.test").endswith("@wbs.test>")


def test_links_are_under_the_public_address() -> None:
    assert absolute_link("https://wbs.test/", "/kotak-masuk") == "https://wbs.test/kotak-masuk"
    assert absolute_link(None, "/kotak-masuk") == "/kotak-masuk"
    assert absolute_link("https://wbs.test", None) == "https://wbs.test/"


@pytest.mark.parametrize(
    ("contact", "address"),
    [
        ("pelapor@example.org", "pelapor@example.org"),
        ("  pelapor@example.org ", "pelapor@example.org"),
        ("0812-3456-7890", None),
        ("WA 0812 atau pelapor@example.org", None),
        ("pelapor@localhost", None),
        ("@example.org", None),
        (None, None),
        ("", None),
    ],
)
def test_a_reporters_contact_is_an_address_only_when_it_is_one(contact: str | None, address: str | None) -> None:
    assert looks_like_address(contact) == address


def test_a_digest_lists_each_notification_with_its_link_in_both_languages() -> None:
    items = [
        Item(NotificationSubject.KASUS_BARU, "/perkara/bps-1700/a1", "kasus-baru:e1:o1:surel"),
        Item(NotificationSubject.KASUS_BARU, "/perkara/bps-1700/b2", "kasus-baru:e2:o1:surel"),
        Item(NotificationSubject.PESAN_PELAPOR, "/perkara/bps-1700/a1", "pesan-pelapor:e3:o1:surel"),
    ]
    email = render_digest(items, public_url="https://wbs.example.go.id", domain="wbs.example.go.id")
    assert email.subject == "[WBS] 3 hal memerlukan perhatian Anda / 3 things need your attention"
    lines = email.body.splitlines()
    assert lines[0] == "Ada 3 hal yang memerlukan perhatian Anda."
    assert email.body.index("Ada 3 hal") < email.body.index("3 things need")  # Bahasa Indonesia first
    listed = [line.strip() for line in lines if line.startswith("  https://")]
    assert listed == [
        "https://wbs.example.go.id/perkara/bps-1700/a1",
        "https://wbs.example.go.id/perkara/bps-1700/b2",
        "https://wbs.example.go.id/perkara/bps-1700/a1",
    ]
    assert "- Ada pesan dari pelapor / The reporter sent a message" in lines
    # The same notifications in another order are the same message; another set is not.
    again = render_digest(items[::-1], public_url="https://wbs.example.go.id", domain="wbs.example.go.id")
    assert again.message_id == email.message_id
    fewer = render_digest(items[:2], public_url="https://wbs.example.go.id", domain="wbs.example.go.id")
    assert fewer.message_id != email.message_id
    assert email.message_id not in {message_id(item.idempotency_key, "wbs.example.go.id") for item in items}


def test_a_rounds_rows_become_one_digest_per_officer_and_one_e_mail_per_reporter_row() -> None:
    def row(kind: RecipientKind, recipient: str | None, minute: int) -> SimpleNamespace:
        return SimpleNamespace(recipient_kind=kind, recipient=recipient, queued_at=datetime(2026, 11, 23, 9, minute))

    officer = RecipientKind.PETUGAS
    first, second = row(officer, "o1", 4), row(officer, "o2", 3)
    third, fourth = row(officer, "o1", 1), row(officer, "o1", 2)
    reporters = [row(RecipientKind.PELAPOR, None, 5), row(RecipientKind.PELAPOR, None, 0)]
    grouped = one_email_each([first, *reporters, second, third, fourth])
    assert grouped == [[reporters[1]], [third, fourth, first], [second], [reporters[0]]]
