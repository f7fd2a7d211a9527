"""The end of an audit (004 BAB II C.4.d-f): the result (a corruption offence, an administrative
violation only, or no deviation) with the estimated state loss; the result communicated to the
auditee, whose response is recorded **before** the final report; the final report (laporan hasil
audit), after which the case is ``selesai`` in the regulations' monitoring.

An exposé may send the case back for testing new evidence (``pengujian-ulang``): a revised result is
recorded then, communicated to the auditee again (the response must answer the result in force),
and a revised final report issued.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar
from uuid import UUID

from pydantic import ConfigDict, Field

from wbs_contracts.events.intake import NAME_LIMIT, TEXT_LIMIT
from wbs_contracts.events.investigation import AuditResult
from wbs_contracts.sealed import Audience, SealedDocument, SealedPayload
from wbs_investigation.domain.audit import (
    AuditRefused,
    bounded_text,
    parse_rupiah,
    required_text,
    rupiah_refused,
)
from wbs_investigation.domain.case_file import CaseFileStatus
from wbs_investigation.domain.refusal import Refusal
from wbs_investigation.domain.team import ASSIGN_CASES, INVESTIGATE_CASES, TeamMember, TeamSeat


class AuditFindingsV1(SealedDocument):
    """The findings behind a result, in the auditors' words. Sealed to case-substance."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "audit-findings"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.CASE_SUBSTANCE
    padded_to_at_least: ClassVar[int] = 4096

    summary: str = Field(min_length=1, max_length=TEXT_LIMIT)


class AuditeeResponseV1(SealedDocument):
    """The auditee's response to the result communicated to them (004 BAB II C.4.e): who responded
    (the official reported or the head of their body), what they said, and whether they agree to
    carry out the follow-up. Sealed to case-substance."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "auditee-response"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.CASE_SUBSTANCE
    padded_to_at_least: ClassVar[int] = 2048

    responder_name: str = Field(min_length=1, max_length=NAME_LIMIT)
    responder_position: str = Field(default="", max_length=NAME_LIMIT)
    response: str = Field(min_length=1, max_length=TEXT_LIMIT)
    agrees: bool = False


@dataclass(frozen=True)
class ResultDraft:
    result: str
    estimated_loss: str
    findings: str


@dataclass(frozen=True)
class CheckedResult:
    result: AuditResult
    estimated_loss_idr: int
    findings: str


def checked_result(draft: ResultDraft) -> CheckedResult:
    """A result of the three the regulation names, the estimated loss in whole rupiah (needed for a
    corruption offence or an administrative violation, written ``Rp 0`` when there is none; none at
    all when nothing deviated), and the findings in words."""
    try:
        result = AuditResult(draft.result.strip())
    except ValueError:
        raise AuditRefused(
            "result",
            "Pilih hasil audit: tindak pidana korupsi, pelanggaran administratif saja, atau tidak ada penyimpangan.",
            "Choose the audit's result: a corruption offence, an administrative violation only, or no deviation.",
        ) from None
    loss_text = draft.estimated_loss.strip()
    if result is AuditResult.TIDAK_ADA_PENYIMPANGAN:
        loss = parse_rupiah(loss_text, field="estimated_loss") if loss_text else 0
        if loss:
            raise AuditRefused(
                "estimated_loss",
                "Tanpa penyimpangan tidak ada kerugian negara: kosongkan perkiraan kerugian atau tulis Rp 0.",
                "Without a deviation there is no state loss: leave the estimated loss empty or write Rp 0.",
            )
    elif not loss_text:
        raise rupiah_refused("estimated_loss")
    else:
        loss = parse_rupiah(loss_text, field="estimated_loss")
    findings = required_text(
        draft.findings,
        "findings",
        TEXT_LIMIT,
        "Tuliskan ringkasan temuan yang mendasari hasil audit.",
        "Summarise the findings the result rests on.",
    )
    return CheckedResult(result, loss, findings)


@dataclass(frozen=True)
class RecordedResult:
    id: UUID
    case_id: UUID
    tenant: str
    #: 1 for the first result, 2 for a revision, ...
    version: int
    result: AuditResult
    estimated_loss_idr: int
    sealed_findings: SealedPayload
    recorded_by: str
    recorded_by_name: str
    recorded_at: datetime


@dataclass(frozen=True)
class ResponseDraft:
    responded_on: date | None
    responder_name: str
    responder_position: str
    response: str
    agrees: bool


def checked_response(draft: ResponseDraft) -> tuple[date, AuditeeResponseV1]:
    """The day the auditee responded, and the response as the rules want it."""
    if draft.responded_on is None:
        raise AuditRefused(
            "responded_on", "Tuliskan tanggal tanggapan auditan.", "Give the date of the auditee's response."
        )
    return draft.responded_on, AuditeeResponseV1(
        responder_name=required_text(
            draft.responder_name,
            "responder_name",
            NAME_LIMIT,
            "Tuliskan nama pejabat atau pegawai yang menanggapi.",
            "Name the official or employee who responded.",
        ),
        responder_position=bounded_text(draft.responder_position, "responder_position", NAME_LIMIT),
        response=required_text(
            draft.response, "response", TEXT_LIMIT, "Tuliskan tanggapan auditan.", "Write the auditee's response."
        ),
        agrees=draft.agrees,
    )


@dataclass(frozen=True)
class AuditeeResponse:
    id: UUID
    case_id: UUID
    tenant: str
    #: The result it answers.
    result_id: UUID
    responded_on: date
    sealed: SealedPayload
    recorded_by: str
    recorded_by_name: str
    recorded_at: datetime


@dataclass(frozen=True)
class FinalReport:
    id: UUID
    case_id: UUID
    tenant: str
    number: str
    issued_on: date
    issued_at: datetime
    issued_by: str
    issued_by_name: str
    result_id: UUID
    #: The generated report (PDF) in the vault.
    document_id: UUID
    #: 1 for the first report, 2 for the report revised after testing new evidence, ...
    revision: int


def may_issue_report(permissions: frozenset[str] | set[str], *, seat: TeamSeat | None) -> bool:
    """The final report is issued by the Inspektur (ketua-tim role) or the team's own ketua tim."""
    return ASSIGN_CASES in permissions or (seat is TeamSeat.KETUA_TIM and INVESTIGATE_CASES in permissions)


