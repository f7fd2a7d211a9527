"""Key rotation and re-sealing of what triage keeps, through the operators' command."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from sqlalchemy import insert, select

from tests.support.events import report_submitted
from tests.support.infrastructure import Infrastructure
from tests.support.keys import seal_first_format
from tests.support.publish import publish
from tests.support.services import fresh_database, running, settings_for, topic
from tests.support.waiting import eventually
from wbs_contracts.events.intake import EvidenceKeyV1, ReporterMessageV1, ReportSubstanceV1
from wbs_contracts.events.triage import DispositionInstructionV1
from wbs_contracts.registry import REPORT_SUBMITTED
from wbs_contracts.sealed import Audience, SealedPayload
from wbs_runtime import migrate
from wbs_runtime.crypto import KeyRing, SealedPayloadError, issue_for_services
from wbs_runtime.crypto.reseal import reseal_column
from wbs_runtime.service import ServiceRuntime
from wbs_triage.adapters.db import (
    SqlTriageUnitOfWork,
    case_disposition_table,
    case_message_table,
    case_table,
    evidence_table,
    metadata,
)
from wbs_triage.domain.decision import PriorAudit, PriorAuditNoteV1
from wbs_triage.domain.messages import OfficerMessageCopyV1
from wbs_triage.entrypoint import (
    EVIDENCE_KEYS_AT_REST,
    INSTRUCTIONS_AT_REST,
    MESSAGES_AT_REST,
    PRIOR_AUDIT_NOTES_AT_REST,
    PROGRAM,
    TriageSettings,
    build,
)

TENANT = f"satker-{uuid4().hex[:6]}"


@dataclass
class Triage:
    runtime: ServiceRuntime[SqlTriageUnitOfWork]
    infra: Infrastructure
    key_root: Path
    database_url: str

    async def submit(self, substance: ReportSubstanceV1, *, first_format: bool = False) -> UUID:
        case = uuid4()
        intake = KeyRing.from_directory(self.key_root / "intake")
        if first_format:
            sealed = seal_first_format(intake, TENANT, substance)
        else:
            sealed = intake.seal(TENANT, Audience.CASE_SUBSTANCE, substance, case=case)
        event = report_submitted(tenant=TENANT, case_id=case, substance=sealed)
        await publish(self.infra.bootstrap_servers, topic(self.infra, REPORT_SUBMITTED.topic), event)
        await eventually(lambda: self.stored(case), what=f"case {case}")
        return case

    async def stored(self, case: UUID) -> SealedPayload | None:
        async with self.runtime.sessionmaker() as session:
            query = select(case_table.c.sealed_substance).where(case_table.c.id == case)
            value = (await session.execute(query)).scalar_one_or_none()
        return SealedPayload.model_validate(value) if value is not None else None

    def wbs(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        environment = {
            **os.environ,
            "WBS_ENV_FILE": str(self.key_root / "no-such.env"),  # never a make run's var/wbs.env
            "WBS_TRIAGE_DATABASE_URL": self.database_url,
        }
        command = [sys.executable, "-m", "wbs_runtime.ops.cli", "keys", *arguments, "--key-root", str(self.key_root)]
        return subprocess.run(command, env=environment, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
async def triage(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Triage]:
    key_root = tmp_path_factory.mktemp("keys")
    issue_for_services(key_root, TENANT, ["intake", "triage"])
    url = await fresh_database(infra, "triage", "_reseal")
    await asyncio.to_thread(migrate.upgrade, url, PROGRAM.migrations, metadata)
    runtime = build(settings_for(TriageSettings, infra, url, key_root / "triage"))
    async with running(runtime):
        yield Triage(runtime, infra, key_root, url)


def substance(what: str) -> ReportSubstanceV1:
    return ReportSubstanceV1(what=what, where="Bagian Umum", when="2026", who="PPK", how="Harga dinaikkan")


async def test_rotate_then_reseal_moves_every_stored_substance_to_the_new_key_bound_to_its_case(
    triage: Triage,
) -> None:
    legacy = await triage.submit(substance("laporan lama"), first_format=True)
    before_rotation = await triage.submit(substance("laporan sebelum rotasi"))
    old_kid = (await triage.stored(before_rotation) or pytest.fail("stored")).kid

    rotated = await asyncio.to_thread(triage.wbs, "rotate", "--tenant", TENANT, "--audience", Audience.CASE_SUBSTANCE)
    assert rotated.returncode == 0, rotated.stderr
    [new_kid] = [line.split()[-1] for line in rotated.stdout.splitlines() if line.startswith("kunci baru")]
    after_rotation = await triage.submit(substance("laporan sesudah rotasi"))  # intake seals to the new key
    assert (await triage.stored(after_rotation) or pytest.fail("stored")).kid == new_kid

    listed = await asyncio.to_thread(triage.wbs, "list", "--tenant", TENANT)
    assert listed.returncode == 0, listed.stderr
    assert f"* {new_kid}" in listed.stdout
    assert f"  {old_kid}" in listed.stdout

    resealed = await asyncio.to_thread(triage.wbs, "reseal", "--tenant", TENANT, "--service", "triage")
    assert resealed.returncode == 0, resealed.stderr + resealed.stdout
    assert "2 disegel ulang / re-sealed, 1 sudah dengan kunci terbaru / already current, 0 gagal" in resealed.stdout

    # Triage holds the case-substance private keys (it opens the reporter's messages), and no other.
    assert {kid.split("/")[1] for kid in triage.runtime.keyring.private} == {Audience.CASE_SUBSTANCE}
    ring = KeyRing.from_directory(triage.key_root / "triage", [Audience.CASE_SUBSTANCE])
    expected = {
        legacy: "laporan lama",
        before_rotation: "laporan sebelum rotasi",
        after_rotation: "laporan sesudah rotasi",
    }
    for case, what in expected.items():
        stored = await triage.stored(case)
        assert stored is not None
        assert (stored.kid, stored.format) == (new_kid, 2)
        assert ring.open(stored, tenant=TENANT, case=case, model=ReportSubstanceV1).what == what
    moved = await triage.stored(legacy)
    assert moved is not None
    with pytest.raises(SealedPayloadError, match="another case"):  # the upgraded one is bound to its case now
        ring.open(moved, tenant=TENANT, case=before_rotation, model=ReportSubstanceV1)

    again = await asyncio.to_thread(triage.wbs, "reseal", "--tenant", TENANT, "--service", "triage")
    assert "0 disegel ulang / re-sealed, 3 sudah dengan kunci terbaru" in again.stdout


def test_reseal_is_only_run_for_services_that_can_open_what_they_keep(triage: Triage) -> None:
    """Reporting and directory may open no audience, so they have nothing to re-seal: nothing is run
    for them (every service that may open one now keeps something sealed and re-seals it)."""
    done = triage.wbs("reseal", "--tenant", TENANT, "--service", "reporting", "--service", "directory")
    assert done.returncode == 0, done.stderr
    assert "reporting" not in done.stdout
    assert "directory" not in done.stdout


async def test_messages_of_both_kinds_and_evidence_keys_are_resealed_in_batches(triage: Triage) -> None:
    """Several rows per case (row keys, not case keys), two document types in one column, and more
    rows than one batch holds."""
    case = uuid4()
    sealing = KeyRing.from_directory(triage.key_root / "triage")
    now = datetime.now(UTC)
    messages = [
        {
            "id": uuid4(),
            "case_id": case,
            "tenant_id": TENANT,
            "author": "pelapor" if n % 2 else "petugas",
            "kind": "pesan" if n % 2 else "jawaban",
            "sent_at": now + timedelta(seconds=n),
            "sealed": sealing.seal(
                TENANT,
                Audience.CASE_SUBSTANCE,
                ReporterMessageV1(text=f"pesan {n}") if n % 2 else OfficerMessageCopyV1(text=f"jawaban {n}"),
                case=case,
            ).model_dump(mode="json"),
        }
        for n in range(5)
    ]
    key = EvidenceKeyV1(file_key="a2V5", file_name="kuitansi.pdf", content_type="application/pdf")
    files = [
        {
            "id": uuid4(),
            "case_id": case,
            "tenant_id": TENANT,
            "blob": f"blob-{n}",
            "size_bytes": 10,
            "added_at": now,
            "late": False,
            "sealed_key": sealing.seal(TENANT, Audience.CASE_SUBSTANCE, key, case=case).model_dump(mode="json"),
        }
        for n in range(3)
    ]
    instructions = [
        {
            "id": uuid4(),
            "case_id": case,
            "tenant_id": TENANT,
            "disposed_at": now + timedelta(seconds=n),
            "disposed_by": "pimpinan",
            "disposed_by_name": "Pimpinan",
            "team": [{"officer_id": "ketua", "role": "ketua", "name": "Ketua"}],
            "sealed_instruction": sealing.seal(
                TENANT, Audience.CASE_SUBSTANCE, DispositionInstructionV1(text=f"instruksi {n}"), case=case
            ).model_dump(mode="json"),
            "follow_up_due": now,
            "policy_version": 1,
        }
        for n in range(3)
    ]
    async with triage.runtime.sessionmaker() as session:
        await session.execute(insert(case_message_table), messages)
        await session.execute(insert(evidence_table), files)
        await session.execute(insert(case_disposition_table), instructions)
        await session.commit()

    rotated = await asyncio.to_thread(triage.wbs, "rotate", "--tenant", TENANT, "--audience", Audience.CASE_SUBSTANCE)
    assert rotated.returncode == 0, rotated.stderr
    [new_kid] = [line.split()[-1] for line in rotated.stdout.splitlines() if line.startswith("kunci baru")]
    ring = KeyRing.from_directory(triage.key_root / "triage", [Audience.CASE_SUBSTANCE])
    counts = [
        await reseal_column(triage.runtime.sessionmaker, ring, target, TENANT, batch_size=2)
        for target in (MESSAGES_AT_REST, EVIDENCE_KEYS_AT_REST, INSTRUCTIONS_AT_REST)
    ]
    assert [(c.resealed, c.failed) for c in counts] == [(5, 0), (3, 0), (3, 0)]
    async with triage.runtime.sessionmaker() as session:
        # This module's tenant only: the triage database and topics are the session's, shared with others.
        ours = select(case_message_table).where(case_message_table.c.tenant_id == TENANT)
        stored = (await session.execute(ours.order_by(case_message_table.c.sent_at))).all()
        evidence = select(evidence_table.c.sealed_key).where(evidence_table.c.tenant_id == TENANT)
        keys = (await session.execute(evidence)).scalars().all()
    for n, row in enumerate(stored):
        sealed = SealedPayload.model_validate(row.sealed)
        assert sealed.kid == new_kid
        opened = (
            ring.open(sealed, tenant=TENANT, case=case, model=ReporterMessageV1)
            if n % 2
            else ring.open(sealed, tenant=TENANT, case=case, model=OfficerMessageCopyV1)
        )
        assert opened.text.endswith(str(n))
    assert {SealedPayload.model_validate(k).kid for k in keys} == {new_kid}
    async with triage.runtime.sessionmaker() as session:
        resealed = (
            await session.execute(
                select(case_disposition_table.c.sealed_instruction).order_by(case_disposition_table.c.disposed_at)
            )
        ).scalars()
        texts = [
            ring.open(SealedPayload.model_validate(s), tenant=TENANT, case=case, model=DispositionInstructionV1).text
            for s in resealed
        ]
    assert texts == ["instruksi 0", "instruksi 1", "instruksi 2"]


async def test_columns_sealed_only_when_an_officer_wrote_something_skip_the_empty_rows(triage: Triage) -> None:
    """The BPK/APIP flag's note is optional: flags without one are passed over, not failed."""
    sealing = KeyRing.from_directory(triage.key_root / "triage")
    now = datetime.now(UTC)
    with_note, without = uuid4(), [uuid4(), uuid4()]
    note = sealing.seal(TENANT, Audience.CASE_SUBSTANCE, PriorAuditNoteV1(text="LHP BPK 2025"), case=with_note)
    async with triage.runtime.unit_of_work() as uow:
        for case, sealed in ((with_note, note), (without[0], None), (without[1], None)):
            await uow.prior_audits.save(
                PriorAudit(
                    case,
                    TENANT,
                    audited=sealed is not None,
                    recorded_by="penelaah",
                    recorded_at=now,
                    sealed_note=sealed,
                )
            )
        await uow.commit()

    rotated = await asyncio.to_thread(triage.wbs, "rotate", "--tenant", TENANT, "--audience", Audience.CASE_SUBSTANCE)
    assert rotated.returncode == 0, rotated.stderr
    ring = KeyRing.from_directory(triage.key_root / "triage", [Audience.CASE_SUBSTANCE])
    count = await reseal_column(triage.runtime.sessionmaker, ring, PRIOR_AUDIT_NOTES_AT_REST, TENANT)
    assert (count.resealed, count.current, count.failed) == (1, 0, 0)
    as_if_required = dataclasses.replace(PRIOR_AUDIT_NOTES_AT_REST, optional=False)
    count = await reseal_column(triage.runtime.sessionmaker, ring, as_if_required, TENANT)
    assert (count.current, count.failed) == (1, 2)  # what the option passes over
    async with triage.runtime.unit_of_work() as uow:
        kept = await uow.prior_audits.of_case(with_note)
        assert kept is not None
        assert kept.sealed_note is not None
        opened = ring.open(kept.sealed_note, tenant=TENANT, case=with_note, model=PriorAuditNoteV1)
        assert opened.text == "LHP BPK 2025"
        for case in without:
            empty = await uow.prior_audits.of_case(case)
            assert empty is not None
            assert empty.sealed_note is None
