"""What the team records while the audit runs: the Berita Acara Klarifikasi with their files, and the
evidence register with its chain of custody (who added, viewed or exported each item). Records are
sealed to case-substance, files encrypted in the vault; every reading, download and change is on
the tenant's audit trail in the same transaction, and each touch of an item of evidence also on its
custody history."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from uuid import UUID, uuid4

from wbs_contracts.sealed import Audience
from wbs_investigation.domain.audit import (
    AttachedFile,
    Clarification,
    ClarificationDraft,
    ClarificationV1,
    CustodyAction,
    CustodyEntry,
    EvidenceDraft,
    EvidenceItem,
    EvidenceItemV1,
    UploadedFile,
    checked_clarification,
    checked_evidence,
    checked_files,
    checked_recipient,
    extension_of,
)
from wbs_investigation.domain.case_file import CaseFile
from wbs_investigation.domain.documents import CaseDocument, DocumentKind
from wbs_investigation.ports import InvestigationUnitOfWork, Keys, Vault
from wbs_investigation.usecases.audit_access import audit_case, working_case
from wbs_investigation.usecases.case_files import Officer, entry
from wbs_runtime.clock import Clock


@dataclass(frozen=True)
class OpenedClarification:
    clarification: Clarification
    content: ClarificationV1


@dataclass(frozen=True)
class ClarificationsView:
    case: CaseFile
    clarifications: list[OpenedClarification]
    may_work: bool


@dataclass(frozen=True)
class OpenedEvidence:
    item: EvidenceItem
    content: EvidenceItemV1


@dataclass(frozen=True)
class EvidenceView:
    case: CaseFile
    items: list[OpenedEvidence]
    custody: list[CustodyEntry]
    may_work: bool

    @property
    def labels(self) -> dict[UUID, str]:
        """Each item's number in the register (B-1, ...), by its id."""
        return {e.item.id: e.item.label for e in self.items}


@dataclass(frozen=True)
class Download:
    document: CaseDocument
    content: bytes
    #: The name to save it under.
    file_name: str


async def read_clarifications(
    tenant: str,
    case_id: UUID,
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: InvestigationUnitOfWork,
    keys: Keys,
) -> ClarificationsView | None:
    async with uow:
        found = await audit_case(tenant, case_id, officer, permissions, uow)
        if found is None:
            return None
        clarifications = await uow.audit_records.clarifications(case_id)
        await uow.audit.append(entry(tenant, case_id, officer, "audit.clarifications-read", count=len(clarifications)))
        await uow.commit()
    return ClarificationsView(
        case=found.case,
        clarifications=[
            OpenedClarification(c, keys.open(c.sealed, tenant=tenant, case=case_id, model=ClarificationV1))
            for c in clarifications
        ],
        may_work=found.may_work,
    )


async def record_clarification(
    tenant: str,
    case_id: UUID,
    draft: ClarificationDraft,
    files: Sequence[UploadedFile],
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: InvestigationUnitOfWork,
    keys: Keys,
    vault: Vault,
    clock: Clock,
    max_file_bytes: int,
) -> OpenedClarification | None:
    """A Berita Acara Klarifikasi with its files (each encrypted into the vault, kind
    berita-acara-klarifikasi), sealed; ``audit.clarification-recorded`` on the trail."""
    held_at, checked = checked_clarification(draft)
    kept_files = checked_files(files, max_bytes=max_file_bytes)
    async with uow:
        found = await working_case(tenant, case_id, officer, permissions, uow)
        if found is None:
            return None
        now = clock()
        count = len(await uow.audit_records.clarifications(case_id)) + 1
        attached = []
        for position, file in enumerate(kept_files, start=1):
            stored = await vault.store(
                uow.documents,
                tenant=tenant,
                case_id=case_id,
                kind=DocumentKind.BERITA_ACARA_KLARIFIKASI,
                # A file's own name may speak of the matter: it is sealed; the register shows this one.
                title=f"BAK-{count} lampiran {position}{extension_of(file.file_name)}",
                media_type=file.media_type,
                content=file.content,
                added_by=officer.officer_id,
                added_at=now,
            )
            attached.append(AttachedFile(document_id=stored.document_id, file_name=file.file_name))
        content = checked.model_copy(update={"files": tuple(attached)})
        clarification = Clarification(
            id=uuid4(),
            case_id=case_id,
            tenant=tenant,
            held_at=held_at,
            sealed=keys.seal(tenant, Audience.CASE_SUBSTANCE, content, case=case_id),
            document_ids=tuple(f.document_id for f in attached),
            recorded_by=officer.officer_id,
            recorded_by_name=officer.name,
            recorded_at=now,
        )
        await uow.audit_records.add_clarification(clarification)
        await uow.audit.append(
            entry(
                tenant,
                case_id,
                officer,
                "audit.clarification-recorded",
                clarification_id=str(clarification.id),
                files=len(attached),
            )
        )
        await uow.commit()
    return OpenedClarification(clarification, content)


async def read_evidence(
    tenant: str,
    case_id: UUID,
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: InvestigationUnitOfWork,
    keys: Keys,
) -> EvidenceView | None:
    async with uow:
        found = await audit_case(tenant, case_id, officer, permissions, uow)
        if found is None:
            return None
        items = await uow.audit_records.evidence(case_id)
        custody = await uow.audit_records.custody(case_id)
        await uow.audit.append(entry(tenant, case_id, officer, "audit.evidence-read", count=len(items)))
        await uow.commit()
    return EvidenceView(
        case=found.case,
        items=[
            OpenedEvidence(i, keys.open(i.sealed, tenant=tenant, case=case_id, model=EvidenceItemV1)) for i in items
        ],
        custody=custody,
        may_work=found.may_work,
    )


