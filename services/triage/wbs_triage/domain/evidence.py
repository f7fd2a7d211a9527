"""A case's evidence files as triage keeps them: where the encrypted bytes are, and the file key,
still sealed to case-substance (opened only for an officer entitled to the case, when asked)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class CaseEvidence:
    id: UUID
    case_id: UUID
    tenant: str
    blob: str
    size_bytes: int
    added_at: datetime
    late: bool
    #: EvidenceKeyV1 sealed to case-substance, as intake sent it (JSON of the SealedPayload).
    sealed_key: dict[str, Any]
