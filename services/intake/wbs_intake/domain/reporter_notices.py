"""What intake records to tell the reporter besides the report's status: that it was forwarded to
another body, and that their identity was disclosed. How the reporter is told is decided in
``domain/reporter_view.py``, with everything else a reporter sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class NoticeKind(StrEnum):
    #: The report was forwarded down the hierarchy to the body that handles it.
    DITERUSKAN = "diteruskan"
    #: A custodian approved disclosing the reporter's identity to an officer (002 Pasal 10; 004 Pasal 8).
    IDENTITAS_DIUNGKAPKAN = "identitas-diungkapkan"


@dataclass(frozen=True)
class ReporterNotice:
    kind: NoticeKind
    at: datetime
    #: The body concerned (for ``diteruskan``: the one it went to), by name as it was then.
    body_name: str | None = None
