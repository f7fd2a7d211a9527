"""What intake records to tell the reporter besides the report's status: that it was forwarded to
another body, that their identity was disclosed, and how the handling of the report ended. How the
reporter is told is decided in ``domain/reporter_view.py``, with everything else a reporter sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class NoticeKind(StrEnum):
    #: The report was forwarded down the hierarchy to the body that handles it.
    DITERUSKAN = "diteruskan"
    #: A custodian approved disclosing the reporter's identity to an officer (002 Pasal 10; 004 Pasal 8).
    IDENTITAS_DIUNGKAPKAN = "identitas-diungkapkan"
    #: Investigation issued the final audit report (laporan hasil audit): the case is selesai.
    LAPORAN_HASIL_AUDIT_TERBIT = "laporan-hasil-audit-terbit"
    #: The case was handed to law enforcement (APH or the KPK) after the approval the policy asks.
    DISERAHKAN_KEPADA_PENEGAK_HUKUM = "diserahkan-kepada-penegak-hukum"


#: The two ways the regulations' monitoring counts a case as selesai (002/004 BAB II C.7).
ENDINGS = frozenset({NoticeKind.LAPORAN_HASIL_AUDIT_TERBIT, NoticeKind.DISERAHKAN_KEPADA_PENEGAK_HUKUM})


@dataclass(frozen=True)
class ReporterNotice:
    kind: NoticeKind
    at: datetime
    #: The body concerned (for ``diteruskan``: the one it went to), by name as it was then.
    body_name: str | None = None
