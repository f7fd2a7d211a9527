"""E-mail through an SMTP server (aiosmtplib): one message per call, nothing kept here."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime

from aiosmtplib import send

from wbs_notify.domain.email import Email
from wbs_runtime.clock import Clock


class SmtpMailer:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        clock: Clock,
        username: str | None = None,
        password: str | None = None,
        use_tls: bool = False,
        start_tls: bool | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self._clock = clock
        self._username, self._password = username, password
        self._use_tls, self._start_tls, self._timeout = use_tls, start_tls, timeout

    def message(self, to: str, email: Email) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = email.subject
        message["Message-ID"] = email.message_id
        message["Date"] = format_datetime(self._clock())
        message["Auto-Submitted"] = "auto-generated"  # no vacation replies to a notification
        message.set_content(email.body)
        return message

    async def send(self, to: str, email: Email) -> None:
        """Raises on any failure (refused, unreachable, timed out): the round retries later."""
        await send(
            self.message(to, email),
            hostname=self.host,
            port=self.port,
            username=self._username,
            password=self._password,
            use_tls=self._use_tls,
            start_tls=self._start_tls,
            timeout=self._timeout,
        )
