"""The recommendations of an audit investigasi (rekomendasi), and following each until it is done.

What the regulations say (002 Pasal 8-10, 12 and Lampiran BAB II C.5 and BAB III; 004 Pasal 6-8,
11 and BAB II C.5 and BAB III):

- **hukuman disiplin**: to the official authorised to impose it, who must carry it out *paling
  lambat* 3 months (Bengkulu) or 2 months (Lebak) *sejak diterimanya rekomendasi*, and sends a
  copy of the decree (tembusan SK) back to the Inspektur. The months are the tenant's policy
  (``time_limits["tindak-lanjut-disiplin"]``), counted from the day the addressee received the
  recommendation; the deadline is the last day on which it may still be done.
- **pengembalian kerugian negara/daerah**: to the official responsible for following it up.
- **penyampaian hasil pemeriksaan** to APH (Kepolisian, Kejaksaan) and/or the KPK, for a result that
  indicates a corruption offence, routed as the tenant's escalation policy says (Bengkulu: below
  Rp 1.000.000.000 to APH, from it to the KPK; Lebak: APH).
- **pemulihan nama baik** of a reported official not proven guilty (the audit found no deviation).
- **rujukan LPSK** when the reporter's safety is threatened: to the LPSK the policy names.
- **penghargaan pelapor**: a piagam or another form, by the head of region's decision (Keputusan
  Gubernur / Bupati), which is recorded as the recommendation's evidence.

Pure rules, no I/O: the use cases (``usecases/recommendations.py``) fetch what they need and ask here.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import ConfigDict, Field

from wbs_contracts.events.directory import EscalationRule, EscalationTarget, TenantPolicy, TimeLimit
from wbs_contracts.events.intake import NAME_LIMIT, TEXT_LIMIT
from wbs_contracts.events.investigation import AuditResult, RecommendationKind
from wbs_contracts.sealed import Audience, SealedDocument, SealedPayload
from wbs_investigation.domain.case_file import CaseFile, CaseFileStatus
from wbs_investigation.domain.refusal import Refused
from wbs_investigation.domain.team import ASSIGN_CASES, INVESTIGATE_CASES, may_open_audit

#: The policy's time limit that sets each kind's deadline; other kinds take the date the officer sets.
POLICY_LIMITS: Mapping[RecommendationKind, str] = {RecommendationKind.HUKUMAN_DISIPLIN: "tindak-lanjut-disiplin"}
#: Kinds done only with a decree among their evidence: the tembusan SK of the sanction (002/004 BAB II
#: C.5), the head of region's decision on the award (Keputusan Gubernur / Bupati, 002/004 BAB III B).
NEEDS_DECREE: frozenset[RecommendationKind] = frozenset(
    {RecommendationKind.HUKUMAN_DISIPLIN, RecommendationKind.PENGHARGAAN_PELAPOR}
)
#: Handing the result over: the escalation target each stands for.
HAND_OVER_TARGETS: Mapping[RecommendationKind, EscalationTarget] = {
    RecommendationKind.PENYERAHAN_APH: EscalationTarget.APH,
    RecommendationKind.PENYERAHAN_KPK: EscalationTarget.KPK,
}
#: A reference (nomor surat / SK) and an office are short; the words of a note are not.
REFERENCE_LIMIT = 100


class RecommendationRefused(Refused):
    """What the rules do not allow; bilingual, for the officer. ``field`` names what is at fault:
    ``officer`` (who may not: 403), ``case``/``policy``/``recommendation``/``evidence`` (a state that
    does not allow it: 409), otherwise an input field (422)."""

    conflict_fields: ClassVar[frozenset[str]] = frozenset({"case", "policy", "recommendation", "evidence"})


# -- what is kept sealed -------------------------------------------------------------------------------


class RecommendationTextV1(SealedDocument):
    """The recommendation's words (they may name the official concerned), sealed to case-substance."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "recommendation-text"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.CASE_SUBSTANCE
    padded_to_at_least: ClassVar[int] = 1024

    text: str = Field(min_length=1, max_length=TEXT_LIMIT)


