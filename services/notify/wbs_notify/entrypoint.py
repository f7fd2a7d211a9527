"""Runs notify as its own process: ``python -m wbs_notify serve|migrate|...``."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from pydantic import Field, SecretStr

from wbs_contracts.events.intake import ReporterContactV2
from wbs_contracts.sealed import Audience
from wbs_notify.adapters import broker, inbox_api, inbox_pages
from wbs_notify.adapters.channels_broker import subscribe_channels
from wbs_notify.adapters.db import SqlNotifyUnitOfWork, contact_table, metadata
from wbs_notify.adapters.delivery import deliver_notifications
from wbs_notify.adapters.webhook_secrets import WebhookKeySettings
from wbs_notify.usecases.rules import send_due_reminders
from wbs_runtime.cli import ServiceProgram
from wbs_runtime.clock import Clock, utc_now
from wbs_runtime.crypto.reseal import SealedColumn, reseal_command
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings
from wbs_runtime.web.pages import WebPages, service_pages

#: What notify keeps sealed: each case's contact (first-format ones are upgraded to version 2).
CONTACTS_AT_REST = SealedColumn(
    contact_table, "sealed_contact", case="case_id", tenant="tenant_id", model=ReporterContactV2
)


class NotifySettings(WebhookKeySettings):
    service = "notify"

    #: The address people reach WBS at (``https://wbs.example.go.id``): links in e-mail and webhooks.
    public_url: str | None = Field(default=None, max_length=300)
    #: The SMTP server e-mail goes through (``make run`` starts one); None: e-mail waits in the queue.
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, gt=0, lt=65536)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    #: TLS from the start (port 465); ``smtp_starttls`` None: STARTTLS when the server offers it.
    smtp_use_tls: bool = False
    smtp_starttls: bool | None = None
    smtp_timeout_seconds: float = Field(default=10, gt=0)
    #: The From of every e-mail; its domain is the Message-IDs'.
    mail_sender: str = Field(default="WBS <wbs@localhost>", max_length=300)
    #: One call to an endpoint waits this long for an answer, then counts as failed (retried later).
    webhook_timeout_seconds: float = Field(default=10, gt=0)
    # webhook_key, webhook_key_create, webhook_allow_private: WebhookKeySettings (shared with ``wbs webhooks``).
    #: False: nothing is sent (the queue keeps everything for later).
    delivery_enabled: bool = True
    delivery_batch: int = Field(default=20, ge=1, le=500)
    delivery_idle_seconds: float = Field(default=2, gt=0)
    #: How often the round looks for reminders of deadlines that are due.
    reminder_round_seconds: float = Field(default=60.0, gt=0)


HERE = Path(__file__).resolve().parent


def build(settings: ServiceSettings, *, clock: Clock = utc_now) -> ServiceRuntime[SqlNotifyUnitOfWork]:
    # Notify alone may open a reporter's contact (see Audience.READERS), at delivery time.
    runtime = ServiceRuntime(settings, SqlNotifyUnitOfWork, opens=(Audience.REPORTER_CONTACT,))
    broker.subscribe(runtime, clock=clock)
    subscribe_channels(runtime)
    # E-mail and webhooks, delivered in the background (adapters/delivery.py).
    if isinstance(settings, NotifySettings):
        deliver_notifications(runtime, settings, clock=clock)
    # Reminders of deadlines become notifications when due (domain/reminders.py).
    round_seconds = settings.reminder_round_seconds if isinstance(settings, NotifySettings) else 60.0
    uow = runtime.unit_of_work
    runtime.every("deadline reminders", partial(send_due_reminders, uow, clock=clock), idle_seconds=round_seconds)
    # The officer's in-app inbox: its page and its API.
    web = officer_pages(settings)
    runtime.include_router(inbox_pages.build_router(web, unit_of_work=uow, clock=clock, zone=settings.zone))
    runtime.include_router(inbox_api.build_router(unit_of_work=uow, clock=clock))
    return runtime


def officer_pages(settings: ServiceSettings) -> WebPages:
    return service_pages(settings, HERE)


PROGRAM = ServiceProgram(
    settings=NotifySettings,
    title="WBS Notify — pemberitahuan",
    description="Tells officers, reporters and agencies what needs them; no report content in any notification.",
    build=build,
    metadata=metadata,
    extra_commands={
        "reseal": (
            "segel ulang kontak pelapor ke kunci terbaru / re-seal stored contacts to the newest key",
            reseal_command(CONTACTS_AT_REST),
        )
    },
)
main = PROGRAM.main
