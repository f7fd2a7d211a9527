"""Investigation's escalation table (kept equal to its migration by a test, with the others)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Index, Integer, Table, Text, Uuid
from sqlalchemy.dialects.postgresql import JSONB

from wbs_investigation.adapters.db.tables import metadata

#: Each proposed hand-over of a case (pelimpahan) to one agency, its approval or rejection, what
#: was sent, and the agency's acknowledgement. Sealed columns hold ciphertext to case-substance.
escalation_table = Table(
    "escalation",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False),
    Column("tenant_id", Text, nullable=False),
    Column("target", Text, nullable=False),
    Column("agency", Text, nullable=False),
    Column("agency_name", Text, nullable=False),
    #: The case file as proposed: an approval applies to exactly this.
    Column("result", Text, nullable=False),
    Column("estimated_loss_idr", BigInteger, nullable=False),
    Column("report_number", Text),
    Column("proposed_by", Text, nullable=False),
    Column("proposed_by_name", Text, nullable=False),
    Column("proposed_at", DateTime(timezone=True), nullable=False),
    Column("proposal_policy_version", Integer, nullable=False),
    Column("approver_roles", JSONB, nullable=False),
    #: The letter's subject and the recommendation (EscalationProposalTextV1).
    Column("sealed_text", JSONB, nullable=False),
    Column("state", Text, nullable=False),
    Column("decided_by", Text),
    Column("decided_by_name", Text),
    Column("decided_as", Text),
    Column("decided_at", DateTime(timezone=True)),
    #: The policy version that applied at the approval, and the regulation it follows.
    Column("policy_version", Integer),
    Column("policy_basis", Text, nullable=False, server_default=""),
    Column("sealed_rejection", JSONB),
    Column("from_name", Text),
    #: Investigation's copy of the dossier sealed to the agency (DossierCopyV1), for the agency's page.
    Column("sealed_dossier", JSONB),
    #: The documents sent (EscalatedDocument rows).
    Column("documents", JSONB, nullable=False, server_default="[]"),
    Column("acknowledged_at", DateTime(timezone=True)),
    Column("acknowledged_by", Text),
    Column("agency_reference", Text),
    Index("escalation_case", "case_id"),
    Index("escalation_agency_state", "agency", "state"),
)
