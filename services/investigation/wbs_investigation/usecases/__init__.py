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

__all__ = ["Officer", "audit_queue", "entry", "open_case_file", "read_case_file", "record_telaah_decision"]
