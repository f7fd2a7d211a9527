"""Intake's own gauges: reports that have not reached ``terdaftar``.

A report whose ``report-submitted`` event triage could not apply (dead-lettered there) stays
``diterima`` for its reporter. The dead-letter gauge of triage says that something was parked;
these say, from intake's side, how many reports are waiting and for how long, so an alert can
fire on "a report received an hour ago is still not registered".
"""

from __future__ import annotations

from typing import Any

from prometheus_client import Gauge
from sqlalchemy.ext.asyncio import AsyncConnection

from wbs_intake.adapters.db import unregistered_reports
from wbs_runtime.service import ServiceRuntime

#: A count over intake's reports: cheap, but no need to run it every second.
EVERY_SECONDS = 15.0


def register_gauges(runtime: ServiceRuntime[Any], every: float = EVERY_SECONDS) -> None:
    registry = runtime.metrics.registry
    waiting = Gauge(
        "wbs_intake_unregistered_reports",
        "Reports received (diterima) whose registration (terdaftar) has not arrived yet.",
        ["service"],
        registry=registry,
    )
    oldest = Gauge(
        "wbs_intake_oldest_unregistered_report_age_seconds",
        "Age of the oldest report still waiting for its registration (0 when none).",
        ["service"],
        registry=registry,
    )

    async def measure(db: AsyncConnection) -> None:
        count, age = await unregistered_reports(db)
        waiting.labels(runtime.name).set(count)
        oldest.labels(runtime.name).set(age)

    runtime.gauges.register("unregistered reports", measure, every=every)
