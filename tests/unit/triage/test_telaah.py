"""The telaah on fakes: who may open the substance, the registration record (pencatatan) drafted
from the report and completed by the officer, the five steps and the free notes, all sealed and
audited; the related-reports index kept at registration and when the record changes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest

from tests.support.events import report_submitted
from tests.support.keys import key_rings
from tests.unit.triage.test_register_case import FakeTriage
from tests.unit.triage.test_related import REPORT, REWORDED, UNRELATED
from wbs_contracts.events.intake import TEXT_LIMIT, ReportedOfficial, ReportSubstanceV1
from wbs_contracts.events.triage import TeamRole
from wbs_contracts.roles import Role
from wbs_contracts.sealed import Audience
from wbs_runtime.auth.permissions import Permission, permissions_in
from wbs_triage.domain.disposition import Disposition, TeamSeat
from wbs_triage.domain.registration import (
    RegistrationDetailsV1,
    RegistrationRefused,
    TerlaporRecord,
    checked_details,
    may_edit_registration,
)
from wbs_triage.domain.related import Reason, RelatedKey
from wbs_triage.domain.telaah import (
    STEP_WORDING,
    TelaahChecklistV1,
    TelaahNoteV1,
    TelaahRefused,
    TelaahStep,
    may_open_substance,
    may_work_the_checklist,
    sits_on_team,
)
from wbs_triage.usecases import (
    NotEntitled,
    Reader,
    RelatedReports,
    add_note,
    open_workspace,
    read_registration,
    record_step,
    register_case,
    update_registration,
)

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
JAKARTA = ZoneInfo("Asia/Jakarta")
TENANT = "bps-1700"
PENELAAH = Reader(officer_id="o-1", name="Siti", roles=("penelaah",), session_id="s-1")
PETUGAS = Reader(officer_id="o-2", name="Rudi", roles=("petugas-pengaduan",), session_id="s-2")
OTHER_PENELAAH = Reader(officer_id="o-3", name="Dewi", roles=("penelaah",), session_id="s-3")
PIMPINAN = Reader(officer_id="o-4", name="Hendra", roles=("pimpinan-satker",), session_id="s-4")
KETUA = Reader(officer_id="o-5", name="Wati", roles=("ketua-tim",), session_id="s-5")
NIP = "198001012005011001"


def permissions(*roles: str) -> frozenset[Permission]:
    return permissions_in({TENANT: tuple(Role(r) for r in roles)}, TENANT)


def substance(what: str, *, nip: str = "", unit: str = "") -> ReportSubstanceV1:
    terlapor = (ReportedOfficial(nama="Budi Santoso", nip=nip, unit_kerja=unit),) if nip or unit else ()
    return ReportSubstanceV1(what=what, where="Kantor", when="Maret 2026", who="", how="", terlapor=terlapor)


class Telaah:
    def __init__(self) -> None:
        self.sealing, self.keys = key_rings(TENANT, "bps-3603")
        self.triage = FakeTriage()
        self.related = RelatedReports(RelatedKey(b"r" * 32), self.keys)
        self.handle = register_case(lambda: NOW, JAKARTA)

    async def report(self, report: ReportSubstanceV1, tenant: str = TENANT) -> UUID:
        case: UUID = report_submitted(tenant=tenant, at=NOW).data.report_id
        sealed = self.sealing.seal(tenant, Audience.CASE_SUBSTANCE, report, case=case)
        await self.handle(report_submitted(tenant=tenant, case_id=case, at=NOW, substance=sealed), self.triage)
        await self.related.index_waiting(self.triage)  # as the background indexer does
        await self.dispose(case, PENELAAH, tenant=tenant)
        return case

    async def dispose(self, case: UUID, *members: Reader, tenant: str = TENANT) -> None:
        """The pimpinan disposes the case to a team (``KETUA`` leading ``members``), replacing the last."""
        anggota = [TeamSeat(m.officer_id, TeamRole.ANGGOTA, m.name) for m in members]
        team = (TeamSeat(KETUA.officer_id, TeamRole.KETUA, KETUA.name), *anggota)
        instruction = self.sealing.seal(tenant, Audience.CASE_SUBSTANCE, TelaahNoteV1(text="Telaah."), case=case)
        await self.triage.dispositions.record(
            Disposition(uuid4(), case, tenant, NOW, PIMPINAN.officer_id, PIMPINAN.name, team, instruction, NOW, 1),
            waiting_on_reporter_since=None,
        )


def test_who_may_open_the_substance_edit_the_record_and_work_the_checklist() -> None:
    # The pimpinan satker and the ketua tim open every case of the tenant; a penelaah only their team's.
    assert may_open_substance(permissions("ketua-tim"), on_team=False)
    assert may_open_substance(permissions("pimpinan-satker"), on_team=False)
    assert may_open_substance(permissions("penelaah"), on_team=True)
    assert not may_open_substance(permissions("penelaah"), on_team=False)
    assert not may_open_substance(permissions("petugas-pengaduan"), on_team=True)
    assert not may_open_substance(permissions("auditor"), on_team=True)
    # The petugas completes every record; a penelaah only their team's.
    assert may_edit_registration(permissions("petugas-pengaduan"), on_team=False)
    assert may_edit_registration(permissions("penelaah"), on_team=True)
    assert not may_edit_registration(permissions("penelaah"), on_team=False)
    assert not may_edit_registration(permissions("pimpinan-satker"), on_team=True)
    assert may_work_the_checklist(permissions("penelaah"), on_team=True)
    assert not may_work_the_checklist(permissions("penelaah"), on_team=False)
    assert not may_work_the_checklist(permissions("ketua-tim"), on_team=True)
    seat = TeamSeat("o-1", TeamRole.ANGGOTA, "Siti")
    assert sits_on_team("o-1", [seat])
    assert not sits_on_team("o-2", [seat])
    assert not sits_on_team("o-1", [])  # a case not disposed yet has no team


def test_the_checklist_is_the_five_steps_in_the_regulations_words() -> None:
    assert [STEP_WORDING[s] for s in TelaahStep] == [
        "Merumuskan pokok permasalahan",
        "Meneliti kelengkapan dokumen bukti permulaan",
        "Mengumpulkan dan melengkapi data sebagai informasi pendukung",
        "Melakukan analisis berdasarkan ketentuan peraturan perundang-undangan",
        "Menyimpulkan hasil penelaahan dan memutuskan penanganan selanjutnya",
    ]


def test_the_record_drops_blank_rows_and_refuses_a_letter_from_the_future() -> None:
    details = RegistrationDetailsV1(
        perihal="  Pungutan liar  ", terlapor=(TerlaporRecord(nama=" Budi "), TerlaporRecord())
    )
    kept = checked_details(details, today=date(2026, 11, 23))
    assert kept.perihal == "Pungutan liar"
    assert kept.terlapor == (TerlaporRecord(nama="Budi"),)
    with pytest.raises(RegistrationRefused) as refused:
        checked_details(details.model_copy(update={"tanggal_surat": date(2026, 11, 24)}), today=date(2026, 11, 23))
    assert refused.value.field == "tanggal_surat"
    assert "hari ini" in refused.value.pesan


async def test_the_workspace_opens_the_substance_for_the_entitled_only_and_on_the_trail() -> None:
    telaah = Telaah()
    case = await telaah.report(substance(REPORT, nip=NIP, unit="Dinas Pendidikan"))
    with pytest.raises(NotEntitled):
        await open_workspace(
            TENANT,
            case,
            PETUGAS,
            permissions("petugas-pengaduan"),
            uow=telaah.triage,
            keys=telaah.keys,
            related=telaah.related,
        )
    assert telaah.triage.audit.actions(TENANT) == []
    opened = await open_workspace(
        TENANT, case, PENELAAH, permissions("penelaah"), uow=telaah.triage, keys=telaah.keys, related=telaah.related
    )
    assert opened is not None
    assert opened.substance is not None
    assert opened.substance.what == REPORT
    # The record is drafted from what the reporter wrote until an officer records it.
    assert not opened.details_recorded
    assert opened.details.terlapor == (TerlaporRecord(nama="Budi Santoso", nip=NIP, instansi="Dinas Pendidikan"),)
    assert opened.details.unit_terlapor == "Dinas Pendidikan"
    assert telaah.triage.audit.actions(TENANT) == [("case.substance-read", str(case))]
    # Another tenant's case is not there.
    assert (
        await open_workspace(
            "bps-3603",
            case,
            PENELAAH,
            permissions("penelaah"),
            uow=telaah.triage,
            keys=telaah.keys,
            related=telaah.related,
        )
        is None
    )


async def test_only_the_team_its_ketua_and_the_pimpinan_open_a_case_and_work_it() -> None:
    telaah = Telaah()
    case = await telaah.report(substance(REPORT))
    common: dict[str, Any] = {"uow": telaah.triage, "keys": telaah.keys, "related": telaah.related}
    work: dict[str, Any] = {"uow": telaah.triage, "keys": telaah.keys, "clock": lambda: NOW}
    # A penelaah not on the team opens nothing and works nothing; nothing is on the trail.
    with pytest.raises(NotEntitled):
        await open_workspace(TENANT, case, OTHER_PENELAAH, permissions("penelaah"), **common)
    with pytest.raises(NotEntitled):
        await record_step(
            TENANT,
            case,
            TelaahStep.POKOK_MASALAH,
            done=True,
            note="",
            officer=OTHER_PENELAAH,
            permissions=permissions("penelaah"),
            **work,
        )
    with pytest.raises(NotEntitled):
        await add_note(TENANT, case, "Catatan.", author=OTHER_PENELAAH, permissions=permissions("penelaah"), **work)
    assert telaah.triage.audit.actions(TENANT) == []
    # The pimpinan satker and the ketua tim open it without being on the team.
    assert await open_workspace(TENANT, case, PIMPINAN, permissions("pimpinan-satker"), **common) is not None
    assert await open_workspace(TENANT, case, KETUA, permissions("ketua-tim"), **common) is not None
    # Disposed again to another penelaah: the one removed is refused from then on.
    await telaah.dispose(case, OTHER_PENELAAH)
    assert await open_workspace(TENANT, case, OTHER_PENELAAH, permissions("penelaah"), **common) is not None
    with pytest.raises(NotEntitled):
        await open_workspace(TENANT, case, PENELAAH, permissions("penelaah"), **common)


async def test_a_case_not_yet_disposed_opens_for_no_penelaah() -> None:
    telaah = Telaah()
    case = await telaah.report(substance(REPORT))
    telaah.triage.dispositions.kept.clear()
    common: dict[str, Any] = {"uow": telaah.triage, "keys": telaah.keys, "related": telaah.related}
    with pytest.raises(NotEntitled):
        await open_workspace(TENANT, case, PENELAAH, permissions("penelaah"), **common)
    assert await open_workspace(TENANT, case, PIMPINAN, permissions("pimpinan-satker"), **common) is not None


async def test_steps_and_notes_are_sealed_audited_and_notes_only_added() -> None:
    telaah = Telaah()
    case = await telaah.report(substance(REPORT))
    common: dict[str, Any] = {
        "permissions": permissions("penelaah"),
        "uow": telaah.triage,
        "keys": telaah.keys,
        "clock": lambda: NOW,
    }
    checklist = await record_step(
        TENANT, case, TelaahStep.POKOK_MASALAH, done=True, note="Pungutan dana BOS", officer=PENELAAH, **common
    )
    assert checklist is not None
    assert checklist.done == 1
    sealed = telaah.triage.telaah.checklists[case]
    assert "Pungutan" not in sealed.model_dump_json()
    kept = telaah.keys.open(sealed, tenant=TENANT, case=case, model=TelaahChecklistV1)
    assert kept.step(TelaahStep.POKOK_MASALAH).note == "Pungutan dana BOS"
    assert kept.step(TelaahStep.POKOK_MASALAH).updated_by == "o-1"
    with pytest.raises(NotEntitled):
        await record_step(
            TENANT,
            case,
            TelaahStep.SIMPULAN,
            done=True,
            note="",
            officer=PETUGAS,
            **{**common, "permissions": permissions("ketua-tim")},
        )
    with pytest.raises(TelaahRefused):
        await record_step(
            TENANT, case, TelaahStep.SIMPULAN, done=False, note="x" * (TEXT_LIMIT + 1), officer=PENELAAH, **common
        )

    note = await add_note(TENANT, case, "Minta salinan SPJ kepada pelapor.", author=PENELAAH, **common)
    assert note is not None
    with pytest.raises(TelaahRefused):
        await add_note(TENANT, case, "   ", author=PENELAAH, **common)
    [kept_note] = telaah.triage.telaah.kept_notes
    assert "SPJ" not in kept_note.sealed.model_dump_json()
    assert telaah.keys.open(kept_note.sealed, tenant=TENANT, case=case, model=TelaahNoteV1).text.startswith("Minta")
    assert telaah.triage.audit.actions(TENANT) == [
        ("telaah.step-recorded", str(case)),
        ("telaah.note-added", str(case)),
    ]


async def test_related_reports_are_found_by_nip_unit_and_similar_text_within_the_tenant_only() -> None:
    telaah = Telaah()
    mine = await telaah.report(substance(REPORT))
    similar = await telaah.report(substance(REWORDED))
    unrelated = await telaah.report(substance(UNRELATED))
    elsewhere = await telaah.report(substance(REPORT), tenant="bps-3603")
    same_official = await telaah.report(substance(UNRELATED, nip="1980 0101 200501 1 001"))
    opened = await open_workspace(
        TENANT, mine, PENELAAH, permissions("penelaah"), uow=telaah.triage, keys=telaah.keys, related=telaah.related
    )
    assert opened is not None
    assert [(r.case_id, r.reasons) for r in opened.related] == [(similar, (Reason.SIMILAR_TEXT,))]
    assert unrelated not in {r.case_id for r in opened.related}
    assert elsewhere not in {r.case_id for r in opened.related}

    # The penelaah records the terlapor's NIP: the case is re-indexed and meets the other report about them.
    view = await update_registration(
        TENANT,
        mine,
        RegistrationDetailsV1(perihal="Pungutan dana BOS", terlapor=(TerlaporRecord(nama="Budi", nip=NIP),)),
        PENELAAH,
        permissions("penelaah"),
        uow=telaah.triage,
        keys=telaah.keys,
        related=telaah.related,
        clock=lambda: NOW,
        zone=JAKARTA,
    )
    assert view is not None
    assert view.recorded
    opened = await open_workspace(
        TENANT, mine, PENELAAH, permissions("penelaah"), uow=telaah.triage, keys=telaah.keys, related=telaah.related
    )
    assert opened is not None
    assert {r.case_id: r.reasons for r in opened.related} == {
        same_official: (Reason.SAME_NIP,),
        similar: (Reason.SIMILAR_TEXT,),
    }
    assert ("case.registration-updated", str(mine)) in telaah.triage.audit.actions(TENANT)
    [entry] = [e for e in telaah.triage.audit.chains[TENANT] if e.action == "case.registration-updated"]
    assert entry.details == {"fields": ["perihal", "terlapor"]}  # which fields, never their values


async def test_the_record_is_read_sealed_and_edited_only_by_the_petugas_or_the_penelaah() -> None:
    telaah = Telaah()
    case = await telaah.report(substance(REPORT, nip=NIP))
    common: dict[str, Any] = {"uow": telaah.triage, "keys": telaah.keys, "related": telaah.related}
    draft = await read_registration(TENANT, case, PETUGAS, permissions("petugas-pengaduan"), **common)
    assert draft is not None
    assert not draft.recorded
    with pytest.raises(NotEntitled):
        await read_registration(TENANT, case, PETUGAS, permissions("auditor"), **common)
    with pytest.raises(NotEntitled):
        await update_registration(
            TENANT,
            case,
            draft.details,
            PETUGAS,
            permissions("pimpinan-satker"),
            clock=lambda: NOW,
            zone=JAKARTA,
            **common,
        )
    record = draft.details.model_copy(update={"tanggal_surat": date(2026, 11, 20), "perihal": "Pungutan liar"})
    await update_registration(
        TENANT, case, record, PETUGAS, permissions("petugas-pengaduan"), clock=lambda: NOW, zone=JAKARTA, **common
    )
    sealed = telaah.triage.registrations.rows[case][1]
    assert "Pungutan" not in sealed.model_dump_json()
    assert NIP not in sealed.model_dump_json()
    again = await read_registration(TENANT, case, PENELAAH, permissions("penelaah"), **common)
    assert again is not None
    assert again.recorded
    assert (again.details.tanggal_surat, again.details.perihal) == (date(2026, 11, 20), "Pungutan liar")


async def test_a_substance_that_does_not_open_still_registers_the_case() -> None:
    telaah = Telaah()
    event = report_submitted(tenant=TENANT, at=NOW)  # an opaque payload no key opens
    await telaah.handle(event, telaah.triage)
    assert event.data.report_id in telaah.triage.rows
    assert await telaah.related.index_waiting(telaah.triage) == 1
    assert telaah.triage.related.entries[event.data.report_id][1].signature == ()
    assert await telaah.related.index_waiting(telaah.triage) == 0  # indexed, if with nothing to compare


def test_the_domain_names_the_permissions_by_their_values() -> None:
    from wbs_triage.domain import registration, telaah

    assert {Permission.APPROVE_DECISIONS.value, Permission.DISPOSE_CASES.value} == telaah.OPEN_EVERY_CASE
    assert Permission.ASSESS_CASES.value == telaah.ASSESS_CASES
    assert (
        Permission.REGISTER_REPORTS.value,
        Permission.ASSESS_CASES.value,
    ) == (registration.REGISTER_REPORTS, registration.ASSESS_CASES)


async def test_cases_still_waiting_for_the_index_are_indexed_before_a_workspace_looks_for_related_ones() -> None:
    telaah = Telaah()
    earlier = await telaah.report(substance(REPORT))
    telaah.triage.related.entries.clear()  # as if the background indexer had not come to it yet
    later = await telaah.report(substance(REWORDED))
    telaah.triage.related.entries.pop(later)
    common: dict[str, Any] = {"uow": telaah.triage, "keys": telaah.keys, "related": telaah.related}
    opened = await open_workspace(TENANT, later, PENELAAH, permissions("penelaah"), **common)
    assert opened is not None
    assert [r.case_id for r in opened.related] == [earlier]
    opened = await open_workspace(TENANT, earlier, PENELAAH, permissions("penelaah"), **common)
    assert opened is not None
    assert [r.case_id for r in opened.related] == [later]
