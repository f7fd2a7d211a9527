from __future__ import annotations

from typing import Any
from uuid import UUID

from tests.support.events import OPAQUE, case_registered, telaah_decided
from tests.support.fakes import FakeTransaction
from wbs_contracts.events.triage import NotProcessedReason, TelaahOutcome
from wbs_investigation.domain.case_file import AUDIT_STATUSES, CaseFile, CaseFileStatus
from wbs_investigation.domain.team import may_open_audit
from wbs_investigation.usecases import open_case_file, record_telaah_decision


class FakeCaseFiles(FakeTransaction):
    def __init__(self) -> None:
        self.opened: list[CaseFile] = []
        self.telaah: dict[UUID, dict[str, Any]] = {}
        self.case_files = self

    async def open(self, case_file: CaseFile) -> None:
        self.opened.append(case_file)

    async def record_telaah(self, case_id: UUID, tenant: str, **fields: Any) -> None:
        self.telaah[case_id] = {"tenant": tenant, **fields}


async def test_a_registered_case_enters_the_register_awaiting_telaah() -> None:
    files = FakeCaseFiles()
    event = case_registered(tenant="pemkab-lebak", sequence=12)
    await open_case_file(event, files)  # type: ignore[arg-type]
    [case_file] = files.opened
    assert case_file.case_id == event.data.case_id
    assert case_file.tenant == "pemkab-lebak"
    assert case_file.agenda_number is not None
    assert case_file.agenda_number.endswith("/0012")
    assert case_file.status is CaseFileStatus.MENUNGGU_TELAAH


async def test_an_audit_decision_opens_planning_with_the_sealed_conclusion_and_others_close() -> None:
    files = FakeCaseFiles()
    audit = telaah_decided("inspektorat-lebak", TelaahOutcome.AUDIT_INVESTIGASI, conclusion=OPAQUE)
    dropped = telaah_decided(
        "inspektorat-lebak",
        TelaahOutcome.TIDAK_DIPROSES,
        not_processed_reason=NotProcessedReason.TIDAK_LOGIS,
        reason_for_reporter=OPAQUE,
    )
    await record_telaah_decision(audit, files)  # type: ignore[arg-type]
    await record_telaah_decision(dropped, files)  # type: ignore[arg-type]
    assert files.telaah[audit.data.case_id]["status"] is CaseFileStatus.PERENCANAAN
    assert files.telaah[audit.data.case_id]["conclusion"] == OPAQUE
    assert files.telaah[dropped.data.case_id]["status"] is CaseFileStatus.TIDAK_DIAUDIT
    assert files.telaah[dropped.data.case_id]["conclusion"] is None


def test_monitoring_counts_a_case_selesai_only_after_its_report_or_hand_over() -> None:
    """002/004 BAB II C.7: selesai when the report is issued or the case handed to law enforcement."""
    assert {s for s in CaseFileStatus if s.selesai} == {CaseFileStatus.LAPORAN_TERBIT, CaseFileStatus.DISERAHKAN}
    assert CaseFileStatus.MENUNGGU_TELAAH not in AUDIT_STATUSES
    assert CaseFileStatus.TIDAK_DIAUDIT not in AUDIT_STATUSES
    assert AUDIT_STATUSES[0] is CaseFileStatus.PERENCANAAN


def test_an_audits_records_are_for_its_team_and_those_who_direct_it() -> None:
    auditor = {"read-cases", "investigate-cases"}
    assert may_open_audit(auditor, on_team=True)
    assert not may_open_audit(auditor, on_team=False)
    assert may_open_audit({"read-cases", "assign-cases"}, on_team=False)  # ketua tim / Inspektur
    assert may_open_audit({"read-cases", "dispose-cases"}, on_team=False)  # pimpinan satker
    assert not may_open_audit({"read-cases", "approve-escalation"}, on_team=False)  # pimpinan daerah
    assert not may_open_audit({"read-cases"}, on_team=True)


def test_the_domains_permission_names_are_the_runtimes() -> None:
    from wbs_investigation.domain import team
    from wbs_runtime.auth.permissions import Permission

    assert (team.ASSIGN_CASES, team.DISPOSE_CASES, team.INVESTIGATE_CASES) == (
        Permission.ASSIGN_CASES,
        Permission.DISPOSE_CASES,
        Permission.INVESTIGATE_CASES,
    )
