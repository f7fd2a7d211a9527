"""The audit trail: append-only, hash-chained per tenant per service (architecture section 4).

A use case records what an officer did with :func:`append` (or ``uow.audit.append``) in the
transaction that does it. Each service publishes its chains' heads (:mod:`.heads`); directory and
reporting keep the heads of the others; ``wbs audit verify`` checks everything (:mod:`.verify`).
"""

from wbs_runtime.audit.chain import GENESIS_HASH, AuditEntry, ChainedEntry, InvalidAuditEntry
from wbs_runtime.audit.trail import AuditRecorder, AuditTrail, append

__all__ = ["GENESIS_HASH", "AuditEntry", "AuditRecorder", "AuditTrail", "ChainedEntry", "InvalidAuditEntry", "append"]
