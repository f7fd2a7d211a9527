"""Triage's use cases for a case: registering it, reading it, its evidence and its messages."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from wbs_contracts.envelope import Envelope
from wbs_contracts.events.intake import (
    EvidenceAddedV1,
    EvidenceKeyV1,
    MailboxMessageV1,
    ReporterMessageSentV1,
    ReporterMessageV1,
    ReportSubmittedV1,
)
from wbs_contracts.events.triage import CaseRegisteredV1, OfficerMessageKind, OfficerMessageSentV1
from wbs_contracts.registry import CASE_REGISTERED, OFFICER_MESSAGE_SENT
from wbs_contracts.sealed import Audience, SealedPayload
from wbs_runtime.audit import AuditEntry, ChainedEntry
from wbs_runtime.clock import Clock
from wbs_runtime.working_days import JAKARTA
from wbs_triage.domain.agenda import agenda_entry, agenda_year
from wbs_triage.domain.case import Case
from wbs_triage.domain.evidence import CaseEvidence
from wbs_triage.domain.messages import (
    Author,
    CaseMessage,
    OfficerMessageCopyV1,
    answered_questions,
    checked_reply,
    checked_text,
)
from wbs_triage.ports import Keys, Opener, TriageUnitOfWork
from wbs_triage.usecases.clocks import asked_reporter, reporter_wrote
from wbs_triage.usecases.entitlement import NotEntitled, may_open


def register_case(clock: Clock, timezone: ZoneInfo) -> Callable[[Envelope[Any], TriageUnitOfWork], Any]:
    """Handler of ``report-submitted``: record the case in the tenant's agenda (pencatatan). The
    related-reports index takes it up beside the consumer (``index_waiting_cases``)."""

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
            received_by=report.received_by,
            received_on=report.received_on,
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


async def list_cases(tenant: str, reader: Reader, uow: TriageUnitOfWork, *, limit: int = 200) -> list[Case]:
    """The tenant's cases, newest first (their registrations, never their substance); the reading
    is on the tenant's audit trail."""
    async with uow:
        cases = await uow.cases.in_tenant(tenant, limit=limit)
        await uow.audit.append(
            AuditEntry(
                tenant_id=tenant,
                actor=reader.officer_id,
                actor_name=reader.name,
                role=",".join(sorted(reader.roles)) or None,
                session_id=reader.session_id,
                action="case.list-read",
                details={"count": len(cases)},
                correlation_id=reader.correlation_id,
            )
        )
        await uow.commit()
        return cases


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


def _entry(
    tenant: str, case_id: UUID, reader: Reader, action: str, details: Mapping[str, Any] | None = None
) -> AuditEntry:
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
        details=details or {},
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


@dataclass(frozen=True)
class EvidenceShown:
    """A case's evidence as one officer sees it: the files, named, for those who may open the case;
    only how many there are for the others."""

    count: int
    #: False: the officer is not entitled (not on the case's team); ``files`` is then empty.
    opened: bool
    files: list[EvidenceListed]


async def show_evidence(
    tenant: str,
    case_id: UUID,
    reader: Reader,
    permissions: Collection[str],
    uow: TriageUnitOfWork,
    opener: Opener,
) -> EvidenceShown | None:
    """The case's files, if the case is ``tenant``'s: their names opened (``evidence.list`` on the
    tenant's trail in the same transaction) for an officer who may open the case; for another,
    only their number (nothing opened, so nothing on the trail)."""
    async with uow:
        case = await uow.cases.get(case_id)
        if case is None or case.tenant != tenant:
            return None
        files = [e for e in await uow.evidence.of_case(case_id) if e.tenant == tenant]
        if not await may_open(case, reader.officer_id, permissions, uow):
            return EvidenceShown(len(files), opened=False, files=[])
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
        return EvidenceShown(len(files), opened=True, files=listed)


async def list_evidence(
    tenant: str,
    case_id: UUID,
    reader: Reader,
    permissions: Collection[str],
    uow: TriageUnitOfWork,
    opener: Opener,
) -> list[EvidenceListed] | None:
    """The case's files with their names, for an officer who may open the case (``NotEntitled``
    otherwise), if the case is ``tenant``'s; on the tenant's audit trail."""
    shown = await show_evidence(tenant, case_id, reader, permissions, uow, opener)
    if shown is None:
        return None
    if not shown.opened:
        raise NotEntitled()
    return shown.files


async def open_evidence(
    tenant: str,
    case_id: UUID,
    evidence_id: UUID,
    reader: Reader,
    permissions: Collection[str],
    uow: TriageUnitOfWork,
    opener: Opener,
) -> EvidenceToServe | None:
    """One file of the case, to be decrypted as it is sent, for an officer who may open the case
    (``NotEntitled`` otherwise): decided, and recorded on the tenant's audit trail
    (``evidence.read``, naming the file), in one transaction, so no file is served without its
    entry."""
    async with uow:
        case = await uow.cases.get(case_id)
        evidence = await uow.evidence.get(evidence_id)
        if case is None or case.tenant != tenant or evidence is None:
            return None
        if evidence.case_id != case_id or evidence.tenant != tenant:
            return None
        if not await may_open(case, reader.officer_id, permissions, uow):
            raise NotEntitled()
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