def seat_of(team: tuple[TeamMember, ...] | list[TeamMember], officer_id: str) -> TeamSeat | None:
    return next((m.seat for m in team if m.officer_id == officer_id), None)


def check_may_issue_report(permissions: frozenset[str] | set[str], *, seat: TeamSeat | None) -> None:
    if not may_issue_report(permissions, seat=seat):
        raise AuditRefused(
            "officer",
            "Laporan hasil audit diterbitkan oleh ketua tim audit atau Inspektur.",
            "The final audit report is issued by the audit team's ketua tim or the Inspektur.",
            Refusal.FORBIDDEN,
        )


def check_reportable(
    status: CaseFileStatus, result: RecordedResult | None, response: AuditeeResponse | None
) -> tuple[RecordedResult, AuditeeResponse]:
    """The final report follows the result and the auditee's response to that very result: the
    result it reports, and the response."""
    if status not in (CaseFileStatus.PELAKSANAAN, CaseFileStatus.PENGUJIAN_ULANG):
        raise AuditRefused(
            "status",
            "Laporan hasil audit sudah terbit; laporan revisi hanya setelah perkara dikembalikan untuk pengujian "
            "ulang.",
            "The final audit report has been issued; a revised report only after the case is sent back for testing.",
            Refusal.CONFLICT,
        )
    if result is None:
        raise AuditRefused(
            "result",
            "Catat hasil audit terlebih dahulu.",
            "Record the audit's result first.",
            Refusal.CONFLICT,
        )
    if response is None or response.result_id != result.id:
        raise AuditRefused(
            "auditee_response",
            "Hasil audit harus dikomunikasikan dengan auditan dan tanggapannya dicatat sebelum laporan hasil audit "
            "diterbitkan (Peraturan BAB II C.4 huruf e).",
            "The result must be communicated to the auditee and their response recorded before the final audit "
            "report is issued (the regulation's BAB II C.4 e).",
            Refusal.CONFLICT,
        )
    return result, response


def check_response_possible(result: RecordedResult | None) -> RecordedResult:
    if result is None:
        raise AuditRefused(
            "result",
            "Catat hasil audit terlebih dahulu: tanggapan auditan menanggapi hasil audit.",
            "Record the audit's result first: the auditee responds to it.",
            Refusal.CONFLICT,
        )
    return result


def report_number_of(text: str) -> str:
    return required_text(text, "number", 100, "Tuliskan nomor laporan hasil audit.", "Give the final report's number.")
