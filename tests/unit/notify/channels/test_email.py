"""E-mail text: bilingual, a link, no content; a Message-ID per notification."""

from __future__ import annotations

import pytest

from wbs_contracts.events.directory import NotificationSubject
from wbs_notify.domain.email import SUBJECT_TEXT, absolute_link, looks_like_address, message_id, render


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
