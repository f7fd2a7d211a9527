"""The receiving agencies' side of a hand-over: their subscribers see the escalations addressed to
their agency and nothing else, open the dossier and the documents sent, and acknowledge receipt.
The acknowledgement travels as ``ESCALATION_ACKNOWLEDGED`` (producer: the agency; the page writes on
its behalf), and one consumer records it, whether it came from the page or from the agency's own
systems with any Kafka client.

Every read and export is on the audit trail of the body whose case it is; the inbox read on the
agency's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.intake import NAME_LIMIT
from wbs_contracts.events.investigation import EscalatedDocument, EscalationAcknowledgedV1
from wbs_contracts.registry import ESCALATION_ACKNOWLEDGED
from wbs_investigation.domain.escalation import DossierCopyV1, Escalation, EscalationRefused, checked_text
from wbs_investigation.ports import EscalationUnitOfWork, Keys
from wbs_investigation.usecases.case_files import Officer, entry
from wbs_runtime.audit import AuditEntry
from wbs_runtime.clock import Clock
from wbs_runtime.errors import Unretryable

#: How long an agency's own reference may be (EscalationAcknowledgedV1.agency_reference).
REFERENCE_LIMIT = 100


@dataclass(frozen=True)
class AgencyEscalation:
    """One escalation as its agency sees it: what was sent, and the dossier opened."""

    escalation: Escalation
    agenda_number: str
    dossier: DossierCopyV1


@dataclass(frozen=True)
class Acknowledgement:
    #: Who acknowledges, as the agency names them.
    name: str
    #: The agency's own registration number of the matter (optional).
    reference: str = ""


async def _sent_to(uow: EscalationUnitOfWork, agency: str, escalation_id: UUID) -> Escalation | None:
    """The escalation if it was sent to ``agency`` (another agency's, or none, look the same)."""
    escalation = await uow.escalations.get(escalation_id)
    return escalation if escalation is not None and escalation.sent and escalation.agency == agency else None


async def agency_inbox(agency: str, reader: Officer, *, uow: EscalationUnitOfWork) -> list[Escalation]:
    """What was handed to ``agency``, newest first; the reading is on the agency's audit trail."""
    async with uow:
        sent = await uow.escalations.sent_to(agency)
        await uow.audit.append(
            AuditEntry(
                tenant_id=agency,
                actor=reader.officer_id,
                actor_name=reader.name,
                role=",".join(sorted(reader.roles)) or None,
                session_id=reader.session_id,
                action="escalation.inbox-read",
                details={"count": len(sent)},
                correlation_id=reader.correlation_id,
            )
        )
        await uow.commit()
        return sent


async def read_for_agency(
    agency: str, escalation_id: UUID, reader: Officer, *, uow: EscalationUnitOfWork, keys: Keys
) -> AgencyEscalation | None:
    """The escalation and its dossier for the agency it was sent to (None otherwise)."""
    async with uow:
        escalation = await _sent_to(uow, agency, escalation_id)
        if escalation is None or escalation.sealed_dossier is None:
            return None
        case_file = await uow.case_files.get(escalation.case_id)
        details = {"escalation_id": str(escalation.id), "agency": agency}
        await uow.audit.append(
            entry(escalation.tenant, escalation.case_id, reader, "escalation.agency-read", **details)
        )
        await uow.commit()
    copy = keys.open(escalation.sealed_dossier, tenant=escalation.tenant, case=escalation.case_id, model=DossierCopyV1)
    agenda = (case_file.agenda_number if case_file else None) or ""
    return AgencyEscalation(escalation, agenda, copy)


async def release_document(
    agency: str, escalation_id: UUID, document_id: UUID, reader: Officer, *, uow: EscalationUnitOfWork
) -> tuple[Escalation, EscalatedDocument] | None:
    """A document sent with the escalation, released to the agency it was sent to (the export is
    audited before the bytes are read from the vault); None for anything else."""
    async with uow:
        escalation = await _sent_to(uow, agency, escalation_id)
        document = next((d for d in escalation.documents if d.document_id == document_id), None) if escalation else None
        if escalation is None or document is None:
            return None
        details = {"escalation_id": str(escalation.id), "agency": agency, "document_id": str(document_id)}
        await uow.audit.append(
            entry(escalation.tenant, escalation.case_id, reader, "escalation.document-exported", **details)
        )
        await uow.commit()
        return escalation, document


async def send_acknowledgement(
    agency: str,
    escalation_id: UUID,
    acknowledgement: Acknowledgement,
    reader: Officer,
    *,
    uow: EscalationUnitOfWork,
    clock: Clock,
) -> Escalation | None:
    """The agency's subscriber acknowledges receipt: ``ESCALATION_ACKNOWLEDGED`` is published on the
    agency's behalf (its envelope's tenant is the agency), and the consumer records it."""
    name = checked_text(acknowledgement.name, "name", limit=NAME_LIMIT, required=True)
    reference = checked_text(acknowledgement.reference, "reference", limit=REFERENCE_LIMIT)
    async with uow:
        escalation = await _sent_to(uow, agency, escalation_id)
        if escalation is None:
            return None
        if escalation.acknowledged_at is not None:
            raise EscalationRefused(
                "escalation",
                "Penerimaan pelimpahan ini sudah dikonfirmasi.",
                "Receipt of this escalation has been acknowledged already.",
            )
        now = clock()
        data = EscalationAcknowledgedV1(
            escalation_id=escalation.id,
            case_id=escalation.case_id,
            agency=agency,
            acknowledged_at=now,
            acknowledged_by=name,
            agency_reference=reference,
        )
        await uow.outbox.add(
            ESCALATION_ACKNOWLEDGED,
            ESCALATION_ACKNOWLEDGED.envelope(
                data,
                tenant=agency,
                subject=str(escalation.case_id),
                time=now,
                correlation_id=reader.correlation_id or str(uuid4()),
            ),
        )
        details = {"escalation_id": str(escalation.id), "agency": agency}
        await uow.audit.append(
            entry(escalation.tenant, escalation.case_id, reader, "escalation.acknowledgement-sent", **details)
        )
        await uow.commit()
        return escalation


class AcknowledgementRefused(Unretryable, ValueError):
    """An acknowledgement that does not belong to the escalation it names: dead-lettered at once."""


async def record_acknowledgement(event: Envelope[Any], uow: EscalationUnitOfWork) -> None:
    """Handler of ``escalation-acknowledged``: recorded on the escalation if it came from the agency
    the escalation was sent to, about that case. The first acknowledgement stands; another agency's,
    or one for an escalation not sent, is refused (dead-lettered)."""
    data: EscalationAcknowledgedV1 = event.data
    escalation = await uow.escalations.get(data.escalation_id, for_update=True)
    if escalation is None or not escalation.sent:
        raise AcknowledgementRefused(f"no escalation {data.escalation_id} was sent")
    if event.tenant != escalation.agency or data.agency != escalation.agency or data.case_id != escalation.case_id:
        raise AcknowledgementRefused(
            f"an acknowledgement from {event.tenant} does not match escalation {escalation.id} "
            f"sent to {escalation.agency}"
        )
    if not await uow.escalations.acknowledge(
        escalation.id, at=data.acknowledged_at, by=data.acknowledged_by, reference=data.agency_reference
    ):
        return  # acknowledged before: the first stands
    await uow.audit.append(
        AuditEntry(
            tenant_id=escalation.tenant,
            actor=f"agency:{escalation.agency}",
            actor_name=data.acknowledged_by,
            action="escalation.acknowledged",
            object_type="case",
            object_id=str(escalation.case_id),
            details={"escalation_id": str(escalation.id), "agency": escalation.agency},
            correlation_id=event.correlationid,
        )
    )
