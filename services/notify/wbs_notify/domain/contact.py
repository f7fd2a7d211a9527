"""How to reach a case's reporter, as notify keeps it: sealed, opened only to deliver.

Intake seals a contact document for every report, one that says "no contact" when the reporter
left none, all padded to one size. Notify keeps it as it came, for every case, so that nothing in
its database says in plaintext which reporters can be reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class SealedContact:
    case_id: UUID
    tenant: str
    #: The sealed ReporterContactV2 exactly as received (a ``SealedPayload``'s JSON).
    sealed: dict[str, Any]
    received_at: datetime
