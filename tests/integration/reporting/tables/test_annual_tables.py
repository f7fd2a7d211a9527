"""The seeds' annual tables from a year of events, against real PostgreSQL and a real
Kafka-protocol broker: the events go on the real topics, the running reporting service consumes
them, and the tables are read from its pages and files (CSV, XLSX, PDF).

- Seed 001 (BPS Provinsi Banten 2023): two complaints arrived by SP4N-LAPOR! in February at the
  province and were forwarded to BPS Kabupaten Tangerang and BPS Kota Tangerang Selatan; Tabel 1
  counts both in February under SP4N LAPOR, the Lampiran prints February 100 %.
- Seed 000 (Lempuk, BPS Provinsi Bengkulu 2024): no report all year, twelve zero rows and a Total;
  the evaluation table as the officers typed it.
- A generated year for a third body: every table agrees with what was generated.
"""

from __future__ import annotations

import csv
import functools
import io
import random
import re
import zipfile
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4
from xml.etree import ElementTree

import httpx
import pypdfium2
import pytest
from sqlalchemy import select

from tests.support.events import OPAQUE, case_registered, report_submitted, telaah_decided
from tests.support.infrastructure import Infrastructure
from tests.support.officers import assertion_headers
from tests.support.publish import publish
from tests.support.services import migrated_database, running, settings_for, topic
from tests.support.tenants import demo_documents, publish_tenant
from tests.support.waiting import eventually
from wbs_contracts.envelope import Envelope
from wbs_contracts.events.investigation import (
    RecommendationCompletedV1,
    RecommendationIssuedV1,
    RecommendationKind,
)
from wbs_contracts.events.triage import CaseDisposedV1, TeamMember, TeamRole, TelaahOutcome
from wbs_contracts.registry import (
    CASE_DISPOSED,
    CASE_REGISTERED,
    RECOMMENDATION_COMPLETED,
    RECOMMENDATION_ISSUED,
    REPORT_SUBMITTED,
    TELAAH_DECIDED,
)
from wbs_contracts.roles import Role
from wbs_directory.domain.tenant import TenantDocument, configuration
from wbs_reporting.adapters.db import metadata
from wbs_reporting.entrypoint import PROGRAM, ReportingSettings, build
from wbs_runtime.audit.tables import audit_entry
from wbs_runtime.auth.keys import issue_assertion_keys
from wbs_runtime.db import create_engine

WIB = timedelta(hours=7)
#: Seed 001, Tabel 1: the channels as the report prints them, in its order.
SEED_001_CHANNELS = ("web", "sp4n-lapor", "halo-mitra", "kotak-saran", "lembar-saran-online")
SEED_001_HEADER = [
    "No.", "Periode", "Formulir web WBS", "SP4N-LAPOR!", "Halo Mitra", "Kotak saran / pengaduan",
    "Lembar saran online", "Jumlah",
]  # fmt: skip
BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
         "November", "Desember")  # fmt: skip
LAPOR = "Sudah disampaikan melalui lapor.go.id"
#: Seed 000, BAB II.5: the evaluation as the Lempuk team typed it (month -> solusi, bukti, evaluasi).
SEED_000_EVALUATION = {
    1: ("Menyusun Tim WBS Lempuk", "", "Sudah dibuat SK tim WBS Lempuk"),
    6: (
        "Masih belum maksimalnya internalisasi terkait WBS Lempuk",
        "http://s.bps.go.id/jurrasiklempuk",
        "Telah dilaksanakan internalisasi terkait WBS Lempuk",
    ),
    7: (
        "Masih belum optimalnya penyebarluasan ke masyarakat",
        "http://s.bps.go.id/sosmedlempuk",
        "Telah dibuat postingan di social media terkait WBS Lempuk",
    ),
    8: (
        "Melakukan penyebarluasan informasi terkait WBS Lempuk melalui media Press Release BRS",
        "http://s.bps.go.id/brslempuk",
        "Telah ditampilkan poster terkait pengaduan WBS Lempuk pada saat Press Release BRS yang dihadiri OPD dan Media",
    ),
}


@dataclass(frozen=True)
class Bodies:
    """Fresh ids for the seeds' bodies, so that no other test's events are counted with them."""

    nation: str
    banten: str
    tangerang: str
    tangsel: str
    lempuk: str
    generated: str
    inspektorat: str


