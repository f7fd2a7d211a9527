"""``make run``'s local mail server: an SMTP server (aiosmtpd) that delivers nothing onwards and
keeps every message it receives in a Maildir (``var/mail``), for a person to read with
``wbs mail list|show`` or any mail client that opens a Maildir (mutt -f var/mail, Thunderbird's
Maildir support, ...)."""

from __future__ import annotations

import argparse
import email
import email.policy
import logging
import mailbox
import os
import socket
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class MaildirHandler:
    """Keeps each message as received, with a ``Delivered-To`` per recipient (as a mail server would)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        # Maildir(create=True) makes tmp/, new/ and cur/ only when the folder itself is new: a folder
        # made beforehand (by a deployment, or emptied by hand) would refuse every message.
        for part in ("tmp", "new", "cur"):
            (directory / part).mkdir(parents=True, exist_ok=True)
        self.maildir = mailbox.Maildir(directory, create=False)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        content: bytes = envelope.original_content or envelope.content
        delivered = "".join(f"Delivered-To: {rcpt}\r\n" for rcpt in envelope.rcpt_tos).encode()
        self.maildir.add(mailbox.MaildirMessage(delivered + content))
        return "250 Message accepted for delivery"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class LocalMailServer:
    """An SMTP server on ``host:port`` in a thread of the launcher, as long as the stack runs."""

    def __init__(self, directory: Path, port: int, host: str = "127.0.0.1") -> None:
        self.directory = directory
        self.host = host
        self.port = port or free_port(host)
        self._controller: Controller | None = None

    def start(self) -> None:
        # aiosmtpd logs every line of every conversation at INFO, recipients' addresses included (a
        # reporter's too): they would fill ``make run``'s output. Its warnings and errors still show.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self._controller = Controller(MaildirHandler(self.directory), hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


# -- reading it: ``wbs mail list|show`` ---------------------------------------------------------


def mail_dir() -> Path:
    """``WBS_MAIL_DIR`` (``make run`` writes it to var/wbs.env), else ``var/mail`` here."""
    return Path(os.environ.get("WBS_MAIL_DIR") or Path("var") / "mail")


def messages(directory: Path) -> list[tuple[str, EmailMessage]]:
    """Every kept message, oldest first, parsed."""
    if not directory.is_dir():
        return []
    box = mailbox.Maildir(directory, create=False)
    parsed = []
    for key in box.iterkeys():
        raw = box.get_bytes(key)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        parsed.append((key, message))
    return sorted(parsed, key=lambda kept: kept[0])


def register_mail(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "mail",
        help="surel yang diterima server SMTP lokal / e-mail the local SMTP server received",
        description="Surel yang diterima server SMTP lokal `make run` (Maildir var/mail) /"
        " e-mail received by `make run`'s local SMTP server (a Maildir in var/mail).",
    )
    sub = parser.add_subparsers(dest="mail_command", metavar="<perintah / command>", required=True)
    sub.add_parser("list", help="daftar surel / list messages").set_defaults(handler=_list)
    show = sub.add_parser("show", help="tampilkan satu surel / show one message")
    show.add_argument(
        "id", help="nomor dari `wbs mail list` atau kuncinya / the number from `wbs mail list` or its key"
    )
    show.set_defaults(handler=_show)


def _list(arguments: argparse.Namespace) -> int:
    from wbs_runtime.ops.common import table

    kept = messages(mail_dir())
    rows = [
        (number, message["Date"], message["To"], message["Subject"])
        for number, (_, message) in enumerate(kept, start=1)
    ]
    print(table(("no", "tanggal / date", "kepada / to", "perihal / subject"), rows))
    return 0


def _show(arguments: argparse.Namespace) -> int:
    kept = messages(mail_dir())
    wanted: str = arguments.id
    found = [m for k, m in kept if k == wanted or k.startswith(wanted)]
    if wanted.isdigit() and 1 <= int(wanted) <= len(kept):
        found = [kept[int(wanted) - 1][1]]
    if len(found) != 1:
        raise LookupError(f"surel tidak ditemukan / no such message: {wanted}")
    message = found[0]
    for header in ("Message-ID", "Date", "From", "To", "Subject"):
        print(f"{header}: {message[header]}")
    print()
    body = message.get_body(preferencelist=("plain",))
    print(body.get_content() if body is not None else "")
    return 0
