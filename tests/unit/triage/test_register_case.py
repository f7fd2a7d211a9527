from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from tests.support.audit import MemoryAuditTrail
from tests.support.events import report_submitted
from tests.support.fakes import FakeTransaction
from tests.unit.triage.fake_dispositions import FakeDispositions, FakeTenants
from tests.unit.triage.telaah_fakes import FakeRegistrations, FakeRelatedIndex, FakeTelaah
from wbs_contracts.envelope import Envelope
from wbs_contracts.registry import CASE_REGISTERED, EventSpec
from wbs_triage.domain.case import Case
from wbs_triage.domain.evidence import CaseEvidence
from wbs_triage.domain.messages import CaseMessage
from wbs_triage.usecases import register_case

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)


class FakeEvidence:
    def __init__(self) -> None:
        self.rows: dict[UUID, CaseEvidence] = {}

    async def add(self, evidence: CaseEvidence) -> None:
        self.rows.setdefault(evidence.id, evidence)

    async def of_case(self, case_id: UUID) -> list[CaseEvidence]:
        return [e for e in self.rows.values() if e.case_id == case_id]

    async def get(self, evidence_id: UUID) -> CaseEvidence | None:
        return self.rows.get(evidence_id)


class FakeCaseMessages:
    def __init__(self) -> None:
        self.rows: dict[UUID, CaseMessage] = {}

    async def add(self, message: CaseMessage) -> bool:
        if message.id in self.rows:
            return False
        self.rows[message.id] = message
        return True

    async def of_case(self, case_id: UUID) -> list[CaseMessage]:
        return sorted((m for m in self.rows.values() if m.case_id == case_id), key=lambda m: m.sent_at)


class FakeTriage(FakeTransaction):
    def __init__(self) -> None:
        self.rows: dict[UUID, Case] = {}
        self.counters: dict[tuple[str, int], int] = defaultdict(int)
        self.events: list[tuple[EventSpec[Any], Envelope[Any]]] = []
        self.cases = self
        self.agenda = self
        self.outbox = self
        self.audit = MemoryAuditTrail()
        self.evidence = FakeEvidence()
        self.messages = FakeCaseMessages()
        self.registrations = FakeRegistrations()
        self.telaah = FakeTelaah()
        self.related = FakeRelatedIndex(self.rows)
        self.dispositions = FakeDispositions(self.rows)
        self.tenants = FakeTenants()

    async def add(self, item: Any, envelope: Any = None) -> None:
        if envelope is None:
            self.rows[item.id] = item
        else:
            self.events.append((item, envelope))

    async def get(self, case_id: UUID) -> Case | None:
        return self.rows.get(case_id)

    async def in_tenant(self, tenant: str, *, limit: int = 200) -> list[Case]:
        found = [c for c in self.rows.values() if c.tenant == tenant]
        return sorted(found, key=lambda c: (c.agenda.registered_at, c.agenda.sequence), reverse=True)[:limit]

    async def next_sequence(self, tenant: str, year: int) -> int:
        self.counters[(tenant, year)] += 1
        return self.counters[(tenant, year)]


handle = register_case(lambda: NOW, ZoneInfo("Asia/Jakarta"))


async def test_each_report_gets_the_next_number_of_its_tenants_agenda() -> None:
    uow = FakeTriage()
    for tenant in ("bps-1700", "bps-1700", "pemkab-lebak", "bps-1700"):
        await handle(report_submitted(tenant=tenant), uow)
    numbers = sorted(c.agenda.number for c in uow.rows.values())
    assert numbers == [
        "WBS/BPS-1700/2026/0001",
        "WBS/BPS-1700/2026/0002",
        "WBS/BPS-1700/2026/0003",
        "WBS/PEMKAB-LEBAK/2026/0001",
    ]


async def test_registration_is_announced_as_caused_by_the_report() -> None:
    uow = FakeTriage()
    submitted = report_submitted()
    await handle(submitted, uow)
    [(spec, event)] = uow.events
    assert spec is CASE_REGISTERED
    assert event.subject == submitted.subject
    assert event.tenant == submitted.tenant
    assert event.correlationid == submitted.correlationid
    assert event.causationid == str(submitted.id)
    assert event.data.case_id == submitted.data.report_id
    assert event.data.agenda_number == "WBS/BPS-1700/2026/0001"


async def test_the_sealed_substance_is_kept_as_received() -> None:
    uow = FakeTriage()
    submitted = report_submitted()
    await handle(submitted, uow)
    assert uow.rows[submitted.data.report_id].sealed_substance == submitted.data.substance.model_dump(mode="json")


async def test_a_report_delivered_twice_is_registered_once() -> None:
    uow = FakeTriage()
    submitted = report_submitted()
    await handle(submitted, uow)
    await handle(submitted, uow)
    assert len(uow.rows) == 1
    assert len(uow.events) == 1
    assert uow.counters[("bps-1700", 2026)] == 1