@pytest.fixture(scope="module")
def key_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("keys")
    issue_assertion_keys(root, ["directory", "reporting"])
    return root


@pytest.fixture(scope="module")
async def database(infra: Infrastructure) -> str:
    return await migrated_database(infra, "reporting", PROGRAM.migrations, metadata, label="tables")


@pytest.fixture(scope="module")
async def reporting(infra: Infrastructure, key_root: Path, database: str) -> AsyncIterator[httpx.AsyncClient]:
    url = database
    settings = settings_for(ReportingSettings, infra, url, key_dir=key_root / "reporting", insecure_cookies=True)
    async with running(build(settings)) as client:
        yield client


@pytest.fixture(scope="module")
async def bodies(infra: Infrastructure, reporting: httpx.AsyncClient, key_root: Path) -> Bodies:
    suffix = uuid4().hex[:6]
    chosen = Bodies(
        *(f"{name}-{suffix}" for name in ("bps", "banten", "tangerang", "tangsel", "lempuk", "umum", "insp"))
    )
    demo = demo_documents()

    def like(source: str, new_id: str, parent: str | None, **policy: Any) -> TenantDocument:
        document = demo[source]
        return document.model_copy(
            update={"id": new_id, "parent": parent, "policy": document.policy.model_copy(update=policy)}
        )

    documents = {
        d.id: d
        for d in (
            like("bps", chosen.nation, None),
            like("bps-3600", chosen.banten, chosen.nation, channels=SEED_001_CHANNELS),
            like("bps-3603", chosen.tangerang, chosen.banten),
            like("bps-3674", chosen.tangsel, chosen.banten),
            like("bps-1700", chosen.lempuk, chosen.nation),
            like("bps-1700", chosen.generated, None),
            like("inspektorat-bengkulu", chosen.inspektorat, None),
        )
    }
    now = datetime.now(UTC)
    for document in documents.values():
        configured = configuration(document, version=1, documents=documents, today=now.date(), changed_at=now)
        await publish_tenant(infra, configured)

    async def kept(document: TenantDocument) -> bool | None:
        page = await reporting.get(f"/statistik/{document.id}/2000", headers=reader(key_root, document.id))
        return True if document.name in page.text else None

    for document in documents.values():
        await eventually(functools.partial(kept, document), what=f"{document.id} configured in reporting")
    return chosen


def reader(key_root: Path, tenant: str) -> dict[str, str]:
    return assertion_headers(key_root, "reporting", {tenant: {Role.KETUA_TIM}})


def case_disposed(tenant: str, case_id: UUID, at: datetime, due: date) -> Envelope[Any]:
    data = CaseDisposedV1(
        case_id=case_id,
        disposed_at=at,
        disposed_by="pimpinan",
        team=(TeamMember(officer_id="ketua", role=TeamRole.KETUA),),
        instruction=OPAQUE,
        follow_up_due=due,
        policy_version=1,
    )
    return CASE_DISPOSED.envelope(data, tenant=tenant, subject=str(case_id), time=at, correlation_id=str(uuid4()))


async def publish_case(
    infra: Infrastructure,
    tenant: str,
    *,
    category: str,
    channel: str,
    submitted: datetime,
    received_by: str | None = None,
    registered: datetime | None = None,
    disposed: datetime | None = None,
    due: date | None = None,
    decided: datetime | None = None,
    outcome: TelaahOutcome = TelaahOutcome.TIDAK_DIPROSES,
) -> UUID:
    """A case's events on their topics, the later steps first (topics are read in any order)."""
    case_id = uuid4()
    servers = infra.bootstrap_servers
    if decided is not None:
        not_processed: dict[str, Any] = {"not_processed_reason": "tidak-dapat-dipenuhi", "reason_for_reporter": OPAQUE}
        choices: dict[TelaahOutcome, dict[str, Any]] = {
            TelaahOutcome.TIDAK_DIPROSES: not_processed,
            TelaahOutcome.DIGABUNG: {"merged_into": uuid4()},
            TelaahOutcome.AUDIT_INVESTIGASI: {"conclusion": OPAQUE},
        }
        fields = choices[outcome]
        decision = telaah_decided(tenant, outcome, decided, case_id=case_id, **fields)
        await publish(servers, topic(infra, TELAAH_DECIDED.topic), decision)
    if disposed is not None and due is not None:
        await publish(servers, topic(infra, CASE_DISPOSED.topic), case_disposed(tenant, case_id, disposed, due))
    if registered is not None:
        registration = case_registered(tenant=tenant, case_id=case_id, at=registered)
        await publish(servers, topic(infra, CASE_REGISTERED.topic), registration)
    report = report_submitted(
        tenant=tenant, case_id=case_id, category=category, channel=channel, at=submitted, received_by=received_by
    )
    await publish(servers, topic(infra, REPORT_SUBMITTED.topic), report)
    return case_id


