"""What triage consumes from Kafka. (What it produces goes through the outbox.)"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from wbs_contracts.registry import EVIDENCE_ADDED, REPORT_SUBMITTED, REPORTER_MESSAGE_SENT
from wbs_runtime.clock import Clock
from wbs_runtime.service import ServiceRuntime
from wbs_triage.adapters.db import SqlTriageUnitOfWork
from wbs_triage.ports import Keys
from wbs_triage.usecases import record_evidence, record_reporter_message, register_case


def subscribe(runtime: ServiceRuntime[SqlTriageUnitOfWork], *, clock: Clock, timezone: ZoneInfo, keys: Keys) -> None:
    runtime.subscribe(REPORT_SUBMITTED, register_case(clock, timezone))
    runtime.subscribe(EVIDENCE_ADDED, record_evidence)
    runtime.subscribe(REPORTER_MESSAGE_SENT, record_reporter_message(keys, zone=timezone))  # the Kotak Komunikasi
    runtime.keep_roster()  # whom a case may be disposed to
    runtime.keep_tenants()  # calendars and time limits for the telaah clocks
