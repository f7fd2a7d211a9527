"""Triage's use cases."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.intake import EvidenceAddedV1, EvidenceKeyV1, ReportSubmittedV1
from wbs_contracts.events.triage import CaseRegisteredV1
from wbs_contracts.registry import CASE_REGISTERED
from wbs_contracts.sealed import SealedPayload
from wbs_runtime.audit import AuditEntry, ChainedEntry
from wbs_runtime.clock import Clock
from wbs_triage.domain.agenda import agenda_entry, agenda_year
from wbs_triage.domain.case import Case
from wbs_triage.domain.evidence import CaseEvidence
from wbs_triage.ports import Opener, TriageUnitOfWork


def register_case(clock: Clock, timezone: ZoneInfo) -> Callable[[Envelope[Any], TriageUnitOfWork], Any]:
    """Handler of ``report-submitted``: record the case in the tenant's agenda (pencatatan)."""

    async def handle(event: Envelope[Any], uow: TriageUnitOfWork) -> None:
        report: ReportSubmittedV1 = event.data
        if await uow.cases.get(report.report_id) is not None:
            return  # registered already: the inbox missed nothing, but registering twice must not happen
        now = clock()
        sequence = await uow.agenda.next_sequence(event.tenant, agenda_year(now, timezone))
        entry = agenda_entry(event.tenant, sequence, now, timezone)
        case = Case(
            id=report.report_id,
            tenant=event.tenant,
            category=report.category,
            channel=report.channel,
            received_at=report.submitted_at,
            agenda=entry,
            sealed_substance=report.substance.model_dump(mode="json"),
        )
        await uow.cases.add(case)
        registered = CaseRegisteredV1(
            case_id=case.id,
            agenda_number=entry.number,
            agenda_year=entry.year,
            agenda_sequence=entry.sequence,
            registered_on=entry.registered_on,
            registered_at=entry.registered_at,
        )
        await uow.outbox.add(CASE_REGISTERED, CASE_REGISTERED.caused_by(event, registered, time=now))

    return handle


@dataclass(frozen=True)
class Reader:
    """The officer reading a case, as the audit trail names them."""

    officer_id: str
    name: str
    roles: tuple[str, ...]
    session_id: str
    correlation_id: str | None = None


async def read_case(tenant: str, case_id: UUID, reader: Reader, uow: TriageUnitOfWork) -> Case | None:
    """The case's registration (never its substance), if it is ``tenant``'s; the reading is on the
    tenant's audit trail in the same transaction, so there is no read without its entry."""
    async with uow:
        case = await uow.cases.get(case_id)
        if case is None or case.tenant != tenant:
            return None
        await uow.audit.append(_entry(tenant, case_id, reader, "case.read"))
        await uow.commit()
        return case


async def case_history(tenant: str, case_id: UUID, reader: Reader, uow: TriageUnitOfWork) -> list[ChainedEntry] | None:
    """Who did what with the case here, oldest first (reading the history is recorded too)."""
    async with uow:
        case = await uow.cases.get(case_id)
        if case is None or case.tenant != tenant:
            return None
        await uow.audit.append(_entry(tenant, case_id, reader, "case.history-read"))
        history = await uow.audit.history(tenant, "case", str(case_id))
        await uow.commit()
        return history


def _entry(tenant: str, case_id: UUID, reader: Reader, action: str) -> AuditEntry:
    return AuditEntry(
        tenant_id=tenant,
        actor=reader.officer_id,
        actor_name=reader.name,
        role=",".join(sorted(reader.roles)) or None,
        session_id=reader.session_id,
        action=action,
        object_type="case",
        object_id=str(case_id),
        correlation_id=reader.correlation_id,
    )


async def record_evidence(event: Envelope[Any], uow: TriageUnitOfWork) -> None:
    """Handler of ``evidence-added``: keep where the file is and its sealed key. It may come before
    the case is registered (another topic), so it does not wait for the case; a redelivery adds
    nothing."""
    added: EvidenceAddedV1 = event.data
    await uow.evidence.add(
        CaseEvidence(
            id=added.evidence_id,
            case_id=added.report_id,
            tenant=event.tenant,
            blob=added.blob,
            size_bytes=added.size_bytes,
            added_at=added.added_at,
            late=added.late,
            sealed_key=added.key.model_dump(mode="json"),
        )
    )


@dataclass(frozen=True)
class EvidenceListed:
    id: UUID
    file_name: str
    content_type: str
    size_bytes: int
    added_at: datetime
    late: bool


@dataclass(frozen=True)
class EvidenceToServe:
    """What serving one file needs: its blob, its key, and how to name it."""

    blob: str
    file_key: bytes
    file_name: str
    content_type: str
    size_bytes: int


def _key(evidence: CaseEvidence, opener: Opener) -> EvidenceKeyV1:
    sealed = SealedPayload.model_validate(evidence.sealed_key)
    return opener.open(sealed, tenant=evidence.tenant, case=evidence.case_id, model=EvidenceKeyV1)


async def list_evidence(
    tenant: str, case_id: UUID, reader: Reader, uow: TriageUnitOfWork, opener: Opener
) -> list[EvidenceListed] | None:
    """The case's files with their names (opened for the reader), if the case is ``tenant``'s; on
    the tenant's audit trail in the same transaction."""
    async with uow:
        case = await uow.cases.get(case_id)
        if case is None or case.tenant != tenant:
            return None
        files = [e for e in await uow.evidence.of_case(case_id) if e.tenant == tenant]
        listed = []
        for evidence in files:
            key = _key(evidence, opener)
            listed.append(
                EvidenceListed(
                    evidence.id, key.file_name, key.content_type, evidence.size_bytes, evidence.added_at, evidence.late
                )
            )
        await uow.audit.append(_entry(tenant, case_id, reader, "evidence.list"))
        await uow.commit()
        return listed


async def open_evidence(
    tenant: str, case_id: UUID, evidence_id: UUID, reader: Reader, uow: TriageUnitOfWork, opener: Opener
) -> EvidenceToServe | None:
    """One file of the case, to be decrypted as it is sent: decided, and recorded on the tenant's
    audit trail (``evidence.read``, naming the file), in one transaction, so no file is served
    without its entry."""
    async with uow:
        case = await uow.cases.get(case_id)
        evidence = await uow.evidence.get(evidence_id)
        if case is None or case.tenant != tenant or evidence is None:
            return None
        if evidence.case_id != case_id or evidence.tenant != tenant:
            return None
        key = _key(evidence, opener)
        entry = _entry(tenant, case_id, reader, "evidence.read")
        await uow.audit.append(dataclasses.replace(entry, details={"evidence_id": str(evidence_id)}))
        await uow.commit()
    return EvidenceToServe(
        blob=evidence.blob,
        file_key=base64.b64decode(key.file_key),
        file_name=key.file_name,
        content_type=key.content_type,
        size_bytes=evidence.size_bytes,
    )
