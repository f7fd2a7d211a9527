"""What operators do through directory's pages: look at the deployment's queue health."""

from __future__ import annotations

from wbs_directory.ports import AuditAction, AuditRecord, DirectoryUnitOfWork

QUEUE_HEALTH = "queue-health"


async def queue_health_viewed(uow: DirectoryUnitOfWork, *, officer_id: str, session_id: str) -> None:
    """The page shows no case content, but who watched the deployment's queues is still on the
    record: on the deployment's own chain, since the page concerns no tenant."""
    async with uow:
        await uow.audit_log.record(
            AuditRecord(AuditAction.VIEWED, actor=officer_id, session_id=session_id, object_type=QUEUE_HEALTH)
        )
        await uow.commit()