def table_rows(html: str, key: str) -> list[list[str]]:
    """The body rows of one of the page's tables, cell texts as shown."""
    found = re.search(rf'<table data-table="{key}">(.*?)</table>', html, re.S)
    assert found is not None, f"no table {key}"
    body = found.group(1).split("<tbody>")[1]
    return [re.findall(r"<td>(.*?)</td>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def table_header(html: str, key: str) -> list[str]:
    found = re.search(rf'<table data-table="{key}">\s*<thead><tr>(.*?)</tr>', html, re.S)
    assert found is not None, f"no table {key}"
    return re.findall(r'<th scope="col">(.*?)</th>', found.group(1))


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


async def write_notes(client: httpx.AsyncClient, path: str, headers: dict[str, str], fields: dict[str, str]) -> None:
    form = await client.get(f"{path}/catatan", headers=headers)
    assert form.status_code == 200
    saved = await client.post(f"{path}/catatan", data={"csrf": csrf_of(form.text), **fields}, headers=headers)
    assert saved.status_code == 303, saved.text


async def test_seed_001_the_two_banten_cases_of_february(
    infra: Infrastructure, reporting: httpx.AsyncClient, bodies: Bodies, key_root: Path
) -> None:
    # Gambar 9 and 10: both by SP4N-LAPOR!, reaching BPS Provinsi Banten and answered on 27 February.
    cases = [
        (bodies.tangsel, datetime(2023, 2, 20, 11, 35) - WIB, datetime(2023, 2, 27, 14, 3) - WIB),
        (bodies.tangerang, datetime(2023, 2, 24, 15, 26) - WIB, datetime(2023, 2, 27, 13, 44) - WIB),
    ]
    for tenant, submitted, reached in cases:
        await publish_case(
            infra,
            tenant,
            category="lainnya",
            channel="sp4n-lapor",
            submitted=submitted.replace(tzinfo=UTC),
            received_by=bodies.banten,
            registered=reached.replace(tzinfo=UTC),
            disposed=(reached + timedelta(minutes=1)).replace(tzinfo=UTC),
            due=date(2023, 3, 6),
            decided=(reached + timedelta(minutes=3)).replace(tzinfo=UTC),
        )
    path, headers = f"/statistik/{bodies.banten}/2023", reader(key_root, bodies.banten)
    await write_notes(
        reporting,
        path,
        headers,
        {
            "hasil_penanganan-2": LAPOR,
            "kepala_jabatan": "Kepala BPS Provinsi Banten",
            "ketua_jabatan": "Ketua Tim Pengaduan",
            "tempat": "Serang",
        },
    )

    async def counted() -> str | None:
        """Every event of both cases applied: received, registered, disposed, decided."""
        html = (await reporting.get(path, headers=headers)).text
        received = table_rows(html, "saluran")[1][-1] == "2"
        # The first three steps' rows (record, dispose, follow up) each reached by both cases.
        applied = all(row[3] == "2" for row in table_rows(html, "waktu")[:3])
        return html if received and applied else None

    html = await eventually(counted, what="both February cases counted and selesai")
    # Tabel 1, as printed: SP4N LAPOR 2 in February, "-" everywhere else.
    channel_rows = table_rows(html, "saluran")
    assert channel_rows[1] == ["2", "Februari", "-", "2", "-", "-", "-", "2"]
    assert all(row[2:] == ["-"] * 6 for number, row in enumerate(channel_rows) if number != 1)
    assert len(channel_rows) == 12
    assert table_header(html, "saluran") == SEED_001_HEADER
    # Lampiran: February 100, handled through lapor.go.id; no other month has a report.
    completion = table_rows(html, "penyelesaian")
    assert completion[1] == ["2", "Februari", "100", LAPOR, "-"]
    assert all(row[2:] == ["-", "-", "-"] for number, row in enumerate(completion) if number != 1)
    # The province alone: the cases arrived there (Tabel 1) although its satker handle them.
    alone = (await reporting.get(f"{path}?cakupan=sendiri", headers=headers)).text
    assert table_rows(alone, "saluran")[1] == ["2", "Februari", "-", "2", "-", "-", "-", "2"]
    assert table_rows(alone, "kategori")[-1][-1] == "0"
    assert table_rows(html, "kategori")[-1][-1] == "2"  # rolled up: handled below it
    # Each satker counts its own case by category, and none by channel (it arrived at the province).
    below = await reporting.get(f"/statistik/{bodies.tangerang}/2023", headers=reader(key_root, bodies.tangerang))
    assert table_rows(below.text, "kategori")[-1][-1] == "1"
    assert all(row[-1] in ("-", "0") for row in table_rows(below.text, "saluran"))
    # Time to each step: registered and disposed days after the LAPOR submission, decided in time.
    steps = {row[0]: row for row in table_rows(html, "waktu")}
    follow_up = next(row for label, row in steps.items() if label.startswith("Tindak lanjut tim"))
    assert follow_up[3:] == ["2", "2 min", "2", "0", "100"]  # none late without its step
    assert 'id="chart-completion"' in html
    assert "<script" not in html.split("</head>")[1]

    # The files: the same numbers.
    csv_text = (await reporting.get(f"{path}/tabel.csv", headers=headers)).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(csv_text)))
    february = [r for r in rows if r[:2] == ["2", "Februari"]]
    assert ["2", "Februari", "-", "2", "-", "-", "-", "2"] in february
    assert ["2", "Februari", "100", LAPOR, "-"] in february
    xlsx = await reporting.get(f"{path}/tabel.xlsx", headers=headers)
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = xlsx_rows(xlsx.content, "saluran")
    assert sheet[sheet.index(SEED_001_HEADER) + 2] == [2, "Februari", "-", 2, "-", "-", "-", 2]
    pdf = await reporting.get(f"{path}/laporan.pdf", headers=headers)
    text = pdf_text(pdf.content)
    assert LAPOR in text
    for signed in ("Serang", "Kepala BPS Provinsi Banten", "Ketua Tim Pengaduan"):
        assert signed in text


