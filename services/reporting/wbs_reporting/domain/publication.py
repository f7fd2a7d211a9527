"""Public statistics of a body and their publication.

What the public sees: how many reports the body received in each month of one year, by category,
by channel, and how many of them were selesai (finished) or still dalam proses at the year's end,
with small counts suppressed (``wbs_reporting.domain.suppression``). Never substance, names or
anything of one case.

A publication covers one whole year that is over in the body's time zone (January to December; the
running year is held back, as the annual reports do). Statuses are counted as of the year's end, so
counting again later gives the same figures, and there is at most one approved publication per year:
two publications that differed by a few months, or by cases whose status changed since, could be
subtracted from one another to reveal the small counts that each of them hides.

A publication is prepared by a proposer and frozen as a snapshot; it is what the public page shows
once approved. A new proposal for a year supersedes the one still waiting for that year. The
tenant's policy says who approves (``Decision.STATISTICS_PUBLICATION`` in ``policy.approvals``): an
officer holding one of those roles. Without such a rule, an officer with the permission to approve
publications approves. Never the proposer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from wbs_contracts.events.directory import Decision, TenantPolicy
from wbs_contracts.roles import Role
from wbs_reporting.domain.cases import ENDING_OUTCOMES
from wbs_reporting.domain.statistics import BULAN
from wbs_reporting.domain.suppression import DEFAULT_THRESHOLD, Line, suppress


class CaseStatus(StrEnum):
    #: The telaah ended without an audit (not processed, forwarded, merged), or the audit's final report
    #: was issued, or the case was handed over to APH or the KPK.
    SELESAI = "selesai"
    DALAM_PROSES = "dalam-proses"


#: Telaah outcomes that end a case in this body (an audit's case ends with its final report): the
#: annual tables' rule (``domain.cases``), so the public page and the annual report never disagree.
FINISHING_OUTCOMES = ENDING_OUTCOMES


def case_status(telaah_outcome: str | None, final_report: bool) -> CaseStatus:
    """``final_report``: the audit's final report was issued, or the case was handed over."""
    if final_report or telaah_outcome in FINISHING_OUTCOMES:
        return CaseStatus.SELESAI
    return CaseStatus.DALAM_PROSES


@dataclass(frozen=True)
class PublicCount:
    """Cases received in ``month`` (local) of the year, of this category and channel, in this status
    at the year's end."""

    month: int
    category: str
    channel: str
    status: CaseStatus
    count: int


class PublicationRefused(Exception):
    """Bilingual: Bahasa Indonesia first."""

    def __init__(self, pesan: str, message: str) -> None:
        super().__init__(message)
        self.pesan = pesan
        self.message = message


class AlreadyApproved(PublicationRefused):
    def __init__(self) -> None:
        super().__init__("Publikasi ini sudah disetujui.", "This publication is already approved.")


class Superseded(PublicationRefused):
    def __init__(self) -> None:
        super().__init__(
            "Publikasi ini sudah digantikan oleh usulan yang lebih baru; tidak dapat disetujui.",
            "This publication was superseded by a newer proposal; it cannot be approved.",
        )


class YearAlreadyPublished(PublicationRefused):
    def __init__(self, year: int) -> None:
        super().__init__(
            f"Statistik tahun {year} sudah dipublikasikan; satu tahun hanya dipublikasikan sekali.",
            f"The statistics of {year} are published already; a year is published only once.",
        )


@dataclass(frozen=True, order=True)
class Period:
    """The whole ``year``, January to December (a year is published once, when it is over)."""

    year: int

    def __post_init__(self) -> None:
        if not 2000 <= self.year <= 9999:
            raise ValueError(f"year {self.year} out of range")

    def is_over(self, today: date) -> bool:
        """Whether the year is over on ``today`` (the body's local date)."""
        return self.year < today.year


def latest_period(today: date) -> Period:
    """The last whole year before ``today``'s."""
    return Period(today.year - 1)


def check_period(period: Period, today: date) -> None:
    if not period.is_over(today):
        raise PublicationRefused(
            "Tahun yang sedang berjalan belum boleh dipublikasikan; pilih tahun yang sudah berakhir.",
            "The running year cannot be published yet; choose a year that has ended.",
        )


# -- the figures ------------------------------------------------------------------------------------


