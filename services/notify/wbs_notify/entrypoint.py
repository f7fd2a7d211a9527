"""Runs notify as its own process: ``python -m wbs_notify serve|migrate|...``."""

from __future__ import annotations

from functools import partial

from pydantic import Field

from wbs_contracts.events.intake import ReporterContactV2
from wbs_contracts.sealed import Audience
from wbs_notify.adapters import broker
from wbs_notify.adapters.db import SqlNotifyUnitOfWork, contact_table, metadata
from wbs_notify.usecases_rules import send_due_reminders
from wbs_runtime.cli import ServiceProgram
from wbs_runtime.clock import Clock, utc_now
from wbs_runtime.crypto.reseal import SealedColumn, reseal_command
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings

#: What notify keeps sealed: each case's contact (first-format ones are upgraded to version 2).
CONTACTS_AT_REST = SealedColumn(
    contact_table, "sealed_contact", case="case_id", tenant="tenant_id", model=ReporterContactV2
)


class NotifySettings(ServiceSettings):
    service = "notify"

    #: How often the round looks for reminders of deadlines that are due.
    reminder_round_seconds: float = Field(default=60.0, gt=0)


def build(settings: ServiceSettings, *, clock: Clock = utc_now) -> ServiceRuntime[SqlNotifyUnitOfWork]:
    # Notify alone may open a reporter's contact (see Audience.READERS), at delivery time.
    runtime = ServiceRuntime(settings, SqlNotifyUnitOfWork, opens=(Audience.REPORTER_CONTACT,))
    broker.subscribe(runtime, clock=clock)
    # Reminders of deadlines become notifications when due (domain/reminders.py).
    round_seconds = settings.reminder_round_seconds if isinstance(settings, NotifySettings) else 60.0
    runtime.every(
        "deadline reminders", partial(send_due_reminders, runtime.unit_of_work, clock=clock), idle_seconds=round_seconds
    )
    return runtime


PROGRAM = ServiceProgram(
    settings=NotifySettings,
    title="WBS Notify — pemberitahuan",
    description="Queues notifications for reporters; no report content in any of them.",
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
