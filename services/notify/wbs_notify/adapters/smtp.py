"""E-mail through an SMTP server (aiosmtplib): a round's messages on one connection, nothing of
them kept here."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime

from aiosmtplib import SMTP, SMTPRecipientRefused, SMTPRecipientsRefused, SMTPResponseException

from wbs_notify.domain.email import Email
from wbs_runtime.clock import Clock


class MailNotSent(Exception):
    """A send that failed, told without anything the server said: its replies quote the address
    (``550 5.1.1 <x@y>: no such user``), which must never reach the queue's ``last_error`` or a log."""

    def __init__(self, kind: str, code: int | None, *, recipient_refused: bool) -> None:
        super().__init__(kind if code is None else f"{kind} {code}")
        self.kind, self.code, self.recipient_refused = kind, code, recipient_refused

    @property
    def permanent(self) -> bool:
        """A recipient refused for good (5xx): trying again would only be refused again."""
        return self.recipient_refused and self.code is not None and 500 <= self.code < 600


def not_sent(error: Exception) -> MailNotSent:
    """Only the exception's class and the SMTP code are kept."""
    if isinstance(error, SMTPRecipientsRefused):
        codes = [refused.code for refused in error.recipients]
        return MailNotSent(type(error).__name__, min(codes) if codes else None, recipient_refused=True)
    if isinstance(error, SMTPResponseException):
        refused = isinstance(error, SMTPRecipientRefused)
        return MailNotSent(type(error).__name__, error.code, recipient_refused=refused)
    return MailNotSent(type(error).__name__, None, recipient_refused=False)


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
        self._client: SMTP | None = None

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
        """Raises ``MailNotSent`` on any failure (refused, unreachable, timed out), with nothing the
        server said in it. The connection is kept for the next message until :meth:`close`, so a
        round connects and greets once, not once per message."""
        try:
            client = await self._connected()
            await client.send_message(self.message(to, email))
        except (SMTPResponseException, SMTPRecipientsRefused) as error:
            # The server answered (aiosmtplib reset the transaction): the connection stays usable.
            raise not_sent(error) from None
        except Exception as error:
            self._drop()
            # ``from None``: a traceback logged further up must not print the server's reply either.
            raise not_sent(error) from None
        except BaseException:  # cancelled mid-conversation (the caller's deadline): state unknown
            self._drop()
            raise

    async def close(self) -> None:
        """End the round's connection politely (QUIT); nothing to do if none is open."""
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            try:
                await client.quit(timeout=self._timeout)
            except Exception:  # the server went away first: nothing left to end
                client.close()
            except BaseException:  # the round cancelled (the service stopping): the socket still goes
                client.close()
                raise

    async def _connected(self) -> SMTP:
        if self._client is None or not self._client.is_connected:
            client = SMTP(
                hostname=self.host,
                port=self.port,
                username=self._username,
                password=self._password,
                use_tls=self._use_tls,
                start_tls=self._start_tls,
                timeout=self._timeout,
            )
            await client.connect()
            self._client = client
        return self._client

    def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()