class FollowUpNoteV1(SealedDocument):
    """A note on the follow-up (what the addressee did, what they said), sealed to case-substance."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "recommendation-follow-up"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.CASE_SUBSTANCE
    padded_to_at_least: ClassVar[int] = 512

    text: str = Field(default="", max_length=TEXT_LIMIT)


# -- the recommendation --------------------------------------------------------------------------------


class DueSource(StrEnum):
    #: From the tenant's policy (``POLICY_LIMITS``).
    KEBIJAKAN = "kebijakan"
    #: Set by the officer who issued it.
    PETUGAS = "petugas"


class FollowUpKind(StrEnum):
    CATATAN = "catatan"
    #: A decree: the tembusan SK of a sanction, the head of region's decision on an award.
    SK = "sk"
    #: Other evidence of the follow-up (a letter, a proof of payment, a receipt).
    BUKTI = "bukti"
    #: The approved hand-over of the case (pelimpahan): the evidence a recommendation to hand the
    #: result to APH or the KPK is done with, recorded by the approval itself (``reference``: the
    #: escalation's id). Never uploaded by an officer.
    PELIMPAHAN = "pelimpahan"


@dataclass(frozen=True)
class Recommendation:
    id: UUID
    case_id: UUID
    tenant: str
    kind: RecommendationKind
    #: The office that must act (e.g. "Sekretaris Daerah"), never a person's name.
    addressed_to: str
    #: The day the addressee received it: the deadline counts from it.
    received_on: date
    #: The last day it may be done on (None: no deadline).
    due: date | None
    due_source: DueSource | None
    #: Where the deadline comes from (the policy limit's basis, e.g. "Pergub Bengkulu 49/2017 Pasal 8").
    due_basis: str
    policy_version: int
    sealed_text: SealedPayload
    issued_by: str
    issued_by_name: str
    issued_at: datetime
    #: The agency concerned (rujukan LPSK: the LPSK the policy names).
    agency: str | None = None
    #: The deadline an overdue notice was published for (once per deadline).
    overdue_noticed_for: date | None = None
    overdue_noticed_at: datetime | None = None
    #: The day the addressee carried it out (from its evidence), and when and by whom it was recorded.
    carried_out_on: date | None = None
    completed_at: datetime | None = None
    completed_by: str | None = None
    completed_by_name: str | None = None
    on_time: bool | None = None

    @property
    def done(self) -> bool:
        return self.completed_at is not None

    def overdue_on(self, today: date) -> bool:
        """Not done and past its deadline: ``today`` (in the tenant's zone) is after the last day."""
        return not self.done and self.due is not None and today > self.due

    def needs_overdue_notice(self, today: date) -> bool:
        """Overdue, and no notice was published yet for this deadline."""
        return self.overdue_on(today) and self.overdue_noticed_for != self.due


@dataclass(frozen=True)
class FollowUp:
    """One entry of a recommendation's follow-up: a note, or a document (an SK or other evidence)
    kept in the case's vault, with its reference and date."""

    id: UUID
    recommendation_id: UUID
    case_id: UUID
    tenant: str
    kind: FollowUpKind
    recorded_by: str
    recorded_by_name: str
    recorded_at: datetime
    sealed_note: SealedPayload | None = None
    document_id: UUID | None = None
    #: Nomor SK / surat.
    reference: str = ""
    #: The date the decree or letter bears.
    dated: date | None = None


@dataclass(frozen=True)
class QueuedRecommendation:
    """A recommendation in the tenant's follow-up queue, with its case's agenda number."""

    recommendation: Recommendation
    agenda_number: str | None


# -- who, and when ------------------------------------------------------------------------------------


def may_act_on_recommendations(permissions: Collection[str], *, on_team: bool) -> bool:
    """Who issues and follows recommendations: the ketua tim (Inspektur, who assigns the audit),
    and the auditors of the case's team (the team's ketua among them)."""
    return ASSIGN_CASES in permissions or (on_team and INVESTIGATE_CASES in permissions)


def check_may_read(permissions: Collection[str], *, on_team: bool) -> None:
    if not may_open_audit(permissions, on_team=on_team):
        raise RecommendationRefused(
            "officer",
            "Rekomendasi perkara ini hanya untuk tim audit yang ditunjuk dalam Surat Tugas, ketua tim, "
            "dan pimpinan satker.",
            "This case's recommendations are for the audit team named in the Surat Tugas, the ketua tim "
            "and the head of the work unit only.",
        )


def check_may_act(permissions: Collection[str], *, on_team: bool) -> None:
    if not may_act_on_recommendations(permissions, on_team=on_team):
        raise RecommendationRefused(
            "officer",
            "Rekomendasi diberikan dan dipantau oleh ketua tim atau auditor dalam tim audit perkara ini.",
            "Recommendations are issued and followed by the ketua tim or an auditor on this case's audit team.",
        )


#: Statuses in which the final report is issued: recommendations may be given.
REPORT_ISSUED = frozenset({CaseFileStatus.LAPORAN_TERBIT, CaseFileStatus.DISERAHKAN})


def check_report_issued(case_file: CaseFile) -> None:
    if case_file.status not in REPORT_ISSUED or case_file.report_issued_at is None:
        raise RecommendationRefused(
            "case",
            "Rekomendasi baru dapat diberikan setelah laporan hasil audit terbit.",
            "Recommendations can be issued only once the final audit report is issued.",
        )


# -- the deadline -------------------------------------------------------------------------------------


def months_after(day: date, months: int) -> date:
    """The same day of the month, ``months`` later; the last day of that month when it is shorter
    (30 November + 3 months is 28 or 29 February). The rule of ``wbs_runtime.working_days.months_due``."""
    if months < 1:
        raise ValueError("a limit in months counts at least one month")
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def policy_due(limit: TimeLimit, received_on: date, nth_working_day_after: Callable[[date, int], date]) -> date:
    """The last day a limit of the policy allows, counted from the day of receipt (which never
    counts itself): N calendar months, or N working days of the tenant's calendar."""
    if limit.months is not None:
        return months_after(received_on, limit.months)
    assert limit.working_days is not None  # a TimeLimit has exactly one unit
    return nth_working_day_after(received_on, limit.working_days)


def limit_for(kind: RecommendationKind, policy: TenantPolicy) -> TimeLimit | None:
    """The policy's limit for ``kind`` (None: the policy sets none, the officer may)."""
    key = POLICY_LIMITS.get(kind)
    return policy.time_limits.get(key) if key else None


# -- issuing --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """A recommendation as the officer writes it, before any check."""

    kind: str
    addressed_to: str
    text: str
    received_on: date | None = None
    due: date | None = None


@dataclass(frozen=True)
class CheckedDraft:
    kind: RecommendationKind
    addressed_to: str
    text: str
    received_on: date
    due: date | None
    due_source: DueSource | None
    due_basis: str
    agency: str | None


def routed_targets(rules: Collection[EscalationRule], loss: int) -> set[EscalationTarget]:
    """The targets the policy's escalation rules route a loss to (at least: inclusive; below: exclusive)."""
    return {
        rule.target
        for rule in rules
        if (rule.loss_at_least is None or loss >= rule.loss_at_least)
        and (rule.loss_below is None or loss < rule.loss_below)
    }


def _kind_of(value: str) -> RecommendationKind:
    try:
        return RecommendationKind(value)
    except ValueError:
        raise RecommendationRefused("kind", "Pilih jenis rekomendasi.", "Choose the kind of recommendation.") from None


def _check_kind_fits(kind: RecommendationKind, case_file: CaseFile, policy: TenantPolicy) -> None:
    """Each kind answers a result of the audit (and the hand-over, the policy's routing)."""
    result, loss = case_file.result, case_file.estimated_loss_idr or 0
    found_deviation = result in (AuditResult.TPK, AuditResult.PELANGGARAN_ADMINISTRATIF)
    if kind is RecommendationKind.HUKUMAN_DISIPLIN and not found_deviation:
        raise RecommendationRefused(
            "kind",
            "Hukuman disiplin hanya direkomendasikan bila audit menemukan pelanggaran.",
            "A disciplinary sanction is recommended only when the audit found a violation.",
        )
    if kind is RecommendationKind.PENGEMBALIAN_KERUGIAN and (not found_deviation or loss <= 0):
        raise RecommendationRefused(
            "kind",
            "Pengembalian kerugian hanya direkomendasikan bila audit menaksir kerugian negara/daerah.",
            "Recovery of losses is recommended only when the audit estimated a state loss.",
        )
    if kind is RecommendationKind.PEMULIHAN_NAMA_BAIK and result is not AuditResult.TIDAK_ADA_PENYIMPANGAN:
        raise RecommendationRefused(
            "kind",
            "Pemulihan nama baik direkomendasikan bagi terlapor yang tidak terbukti melakukan pelanggaran "
            "(hasil audit: tidak ada penyimpangan).",
            "Restoring the good name is recommended for a reported official not proven guilty (the audit "
            "found no deviation).",
        )
    target = HAND_OVER_TARGETS.get(kind)
    if target is None:
        return
    if result is not AuditResult.TPK:
        raise RecommendationRefused(
            "kind",
            "Penyampaian hasil pemeriksaan kepada APH atau KPK hanya bila hasil audit berindikasi tindak pidana "
            "korupsi.",
            "Handing the result to law enforcement or the KPK is recommended only when the audit indicates a "
            "corruption offence.",
        )
    if target not in routed_targets(policy.escalation.rules, loss):
        routed = ", ".join(sorted(t.value.upper() for t in routed_targets(policy.escalation.rules, loss))) or "-"
        basis = f" ({policy.escalation.basis})" if policy.escalation.basis else ""
        raise RecommendationRefused(
            "kind",
            f"Menurut kebijakan instansi{basis}, kerugian sebesar ini disampaikan kepada: {routed}.",
            f"Under this body's policy{basis}, a loss of this size goes to: {routed}.",
        )


def checked_draft(
    draft: Draft,
    case_file: CaseFile,
    policy: TenantPolicy,
    *,
    today: date,
    report_day: date,
    lpsk_name: str | None,
    nth_working_day_after: Callable[[date, int], date],
) -> CheckedDraft:
    """The draft as the rules want it, with its deadline; ``RecommendationRefused`` otherwise.

    ``today`` and ``report_day`` (the day the final report was issued) are days in the tenant's
    zone; the addressee cannot have received the recommendation before the report or after today.
    """
    kind = _kind_of(draft.kind)
    _check_kind_fits(kind, case_file, policy)
    agency = None
    addressed_to = " ".join(draft.addressed_to.split())
    if kind is RecommendationKind.RUJUKAN_LPSK:
        agency = policy.escalation.lpsk
        if agency is None:
            raise RecommendationRefused(
                "kind",
                "Kebijakan instansi ini tidak menyebut LPSK tujuan rujukan; hubungi administrator.",
                "This body's policy names no LPSK to refer to; ask the administrator.",
            )
        addressed_to = addressed_to or lpsk_name or agency
    if not addressed_to:
        raise RecommendationRefused(
            "addressed_to",
            "Sebutkan jabatan yang dituju (misalnya Sekretaris Daerah).",
            "Name the office it is addressed to (e.g. Sekretaris Daerah).",
        )
    if len(addressed_to) > NAME_LIMIT:
        raise RecommendationRefused(
            "addressed_to",
            f"Jabatan yang dituju terlalu panjang (paling banyak {NAME_LIMIT} karakter).",
            f"The office is too long ({NAME_LIMIT} characters at most).",
        )
    text = draft.text.strip()
    if not text or len(text) > TEXT_LIMIT:
        raise RecommendationRefused(
            "text",
            "Tuliskan isi rekomendasi (paling banyak 10.000 karakter).",
            "Write the recommendation (10,000 characters at most).",
        )
    received_on = draft.received_on or today
    if received_on > today or received_on < report_day:
        raise RecommendationRefused(
            "received_on",
            f"Tanggal diterima harus antara tanggal laporan hasil audit ({report_day.isoformat()}) dan hari ini.",
            f"The day of receipt must be between the final report's date ({report_day.isoformat()}) and today.",
        )
    limit = limit_for(kind, policy)
    if limit is not None:
        if draft.due is not None:
            raise RecommendationRefused(
                "due",
                f"Batas waktu rekomendasi ini ditetapkan kebijakan instansi ({limit_words(limit)[0]} sejak diterima); "
                "kosongkan isian batas waktu.",
                f"This recommendation's deadline is set by the body's policy ({limit_words(limit)[1]} from receipt); "
                "leave the deadline empty.",
            )
        due = policy_due(limit, received_on, nth_working_day_after)
        return CheckedDraft(kind, addressed_to, text, received_on, due, DueSource.KEBIJAKAN, limit.basis, agency)
    if draft.due is not None and draft.due < received_on:
        raise RecommendationRefused(
            "due",
            "Batas waktu tidak boleh sebelum tanggal diterima.",
            "The deadline cannot be before the day of receipt.",
        )
    source = DueSource.PETUGAS if draft.due is not None else None
    return CheckedDraft(kind, addressed_to, text, received_on, draft.due, source, "", agency)


def limit_words(limit: TimeLimit) -> tuple[str, str]:
    """How a limit reads (Bahasa Indonesia, English): "3 bulan", "3 months"."""
    if limit.months is not None:
        return f"{limit.months} bulan", f"{limit.months} month{'s' if limit.months != 1 else ''}"
    return (
        f"{limit.working_days} hari kerja",
        f"{limit.working_days} working day{'s' if limit.working_days != 1 else ''}",
    )


# -- following up ---------------------------------------------------------------------------------------


def check_open(recommendation: Recommendation) -> None:
    if recommendation.done:
        raise RecommendationRefused(
            "recommendation",
            "Rekomendasi ini sudah dinyatakan selesai ditindaklanjuti.",
            "This recommendation has already been recorded as carried out.",
        )


def checked_note(text: str, *, required: bool) -> str:
    cleaned = text.strip()
    if (required and not cleaned) or len(cleaned) > TEXT_LIMIT:
        raise RecommendationRefused(
            "note",
            "Tuliskan catatan tindak lanjut (paling banyak 10.000 karakter).",
            "Write the follow-up note (10,000 characters at most).",
        )
    return cleaned


def checked_document(
    kind: str, title: str, reference: str, dated: date | None, *, today: date
) -> tuple[FollowUpKind, str, str]:
    """A document's kind, title and reference as the rules want them: an SK names its number and date."""
    try:
        which = FollowUpKind(kind)
    except ValueError:
        which = None
    if which not in (FollowUpKind.SK, FollowUpKind.BUKTI):
        raise RecommendationRefused(
            "document_kind",
            "Pilih jenis dokumen: salinan SK / keputusan, atau bukti tindak lanjut lain.",
            "Choose the kind of document: a copy of the decree (SK), or other evidence of the follow-up.",
        )
    cleaned_title = " ".join(title.split())
    if not cleaned_title or len(cleaned_title) > NAME_LIMIT:
        raise RecommendationRefused(
            "title",
            f"Beri judul dokumen (paling banyak {NAME_LIMIT} karakter).",
            f"Give the document a title ({NAME_LIMIT} characters at most).",
        )
    cleaned_reference = " ".join(reference.split())
    if len(cleaned_reference) > REFERENCE_LIMIT:
        raise RecommendationRefused(
            "reference",
            f"Nomor surat terlalu panjang (paling banyak {REFERENCE_LIMIT} karakter).",
            f"The reference is too long ({REFERENCE_LIMIT} characters at most).",
        )
    if which is FollowUpKind.SK and (not cleaned_reference or dated is None):
        raise RecommendationRefused(
            "reference",
            "Salinan SK mencantumkan nomor dan tanggal SK.",
            "A copy of a decree (SK) gives the decree's number and date.",
        )
    if dated is not None and dated > today:
        raise RecommendationRefused(
            "dated", "Tanggal surat tidak boleh setelah hari ini.", "The document's date cannot be after today."
        )
    return which, cleaned_title, cleaned_reference


def completion_day(
    recommendation: Recommendation, follow_ups: Collection[FollowUp], carried_out_on: date | None, *, today: date
) -> tuple[date, bool]:
    """The day the recommendation was carried out and whether that was on time; refused without its
    evidence. A decree-kind is done with a decree (its date is the day it was carried out, unless
    the officer says otherwise); the others with at least one document of evidence."""
    check_open(recommendation)
    documents = [f for f in follow_ups if f.document_id is not None and f.recommendation_id == recommendation.id]
    decrees = [f for f in documents if f.kind is FollowUpKind.SK]
    if recommendation.kind in NEEDS_DECREE and not decrees:
        raise RecommendationRefused(
            "evidence",
            "Rekomendasi ini selesai dengan salinan SK / keputusan: unggah dahulu salinannya beserta nomor dan "
            "tanggalnya.",
            "This recommendation is done with a copy of the decree (SK): upload it first, with its number and date.",
        )
    if not documents:
        raise RecommendationRefused(
            "evidence",
            "Unggah dahulu bukti tindak lanjutnya.",
            "Upload the evidence of the follow-up first.",
        )
    dated = [f.dated for f in decrees if f.dated is not None]
    day = carried_out_on or (max(dated) if dated else today)
    if day > today or day < recommendation.received_on:
        raise RecommendationRefused(
            "carried_out_on",
            "Tanggal ditindaklanjuti harus antara tanggal rekomendasi diterima dan hari ini.",
            "The day it was carried out must be between the day the recommendation was received and today.",
        )
    on_time = recommendation.due is None or day <= recommendation.due
    return day, on_time


def ordered_for_follow_up(recommendations: Collection[Recommendation], today: date) -> list[Recommendation]:
    """Overdue first (the longest overdue on top), then the open ones by deadline, then those done."""

    def key(r: Recommendation) -> tuple[int, date, datetime]:
        if r.overdue_on(today):
            return 0, r.due or date.max, r.issued_at
        if not r.done:
            return 1, r.due or date.max, r.issued_at
        return 2, date.max, r.issued_at

    return sorted(recommendations, key=key)


# -- carried out by the hand-over ------------------------------------------------------------------------


def carried_out_by_hand_over(recommendation: Recommendation, target: EscalationTarget) -> bool:
    """Whether an approved hand-over to ``target`` carries this recommendation out: one to hand the
    result to that very target (penyerahan-aph for APH, penyerahan-kpk for the KPK), not yet done.
    A hand-over to the other target leaves it open."""
    return not recommendation.done and HAND_OVER_TARGETS.get(recommendation.kind) is target


def done_by_hand_over(
    recommendation: Recommendation, *, day: date, at: datetime, by: str, by_name: str
) -> Recommendation:
    """Done on the day the hand-over was approved (in the body's zone), by its approver; on time when
    that day is not after its deadline (always, without one)."""
    return replace(
        recommendation,
        carried_out_on=day,
        completed_at=at,
        completed_by=by,
        completed_by_name=by_name,
        on_time=recommendation.due is None or day <= recommendation.due,
    )


def hand_over_note(*, agency_name: str, approved_by: str, approved_as: str, day: date) -> str:
    """The hand-over in words, for the recommendation's follow-up (Bahasa Indonesia, as notes are kept)."""
    return (
        f"Ditindaklanjuti dengan pelimpahan perkara kepada {agency_name}, disetujui {approved_by} "
        f"({approved_as}) pada {day.isoformat()}."
    )
