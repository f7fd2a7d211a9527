"""Investigation's use cases, one module per concept."""

from __future__ import annotations

from wbs_investigation.usecases.case_files import (
    Officer,
    audit_queue,
    entry,
    open_case_file,
    read_case_file,
    record_telaah_decision,
)
from wbs_investigation.usecases.ekspose import (
    EksposeTools,
    EksposeView,
    OpenedEkspose,
    open_ekspose_document,
    read_eksposes,
    record_leaders_meeting,
    record_minutes,
    record_result_sent,
    schedule_ekspose,
)

__all__ = ["Officer", "audit_queue", "entry", "open_case_file", "read_case_file", "record_telaah_decision"]
__all__ += [
    "EksposeTools",
    "EksposeView",
    "OpenedEkspose",
    "open_ekspose_document",
    "read_eksposes",
    "record_leaders_meeting",
    "record_minutes",
    "record_result_sent",
    "schedule_ekspose",
]
