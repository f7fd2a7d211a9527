"""The audit trail's chain heads, published so that a cut-off tail cannot go unnoticed.

Every service keeps its audit entries hash-chained per tenant. A chain shows an edited or deleted
entry, but not its last entries cut off; so each service publishes the head of each of its chains
from time to time, and services other than the producer keep them. ``wbs audit verify`` checks each
chain against the heads kept elsewhere.
"""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from wbs_contracts.envelope import TENANT_PATTERN, EventData


class AuditChainHeadV1(EventData):
    """The last entry of one service's audit chain for one tenant, as it stood at ``observed_at``."""

    service: str = Field(min_length=1, max_length=32)
    tenant_id: str = Field(pattern=TENANT_PATTERN)
    sequence: int = Field(ge=1, description="The chain's length: the last entry's position, from 1.")
    entry_hash: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the last entry, hex.")
    observed_at: AwareDatetime