# -- the Kotak Komunikasi ------------------------------------------------------------------------


def record_reporter_message(
    keys: Keys, *, zone: ZoneInfo = JAKARTA
) -> Callable[[Envelope[Any], TriageUnitOfWork], Awaitable[None]]:
    """Handler of ``reporter-message-sent``: keep the message sealed, with a question's due time.
    It may arrive before the case is registered (another topic), so it is kept by case id alone;
    the officers' API shows it once the case is theirs. A message delivered again is kept once. It
    is opened here once, so a payload that does not open is dead-lettered now. A case that waited
    on the reporter no longer does (the team's clock resumes, its due day moved on)."""

    async def handle(event: Envelope[Any], uow: TriageUnitOfWork) -> None:
        data: ReporterMessageSentV1 = event.data
        keys.open(data.body, tenant=event.tenant, case=data.report_id, model=ReporterMessageV1)
        added = await uow.messages.add(
            CaseMessage(
                id=data.message_id,
                case_id=data.report_id,
                tenant=event.tenant,
                author=Author.PELAPOR,
                kind=data.kind.value,
                sent_at=data.sent_at,
                sealed=data.body,
                in_reply_to=data.in_reply_to,
                answer_due=data.answer_due,
            )
        )
        if added:
            await reporter_wrote(data.report_id, event.tenant, data.sent_at, uow, zone=zone)

    return handle


@dataclass(frozen=True)
class OpenedCaseMessage:
    message: CaseMessage
    text: str
    #: For a reporter's question: the officer's message that answered it, if one did.
    answered_by: UUID | None = None


async def read_messages(
    tenant: str, case_id: UUID, reader: Reader, *, uow: TriageUnitOfWork, keys: Keys
) -> list[OpenedCaseMessage] | None:
    """The case's messages both ways, opened for an officer who may read the case, oldest first;
    None if the case is not ``tenant``'s. The reading is on the audit trail (``case.messages-read``)."""
    async with uow:
        case = await uow.cases.get(case_id)
        if case is None or case.tenant != tenant:
            return None
        messages = await uow.messages.of_case(case_id)
        await uow.audit.append(_entry(tenant, case_id, reader, "case.messages-read", {"messages": len(messages)}))
        await uow.commit()
    answered = answered_questions(messages)
    return [
        OpenedCaseMessage(m, _open(m, keys).text, answered.get(m.id) if m.author is Author.PELAPOR else None)
        for m in messages
    ]


def _open(message: CaseMessage, keys: Keys) -> ReporterMessageV1 | OfficerMessageCopyV1:
    if message.author is Author.PELAPOR:
        return keys.open(message.sealed, tenant=message.tenant, case=message.case_id, model=ReporterMessageV1)
    return keys.open(message.sealed, tenant=message.tenant, case=message.case_id, model=OfficerMessageCopyV1)


@dataclass(frozen=True)
class OfficerDraft:
    kind: OfficerMessageKind
    text: str
    in_reply_to: UUID | None = None


async def send_officer_message(
    tenant: str, case_id: UUID, draft: OfficerDraft, author: Reader, *, uow: TriageUnitOfWork, keys: Keys, clock: Clock
) -> CaseMessage | None:
    """An officer answers the reporter or asks for more information: ``officer-message-sent`` with
    the text sealed to reporter-mailbox (for intake to show the reporter), triage's copy sealed to
    case-substance, and ``case.message-sent`` on the audit trail, in one transaction. None if the
    case is not ``tenant``'s; ``MessageRefused`` for text or a reply it cannot take."""
    text = checked_text(draft.text)
    async with uow:
        case = await uow.cases.get(case_id)
        if case is None or case.tenant != tenant:
            return None
        in_reply_to = checked_reply(draft.in_reply_to, await uow.messages.of_case(case_id))
        now = clock()
        message = CaseMessage(
            id=uuid4(),
            case_id=case_id,
            tenant=tenant,
            author=Author.PETUGAS,
            kind=draft.kind.value,
            sent_at=now,
            sealed=keys.seal(tenant, Audience.CASE_SUBSTANCE, OfficerMessageCopyV1(text=text), case=case_id),
            in_reply_to=in_reply_to,
        )
        event = OfficerMessageSentV1(
            case_id=case_id,
            message_id=message.id,
            kind=draft.kind,
            sent_at=now,
            body=keys.seal(tenant, Audience.REPORTER_MAILBOX, MailboxMessageV1(text=text), case=case_id),
            in_reply_to=in_reply_to,
        )
        await uow.messages.add(message)
        if draft.kind is OfficerMessageKind.PERMINTAAN_INFORMASI:
            await asked_reporter(case, now, uow)  # the team's clock pauses until the reporter writes
        details = {"message_id": str(message.id), "kind": draft.kind.value}
        await uow.audit.append(_entry(tenant, case_id, author, "case.message-sent", details))
        await uow.outbox.add(
            OFFICER_MESSAGE_SENT,
            OFFICER_MESSAGE_SENT.envelope(
                event,
                tenant=tenant,
                subject=str(case_id),
                time=now,
                correlation_id=author.correlation_id or str(uuid4()),
            ),
        )
        await uow.commit()
    return message
