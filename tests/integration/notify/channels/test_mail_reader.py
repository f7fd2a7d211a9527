"""`make run`'s local SMTP server keeps what it receives in a Maildir that `wbs mail` reads."""

from __future__ import annotations

import asyncio
import mailbox
import smtplib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from wbs_contracts.events.directory import NotificationSubject
from wbs_launcher.mail import LocalMailServer
from wbs_notify.adapters.smtp import SmtpMailer
from wbs_notify.domain.email import render
from wbs_runtime.ops.cli import main as wbs


def test_wbs_mail_lists_and_shows_what_the_local_server_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server = LocalMailServer(tmp_path / "mail", 0)
    server.start()
    try:
        mailer = SmtpMailer(
            host=server.host, port=server.port, sender="WBS <wbs@wbs.localhost>", clock=lambda: datetime.now(UTC)
        )
        email = render(
            subject=NotificationSubject.KASUS_BARU,
            link="/perkara/bps-1700/x",
            public_url="http://127.0.0.1:8000",
            idempotency_key="k",
            to_reporter=False,
            domain="wbs.localhost",
        )

        async def send() -> None:
            await mailer.send("petugas@bps.go.id", email)
            await mailer.close()

        asyncio.run(send())
    finally:
        server.stop()
    monkeypatch.setenv("WBS_MAIL_DIR", str(tmp_path / "mail"))
    monkeypatch.setenv("WBS_ENV_FILE", str(tmp_path / "none.env"))

    assert wbs(["mail", "list"]) == 0
    listed = capsys.readouterr().out
    assert "petugas@bps.go.id" in listed
    assert "[WBS] Ada pengaduan baru / A new report has arrived" in listed

    assert wbs(["mail", "show", "1"]) == 0
    shown = capsys.readouterr().out
    assert "To: petugas@bps.go.id" in shown
    assert "http://127.0.0.1:8000/perkara/bps-1700/x" in shown
    assert wbs(["mail", "show", "2"]) == 1  # no such message: a clear error, not a traceback


def test_the_local_server_keeps_mail_in_a_folder_that_already_exists(tmp_path: Path) -> None:
    """A mail folder made beforehand (an empty ``var/mail``) must not refuse every message."""
    folder = tmp_path / "mail"
    folder.mkdir()
    sent_through_local_server(folder, "petugas@uji.go.id")
    assert len(mailbox.Maildir(folder, create=False)) == 1


def test_the_local_server_logs_no_conversation_and_no_address(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """aiosmtpd logs each SMTP line at INFO: a reporter's address would land in make run's output."""
    with caplog.at_level("INFO"):
        sent_through_local_server(tmp_path / "mail", "pelapor.rahasia@example.org")
    assert len(mailbox.Maildir(tmp_path / "mail", create=False)) == 1
    assert not [r for r in caplog.records if "pelapor.rahasia" in r.getMessage()]


def sent_through_local_server(folder: Path, recipient: str) -> None:
    """One message to ``recipient`` through a local server keeping ``folder``, then stopped."""
    server = LocalMailServer(folder, 0)
    server.start()
    try:
        with smtplib.SMTP(server.host, server.port) as client:
            client.sendmail("wbs@uji.go.id", [recipient], b"Subject: uji\r\n\r\nisi\r\n")
    finally:
        server.stop()