def public_statistics(
    period: Period,
    rows: Iterable[PublicCount],
    *,
    categories: Sequence[str] = (),
    category_labels: Mapping[str, tuple[str, str]] | None = None,
    channel_labels: Mapping[str, tuple[str, str]] | None = None,
    threshold: int = DEFAULT_THRESHOLD,
) -> dict[str, Any]:
    """The published figures of ``period`` (a JSON-ready snapshot): every month of the year, every
    category given or seen, each number already suppressed (a string: ``12``, ``< 5``, ``x``)."""
    months = range(1, 13)
    counted = [r for r in rows if r.month in months]
    known = list(categories) + sorted({r.category for r in counted} - set(categories))
    channels = sorted({r.channel for r in counted})
    statuses = list(CaseStatus)
    counts: dict[Any, int] = {("all",): 0}
    for m in months:
        counts[("m", m)] = 0
        counts.update({("m", m, "cat", c): 0 for c in known})
        counts.update({("m", m, "st", s.value): 0 for s in statuses})
    counts.update({("cat", c): 0 for c in known})
    counts.update({("st", s.value): 0 for s in statuses})
    counts.update({("ch", c): 0 for c in channels})
    for row in counted:
        for key in (
            ("all",),
            ("m", row.month),
            ("m", row.month, "cat", row.category),
            ("m", row.month, "st", row.status.value),
            ("cat", row.category),
            ("st", row.status.value),
            ("ch", row.channel),
        ):
            counts[key] += row.count
    lines: list[Line] = []
    for m in months:
        if known:
            lines.append(Line(("m", m), tuple(("m", m, "cat", c) for c in known)))
        lines.append(Line(("m", m), tuple(("m", m, "st", s.value) for s in statuses)))
    lines += [Line(("cat", c), tuple(("m", m, "cat", c) for m in months)) for c in known]
    lines += [Line(("st", s.value), tuple(("m", m, "st", s.value) for m in months)) for s in statuses]
    lines.append(Line(("all",), tuple(("m", m) for m in months)))
    if known:
        lines.append(Line(("all",), tuple(("cat", c) for c in known)))
    lines.append(Line(("all",), tuple(("st", s.value) for s in statuses)))
    if channels:
        lines.append(Line(("all",), tuple(("ch", c) for c in channels)))
    shown = suppress(counts, lines, threshold)

    def text(key: Any) -> str:
        return shown[key].text(threshold)

    category_labels = category_labels or {}
    channel_labels = channel_labels or {}
    return {
        "year": period.year,
        "threshold": threshold,
        "categories": [
            {"slug": c, "id": category_labels.get(c, (c, c))[0], "en": category_labels.get(c, (c, c))[1]} for c in known
        ],
        "channels": [
            {"slug": c, "id": channel_labels.get(c, (c, c))[0], "en": channel_labels.get(c, (c, c))[1]}
            for c in channels
        ],
        "statuses": [s.value for s in statuses],
        "months": [
            {
                "month": m,
                "bulan": BULAN[m - 1],
                "total": text(("m", m)),
                "by_category": {c: text(("m", m, "cat", c)) for c in known},
                "by_status": {s.value: text(("m", m, "st", s.value)) for s in statuses},
            }
            for m in months
        ],
        "by_category": {c: text(("cat", c)) for c in known},
        "by_status": {s.value: text(("st", s.value)) for s in statuses},
        "by_channel": {c: text(("ch", c)) for c in channels},
        "total": text(("all",)),
    }


# -- the publication and its approval ---------------------------------------------------------------


class PublicationState(StrEnum):
    MENUNGGU = "menunggu"  # waiting for approval
    DISETUJUI = "disetujui"  # approved: public
    DIGANTIKAN = "digantikan"  # superseded by a newer proposal for the same year: never approved


def approver_roles(policy: TenantPolicy) -> tuple[Role, ...]:
    """The roles the policy names to approve a publication of statistics (empty: no rule)."""
    found: dict[Role, None] = {}
    for approval in policy.approvals:
        if approval.decision == Decision.STATISTICS_PUBLICATION:
            found.update(dict.fromkeys(approval.approver_roles))
    return tuple(found)


@dataclass(frozen=True)
class Publication:
    id: UUID
    tenant: str
    period: Period
    #: The figures as proposed (``public_statistics``): frozen, what the public page shows once approved.
    snapshot: Mapping[str, Any]
    proposed_by: str
    proposed_at: datetime
    #: From the policy when proposed; empty: no rule, the permission to approve publications decides.
    approver_roles: tuple[Role, ...] = ()
    state: PublicationState = PublicationState.MENUNGGU
    approved_by: str | None = None
    approved_at: datetime | None = None
    via_roles: tuple[Role, ...] = field(default=())

    def supersede(self) -> Publication:
        """Set aside by a newer proposal for the same year (only a waiting one is)."""
        if self.state is not PublicationState.MENUNGGU:
            raise AlreadyApproved() if self.state is PublicationState.DISETUJUI else Superseded()
        return replace(self, state=PublicationState.DIGANTIKAN)

    def approve(
        self, officer_id: str, roles: Iterable[Role], *, may_approve_publication: bool, at: datetime
    ) -> Publication:
        """``roles``: the officer's roles in the tenant; ``may_approve_publication``: whether they hold
        the permission to approve publications there (used only when the policy names no roles)."""
        if self.state is PublicationState.DISETUJUI:
            raise AlreadyApproved()
        if self.state is PublicationState.DIGANTIKAN:
            raise Superseded()
        # Four eyes in every branch: with a policy rule or without one.
        if officer_id == self.proposed_by:
            raise PublicationRefused(
                "Pengusul tidak boleh menyetujui publikasinya sendiri.",
                "The proposer may not approve their own publication.",
            )
        held = frozenset(roles)
        if self.approver_roles:
            via = tuple(r for r in self.approver_roles if r in held)
            if not via:
                raise PublicationRefused(
                    "Kebijakan instansi meminta persetujuan dari peran lain.",
                    "The body's policy asks for the approval of another role.",
                )
        elif may_approve_publication:
            via = tuple(sorted(held))
        else:
            raise PublicationRefused(
                "Anda tidak berwenang menyetujui publikasi statistik.",
                "You may not approve the publication of statistics.",
            )
        return replace(self, state=PublicationState.DISETUJUI, approved_by=officer_id, approved_at=at, via_roles=via)
