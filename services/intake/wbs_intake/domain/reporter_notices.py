"""What the reporter is told on their timeline besides the report's status: that it was forwarded
to another body, and that their identity was disclosed.

Part of the one mapping of what a reporter sees (``domain/reporter_view.py`` once the reporter's
pages are merged: these entries belong there). Texts say what happened and which body, never who.
"""

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


def notice_text(notice: ReporterNotice) -> tuple[str, str]:
    """(Bahasa Indonesia, English)."""
    if notice.kind is NoticeKind.DITERUSKAN:
        body = notice.body_name or "-"
        return (
            f"Laporan diteruskan ke {body}, instansi yang berwenang menanganinya.",
            f"The report was forwarded to {body}, the body competent to handle it.",
        )
    return (
        "Identitas Anda dibuka kepada petugas pemeriksa untuk keperluan pemeriksaan atau peradilan, "
        "setelah disetujui kustodian, sebagaimana diizinkan peraturan. Identitas Anda tetap dirahasiakan "
        "dari pihak lain.",
        "Your identity was disclosed to an investigating officer for an investigation or a court, with a "
        "custodian's approval, as the regulations allow. It stays confidential from everyone else.",
    )
