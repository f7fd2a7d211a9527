"""A case file (berkas perkara) as investigation holds it.

A case becomes auditable only when the telaah concludes that it indicates a corruption offence
(Perbup Lebak 18/2021, BAB II C.2). Until then investigation only knows that it exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID


class CaseFileStatus(StrEnum):
    MENUNGGU_TELAAH = "menunggu-telaah"  # registered; the telaah has not concluded


@dataclass(frozen=True)
class CaseFile:
    case_id: UUID
    tenant: str
    agenda_number: str
    registered_on: date
    status: CaseFileStatus = CaseFileStatus.MENUNGGU_TELAAH
