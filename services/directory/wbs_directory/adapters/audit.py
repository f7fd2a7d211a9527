"""Where directory's audit records go until the runtime's append-only trail is plugged in.

``LoggedAuditLog`` is a repository of the unit of work, so a record is made inside the use
case's transaction; for now it only logs a line at debug level (no password, code or token is ever in a
record). The integrator replaces its body with the runtime's audit trail.
"""

from __future__ import annotations

import logging

from wbs_directory.ports import AuditRecord
from wbs_runtime.unit_of_work import Repository

log = logging.getLogger("wbs.directory.audit")


class LoggedAuditLog(Repository):
    async def record(self, entry: AuditRecord) -> None:
        log.debug(
            "audit %s actor=%s tenants=%s subject=%s session=%s %s",
            entry.action.value,
            entry.actor,
            ",".join(entry.tenants),
            entry.subject,
            entry.session_id,
            " ".join(f"{k}={v}" for k, v in sorted(entry.detail.items())),
        )
