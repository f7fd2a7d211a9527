"""Audit entries and the hash that chains them: pure logic, no I/O.

An entry's hash is the SHA-256 (lower-case hex) of its canonical form: a JSON object of every
field of the entry except ``entry_hash`` itself, that is ``action``, ``actor``, ``actor_name``,
``correlation_id``, ``details``, ``object_id``, ``object_type``, ``previous_hash``,
``recorded_at``, ``role``, ``sequence``, ``session_id`` and ``tenant_id``, serialised

- with keys sorted (at every depth, ``details`` included) and no whitespace
  (``json.dumps(..., sort_keys=True, separators=(",", ":"), ensure_ascii=False)``), as UTF-8;
- absent values as ``null``, ``sequence`` as an integer;
- ``recorded_at`` in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (always six digits of microseconds).

``previous_hash`` is the hash of the entry before it in the same chain (one chain per tenant per
service), or 64 zeros (:data:`GENESIS_HASH`) for the first entry, whose ``sequence`` is 1.
``details`` holds strings, integers, booleans, nulls, lists and objects only: no floats, whose
text PostgreSQL's JSONB does not keep as written.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from wbs_contracts.envelope import TENANT_PATTERN

GENESIS_HASH = "0" * 64
#: Dotted verbs in the domain's words: ``case.read``, ``signin.failed``, ``identity.disclosure-decided``.
ACTION_PATTERN = re.compile(r"^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$")
#: What an entry's details may weigh once serialised: they say what happened, never the content.
MAX_DETAILS_BYTES = 2048
MAX_TEXT_LENGTH = 200
HASH_PATTERN = re.compile(r"^[0-9a-f]{64}$")
#: As tenants are named on the bus: a chain's head is published under its tenant.
TENANT = re.compile(TENANT_PATTERN)


class InvalidAuditEntry(ValueError):
    """The entry cannot be recorded as given (the caller's mistake: nothing is written)."""


@dataclass(frozen=True)
class AuditEntry:
    """What a service records about one action. See :func:`wbs_runtime.audit.append`.

    ``details`` is small and says *how* the action went (``{"outcome": "approved"}``,
    ``{"reason": "wrong-password"}``, ``{"from_version": 3, "to_version": 4}``). It NEVER holds a
    report's substance, a message, a file, or anyone's identity or contact (the reporter's, a
    witness's, the reported person's): the trail is read by operators and outlives retention.
    ``actor`` is the officer id, or ``operator:<user>`` or ``system``; ``actor_name`` the
    officer's display name as it was then (officers act accountably under their names).
    """

    tenant_id: str
    actor: str
    action: str
    object_type: str | None = None
    object_id: str | None = None
    role: str | None = None
    actor_name: str | None = None
    session_id: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    correlation_id: str | None = None
    #: None: the time of :func:`append`.
    recorded_at: datetime | None = None


@dataclass(frozen=True)
class ChainedEntry:
    """An entry in its chain, as stored."""

    tenant_id: str
    sequence: int
    recorded_at: datetime
    actor: str
    actor_name: str | None
    role: str | None
    session_id: str | None
    action: str
    object_type: str | None
    object_id: str | None
    details: Mapping[str, Any]
    correlation_id: str | None
    previous_hash: str
    entry_hash: str

    def recomputed_hash(self) -> str:
        return entry_hash(self)


def utc_timestamp(moment: datetime) -> str:
    """``2026-11-21T03:04:05.000000Z``: the one textual form of a time in the canonical form."""
    if moment.tzinfo is None:
        raise InvalidAuditEntry("recorded_at must carry a time zone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_form(entry: ChainedEntry) -> bytes:
    """The bytes an entry's hash is computed over (see the module's docstring)."""
    document = {
        "action": entry.action,
        "actor": entry.actor,
        "actor_name": entry.actor_name,
        "correlation_id": entry.correlation_id,
        "details": entry.details,
        "object_id": entry.object_id,
        "object_type": entry.object_type,
        "previous_hash": entry.previous_hash,
        "recorded_at": utc_timestamp(entry.recorded_at),
        "role": entry.role,
        "sequence": entry.sequence,
        "session_id": entry.session_id,
        "tenant_id": entry.tenant_id,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def entry_hash(entry: ChainedEntry) -> str:
    return hashlib.sha256(canonical_form(entry)).hexdigest()


def chain(entry: AuditEntry, *, sequence: int, previous_hash: str, now: datetime) -> ChainedEntry:
    """``entry`` as the ``sequence``-th link after ``previous_hash``, with its hash; checked first."""
    check(entry)
    recorded_at = (entry.recorded_at or now).astimezone(UTC)
    unhashed = ChainedEntry(
        tenant_id=entry.tenant_id,
        sequence=sequence,
        recorded_at=recorded_at,
        actor=entry.actor,
        actor_name=entry.actor_name,
        role=None if entry.role is None else str(entry.role),
        session_id=entry.session_id,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        # Plain JSON types, as they come back from the database: lists, not tuples; dicts, not mappings.
        details=json.loads(json.dumps(entry.details)),
        correlation_id=entry.correlation_id,
        previous_hash=previous_hash,
        entry_hash="",
    )
    return _with_hash(unhashed)


def _with_hash(entry: ChainedEntry) -> ChainedEntry:
    return ChainedEntry(**{**entry.__dict__, "entry_hash": entry_hash(entry)})


def check(entry: AuditEntry) -> None:
    """Refuse what could not be stored and hashed back identically, or what is too big to be a note."""
    if not ACTION_PATTERN.match(entry.action):
        raise InvalidAuditEntry(f"action {entry.action!r} is not a dotted verb such as case.read")
    if not TENANT.match(entry.tenant_id):
        raise InvalidAuditEntry(f"tenant {entry.tenant_id!r} is not a tenant id such as bps-1700")
    if not entry.actor:
        raise InvalidAuditEntry("an audit entry needs an actor")
    texts = {
        "tenant_id": entry.tenant_id,
        "actor": entry.actor,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "role": entry.role,
        "actor_name": entry.actor_name,
        "session_id": entry.session_id,
        "correlation_id": entry.correlation_id,
    }
    for name, value in texts.items():
        if value is not None and (len(value) > MAX_TEXT_LENGTH or "\x00" in value):
            raise InvalidAuditEntry(f"{name} is longer than {MAX_TEXT_LENGTH} characters or holds NUL")
    if entry.recorded_at is not None and entry.recorded_at.tzinfo is None:
        raise InvalidAuditEntry("recorded_at must carry a time zone")
    _check_details(entry.details)
    size = len(json.dumps(entry.details, separators=(",", ":"), ensure_ascii=False).encode())
    if size > MAX_DETAILS_BYTES:
        raise InvalidAuditEntry(f"details take {size} bytes; at most {MAX_DETAILS_BYTES} (a note, not content)")


def _check_details(value: Any, path: str = "details") -> None:
    if value is None or isinstance(value, bool | int):
        return
    if isinstance(value, str):
        if "\x00" in value:
            raise InvalidAuditEntry(f"{path} holds NUL")
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_details(item, f"{path}[{index}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidAuditEntry(f"{path} has a key that is not a string: {key!r}")
            _check_details(item, f"{path}.{key}")
        return
    raise InvalidAuditEntry(f"{path} is a {type(value).__name__}; only str, int, bool, None, lists and objects")
