"""What reporting's use cases need from the outside world."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol
from uuid import UUID
from zoneinfo import ZoneInfo

from wbs_contracts.events.directory import TenantConfiguredV1
from wbs_reporting.domain.cases import CaseSteps, StepEvent
from wbs_reporting.domain.decisions import DecisionCount
from wbs_reporting.domain.investigation import MonthCount
from wbs_reporting.domain.publication import Period, Publication, PublicCount
from wbs_reporting.domain.statistics import CountRow
from wbs_reporting.domain.tables import MonthNote, SignOff
from wbs_reporting.domain.timeliness import RecommendationSteps
from wbs_runtime.audit import AuditRecorder
from wbs_runtime.unit_of_work import EventOutbox, Transactional


class CaseFacts(Protocol):
    """What reporting knows of each case: enough to count, nothing to identify."""

    async def record_submission(
        self,
        case_id: UUID,
        tenant: str,
        category: str,
        channel: str,
        submitted_at: datetime,
        received_by: str | None = None,
    ) -> None:
        """``received_by``: the body where the report arrived, when it was forwarded to ``tenant``."""
        ...

    async def record_registration(self, case_id: UUID, tenant: str, registered_at: datetime) -> None: ...

    async def counts(self, tenant: str, year: int, timezone: ZoneInfo) -> list[CountRow]: ...


class DecisionFacts(Protocol):
    """How each case's telaah ended: its body, its outcome, when."""

    async def record_decision(self, case_id: UUID, tenant: str, outcome: str, decided_at: datetime) -> None: ...
    async def decision_counts(self, tenant: str, year: int, timezone: ZoneInfo) -> list[DecisionCount]: ...


class InvestigationFacts(Protocol):
    """What became of the audits: final reports, recommendations, hand-overs (no names, no words)."""

    async def record_report(
        self, case_id: UUID, tenant: str, issued_at: datetime, result: str, estimated_loss_idr: int
    ) -> None: ...
    async def record_recommendation(
        self, recommendation_id: UUID, case_id: UUID, tenant: str, kind: str, **facts: datetime | date | bool | None
    ) -> None: ...
    async def record_hand_over(
        self, escalation_id: UUID, case_id: UUID, tenant: str, target: str, agency: str, approved_at: datetime
    ) -> None: ...
    async def month_counts(self, tenant: str, year: int, timezone: ZoneInfo) -> list[MonthCount]: ...
    async def open_recommendations(self, tenant: str) -> tuple[dict[str, int], dict[str, int]]: ...


class AnnualRecords(Protocol):
    """The annual tables' facts (``wbs_reporting.usecases.annual``): dispositions kept from case-disposed, the
    cases and steps of the bodies in a scope, and what officers write for the annual report."""

    async def record_disposition(self, case_id: UUID, tenant: str, disposed_at: datetime, due: date) -> None: ...
    async def configuration(self, tenant: str) -> TenantConfiguredV1 | None: ...
    async def descendants(self, tenant: str) -> list[TenantConfiguredV1]: ...
    async def cases(self, scope: list[str], start: datetime, end: datetime) -> list[CaseSteps]: ...
    async def events(self, scope: list[str], start: datetime, end: datetime) -> list[StepEvent]: ...
    async def recommendations(self, scope: list[str], start: datetime, end: datetime) -> list[RecommendationSteps]: ...
    async def notes(self, tenant: str, year: int) -> dict[int, MonthNote]: ...
    async def save_note(
        self, tenant: str, year: int, month: int, note: MonthNote, *, by: str, at: datetime
    ) -> None: ...
    async def sign_off(self, tenant: str, year: int) -> SignOff: ...
    async def save_sign_off(self, tenant: str, year: int, sign_off: SignOff, *, by: str, at: datetime) -> None: ...


class ReportingUnitOfWork(Transactional, Protocol):
    @property
    def facts(self) -> CaseFacts: ...
    @property
    def decisions(self) -> DecisionFacts: ...
    @property
    def investigation(self) -> InvestigationFacts: ...
    @property
    def annual(self) -> AnnualRecords: ...
    @property
    def audit(self) -> AuditRecorder: ...


# -- public statistics and their publication ------------------------------------------------------


class Publications(Protocol):
    """Publications of public statistics (reporting's own records) and what they count."""

    async def add(self, item: Publication) -> None: ...
    async def save(self, item: Publication) -> None: ...
    async def get(self, tenant: str, publication_id: UUID, *, for_update: bool = False) -> Publication | None: ...
    async def listed(self, tenant: str) -> list[Publication]: ...
    async def of_year(self, tenant: str, year: int, *, for_update: bool = False) -> list[Publication]: ...
    async def published(self, tenant: str) -> Publication | None: ...
    async def configuration(self, tenant: str) -> TenantConfiguredV1 | None: ...
    async def public_counts(self, tenant: str, period: Period, timezone: ZoneInfo) -> list[PublicCount]: ...


class PublishingUnitOfWork(ReportingUnitOfWork, Protocol):
    """What publishing needs beyond the read models: its records, the outbox and the audit trail."""

    @property
    def publications(self) -> Publications: ...
    @property
    def outbox(self) -> EventOutbox: ...
