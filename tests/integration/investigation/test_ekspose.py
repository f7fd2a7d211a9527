"""The exposé before a hand-over against real PostgreSQL (and the service running on the broker):
scheduled with its invitation 3 days ahead (refused otherwise, with nothing kept), the invitation and
the minutes as PDF in the vault, the three endings of the minutes and what each does to the case
file, the leaders' meeting, the result sent to the head of region; each on the tenant's audit trail.
The use cases run with a clock the test moves; the officers' API and page with the real one."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pypdfium2 as pdfium
import pytest
from sqlalchemy import select, text

from tests.support.clock import MovableClock
from tests.support.infrastructure import Infrastructure
from tests.support.investigation import case_in_audit
from tests.support.officers import officer_headers
from tests.support.services import migrated_database, running, settings_for
from tests.support.tenants import demo_configuration, keep_in
from wbs_contracts.events.investigation import AuditResult
from wbs_contracts.roles import Role
from wbs_contracts.sealed import SealedPayload
from wbs_investigation.adapters.db import (
    SqlInvestigationUnitOfWork,
    case_document_table,
    case_file_table,
    ekspose_table,
    metadata,
)
from wbs_investigation.adapters.documents import DocumentVault
from wbs_investigation.adapters.ekspose_pdf import EksposePdf
from wbs_investigation.domain.case_file import CaseFileStatus
from wbs_investigation.domain.ekspose import (
    EksposeConclusionV1,
    EksposeRefused,
    LeadersMeetingDraft,
    MinutesDraft,
    PersonDraft,
    PresenterDraft,
    ResultSentDraft,
    ScheduleDraft,
    day_in_english,
    tanggal,
)
from wbs_investigation.domain.team import TeamMember, TeamSeat
from wbs_investigation.entrypoint import PROGRAM, InvestigationSettings, build
from wbs_investigation.usecases import (
    EksposeTools,
    Officer,
    open_ekspose_document,
    read_eksposes,
    record_leaders_meeting,
    record_minutes,
    record_result_sent,
    schedule_ekspose,
)
from wbs_runtime.audit.tables import audit_entry
from wbs_runtime.auth.keys import issue_assertion_keys
from wbs_runtime.blobs import FilesystemBlobStore
from wbs_runtime.crypto.keystore import ensure_tenant_keys
from wbs_runtime.service import ServiceRuntime

TENANT = "inspektorat-bengkulu"
WIB = ZoneInfo("Asia/Jakarta")
KETUA = Officer("ketua-ekspose", "Rahmat Hidayat", ("auditor",), "session-k")
INSPEKTUR = Officer("inspektur-ekspose", "Inspektur Provinsi", ("ketua-tim",), "session-i")
OUTSIDER = Officer("auditor-lain", "Auditor Lain", ("auditor",), "session-o")
AUDITOR = {"read-cases", "investigate-cases"}
KETUA_TIM = {"read-cases", "assign-cases", "approve-decisions"}
#: Monday 4 May 2026, 10:00 in Jakarta: when each test's invitations go out.
MONDAY = datetime(2026, 5, 4, 10, tzinfo=WIB)


@dataclass
class Stage:
    runtime: ServiceRuntime[SqlInvestigationUnitOfWork]
    client: httpx.AsyncClient
    key_root: Path
    blobs: Path
    clock: MovableClock = field(default_factory=lambda: MovableClock(MONDAY))

    @property
    def tools(self) -> EksposeTools:
        vault = DocumentVault(FilesystemBlobStore(self.blobs), self.runtime.keyring)
        return EksposeTools(self.runtime.keyring, vault, EksposePdf(WIB), self.clock, WIB)

    def uow(self) -> SqlInvestigationUnitOfWork:
        return self.runtime.unit_of_work()


@pytest.fixture(scope="module")
async def stage(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stage]:
    key_root = tmp_path_factory.mktemp("keys")
    blobs = tmp_path_factory.mktemp("blobs")
    issue_assertion_keys(key_root, ["directory", "investigation"])
    ensure_tenant_keys(key_root / "investigation", TENANT)  # before build(): the key ring reads it then
    url = await migrated_database(infra, "investigation", PROGRAM.migrations, metadata, label="_ekspose")
    settings = settings_for(InvestigationSettings, infra, url, key_root / "investigation", blob_dir=blobs)
    runtime = build(settings)
    async with running(runtime) as client:
        await keep_in(runtime, demo_configuration(TENANT))
        yield Stage(runtime, client, key_root, blobs)


@pytest.fixture(autouse=True)
def monday(stage: Stage) -> None:
    stage.clock.now = MONDAY


async def audited_case(stage: Stage, **fields: Any) -> uuid.UUID:
    """A Bengkulu case whose final report says TPK, its team the Surat Tugas named."""
    case_id = await case_in_audit(
        stage.runtime,
        TENANT,
        status=fields.pop("status", CaseFileStatus.LAPORAN_TERBIT),
        result=fields.pop("result", AuditResult.TPK),
        estimated_loss_idr=1_200_000_000,
        report_issued=True,
    )
    async with stage.uow() as uow:
        await uow.teams.replace(
            case_id,
            [
                TeamMember(KETUA.officer_id, KETUA.name, TeamSeat.KETUA_TIM),
                TeamMember("anggota-ekspose", "Siti Aminah", TeamSeat.ANGGOTA),
            ],
        )
        await uow.commit()
    return case_id


def schedule_draft(scheduled_at: datetime, **changes: Any) -> ScheduleDraft:
    values: dict[str, Any] = {
        "kind": "eksternal",
        "scheduled_at": scheduled_at,
        "place": "Ruang Rapat Inspektorat Provinsi Bengkulu",
        "topic": "Ekspose hasil audit investigasi pengadaan alat kesehatan RSUD",
        "presenters": [
            PresenterDraft("penyaji", officer_id=KETUA.officer_id),
            PresenterDraft("notulen", officer_id="anggota-ekspose"),
            PresenterDraft("moderator", name="Drs. Bambang Sutrisno", position="Sekretaris Inspektorat"),
        ],
        "attendees": [PersonDraft("AKBP Joko Santoso", "Polda Bengkulu", "Kasubdit Tipikor")],
        "letter_number": "700/045/INSP",
    }
    return ScheduleDraft(**(values | changes))


def minutes_draft(conclusion: str) -> MinutesDraft:
    return MinutesDraft(
        conclusion=conclusion,
        discussion="Tim menyajikan temuan; penyidik Polda menanggapi unsur melawan hukum.",
        chaired_by="Sekretaris Inspektorat Provinsi Bengkulu",
        agreed="Unsur TPK terpenuhi; kerugian daerah Rp 1.200.000.000.",
        disagreement="Penyidik menilai niat jahat belum cukup dibuktikan.",
        new_evidence="Kuitansi tambahan Rp 300.000.000 menambah nilai kerugian.",
        signatories=[("Siti Aminah", "Notulis"), ("Rahmat Hidayat", "Ketua Tim")],
    )


async def rows(stage: Stage, table: Any, case_id: uuid.UUID) -> list[Any]:
    async with stage.runtime.sessionmaker() as session:
        return list(await session.execute(select(table).where(table.c.case_id == case_id)))


async def case_row(stage: Stage, case_id: uuid.UUID) -> Any:
    async with stage.runtime.sessionmaker() as session:
        return (await session.execute(select(case_file_table).where(case_file_table.c.case_id == case_id))).one()


async def actions(stage: Stage, case_id: uuid.UUID) -> list[str]:
    async with stage.runtime.sessionmaker() as session:
        query = (
            select(audit_entry.c.action)
            .where(audit_entry.c.tenant_id == TENANT, audit_entry.c.object_id == str(case_id))
            .order_by(audit_entry.c.sequence)
        )
        return list((await session.execute(query)).scalars())


def printed(content: bytes) -> str:
    pdf = pdfium.PdfDocument(content)
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


async def scheduled(
    stage: Stage, case_id: uuid.UUID, *, days_ahead: int = 3, officer: Officer = KETUA, permissions: set[str] = AUDITOR
) -> uuid.UUID:
    at = (stage.clock.now + timedelta(days=days_ahead)).replace(hour=9, minute=0)
    ekspose = await schedule_ekspose(
        TENANT, case_id, schedule_draft(at), officer, permissions, uow=stage.uow(), tools=stage.tools
    )
    assert ekspose is not None
    return ekspose.id


async def test_an_expose_is_scheduled_with_its_invitation_sealed_and_in_the_vault(stage: Stage) -> None:
    case_id = await audited_case(stage)
    ekspose_id = await scheduled(stage, case_id)
    [row] = await rows(stage, ekspose_table, case_id)
    assert (row.id, row.kind, row.letter_number) == (ekspose_id, "eksternal", "700/045/INSP")
    assert row.scheduled_at == datetime(2026, 5, 7, 9, tzinfo=WIB)
    assert "alat kesehatan" not in str(row.sealed_invitation)  # the subject and the parties are sealed
    assert "Polda" not in str(row.sealed_invitation)

    view = await read_eksposes(TENANT, case_id, KETUA, AUDITOR, uow=stage.uow(), keys=stage.runtime.keyring)
    assert view is not None
    [opened] = view.eksposes
    assert opened.invitation.topic.endswith("alat kesehatan RSUD")
    assert [p.name for p in opened.invitation.presenters] == ["Rahmat Hidayat", "Siti Aminah", "Drs. Bambang Sutrisno"]
    assert view.may_work
    assert view.conclusion is None

    document_id = opened.ekspose.invitation_document_id
    assert document_id is not None
    found = await open_ekspose_document(
        TENANT, case_id, ekspose_id, document_id, KETUA, AUDITOR, uow=stage.uow(), vault=stage.tools.vault
    )
    assert found is not None
    document, content = found
    assert (document.kind.value, document.media_type) == ("undangan-ekspose", "application/pdf")
    words = printed(content)
    for expected in (
        "INSPEKTORAT PROVINSI BENGKULU",
        "UNDANGAN",
        "EKSPOSE EKSTERNAL",
        "700/045/INSP",
        "Kamis, 7 Mei 2026, pukul 09.00 WIB",
        "AKBP Joko Santoso",
        "Moderator: Drs. Bambang Sutrisno",
    ):
        assert expected in words, expected
    blob = (stage.blobs / "investigation" / str(document_id)).read_bytes()
    assert b"%PDF" not in blob  # encrypted at rest
    assert await actions(stage, case_id) == ["ekspose.scheduled", "ekspose.read", "ekspose.document-opened"]


async def test_an_invitation_less_than_3_days_ahead_is_refused_and_nothing_is_kept(stage: Stage) -> None:
    case_id = await audited_case(stage)
    at = datetime(2026, 5, 6, 23, 59, tzinfo=WIB)  # Wednesday: day 2 after Monday's invitation
    with pytest.raises(EksposeRefused) as refused:
        await schedule_ekspose(TENANT, case_id, schedule_draft(at), KETUA, AUDITOR, uow=stage.uow(), tools=stage.tools)
    assert refused.value.field == "scheduled_at"
    assert "paling cepat pada Kamis, 7 Mei 2026" in refused.value.pesan
    assert await rows(stage, ekspose_table, case_id) == []
    assert await rows(stage, case_document_table, case_id) == []
    assert await actions(stage, case_id) == []


async def test_an_agreement_concludes_the_expose_and_the_case_file_keeps_it_for_a_hand_over(stage: Stage) -> None:
    case_id = await audited_case(stage)
    ekspose_id = await scheduled(stage, case_id)
    with pytest.raises(EksposeRefused, match="notulen dicatat setelah ekspose berlangsung"):
        await record_minutes(
            TENANT, case_id, ekspose_id, minutes_draft("sepakat"), KETUA, AUDITOR, uow=stage.uow(), tools=stage.tools
        )
    stage.clock.now += timedelta(days=3)  # Thursday 10:00, after the exposé at 09:00
    recorded = await record_minutes(
        TENANT, case_id, ekspose_id, minutes_draft("sepakat"), KETUA, AUDITOR, uow=stage.uow(), tools=stage.tools
    )
    assert recorded is not None
    assert recorded.state.value == "sepakat"
    file = await case_row(stage, case_id)
    assert file.status == "laporan-terbit"
    assert file.ekspose_concluded_at == stage.clock.now
    conclusion = stage.runtime.keyring.open(
        SealedPayload.model_validate(file.sealed_ekspose_conclusion),
        tenant=TENANT,
        case=case_id,
        model=EksposeConclusionV1,
    )
    assert conclusion.ekspose_id == ekspose_id
    assert conclusion.summary(WIB) == (
        "Ekspose eksternal, Kamis, 7 Mei 2026: sepakat. Unsur TPK terpenuhi; kerugian daerah Rp 1.200.000.000."
    )
    [minutes_document] = [d for d in await rows(stage, case_document_table, case_id) if d.kind == "notulen-ekspose"]
    found = await open_ekspose_document(
        TENANT, case_id, ekspose_id, minutes_document.id, KETUA, AUDITOR, uow=stage.uow(), vault=stage.tools.vault
    )
    assert found is not None
    words = printed(found[1])
    assert "NOTULEN" in words
    assert "Notulis: Siti Aminah" in words
    assert "Unsur TPK terpenuhi" in words

    with pytest.raises(EksposeRefused, match="sudah dicatat"):
        await record_minutes(
            TENANT, case_id, ekspose_id, minutes_draft("sepakat"), KETUA, AUDITOR, uow=stage.uow(), tools=stage.tools
        )
    sent = await record_result_sent(
        TENANT,
        case_id,
        ekspose_id,
        ResultSentDraft("Gubernur Bengkulu", stage.clock.now.date(), "700/050/INSP"),
        KETUA,
        AUDITOR,
        uow=stage.uow(),
        tools=stage.tools,
    )
    assert sent is not None
    assert sent.result_sent is not None
    [row] = await rows(stage, ekspose_table, case_id)
    assert (row.result_sent_to, row.result_sent_on, row.result_recorded_by) == (
        "Gubernur Bengkulu",
        date(2026, 5, 7),
        KETUA.officer_id,
    )
    assert (await actions(stage, case_id))[-3:] == [
        "ekspose.minutes-recorded",
        "ekspose.document-opened",
        "ekspose.result-sent",
    ]


async def test_a_disagreement_goes_to_the_leaders_whose_settlement_concludes_the_expose(stage: Stage) -> None:
    case_id = await audited_case(stage)
    first = await scheduled(stage, case_id, days_ahead=3)
    second = await scheduled(stage, case_id, days_ahead=10)
    stage.clock.now += timedelta(days=4)
    await record_minutes(
        TENANT, case_id, first, minutes_draft("sepakat"), KETUA, AUDITOR, uow=stage.uow(), tools=stage.tools
    )
    assert (await case_row(stage, case_id)).ekspose_concluded_at is not None
    stage.clock.now += timedelta(days=7)  # after the second exposé (the external one) on 14 May
    await record_minutes(
        TENANT, case_id, second, minutes_draft("tidak-sepakat"), KETUA, AUDITOR, uow=stage.uow(), tools=stage.tools
    )
    # The latest exposé is what a hand-over rests on: not settled yet.
    file = await case_row(stage, case_id)
    assert (file.ekspose_concluded_at, file.sealed_ekspose_conclusion) == (None, None)
    with pytest.raises(EksposeRefused, match="setelah ekspose selesai"):
        await record_result_sent(
            TENANT,
            case_id,
            second,
            ResultSentDraft("Gubernur Bengkulu", stage.clock.now.date()),
            KETUA,
            AUDITOR,
            uow=stage.uow(),
            tools=stage.tools,
        )
    meeting = LeadersMeetingDraft(
        held_on=stage.clock.now.date(),
        decision="disepakati",
        text="Perkara dilimpahkan kepada Kejaksaan Tinggi Bengkulu.",
        participants=[PersonDraft("Sekretaris Daerah Provinsi Bengkulu"), PersonDraft("Inspektur Provinsi Bengkulu")],
    )
    settled = await record_leaders_meeting(
        TENANT, case_id, second, meeting, INSPEKTUR, KETUA_TIM, uow=stage.uow(), tools=stage.tools
    )
    assert settled is not None
    assert settled.state.value == "disepakati-pimpinan"
    file = await case_row(stage, case_id)
    assert file.ekspose_concluded_at == stage.clock.now
    conclusion = stage.runtime.keyring.open(
        SealedPayload.model_validate(file.sealed_ekspose_conclusion),
        tenant=TENANT,
        case=case_id,
        model=EksposeConclusionV1,
    )
    assert conclusion.ekspose_id == second
    assert "Rapat antar pimpinan" in conclusion.summary(WIB)
    assert "Kejaksaan Tinggi Bengkulu" in conclusion.summary(WIB)
    view = await read_eksposes(TENANT, case_id, INSPEKTUR, KETUA_TIM, uow=stage.uow(), keys=stage.runtime.keyring)
    assert view is not None
    assert view.conclusion == conclusion
    assert view.eksposes[1].leaders_meeting is not None
    assert view.eksposes[1].minutes is not None
    assert view.eksposes[1].minutes.disagreement.startswith("Penyidik menilai")


async def test_new_evidence_that_changes_the_loss_sends_the_case_back_for_testing(stage: Stage) -> None:
    case_id = await audited_case(stage)
    first = await scheduled(stage, case_id)
    second = await scheduled(stage, case_id, days_ahead=5)
    stage.clock.now += timedelta(days=6)
    await record_minutes(
        TENANT, case_id, first, minutes_draft("bukti-baru"), KETUA, AUDITOR, uow=stage.uow(), tools=stage.tools
    )
    async with stage.runtime.sessionmaker() as session:
        query = text(
            "SELECT status, ekspose_concluded_at, sealed_ekspose_conclusion IS NULL AS cleared FROM case_file "
            "WHERE case_id = :c"
        )
        file = (await session.execute(query, {"c": case_id})).one()
    assert (file.status, file.ekspose_concluded_at, file.cleared) == ("pengujian-ulang", None, True)
    assert "audit.sent-back-for-testing" in await actions(stage, case_id)

    # While the evidence is tested, no exposé is scheduled or held: the revised report comes first.
    for attempt in (
        schedule_ekspose(
            TENANT,
            case_id,
            schedule_draft(stage.clock.now + timedelta(days=4)),
            KETUA,
            AUDITOR,
            uow=stage.uow(),
            tools=stage.tools,
        ),
        record_minutes(
            TENANT, case_id, second, minutes_draft("sepakat"), KETUA, AUDITOR, uow=stage.uow(), tools=stage.tools
        ),
    ):
        with pytest.raises(EksposeRefused) as refused:
            await attempt
        assert refused.value.field == "case"
        assert "pengujian ulang" in refused.value.pesan
    # The result of the exposé still goes to the head of region.
    await record_result_sent(
        TENANT,
        case_id,
        first,
        ResultSentDraft("Gubernur Bengkulu", stage.clock.now.date()),
        KETUA,
        AUDITOR,
        uow=stage.uow(),
        tools=stage.tools,
    )

    # Part A's revised final report returns the case to laporan-terbit; then a new exposé.
    async with stage.uow() as uow:
        await uow.case_files.set_status(case_id, CaseFileStatus.LAPORAN_TERBIT)
        await uow.commit()
    await scheduled(stage, case_id, days_ahead=3)


async def test_only_the_team_or_a_ketua_tim_work_on_the_expose(stage: Stage) -> None:
    case_id = await audited_case(stage)
    at = stage.clock.now + timedelta(days=3)
    with pytest.raises(EksposeRefused) as refused:
        await schedule_ekspose(
            TENANT, case_id, schedule_draft(at), OUTSIDER, AUDITOR, uow=stage.uow(), tools=stage.tools
        )
    assert refused.value.field == "officer"
    with pytest.raises(EksposeRefused) as reading:
        await read_eksposes(TENANT, case_id, OUTSIDER, AUDITOR, uow=stage.uow(), keys=stage.runtime.keyring)
    assert reading.value.field == "officer"
    # The Inspektur (ketua tim) is on no team and still directs the audit.
    assert await scheduled(stage, case_id, officer=INSPEKTUR, permissions=KETUA_TIM) is not None
    # The pimpinan satker reads, but does not record.
    view = await read_eksposes(
        TENANT, case_id, OUTSIDER, {"read-cases", "dispose-cases"}, uow=stage.uow(), keys=stage.runtime.keyring
    )
    assert view is not None
    assert not view.may_work
    # Another tenant's case, or none, is not there.
    assert (
        await read_eksposes(
            "inspektorat-lebak", case_id, INSPEKTUR, KETUA_TIM, uow=stage.uow(), keys=stage.runtime.keyring
        )
        is None
    )


async def test_an_expose_follows_a_tpk_final_report(stage: Stage) -> None:
    for status, result in (
        (CaseFileStatus.PELAKSANAAN, None),
        (CaseFileStatus.LAPORAN_TERBIT, AuditResult.TIDAK_ADA_PENYIMPANGAN),
        (CaseFileStatus.DISERAHKAN, AuditResult.TPK),
    ):
        case_id = await audited_case(stage, status=status, result=result)
        with pytest.raises(EksposeRefused) as refused:
            await scheduled(stage, case_id)
        assert refused.value.field == "case"
        assert await rows(stage, ekspose_table, case_id) == []


# -- the officers' API and page (the real clock) ------------------------------------------------------


def officer(stage: Stage, who: Officer, roles: set[Role], tenant: str = TENANT) -> dict[str, str]:
    return officer_headers(stage.key_root, "investigation", {tenant: roles}, officer=who.officer_id, name=who.name)


def api(case_id: uuid.UUID) -> str:
    return f"/api/v1/tenants/{TENANT}/audits/{case_id}/ekspose"


def schedule_body(at: datetime) -> dict[str, Any]:
    return {
        "kind": "internal",
        "scheduled_at": at.isoformat(),
        "place": "Ruang Rapat Sekretariat Daerah",
        "topic": "Ekspose internal hasil audit investigasi dana hibah",
        "penyaji": {"officer_id": KETUA.officer_id},
        "notulen": {"officer_id": "anggota-ekspose"},
        "moderator": {"name": "Sekretaris Inspektorat"},
        "attendees": [{"name": "Sekretaris Daerah Provinsi Bengkulu", "institution": "Sekretariat Daerah"}],
        "letter_number": "005/112/INSP",
    }


async def test_the_api_refuses_an_invitation_less_than_3_days_ahead_naming_the_earliest_date(stage: Stage) -> None:
    case_id = await audited_case(stage)
    ketua = officer(stage, KETUA, {Role.AUDITOR})
    today = datetime.now(WIB)
    too_soon = (today + timedelta(days=2)).replace(hour=23, minute=59, second=0, microsecond=0)
    refused = await stage.client.post(api(case_id), json=schedule_body(too_soon), headers=ketua)
    assert refused.status_code == 422, refused.text
    body = refused.json()
    earliest = (today + timedelta(days=3)).date()
    assert body["errors"][0]["field"] == "scheduled_at"
    assert tanggal(earliest) in body["pesan"]
    assert day_in_english(earliest) in body["message"]
    assert await rows(stage, ekspose_table, case_id) == []
    assert await rows(stage, case_document_table, case_id) == []

    on_time = (today + timedelta(days=3)).replace(hour=0, minute=0, second=0, microsecond=0)
    created = await stage.client.post(api(case_id), json=schedule_body(on_time), headers=ketua)
    assert created.status_code == 201, created.text
    ekspose = created.json()
    assert (ekspose["kind"], ekspose["state"], ekspose["letter_number"]) == ("internal", "dijadwalkan", "005/112/INSP")
    assert [p["name"] for p in ekspose["presenters"]] == ["Rahmat Hidayat", "Siti Aminah", "Sekretaris Inspektorat"]
    download = await stage.client.get(
        f"{api(case_id)}/{ekspose['id']}/documents/{ekspose['invitation_document_id']}", headers=ketua
    )
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/pdf"
    assert "Sekretaris Daerah Provinsi Bengkulu" in printed(download.content)

    # Minutes wait for the exposé itself.
    early = await stage.client.post(
        f"{api(case_id)}/{ekspose['id']}/minutes",
        json={"conclusion": "sepakat", "discussion": "-", "agreed": "-", "signatories": [{"name": "A"}]},
        headers=ketua,
    )
    assert early.status_code == 409
    assert "notulen dicatat setelah ekspose berlangsung" in early.json()["pesan"]

    listed = (await stage.client.get(api(case_id), headers=ketua)).json()
    assert (listed["case_status"], listed["may_work"], listed["conclusion_summary"]) == ("laporan-terbit", True, None)
    assert [e["id"] for e in listed["eksposes"]] == [ekspose["id"]]


async def test_the_api_records_the_minutes_the_leaders_and_the_result(stage: Stage) -> None:
    case_id = await audited_case(stage)
    # An exposé whose invitation went out ten days ago and that took place a week ago.
    stage.clock.now = datetime.now(WIB) - timedelta(days=10)
    ekspose_id = await scheduled(stage, case_id, days_ahead=3)
    ketua = officer(stage, KETUA, {Role.AUDITOR})
    bad = await stage.client.post(
        f"{api(case_id)}/{ekspose_id}/minutes",
        json={"conclusion": "tidak-sepakat", "discussion": "Dibahas.", "signatories": [{"name": "Siti Aminah"}]},
        headers=ketua,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "disagreement"
    minutes = await stage.client.post(
        f"{api(case_id)}/{ekspose_id}/minutes",
        json={
            "conclusion": "tidak-sepakat",
            "discussion": "Penyidik dan tim berbeda pendapat.",
            "disagreement": "Unsur niat jahat diperdebatkan.",
            "signatories": [{"name": "Siti Aminah", "function": "Notulis"}],
        },
        headers=ketua,
    )
    assert minutes.status_code == 200, minutes.text
    assert minutes.json()["state"] == "menunggu-rapat-pimpinan"
    assert minutes.json()["minutes"]["disagreement"] == "Unsur niat jahat diperdebatkan."
    today = datetime.now(WIB).date()
    leaders = await stage.client.post(
        f"{api(case_id)}/{ekspose_id}/leaders-meeting",
        json={
            "held_on": today.isoformat(),
            "decision": "disepakati",
            "decision_text": "Dilimpahkan kepada Kejaksaan Tinggi Bengkulu.",
            "participants": [{"name": "Sekretaris Daerah"}],
        },
        headers=officer(stage, INSPEKTUR, {Role.KETUA_TIM}),
    )
    assert leaders.status_code == 200, leaders.text
    assert leaders.json()["state"] == "disepakati-pimpinan"
    result = await stage.client.post(
        f"{api(case_id)}/{ekspose_id}/result-sent",
        json={"sent_to": "Gubernur Bengkulu", "sent_on": today.isoformat(), "letter_number": "700/9/INSP"},
        headers=ketua,
    )
    assert result.status_code == 200, result.text
    assert result.json()["result_sent"]["sent_to"] == "Gubernur Bengkulu"
    again = await stage.client.post(
        f"{api(case_id)}/{ekspose_id}/result-sent",
        json={"sent_to": "Gubernur Bengkulu", "sent_on": today.isoformat()},
        headers=ketua,
    )
    assert again.status_code == 409
    listed = (await stage.client.get(api(case_id), headers=ketua)).json()
    assert listed["conclusion_summary"].endswith("memutuskan: Dilimpahkan kepada Kejaksaan Tinggi Bengkulu.")
    assert (await case_row(stage, case_id)).ekspose_concluded_at is not None


async def test_an_auditor_off_the_team_is_refused_with_the_reason_and_another_tenant_finds_nothing(
    stage: Stage,
) -> None:
    case_id = await audited_case(stage)
    at = (datetime.now(WIB) + timedelta(days=4)).replace(microsecond=0)
    outsider = officer(stage, OUTSIDER, {Role.AUDITOR})
    for answer in (
        await stage.client.get(api(case_id), headers=outsider),
        await stage.client.post(api(case_id), json=schedule_body(at), headers=outsider),
    ):
        assert answer.status_code == 403
        assert "Surat Tugas" in answer.json()["pesan"]
        assert "Surat Tugas" in answer.json()["message"]
    page = await stage.client.get(f"/audit/{TENANT}/{case_id}/ekspose", headers={**outsider, "Accept": "text/html"})
    assert page.status_code == 403
    assert "tim audit yang ditunjuk dalam Surat Tugas" in page.text
    assert "audit team its Surat Tugas names" in page.text
    assert await rows(stage, ekspose_table, case_id) == []

    # The pimpinan satker reads the page but records nothing: the refusal is shown on it.
    pimpinan = officer(stage, OUTSIDER, {Role.PIMPINAN_SATKER})
    shown = await stage.client.get(f"/audit/{TENANT}/{case_id}/ekspose", headers=pimpinan)
    assert shown.status_code == 200
    assert 'id="read-only"' in shown.text
    assert 'id="schedule-form"' not in shown.text
    # No form on it: a valid token comes from the same browser's visit to a page with one.
    with_forms = await stage.client.get(
        f"/audit/{TENANT}/{case_id}/ekspose", headers=officer(stage, KETUA, {Role.AUDITOR})
    )
    token = re.search(r'name="csrf" value="([^"]+)"', with_forms.text)
    assert token is not None
    posted = await stage.client.post(
        f"/audit/{TENANT}/{case_id}/ekspose/jadwal",
        data={"csrf": token.group(1), "jenis": "internal"},
        headers={**pimpinan, "Cookie": f"wbs_csrf={with_forms.cookies['wbs_csrf']}"},
    )
    assert posted.status_code == 403
    assert "Hanya tim audit yang ditunjuk dalam Surat Tugas" in posted.text
    assert await rows(stage, ekspose_table, case_id) == []

    elsewhere = officer(stage, KETUA, {Role.AUDITOR, Role.KETUA_TIM}, tenant="inspektorat-lebak")
    assert (await stage.client.get(api(case_id), headers=elsewhere)).status_code == 404
    assert (await stage.client.post(api(case_id), json=schedule_body(at), headers=elsewhere)).status_code == 404
    ketua = officer(stage, KETUA, {Role.AUDITOR})
    assert (await stage.client.get(api(uuid.uuid4()), headers=ketua)).status_code == 404
    cross = f"/api/v1/tenants/inspektorat-lebak/audits/{case_id}/ekspose"
    lebak = officer(stage, KETUA, {Role.KETUA_TIM}, tenant="inspektorat-lebak")
    assert (await stage.client.get(cross, headers=lebak)).status_code == 404


async def test_the_page_schedules_through_its_form_and_keeps_what_was_typed_when_refused(stage: Stage) -> None:
    case_id = await audited_case(stage)
    ketua = officer(stage, KETUA, {Role.AUDITOR})
    url = f"/audit/{TENANT}/{case_id}/ekspose"
    case_page = await stage.client.get(f"/audit/{TENANT}/{case_id}", headers=ketua)
    assert f'href="{url}"' in case_page.text  # the case file links its exposé page
    page = await stage.client.get(url, headers=ketua)
    assert page.status_code == 200
    today = datetime.now(WIB).date()
    earliest = today + timedelta(days=3)
    assert f'min="{earliest.isoformat()}"' in page.text
    assert tanggal(earliest) in page.text
    assert f'<option value="{KETUA.officer_id}">Rahmat Hidayat</option>' in page.text  # the team offered
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    headers = {**ketua, "Cookie": f"wbs_csrf={page.cookies['wbs_csrf']}"}
    form = {
        "csrf": token.group(1),
        "jenis": "eksternal",
        "tanggal": (today + timedelta(days=2)).isoformat(),
        "jam": "09:00",
        "tempat": "Aula Inspektorat",
        "perihal": "Ekspose eksternal dana BOS",
        "penyaji_petugas": KETUA.officer_id,
        "notulen_petugas": "anggota-ekspose",
        "moderator_nama": "Drs. Bambang Sutrisno",
        "undangan_nama": ["Kompol Budi", ""],
        "undangan_instansi": ["Polda Bengkulu", ""],
        "undangan_jabatan": ["Penyidik", ""],
    }
    refused = await stage.client.post(url + "/jadwal", data=form, headers=headers)
    assert refused.status_code == 422
    assert f"paling cepat pada {tanggal(earliest)}" in refused.text
    assert 'value="Aula Inspektorat"' in refused.text  # nothing typed is lost
    assert 'value="Kompol Budi"' in refused.text
    assert await rows(stage, ekspose_table, case_id) == []
    forged = await stage.client.post(url + "/jadwal", data={**form, "csrf": "x"}, headers=headers)
    assert forged.status_code == 403

    scheduled_page = await stage.client.post(
        url + "/jadwal", data={**form, "tanggal": earliest.isoformat()}, headers=headers
    )
    assert (scheduled_page.status_code, scheduled_page.headers["location"]) == (
        303,
        url + "?pesan=dijadwalkan#daftar",
    )
    shown = await stage.client.get(url + "?pesan=dijadwalkan", headers=ketua)
    assert "Ekspose dijadwalkan dan undangannya dibuat." in shown.text
    assert 'data-state="dijadwalkan"' in shown.text
    assert "Ekspose eksternal dana BOS" in shown.text
    assert "Moderator: Drs. Bambang Sutrisno" in shown.text
    link = re.search(r'class="invitation-link" href="([^"]+)"', shown.text)
    assert link is not None
    download = await stage.client.get(link.group(1), headers=ketua)
    assert download.status_code == 200
    assert "Kompol Budi" in printed(download.content)
    english = await stage.client.get(url, headers={**ketua, "Cookie": "wbs_bahasa=en"})
    assert "Schedule an exposé" in english.text
    assert "Download the invitation (PDF)" in english.text