async def add_evidence(
    tenant: str,
    case_id: UUID,
    draft: EvidenceDraft,
    file: UploadedFile | None,
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: InvestigationUnitOfWork,
    keys: Keys,
    vault: Vault,
    clock: Clock,
    max_file_bytes: int,
) -> OpenedEvidence | None:
    """An item enters the register with the next number of the case (its file, if any, encrypted
    into the vault, kind bukti); custody ``ditambahkan``; ``audit.evidence-added`` on the trail."""
    obtained_on, checked = checked_evidence(draft)
    kept = next(iter(checked_files([file], max_bytes=max_file_bytes)), None) if file is not None else None
    async with uow:
        found = await working_case(tenant, case_id, officer, permissions, uow)  # locked: numbers in order
        if found is None:
            return None
        now = clock()
        number = await uow.audit_records.next_evidence_number(case_id)
        document_id = None
        if kept is not None:
            stored = await vault.store(
                uow.documents,
                tenant=tenant,
                case_id=case_id,
                kind=DocumentKind.BUKTI,
                title=f"Bukti B-{number}{extension_of(kept.file_name)}",
                media_type=kept.media_type,
                content=kept.content,
                added_by=officer.officer_id,
                added_at=now,
            )
            document_id = stored.document_id
        content = checked.model_copy(update={"file_name": kept.file_name if kept is not None else ""})
        item = EvidenceItem(
            id=uuid4(),
            case_id=case_id,
            tenant=tenant,
            number=number,
            obtained_on=obtained_on,
            sealed=keys.seal(tenant, Audience.CASE_SUBSTANCE, content, case=case_id),
            document_id=document_id,
            added_by=officer.officer_id,
            added_by_name=officer.name,
            added_at=now,
        )
        await uow.audit_records.add_evidence(item)
        await uow.audit_records.add_custody(
            CustodyEntry(item.id, case_id, tenant, CustodyAction.DITAMBAHKAN, officer.officer_id, officer.name, now)
        )
        await uow.audit.append(
            entry(
                tenant,
                case_id,
                officer,
                "audit.evidence-added",
                evidence_id=str(item.id),
                number=item.label,
                with_file=document_id is not None,
            )
        )
        await uow.commit()
    return OpenedEvidence(item, content)


async def open_evidence_file(
    tenant: str,
    case_id: UUID,
    evidence_id: UUID,
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: InvestigationUnitOfWork,
    keys: Keys,
    vault: Vault,
    clock: Clock,
    export_to: str | None = None,
) -> Download | None:
    """An item's file, opened (custody ``dilihat``) or exported out of the system to someone named
    (custody ``diekspor``, with whom); on the trail too. None when the case, the item or its file
    is not there."""
    recipient = checked_recipient(export_to) if export_to is not None else ""
    async with uow:
        found = await audit_case(tenant, case_id, officer, permissions, uow)
        if found is None:
            return None
        item = await uow.audit_records.evidence_item(evidence_id)
        if item is None or item.case_id != case_id or item.document_id is None:
            return None
        opened = await vault.read(uow.documents, item.document_id)
        if opened is None:
            return None
        action = CustodyAction.DIEKSPOR if export_to is not None else CustodyAction.DILIHAT
        now = clock()
        await uow.audit_records.add_custody(
            CustodyEntry(item.id, case_id, tenant, action, officer.officer_id, officer.name, now, recipient)
        )
        await uow.audit.append(
            entry(
                tenant,
                case_id,
                officer,
                "audit.evidence-exported" if export_to is not None else "audit.evidence-viewed",
                evidence_id=str(item.id),
                number=item.label,
            )
        )
        await uow.commit()
    document, content = opened
    name = keys.open(item.sealed, tenant=tenant, case=case_id, model=EvidenceItemV1).file_name
    return Download(document, content, name or document.title)


async def download_document(
    tenant: str,
    case_id: UUID,
    document_id: UUID,
    officer: Officer,
    permissions: Collection[str],
    *,
    uow: InvestigationUnitOfWork,
    vault: Vault,
    clock: Clock,
) -> Download | None:
    """One of the audit's files through the vault (the Surat Tugas, a clarification's file, an item
    of evidence, the final report): ``audit.document-downloaded`` on the trail; an item of
    evidence's file also on its custody (``dilihat``). None when it is not this case's."""
    async with uow:
        found = await audit_case(tenant, case_id, officer, permissions, uow)
        if found is None:
            return None
        opened = await vault.read(uow.documents, document_id)
        if opened is None or opened[0].case_id != case_id:
            return None
        document, content = opened
        if document.kind is DocumentKind.BUKTI and (item := await uow.audit_records.evidence_of_document(document_id)):
            await uow.audit_records.add_custody(
                CustodyEntry(item.id, case_id, tenant, CustodyAction.DILIHAT, officer.officer_id, officer.name, clock())
            )
        await uow.audit.append(
            entry(
                tenant,
                case_id,
                officer,
                "audit.document-downloaded",
                document_id=str(document_id),
                kind=document.kind.value,
            )
        )
        await uow.commit()
    return Download(document, content, document.title)
