"""An approval waiting: the one event every service that asks for approvals publishes, so that
notify can tell the approvers. It says which decision waits and where, never what it is about."""

from __future__ import annotations

from uuid import UUID

from pydantic import AwareDatetime, Field

from wbs_contracts.envelope import EventData
from wbs_contracts.events.directory import Decision
from wbs_contracts.roles import Role


class ApprovalRequestedV1(EventData):
    """A proposal waits for one of ``approver_roles`` in the tenant (the envelope's) to approve it."""

    #: The proposal's own id (a telaah proposal, an escalation, a statistics publication).
    request_id: UUID
    #: The case it concerns; None for a decision about no case (a statistics publication).
    case_id: UUID | None = None
    decision: Decision
    approver_roles: tuple[Role, ...] = Field(min_length=1)
    requested_by: str = Field(min_length=1, max_length=100, description="The proposer's officer id.")
    requested_at: AwareDatetime
    #: Where the approver acts, a path under the one public address (behind sign-in).
    page: str = Field(pattern=r"^/[A-Za-z0-9/_.-]*$", max_length=300)
