"""Events produced by investigation (audit investigasi, rekomendasi, pelimpahan), and the events an
agency sends back.

Escalations travel on a topic per receiving agency (``wbs.escalations.{agency}.v1``, see
``registry.escalations_to``) so that Kafka ACLs can confine each agency to its own topic; what an
agency may read of the case is sealed to its own ``agency-dossier`` key, and the reporter's identity
is never part of it.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from wbs_contracts.envelope import TENANT_PATTERN, EventData
from wbs_contracts.events.directory import EscalationTarget
from wbs_contracts.events.intake import NAME_LIMIT, TEXT_LIMIT, ReportedOfficial
from wbs_contracts.roles import Role
from wbs_contracts.sealed import Audience, SealedDocument, SealedPayload


class AuditResult(StrEnum):
    """How an audit investigasi concludes (004 BAB II C.4)."""

    #: Tindak pidana korupsi: a corruption offence is indicated.
    TPK = "tpk"
    #: Only an administrative violation.
    PELANGGARAN_ADMINISTRATIF = "pelanggaran-administratif"
    #: No deviation found.
    TIDAK_ADA_PENYIMPANGAN = "tidak-ada-penyimpangan"


class AuditReportIssuedV1(EventData):
    """The final audit report (laporan hasil audit) was issued: in the regulations' monitoring the
    case is ``selesai`` from now on (002/004 BAB II C.7). The report itself stays with investigation."""

    case_id: UUID
    issued_at: AwareDatetime
    report_number: str = Field(min_length=1, max_length=100, description="Nomor laporan hasil audit.")
    result: AuditResult
    estimated_loss_idr: int = Field(ge=0, description="Estimated state loss (kerugian negara/daerah), rupiah.")


class RecommendationKind(StrEnum):
    """The recommendations the regulations name (002 Pasal 8-10; 004 Pasal 6-9)."""

    HUKUMAN_DISIPLIN = "hukuman-disiplin"
    PENGEMBALIAN_KERUGIAN = "pengembalian-kerugian"
    PENYERAHAN_APH = "penyerahan-aph"
    PENYERAHAN_KPK = "penyerahan-kpk"
    PEMULIHAN_NAMA_BAIK = "pemulihan-nama-baik"
    RUJUKAN_LPSK = "rujukan-lpsk"
    PENGHARGAAN_PELAPOR = "penghargaan-pelapor"


class RecommendationIssuedV1(EventData):
    """A recommendation was issued and is followed until done. ``due`` is computed by investigation
    from the tenant's policy (e.g. ``tindak-lanjut-disiplin``: 3 months in Bengkulu, 2 in Lebak);
    others use it and never recompute it. No names: it says what kind, to which office, by when."""

    case_id: UUID
    recommendation_id: UUID
    kind: RecommendationKind
    addressed_to: str = Field(
        min_length=1, max_length=NAME_LIMIT, description="The office that must act, e.g. 'Sekretaris Daerah'."
    )
    issued_at: AwareDatetime
    due: date | None = Field(default=None, description="The follow-up deadline; None when the policy sets none.")
    policy_version: int = Field(ge=1)


class RecommendationOverdueV1(EventData):
    """A recommendation passed its deadline without being done (announced once per deadline)."""

    case_id: UUID
    recommendation_id: UUID
    kind: RecommendationKind
    due: date
    noticed_at: AwareDatetime


class RecommendationCompletedV1(EventData):
    """A recommendation was carried out, with its evidence recorded (e.g. the copy of the SK)."""

    case_id: UUID
    recommendation_id: UUID
    kind: RecommendationKind
    completed_at: AwareDatetime
    on_time: bool


class CaseHandedOverV1(EventData):
    """The case was handed to law enforcement (APH) or the KPK after the approval the tenant's policy
    asks for: in the regulations' monitoring the case is ``selesai``. The dossier went to the agency
    on its own topic; this event tells the services inside."""

    case_id: UUID
    escalation_id: UUID
    target: EscalationTarget
    agency: str = Field(pattern=TENANT_PATTERN)
    approved_at: AwareDatetime
    policy_version: int = Field(ge=1)


# -- what an agency receives ---------------------------------------------------------------------


class EscalatedDocument(BaseModel):
    """A document sent with an escalation; the agency opens it on its page (or the webhook's link)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    document_id: UUID
    title: str = Field(min_length=1, max_length=NAME_LIMIT)
    media_type: str = Field(min_length=1, max_length=100)
    size: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class EscalationDossierV1(SealedDocument):
    """What the receiving agency is entitled to read, sealed to that agency's ``agency-dossier`` key.
    The terlapor and the findings; never the reporter's identity or contact."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "escalation-dossier"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.AGENCY_DOSSIER
    padded_to_at_least: ClassVar[int] = 8192

    perihal: str = Field(min_length=1, max_length=NAME_LIMIT, description="The matter, in a line.")
    terlapor: tuple[ReportedOfficial, ...] = Field(default=(), max_length=20)
    findings: str = Field(min_length=1, max_length=TEXT_LIMIT, description="Ringkasan hasil audit.")
    recommendation: str = Field(default="", max_length=TEXT_LIMIT)
    ekspose_summary: str = Field(default="", max_length=TEXT_LIMIT, description="The exposé's conclusion.")


class EscalationV1(EventData):
    """A case handed to an agency (pelimpahan), published on that agency's own topic once the head of
    region (or whoever the policy names) approved it. The envelope's tenant is the sending body."""

    escalation_id: UUID
    case_id: UUID
    agenda_number: str = Field(max_length=64)
    from_tenant: str = Field(pattern=TENANT_PATTERN)
    from_name: str = Field(min_length=1, max_length=NAME_LIMIT)
    agency: str = Field(pattern=TENANT_PATTERN, description="The receiving agency's tenant id.")
    target: EscalationTarget
    result: AuditResult
    estimated_loss_idr: int = Field(ge=0)
    approved_at: AwareDatetime
    approved_as: Role
    policy_version: int = Field(ge=1)
    policy_basis: str = Field(default="", max_length=300, description="The regulation the routing follows.")
    dossier: SealedPayload = Field(description="EscalationDossierV1, sealed to the agency's agency-dossier key.")
    documents: tuple[EscalatedDocument, ...] = Field(default=(), max_length=50)


class EscalationAcknowledgedV1(EventData):
    """The agency acknowledged receipt of an escalation: from its page in the system, or from its own
    systems with any Kafka client. The envelope's tenant is the agency."""

    escalation_id: UUID
    case_id: UUID
    agency: str = Field(pattern=TENANT_PATTERN)
    acknowledged_at: AwareDatetime
    acknowledged_by: str = Field(min_length=1, max_length=NAME_LIMIT, description="A name or a system's name.")
    agency_reference: str = Field(default="", max_length=100, description="The agency's own registration number.")


SEALED_DOCUMENTS: tuple[type[SealedDocument], ...] = (EscalationDossierV1,)
