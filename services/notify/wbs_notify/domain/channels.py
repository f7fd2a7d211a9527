"""What the e-mail channel knows of an officer: an address, or none (in-app inbox only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class OfficerContact:
    officer_id: str
    email: str | None
    active: bool
    changed_at: datetime

    @property
    def address(self) -> str | None:
        """Where to send: nowhere for a deactivated officer."""
        return self.email if self.active else None