async def test_seed_000_a_year_without_reports_and_the_evaluation_the_team_typed(
    reporting: httpx.AsyncClient, bodies: Bodies, key_root: Path
) -> None:
    path, headers = f"/statistik/{bodies.lempuk}/2024", reader(key_root, bodies.lempuk)
    notes: dict[str, str] = {}
    for month, (solusi, bukti, evaluasi) in SEED_000_EVALUATION.items():
        notes |= {
            f"evaluasi_solusi-{month}": solusi,
            f"bukti_tindak_lanjut-{month}": bukti,
            f"evaluasi-{month}": evaluasi,
        }
    notes |= {"kepala_nama": "Ir. Win Rizal, M.E", "kepala_nip": "196608251988021001", "ketua_nama": "Sahranudin"}
    await write_notes(reporting, path, headers, notes)
    html = (await reporting.get(path, headers=headers)).text
    categories = table_rows(html, "kategori")
    assert [row[1] for row in categories] == [*BULAN, "Total"]
    assert all(row[2:] == ["0"] * 5 for row in categories)
    assert table_header(html, "kategori") == [
        "No.", "Periode", "Korupsi/Gratifikasi", "Etika Pegawai", "Kinerja Pegawai", "Lainnya", "Jumlah",
    ]  # fmt: skip
    assert all(row[2:] == ["0", "-", "-"] for row in table_rows(html, "kendala"))
    evaluation = table_rows(html, "evaluasi")
    assert evaluation[0] == ["1", "Januari", "Menyusun Tim WBS Lempuk", "-", "Sudah dibuat SK tim WBS Lempuk"]
    assert evaluation[5][2:] == list(SEED_000_EVALUATION[6])
    assert evaluation[1][2:] == ["-", "-", "-"]
    report = (await reporting.get(f"{path}/laporan", headers=headers)).text
    for signed in ("Ir. Win Rizal, M.E", "Sahranudin", "NIP. 196608251988021001"):
        assert signed in report
    reporting.cookies.set("wbs_bahasa", "en")
    try:
        english = (await reporting.get(path, headers=headers)).text
    finally:
        reporting.cookies.delete("wbs_bahasa")
    assert "Reports by category" in english


