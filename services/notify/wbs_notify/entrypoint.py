"""Runs notify as its own process: ``python -m wbs_notify serve|migrate|...``."""

from __future__ import annotations

import secrets
from functools import partial
from pathlib import Path

from pydantic import Field

from wbs_contracts.events.intake import ReporterContactV2
from wbs_contracts.sealed import Audience
from wbs_notify.adapters import broker, inbox_api, inbox_pages
from wbs_notify.adapters.db import SqlNotifyUnitOfWork, contact_table, metadata
from wbs_notify.usecases_rules import send_due_reminders
from wbs_runtime.cli import ServiceProgram
from wbs_runtime.clock import Clock, utc_now
from wbs_runtime.crypto.reseal import SealedColumn, reseal_command
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings
from wbs_runtime.web.csrf import load_or_create_key
from wbs_runtime.web.pages import WebPages

#: What notify keeps sealed: each case's contact (first-format ones are upgraded to version 2).
CONTACTS_AT_REST = SealedColumn(
    contact_table, "sealed_contact", case="case_id", tenant="tenant_id", model=ReporterContactV2
)


class NotifySettings(ServiceSettings):
    service = "notify"

    #: How often the round looks for reminders of deadlines that are due.
    reminder_round_seconds: float = Field(default=60.0, gt=0)
    #: Plain HTTP on 127.0.0.1 (``make run``): cookies without the Secure flag.
    insecure_cookies: bool = False


HERE = Path(__file__).resolve().parent
CSRF_KEY_FILE = "notify-csrf.key"


def build(settings: ServiceSettings, *, clock: Clock = utc_now) -> ServiceRuntime[SqlNotifyUnitOfWork]:
    # Notify alone may open a reporter's contact (see Audience.READERS), at delivery time.
    runtime = ServiceRuntime(settings, SqlNotifyUnitOfWork, opens=(Audience.REPORTER_CONTACT,))
    broker.subscribe(runtime, clock=clock)
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
    csrf_key = load_or_create_key(settings.key_dir / CSRF_KEY_FILE) if settings.key_dir else None
    return WebPages(
        csrf_key=csrf_key or secrets.token_bytes(32),
        templates=HERE / "templates",
        locale=HERE / "locale",
        secure_cookies=not (isinstance(settings, NotifySettings) and settings.insecure_cookies),
    )


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
