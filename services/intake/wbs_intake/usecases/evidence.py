"""Evidence files: recorded with the report or added later, within the tenant's limits."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from wbs_contracts.events.directory import EvidenceLimits
from wbs_contracts.events.intake import (
    EvidenceAddedV1,
    EvidenceKeyV1,
)
from wbs_contracts.registry import EVIDENCE_ADDED
from wbs_contracts.sealed import Audience
from wbs_intake.domain.evidence import (
    Allowance,
    Evidence,
    EvidenceReceiptV1,
    EvidenceRefused,
    ReportTooLarge,
    StoredFile,
    TooManyFiles,
)
from wbs_intake.domain.report import Report
from wbs_intake.ports import (
    IntakeUnitOfWork,
    Opener,
    Sealer,
)
from wbs_intake.usecases.errors import UnknownReport
from wbs_runtime.clock import Clock


async def record_evidence(
    report: Report,
    files: tuple[StoredFile, ...] | list[StoredFile],
    *,
    late: bool,
    uow: IntakeUnitOfWork,
    sealer: Sealer,
    at: datetime,
    correlation_id: str,
) -> list[Evidence]:
    """Record files already in the blob store, in the open unit of work: each its row (with the
    reporter's receipt sealed to reporter-mailbox) and its ``evidence-added`` event (the file key
    sealed to case-substance), committed together with whatever the caller commits."""
    recorded = []
    for position, file in enumerate(files):
        # One microsecond apart: the files of one upload keep the order they were sent in.
        added_at = at + timedelta(microseconds=position)
        key = EvidenceKeyV1(
            file_key=base64.b64encode(file.file_key).decode(), file_name=file.file_name, content_type=file.content_type
        )
        receipt = EvidenceReceiptV1(file_name=file.file_name, content_type=file.content_type)
        evidence = Evidence(
            id=file.evidence_id,
            report_id=report.id,
            blob=file.blob,
            size_bytes=file.size_bytes,
            added_at=added_at,
            late=late,
            receipt=sealer.seal(report.tenant, Audience.REPORTER_MAILBOX, receipt, case=report.id),
        )
        await uow.evidence.add(evidence)
        event = EvidenceAddedV1(
            report_id=report.id,
            evidence_id=file.evidence_id,
            blob=file.blob,
            size_bytes=file.size_bytes,
            key=sealer.seal(report.tenant, Audience.CASE_SUBSTANCE, key, case=report.id),
            added_at=added_at,
            late=late,
        )
        await uow.outbox.add(
            EVIDENCE_ADDED,
            EVIDENCE_ADDED.envelope(
                event, tenant=report.tenant, subject=str(report.id), time=at, correlation_id=correlation_id
            ),
        )
        recorded.append(evidence)
    return recorded


async def evidence_limits(tenant: str, *, uow: IntakeUnitOfWork) -> EvidenceLimits:
    """How much evidence a new report to ``tenant`` may bring, by its policy."""
    async with uow:
        return await uow.evidence.limits(tenant)


async def evidence_allowance(report_id: UUID, *, uow: IntakeUnitOfWork) -> Allowance:
    """What the signed-in reporter's report may still take, by its tenant's policy."""
    async with uow:
        report = await uow.reports.get(report_id)
        if report is None:
            raise UnknownReport(f"report {report_id} is gone")
        files, size = await uow.evidence.totals(report_id)
        return Allowance.of(await uow.evidence.limits(report.tenant), stored_files=files, stored_bytes=size)


@dataclass(frozen=True)
class EvidenceAdded:
    recorded: list[Evidence]
    #: Files that no longer fit once recorded (another upload for the report came first): their
    #: blobs are for the caller to remove.
    refused: list[tuple[StoredFile, EvidenceRefused]]


async def add_evidence(
    report_id: UUID,
    files: list[StoredFile],
    *,
    uow: IntakeUnitOfWork,
    sealer: Sealer,
    clock: Clock,
    correlation_id: str,
) -> EvidenceAdded:
    """Files the signed-in reporter sent after the report (``late``). The report is locked while
    its limits are checked again, so two uploads at once cannot both take the last room."""
    async with uow:
        report = await uow.reports.get(report_id, for_update=True)
        if report is None:
            raise UnknownReport(f"report {report_id} is gone")
        stored_files, stored_bytes = await uow.evidence.totals(report_id)
        allowance = Allowance.of(
            await uow.evidence.limits(report.tenant), stored_files=stored_files, stored_bytes=stored_bytes
        )
        fitting: list[StoredFile] = []
        refused: list[tuple[StoredFile, EvidenceRefused]] = []
        for file in files:
            if allowance.files_left <= 0:
                refused.append((file, TooManyFiles(file.file_name)))
            elif file.size_bytes > allowance.bytes_left:
                refused.append((file, ReportTooLarge(file.file_name, allowance.bytes_left)))
            else:
                allowance.took(file.size_bytes)
                fitting.append(file)
        recorded = await record_evidence(
            report, fitting, late=True, uow=uow, sealer=sealer, at=clock(), correlation_id=correlation_id
        )
        await uow.commit()
    return EvidenceAdded(recorded, refused)


@dataclass(frozen=True)
class EvidenceShown:
    """A file as its reporter sees it on their page."""

    id: UUID
    file_name: str
    content_type: str
    size_bytes: int
    added_at: datetime
    late: bool


async def reporters_evidence(report_id: UUID, *, uow: IntakeUnitOfWork, opener: Opener) -> list[EvidenceShown]:
    """The signed-in reporter's files, their names opened from the reporter's own receipts."""
    async with uow:
        report = await uow.reports.get(report_id)
        if report is None:
            raise UnknownReport(f"report {report_id} is gone")
        stored = await uow.evidence.of_report(report_id)
    shown = []
    for evidence in stored:
        receipt = opener.open(evidence.receipt, tenant=report.tenant, case=report.id, model=EvidenceReceiptV1)
        shown.append(
            EvidenceShown(
                id=evidence.id,
                file_name=receipt.file_name,
                content_type=receipt.content_type,
                size_bytes=evidence.size_bytes,
                added_at=evidence.added_at,
                late=evidence.late,
            )
        )
    return shown