async def test_a_generated_year_gives_the_tables_it_was_generated_with(
    infra: Infrastructure, reporting: httpx.AsyncClient, bodies: Bodies, key_root: Path
) -> None:
    chance = random.Random(2024)
    categories = ("korupsi-gratifikasi", "etika-pegawai", "kinerja-pegawai", "lainnya")
    channels = ("web", "email", "wbs-pusat", "lisan")
    by_category: Counter[tuple[int, str]] = Counter()
    by_channel: Counter[tuple[int, str]] = Counter()
    received: Counter[int] = Counter()
    finished: Counter[int] = Counter()
    for _ in range(30):
        month = chance.randint(1, 12)
        submitted = datetime(2024, month, chance.randint(1, 28), chance.randint(1, 9), tzinfo=UTC)
        category, channel = chance.choice(categories), chance.choice(channels)
        done = chance.random() < 0.6
        await publish_case(
            infra,
            bodies.generated,
            category=category,
            channel=channel,
            submitted=submitted,
            registered=submitted + timedelta(minutes=chance.randint(1, 20)),
            disposed=submitted + timedelta(minutes=30),
            due=(submitted + timedelta(days=7)).date(),
            decided=submitted + timedelta(days=chance.randint(1, 9)) if done else None,
        )
        by_category[month, category] += 1
        by_channel[month, channel] += 1
        received[month] += 1
        finished[month] += done
    path, headers = f"/statistik/{bodies.generated}/2024", reader(key_root, bodies.generated)

    async def counted() -> str | None:
        page = (await reporting.get(path, headers=headers)).text
        total = table_rows(page, "kategori")[-1][-1]
        follow_up = table_rows(page, "tindak-lanjut")[-1]  # the Total row: disposed, not processed, ...
        applied = follow_up[2] == "30" and follow_up[3] == str(sum(finished.values()))
        return page if total == "30" and applied else None

    html = await eventually(counted, what="the generated year counted")
    for month, row in enumerate(table_rows(html, "kategori")[:12], start=1):
        assert row[2:6] == [str(by_category[month, c]) for c in categories]
    for month, row in enumerate(table_rows(html, "saluran"), start=1):
        expected = [by_channel[month, c] for c in channels]
        assert row[2:6] == [str(n) if n else "-" for n in expected]
    for month, row in enumerate(table_rows(html, "penyelesaian"), start=1):
        percent = "-" if not received[month] else str(finished[month] * 100 // received[month])
        assert row[2] == percent, f"month {month}"
    decided = sum(finished.values())
    assert table_rows(html, "tindak-lanjut")[-1][3] == str(decided)  # tidak diproses, in the Total row


def parsed(xml: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(xml)  # noqa: S314 - the file the service under test just made


def xlsx_rows(content: bytes, sheet_name: str) -> list[list[Any]]:
    """A sheet's rows from the XLSX file itself (its XML), numbers as numbers."""
    namespace = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        strings = [
            "".join(t.text or "" for t in item.iter(f"{{{namespace['m']}}}t"))
            for item in parsed(book.read("xl/sharedStrings.xml")).findall("m:si", namespace)
        ]
        workbook = parsed(book.read("xl/workbook.xml"))
        names = [sheet.get("name") for sheet in workbook.iter(f"{{{namespace['m']}}}sheet")]
        sheet = parsed(book.read(f"xl/worksheets/sheet{names.index(sheet_name) + 1}.xml"))
    rows: list[list[Any]] = []
    for row in sheet.iter(f"{{{namespace['m']}}}row"):
        values: list[Any] = []
        for cell in row.findall("m:c", namespace):
            value = cell.find("m:v", namespace)
            text = "" if value is None or value.text is None else value.text
            values.append(strings[int(text)] if cell.get("t") == "s" else int(float(text)))
        rows.append(values)
    return rows


def pdf_text(content: bytes) -> str:
    document = pypdfium2.PdfDocument(content)
    try:
        return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


async def test_notes_are_refused_whole_when_a_field_is_too_long_or_the_form_is_forged(
    reporting: httpx.AsyncClient, bodies: Bodies, key_root: Path, database: str
) -> None:
    path, headers = f"/statistik/{bodies.generated}/2023", reader(key_root, bodies.generated)
    form = await reporting.get(f"{path}/catatan", headers=headers)
    token = csrf_of(form.text)
    too_long = {"csrf": token, "kendala-3": "Kendala", "solusi-3": "x" * 2001}
    refused = await reporting.post(f"{path}/catatan", data=too_long, headers=headers)
    assert refused.status_code == 400
    assert "Setiap isian paling banyak 2000 karakter." in refused.text
    forged = await reporting.post(f"{path}/catatan", data={"kendala-3": "Kendala"}, headers=headers)
    assert forged.status_code == 403
    elsewhere = await reporting.post(
        f"/statistik/tidak-ada-{bodies.generated}/2023/catatan", data={"csrf": token}, headers=headers
    )
    assert elsewhere.status_code == 403  # not this officer's body
    kendala = table_rows((await reporting.get(path, headers=headers)).text, "kendala")
    assert kendala[2][3:] == ["-", "-"]  # nothing of either was kept
    await write_notes(reporting, path, headers, {"kendala-3": "Kendala"})
    kendala = table_rows((await reporting.get(path, headers=headers)).text, "kendala")
    assert kendala[2][3:] == ["Kendala", "-"]
    engine = create_engine(database, pool_size=1)
    try:
        async with engine.connect() as connection:
            entries = (
                await connection.execute(
                    select(audit_entry.c.action, audit_entry.c.object_id).where(
                        audit_entry.c.tenant_id == bodies.generated
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    assert [tuple(e) for e in entries] == [("annual-report.notes-written", f"{bodies.generated}/2023")]


async def test_recommendations_are_timed_against_the_policys_limit(
    infra: Infrastructure, reporting: httpx.AsyncClient, bodies: Bodies, key_root: Path
) -> None:
    """Inspektorat Bengkulu's policy: a disciplinary sanction within 3 months (Pergub 49/2017 Pasal 8)."""
    tenant = bodies.inspektorat
    issued = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)
    for days, on_time in ((40, True), (100, False)):
        case_id, recommendation_id = uuid4(), uuid4()
        completed = RecommendationCompletedV1(
            case_id=case_id,
            recommendation_id=recommendation_id,
            kind=RecommendationKind.HUKUMAN_DISIPLIN,
            completed_at=issued + timedelta(days=days),
            on_time=on_time,
        )
        given = RecommendationIssuedV1(
            case_id=case_id,
            recommendation_id=recommendation_id,
            kind=RecommendationKind.HUKUMAN_DISIPLIN,
            addressed_to="Sekretaris Daerah",
            issued_at=issued,
            due=date(2025, 6, 3),
            policy_version=1,
        )
        # Completed first: topics are read in any order.
        done = RECOMMENDATION_COMPLETED.envelope(
            completed, tenant=tenant, subject=str(case_id), time=issued, correlation_id="c"
        )
        await publish(infra.bootstrap_servers, topic(infra, RECOMMENDATION_COMPLETED.topic), done)
        sent = RECOMMENDATION_ISSUED.envelope(
            given, tenant=tenant, subject=str(case_id), time=issued, correlation_id="c"
        )
        await publish(infra.bootstrap_servers, topic(infra, RECOMMENDATION_ISSUED.topic), sent)
    path, headers = f"/statistik/{tenant}/2025", reader(key_root, tenant)

    async def timed() -> list[str] | None:
        rows = table_rows((await reporting.get(path, headers=headers)).text, "waktu")
        found = [r for r in rows if r[0].startswith("Rekomendasi hukuman disiplin")]
        return found[0] if found and found[0][3] == "2" else None

    row = await eventually(timed, what="both recommendations carried out")
    assert row[1:] == ["3 bulan", "Pergub Bengkulu 49/2017 Pasal 8", "2", "70 d 0 h", "1", "0", "50"]
