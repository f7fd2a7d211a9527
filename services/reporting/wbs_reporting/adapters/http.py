"""Reporting's HTTP API: the yearly recap of one body, for the officers of that body who may see
its statistics (exact live counts, so never public)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from wbs_contracts.channels import KNOWN_CHANNELS
from wbs_contracts.envelope import TENANT_PATTERN
from wbs_reporting.domain.investigation import InvestigationRecap, Measure, Tallies
from wbs_reporting.domain.statistics import BULAN, Tally
from wbs_reporting.ports import ReportingUnitOfWork
from wbs_reporting.usecases import yearly_decisions, yearly_investigation, yearly_recap
from wbs_runtime.auth.access import Caller, require
from wbs_runtime.auth.permissions import Permission
from wbs_runtime.clock import Clock


class TallyOut(BaseModel):
    received: int
    registered: int

    @classmethod
    def of(cls, tally: Tally) -> TallyOut:
        return cls(received=tally.received, registered=tally.registered)


class MonthOut(BaseModel):
    month: int
    bulan: str
    total: TallyOut
    by_category: dict[str, TallyOut]


class LabelOut(BaseModel):
    id: str
    en: str


class DecisionMonthOut(BaseModel):
    month: int
    bulan: str
    by_outcome: dict[str, int]


class DecisionsOut(BaseModel):
    """How the telaah of the body's cases ended (telaah-decided), in the month of the decision."""

    months: list[DecisionMonthOut]
    by_outcome: dict[str, int]


class CountsMonthOut(BaseModel):
    month: int
    bulan: str
    counts: dict[str, int]


class CountsOut(BaseModel):
    """One measure: per month (every month) and in the year, per result, kind or target."""

    months: list[CountsMonthOut]
    total: dict[str, int]

    @classmethod
    def of(cls, tallies: Tallies) -> CountsOut:
        return cls(
            months=[
                CountsMonthOut(month=month, bulan=BULAN[month - 1], counts=counts)
                for month, counts in sorted(tallies.months.items())
            ],
            total=tallies.total,
        )


class ReportsOut(BaseModel):
    """Final audit reports (audit-report-issued) by result, with the estimated state loss in rupiah."""

    by_result: CountsOut
    estimated_loss_idr_by_month: dict[int, int]
    estimated_loss_idr: int


class RecommendationsOut(BaseModel):
    """Recommendations by kind: issued, announced overdue, carried out on time or late (each in the month
    it happened), and, today, those not yet carried out and those among them overdue."""

    issued: CountsOut
    overdue: CountsOut
    completed_on_time: CountsOut
    completed_late: CountsOut
    open_now: dict[str, int]
    overdue_now: dict[str, int]


class InvestigationOut(BaseModel):
    """What became of the audits of the body's cases (investigation's events)."""

    reports: ReportsOut
    recommendations: RecommendationsOut
    #: Cases handed to APH or the KPK (case-handed-over), by target.
    hand_overs: CountsOut


def investigation_out(recap: InvestigationRecap) -> InvestigationOut:
    return InvestigationOut(
        reports=ReportsOut(
            by_result=CountsOut.of(recap.reports),
            estimated_loss_idr_by_month=recap.loss_by_month,
            estimated_loss_idr=recap.loss_total,
        ),
        recommendations=RecommendationsOut(
            issued=CountsOut.of(recap.recommendations[Measure.DIBERIKAN]),
            overdue=CountsOut.of(recap.recommendations[Measure.TERLAMBAT]),
            completed_on_time=CountsOut.of(recap.recommendations[Measure.SELESAI_TEPAT_WAKTU]),
            completed_late=CountsOut.of(recap.recommendations[Measure.SELESAI_TERLAMBAT]),
            open_now=recap.open_now,
            overdue_now=recap.overdue_now,
        ),
        hand_overs=CountsOut.of(recap.hand_overs),
    )


class RecapOut(BaseModel):
    tenant: str
    year: int
    timezone: str
    categories: list[str]
    channels: list[str]
    #: Names of the channels counted, as the annual reports print them (saluran pengaduan).
    channel_labels: dict[str, LabelOut]
    months: list[MonthOut]
    by_category: dict[str, TallyOut]
    by_channel: dict[str, TallyOut]
    total: TallyOut
    decisions: DecisionsOut | None = None
    investigation: InvestigationOut | None = None


def build_router(*, unit_of_work: Callable[[], ReportingUnitOfWork], timezone: ZoneInfo, clock: Clock) -> APIRouter:
    router = APIRouter(prefix="/api/v1/tenants", tags=["statistik / statistics"])

    @router.get(
        "/{tenant}/statistics",
        response_model=RecapOut,
        summary="Rekapitulasi tahunan / yearly recap by month, category and channel",
    )
    async def statistics(
        tenant: Annotated[str, Path(pattern=TENANT_PATTERN)],
        _caller: Annotated[Caller, require(Permission.READ_STATISTICS)],
        year: Annotated[int | None, Query(ge=2000, le=9999, description="Tahun; default: tahun ini")] = None,
    ) -> RecapOut:
        chosen = year or clock().astimezone(timezone).year
        recap = await yearly_recap(tenant, chosen, timezone, uow=unit_of_work())
        decided = await yearly_decisions(tenant, chosen, timezone, uow=unit_of_work())
        audited = await yearly_investigation(tenant, chosen, timezone, uow=unit_of_work())
        return RecapOut(
            tenant=tenant,
            year=recap.year,
            timezone=str(timezone),
            categories=recap.categories,
            channels=recap.channels,
            channel_labels={c: _channel_label(c) for c in recap.channels},
            months=[
                MonthOut(
                    month=m.month,
                    bulan=m.bulan,
                    total=TallyOut.of(m.total),
                    by_category={c: TallyOut.of(t) for c, t in m.by_category.items()},
                )
                for m in recap.months
            ],
            by_category={c: TallyOut.of(t) for c, t in recap.by_category.items()},
            by_channel={c: TallyOut.of(t) for c, t in recap.by_channel.items()},
            total=TallyOut.of(recap.total),
            decisions=DecisionsOut(
                months=[
                    DecisionMonthOut(month=month, bulan=BULAN[month - 1], by_outcome=counts)
                    for month, counts in sorted(decided.months.items())
                ],
                by_outcome=decided.by_outcome,
            ),
            investigation=investigation_out(audited),
        )

    return router


def _channel_label(channel: str) -> LabelOut:
    label_id, label_en = KNOWN_CHANNELS.get(channel, (channel, channel))
    return LabelOut(id=label_id, en=label_en)
