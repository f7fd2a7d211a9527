"""Nothing a reporter wrote, nor who they are, is ever kept or sent in plaintext.

Reports carrying unique marker strings go through the running system: one on the web (substance,
identity and contact; then a question in the Kotak Komunikasi, an officer's answer, and a file
whose name and content carry markers), one recorded by a petugas from a letter and forwarded to a
kabupaten (substance, terlapor, the reporter's identity and contact), whose identity is then
disclosed to an officer and read. When every service has handled them, none of the markers may
appear:

- on any topic of the stack, read from the beginning with confluent-kafka (librdkafka), a client
  that is not the services' own, in values, keys and headers;
- in any log file the stack's processes wrote;
- in any column of any table of any service's database, every row dumped as text (bytea columns
  come out as hex, so the markers' hex is looked for too);
- in the blob store (file names and bytes).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, cast

import asyncpg
import httpx
from confluent_kafka.admin import AdminClient

from tests.support.confluent import outside_consumer, records_from_start
from tests.support.officers import assertion_headers, officer_headers
from tests.support.reports import check_status
from tests.support.waiting import eventually
from wbs_contracts.roles import Role
from wbs_launcher.stack import Stack

RUN = uuid.uuid4().hex[:12].upper()
#: One marker per thing that must stay sealed; each unique to this run.
MARKERS = {
    "web substance": f"SUBSTANSIWEB{RUN}",
    "web contact": f"kontakweb{RUN.lower()}@contoh.id",
    "recorded substance": f"SUBSTANSISURAT{RUN}",
    "terlapor": f"TERLAPOR{RUN}",
    "identity name": f"NAMAPELAPOR{RUN}",
    "identity phone": f"0812{RUN}",
    "recorded contact": f"KONTAKSURAT{RUN}",
    "web identity": f"NAMAWEB{RUN}",
    "reporter message": f"PESANPELAPOR{RUN}",
    "officer message": f"JAWABANPETUGAS{RUN}",
    "file content": f"ISIBERKAS{RUN}",
    "file name": f"namaberkas{RUN.lower()}",
}
REASON = "Pemeriksaan pelapor sebagai saksi dalam audit investigasi, Surat Tugas uji"


def needles() -> dict[bytes, str]:
    """Each marker as bytes, lower-cased and as hex (bytea dumps), with what it stands for."""
    found: dict[bytes, str] = {}
    for what, marker in MARKERS.items():
        found[marker.lower().encode()] = what
        found[marker.encode().hex().encode()] = f"{what} (hex)"
    return found


def leaks(haystack: bytes) -> list[str]:
    lowered = haystack.lower()
    return [what for needle, what in needles().items() if needle in lowered]


async def submit_reports(stack: Stack) -> list[dict[str, Any]]:
    web = {
        "tenant": "bps-1700",
        "category": "etika-pegawai",
        "what": f"Pegawai menerima hadiah {MARKERS['web substance']}",
        "where": "BPS Provinsi Bengkulu",
        "when": "Oktober 2026",
        "who": "Pejabat pengadaan",
        "how": "Hadiah diantar ke rumah",
        "amount_idr": 1_000_000,
        "contact": MARKERS["web contact"],
        "identity": {"nama": MARKERS["web identity"], "unit_kerja": "Bagian Umum"},
    }
    letter = {
        "channel": "surat",
        "received_on": date.today().isoformat(),
        "forward_to": "bps-3603",
        "category": "kkn",
        "what": f"Permintaan imbalan {MARKERS['recorded substance']}",
        "where": "Kantor BPS Kabupaten Tangerang",
        "when": "Agustus 2023",
        "terlapor": [{"nama": MARKERS["terlapor"], "jabatan": "Koordinator"}],
        "identity": {"nama": MARKERS["identity name"], "telepon": MARKERS["identity phone"]},
        "contact": MARKERS["recorded contact"],
    }
    petugas = assertion_headers(stack.key_root, "intake", {"bps-3600": {Role.PETUGAS_PENGADUAN}})
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as client:
        submitted = await client.post("/api/v1/reports", json=web)
        assert submitted.status_code == 201, submitted.text
    async with httpx.AsyncClient(base_url=stack.service_url("intake"), timeout=10) as intake:
        recorded = await intake.post("/api/v1/tenants/bps-3600/reports", json=letter, headers=petugas)
        assert recorded.status_code == 201, recorded.text
    receipts: list[dict[str, Any]] = [submitted.json(), recorded.json()]
    return receipts


async def registered(stack: Stack, receipt: dict[str, Any]) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as client:

        async def done() -> bool:
            return bool((await check_status(client, receipt)).json()["status"] == "terdaftar")

        await eventually(done, what="registered", within=60)


async def case_of(stack: Stack, receipt: dict[str, Any]) -> uuid.UUID:
    connection = await asyncpg.connect(stack.database_urls["intake"])
    try:
        case: uuid.UUID = await connection.fetchval(
            "SELECT id FROM report WHERE registration_number = $1", receipt["registration_number"]
        )
        return case
    finally:
        await connection.close()


async def kept_by_notify(stack: Stack, case: uuid.UUID) -> bool:
    connection = await asyncpg.connect(stack.database_urls["notify"])
    try:
        return bool(await connection.fetchval("SELECT count(*) FROM reporter_contact WHERE case_id = $1", case))
    finally:
        await connection.close()


async def disclose_and_read(stack: Stack, case: uuid.UUID) -> None:
    """The identity travels only inside intake, to the approved officer: reading it leaves nothing."""
    penelaah = officer_headers(stack.key_root, "intake", {"bps-3603": {Role.PENELAAH}}, officer="p-1", name="P")
    custodian = officer_headers(stack.key_root, "intake", {"bps-3603": {Role.CUSTODIAN}}, officer="k-1", name="K")
    base = f"/api/v1/tenants/bps-3603/cases/{case}"
    async with httpx.AsyncClient(base_url=stack.service_url("intake"), timeout=10) as intake:
        asked = await intake.post(f"{base}/identity-disclosures", json={"reason": REASON}, headers=penelaah)
        assert asked.status_code == 201, asked.text
        decided = await intake.post(
            f"{base}/identity-disclosures/{asked.json()['id']}/decision",
            json={"decision": "disetujui", "reason": "Sesuai Pasal 8"},
            headers=custodian,
        )
        assert decided.status_code == 200, decided.text
        read = await intake.get(f"{base}/identity", headers=penelaah)
        assert read.json()["identity"]["nama"] == MARKERS["identity name"]  # the markers are really there


async def converse_and_add_a_file(stack: Stack, receipt: dict[str, Any], case: uuid.UUID) -> None:
    """The web reporter writes in the Kotak Komunikasi and adds a file; an officer answers."""
    credentials = {"registration_number": receipt["registration_number"], "secret": receipt["secret"]}
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as reporter:
        assert (await reporter.post("/api/v1/reporter/session", json=credentials)).status_code == 200
        written = await reporter.post(
            "/api/v1/reporter/messages",
            json={"kind": "pertanyaan", "text": f"Bagaimana? {MARKERS['reporter message']}"},
        )
        assert written.status_code == 201, written.text
        content = f"Catatan rapat {MARKERS['file content']}\n".encode()
        files = {"berkas": (f"{MARKERS['file name']}.txt", content, "text/plain")}
        added = await reporter.post("/api/v1/reporter/evidence", files=files)
        assert added.status_code == 201, added.text
    penelaah = assertion_headers(stack.key_root, "triage", {"bps-1700": {Role.PENELAAH}})
    path = f"/api/v1/tenants/bps-1700/cases/{case}/messages"
    async with httpx.AsyncClient(base_url=stack.service_url("triage"), timeout=10) as triage:

        async def question_arrived() -> bool:
            listed = await triage.get(path, headers=penelaah)
            return listed.status_code == 200 and bool(listed.json())

        await eventually(question_arrived, what="the reporter's question reached triage", within=60)
        answer = {"kind": "jawaban", "text": f"Sedang ditelaah {MARKERS['officer message']}"}
        answered = await triage.post(path, json=answer, headers=penelaah)
        assert answered.status_code == 201, answered.text
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as reporter:
        assert (await reporter.post("/api/v1/reporter/session", json=credentials)).status_code == 200

        async def answer_arrived() -> bool:
            mailbox = (await reporter.get("/api/v1/reporter/messages")).json()
            return any(MARKERS["officer message"] in m["text"] for m in mailbox["messages"])

        await eventually(answer_arrived, what="the officer's answer reached the reporter", within=60)


def _bytes(value: str | bytes | None) -> bytes:
    return value.encode() if isinstance(value, str) else (value or b"")


def topic_records(stack: Stack) -> Iterator[tuple[str, bytes]]:
    """Every record of every topic of this stack, from the beginning: (topic, key + value + headers)."""
    servers = stack.bootstrap_servers
    prefix = stack.config.topic_prefix
    topics = [
        t for t in AdminClient({"bootstrap.servers": servers}).list_topics(timeout=10).topics if t.startswith(prefix)
    ]
    assert topics, f"no topic starts with {prefix!r}"
    consumer = outside_consumer(servers, "no-plaintext")
    try:
        for topic in topics:
            for message in records_from_start(consumer, topic, missing_ok=False):
                pairs = cast(list[tuple[str, bytes | None]], message.headers() or [])
                headers = b"".join(_bytes(name) + _bytes(value) for name, value in pairs)
                yield topic, _bytes(message.key()) + _bytes(message.value()) + headers
    finally:
        consumer.close()


async def database_rows(url: str) -> list[tuple[str, str]]:
    """(table, row as text) for every row of every table in the database."""
    connection = await asyncpg.connect(url)
    try:
        tables = await connection.fetch(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
            " AND table_schema NOT IN ('pg_catalog', 'information_schema')"
        )
        rows: list[tuple[str, str]] = []
        for table in tables:
            name = f'"{table["table_schema"]}"."{table["table_name"]}"'
            query = f"SELECT t::text AS text FROM {name} t"  # noqa: S608 - names from the catalogue
            rows.extend((name, row["text"]) for row in await connection.fetch(query))
        return rows
    finally:
        await connection.close()


def log_files(stack: Stack) -> list[Path]:
    return [p for p in stack.log_dir.rglob("*") if p.is_file()]


async def test_no_marker_appears_on_any_topic_in_any_log_or_in_any_database(stack: Stack) -> None:
    web, letter = await submit_reports(stack)
    for receipt in (web, letter):
        await registered(stack, receipt)
        await contact_kept(stack, receipt)
    await disclose_and_read(stack, await case_of(stack, letter))
    await converse_and_add_a_file(stack, web, await case_of(stack, web))
    await asyncio.sleep(1)  # the last events of the other consumers (reporting, investigation) settle

    found: list[str] = []
    records = 0
    for topic, record in await asyncio.to_thread(lambda: list(topic_records(stack))):
        records += 1
        found += [f"topic {topic}: {what}" for what in leaks(record)]
    assert records > 0
    logs = log_files(stack)
    assert any(path.name.startswith("intake") for path in logs), [path.name for path in logs]
    for path in logs:
        found += [f"log {path.name}: {what}" for what in leaks(path.read_bytes())]
    tables = 0
    for service, url in stack.database_urls.items():
        for table, text in await database_rows(url):
            tables += 1
            found += [f"database {service} {table}: {what}" for what in leaks(text.encode())]
    assert tables > 0
    blobs = [path for path in stack.blob_dir.rglob("*") if path.is_file()]
    assert blobs, "the file was stored"
    for path in blobs:
        found += [f"blob {path.name}: {what}" for what in leaks(path.name.encode() + path.read_bytes())]
    assert found == [], "plaintext found:\n" + "\n".join(sorted(set(found)))


async def contact_kept(stack: Stack, receipt: dict[str, Any]) -> None:
    """Notify handled the report (it keeps every case's sealed contact): the last consumer of it."""
    case = await case_of(stack, receipt)

    async def kept() -> bool:
        return await kept_by_notify(stack, case)

    await eventually(kept, what="notify kept the sealed contact", within=60)


def test_the_search_would_find_a_marker() -> None:
    """The test above can fail: a marker in any case, or as bytea hex, is found."""
    marker = MARKERS["identity name"]
    assert leaks(f"xx{marker.lower()}yy".encode()) == ["identity name"]
    assert leaks(("\\x" + marker.encode().hex()).encode()) == ["identity name (hex)"]
    assert leaks(b"nothing here") == []
