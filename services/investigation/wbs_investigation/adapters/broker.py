"""What investigation consumes from Kafka."""

from __future__ import annotations

from wbs_contracts.registry import CASE_REGISTERED, ESCALATION_ACKNOWLEDGED, TELAAH_DECIDED
from wbs_investigation.adapters.db import SqlInvestigationUnitOfWork
from wbs_investigation.usecases import open_case_file, record_acknowledgement, record_telaah_decision
from wbs_runtime.service import ServiceRuntime


def subscribe(runtime: ServiceRuntime[SqlInvestigationUnitOfWork]) -> None:
    runtime.subscribe(CASE_REGISTERED, open_case_file)
    runtime.subscribe(TELAAH_DECIDED, record_telaah_decision)  # an audit opens; other outcomes close
    runtime.subscribe(ESCALATION_ACKNOWLEDGED, record_acknowledgement)  # from an agency's page or own systems
    runtime.keep_tenants()  # time limits, approvals and escalation policies
    runtime.keep_roster()  # whom a Surat Tugas may name on an audit team
