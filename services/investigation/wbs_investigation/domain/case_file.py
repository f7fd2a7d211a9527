"""A case file (berkas perkara) as investigation holds it, and where it stands.

A case becomes auditable only when the telaah concludes that it indicates a corruption offence
(Perbup Lebak 18/2021, BAB II C.2). In the regulations' monitoring (002/004 BAB II C.7) a case is
``selesai`` once its final audit report is issued or it has been handed to law enforcement, and
``dalam proses`` until then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from wbs_contracts.events.investigation import AuditResult


class CaseFileStatus(StrEnum):
    #: Registered; the telaah has not concluded.
    MENUNGGU_TELAAH = "menunggu-telaah"
    #: The telaah ended otherwise (not processed, forwarded, merged): nothing to audit here.
    TIDAK_DIAUDIT = "tidak-diaudit"
    #: The telaah decided on an audit: the Surat Tugas is to be issued.
    PERENCANAAN = "perencanaan"
    #: The Surat Tugas is issued: programme, clarifications, evidence, result.
    PELAKSANAAN = "pelaksanaan"
    #: An exposé found new evidence that changes the loss: it is tested again before anything leaves.
    PENGUJIAN_ULANG = "pengujian-ulang"
    #: The final audit report (laporan hasil audit) is issued.
    LAPORAN_TERBIT = "laporan-terbit"
    #: Handed to APH or the KPK after the approval the policy asks for.
    DISERAHKAN = "diserahkan"

    @property
    def in_audit(self) -> bool:
        return self not in (CaseFileStatus.MENUNGGU_TELAAH, CaseFileStatus.TIDAK_DIAUDIT)

    @property
    def selesai(self) -> bool:
        """Whether the regulations' monitoring counts the case as finished."""
        return self in (CaseFileStatus.LAPORAN_TERBIT, CaseFileStatus.DISERAHKAN)


#: The statuses of a case under audit, in the order a case passes them.
AUDIT_STATUSES: tuple[CaseFileStatus, ...] = tuple(s for s in CaseFileStatus if s.in_audit)


@dataclass(frozen=True)
class CaseFile:
    case_id: UUID
    tenant: str
    #: None until case-registered arrives: events of one case on different topics may come in any order.
    agenda_number: str | None
    registered_on: date | None
    status: CaseFileStatus = CaseFileStatus.MENUNGGU_TELAAH
    #: When the telaah's audit-investigasi decision arrived, under which policy version.
    audit_decided_at: datetime | None = None
    telaah_policy_version: int | None = None
    result: AuditResult | None = None
    estimated_loss_idr: int | None = None
    report_number: str | None = None
    report_issued_at: datetime | None = None
    handed_over_at: datetime | None = None
    #: When the exposé before a hand-over concluded (none yet: nothing may be handed over).
    ekspose_concluded_at: datetime | None = None

    @property
    def selesai(self) -> bool:
        return self.status.selesai
