"""Reading a case: only within its tenant, and never without an entry on the tenant's trail."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from tests.support.events import report_submitted
from tests.unit.triage.test_register_case import FakeTriage
from wbs_triage.usecases import Reader, case_history, list_cases, read_case, register_case

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


async def test_the_list_is_the_tenants_cases_newest_first_with_where_a_forwarded_one_arrived() -> None:
    triage = FakeTriage()
    handle = register_case(lambda: NOW, ZoneInfo("Asia/Jakarta"))
    await handle(report_submitted(tenant="bps-3603", at=NOW), triage)
    forwarded = report_submitted(
        tenant="bps-3603", channel="sp4n-lapor", received_by="bps-3600", received_on=date(2026, 11, 20), at=NOW
    )
    later = register_case(lambda: NOW + timedelta(minutes=5), ZoneInfo("Asia/Jakarta"))
    await later(forwarded, triage)
    await handle(report_submitted(tenant="bps-3600", at=NOW), triage)
    cases = await list_cases("bps-3603", READER, triage)
    assert cases[0].id == forwarded.data.report_id
    assert len(cases) == 2
    assert (cases[0].channel, cases[0].received_by, cases[0].received_on) == (
        "sp4n-lapor",
        "bps-3600",
        date(2026, 11, 20),
    )
    assert cases[1].received_by is None
    assert [c.tenant for c in await list_cases("bps-3600", READER, triage)] == ["bps-3600"]
    assert triage.audit.actions("bps-3603") == [("case.list-read", None)]
