"""Directory's officer actions on the runtime's append-only, hash-chained audit trail.

A record belongs to every tenant it names (an officer's sign-in to each tenant they hold a role
in), so it is appended to each of those tenants' chains, in a fixed order (the chain heads stay
locked until commit, and a fixed order cannot deadlock). A record that concerns no tenant (a failed
sign-in with an unknown login name, a throttled one) goes to the deployment's own chain.
"""

from __future__ import annotations

from wbs_directory.domain.tenant import DEPLOYMENT_CHAIN
from wbs_directory.ports import AuditRecord
from wbs_runtime.audit import AuditEntry, AuditTrail
from wbs_runtime.unit_of_work import Repository

#: Who acted when nobody was recognised (a wrong password for an unknown or known account).
UNRECOGNISED = "unrecognised"


class TrailAuditLog(Repository):
    async def record(self, entry: AuditRecord) -> None:
        trail = AuditTrail(self._session)
        for tenant in sorted(set(entry.tenants)) or [DEPLOYMENT_CHAIN]:
            await trail.append(
                AuditEntry(
                    tenant_id=tenant,
                    actor=entry.actor or UNRECOGNISED,
                    action=f"{entry.object_type}.{entry.action.value}",
                    object_type=entry.object_type,
                    object_id=entry.subject,
                    session_id=entry.session_id,
                    details=dict(entry.detail),
                )
            )
