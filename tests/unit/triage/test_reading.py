"""Reading a case: only within its tenant, and never without an entry on the tenant's trail."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from tests.support.events import report_submitted
from tests.unit.triage.test_register_case import FakeTriage
from wbs_triage.usecases import Reader, case_history, read_case, register_case

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
READER = Reader(officer_id="o-1", name="Siti", roles=("penelaah",), session_id="s-1")


async def registered(triage: FakeTriage, tenant: str = "bps-1700") -> UUID:
    event = report_submitted(tenant=tenant, at=NOW)
    await register_case(lambda: NOW, ZoneInfo("Asia/Jakarta"))(event, triage)
    case_id: UUID = event.data.report_id
    return case_id


async def test_a_read_is_recorded_with_who_and_in_which_role() -> None:
    triage = FakeTriage()
    case_id = await registered(triage)
    case = await read_case("bps-1700", case_id, READER, triage)
    assert case is not None
    assert case.id == case_id
    assert triage.audit.actions("bps-1700") == [("case.read", str(case_id))]
    (entry,) = triage.audit.chains["bps-1700"]
    assert (entry.actor, entry.actor_name, entry.role, entry.session_id) == ("o-1", "Siti", "penelaah", "s-1")


async def test_a_case_of_another_tenant_is_not_found_and_nothing_is_recorded() -> None:
    triage = FakeTriage()
    case_id = await registered(triage, "bps-3603")
    assert await read_case("bps-1700", case_id, READER, triage) is None
    assert await case_history("bps-1700", case_id, READER, triage) is None
    assert triage.audit.actions("bps-1700") == []
    assert triage.audit.actions("bps-3603") == []


async def test_the_history_includes_its_own_reading() -> None:
    triage = FakeTriage()
    case_id = await registered(triage)
    await read_case("bps-1700", case_id, READER, triage)
    history = await case_history("bps-1700", case_id, READER, triage)
    assert history is not None
    assert [e.action for e in history] == ["case.read", "case.history-read"]
