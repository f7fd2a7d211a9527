"""The verifier on chains held in memory: what it finds, and which entry it names."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from tests.support.audit import MemoryAuditTrail
from wbs_runtime.audit import AuditRecorder
from wbs_runtime.audit.chain import GENESIS_HASH, AuditEntry, ChainedEntry, chain
from wbs_runtime.audit.verify import LOCAL_HEAD, KeptHead, Problem, verify_chain

START = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)


def a_chain(length: int, tenant: str = "bps-1700") -> list[ChainedEntry]:
    entries: list[ChainedEntry] = []
    previous = GENESIS_HASH
    for n in range(1, length + 1):
        entry = chain(
            AuditEntry(tenant_id=tenant, actor="officer-1", action="case.read", object_type="case", object_id=f"c-{n}"),
            sequence=n,
            previous_hash=previous,
            now=START + timedelta(seconds=n),
        )
        entries.append(entry)
        previous = entry.entry_hash
    return entries


def rechained(entries: list[ChainedEntry]) -> list[ChainedEntry]:
    """What a careful forger does: renumber and re-hash everything so the chain itself verifies."""
    out: list[ChainedEntry] = []
    previous = GENESIS_HASH
    for n, entry in enumerate(entries, start=1):
        fresh = chain(
            AuditEntry(
                tenant_id=entry.tenant_id,
                actor=entry.actor,
                action=entry.action,
                object_type=entry.object_type,
                object_id=entry.object_id,
                recorded_at=entry.recorded_at,
            ),
            sequence=n,
            previous_hash=previous,
            now=entry.recorded_at,
        )
        out.append(fresh)
        previous = fresh.entry_hash
    return out


def head_of(entry: ChainedEntry, kept_by: str = "directory") -> KeptHead:
    return KeptHead("triage", entry.tenant_id, entry.sequence, entry.entry_hash, kept_by=kept_by, observed_at=START)


def test_an_intact_chain_verifies_with_its_heads() -> None:
    entries = a_chain(5)
    verdict = verify_chain("triage", "bps-1700", entries, [head_of(entries[2]), head_of(entries[4], "reporting")])
    assert verdict.intact
    assert (verdict.entries, verdict.last_sequence, verdict.heads_checked) == (5, 5, 2)


def test_an_edited_entry_is_named() -> None:
    entries = a_chain(5)
    entries[2] = replace(entries[2], object_id="c-999")
    verdict = verify_chain("triage", "bps-1700", entries)
    assert [(f.sequence, f.problem) for f in verdict.findings] == [(3, Problem.EDITED)]
    assert "entri #3 diubah" in verdict.findings[0].pesan
    assert "entry #3 edited" in verdict.findings[0].message


def test_an_entry_edited_and_rehashed_breaks_the_next_link() -> None:
    entries = a_chain(5)
    forged = replace(entries[1], actor="officer-2")
    entries[1] = replace(forged, entry_hash=forged.recomputed_hash())
    verdict = verify_chain("triage", "bps-1700", entries)
    assert [(f.sequence, f.problem) for f in verdict.findings] == [(3, Problem.DELETED)]
    assert "does not link to entry #2" in verdict.findings[0].message


def test_a_deleted_entry_leaves_a_gap() -> None:
    entries = a_chain(6)
    del entries[2]
    verdict = verify_chain("triage", "bps-1700", entries)
    assert [(f.sequence, f.problem) for f in verdict.findings] == [(3, Problem.DELETED)]
    assert verdict.findings[0].message == "entry #3 deleted: #4 comes after #2"
    del entries[2:4]  # now #3, #4 and #5 are gone
    assert (
        verify_chain("triage", "bps-1700", entries).findings[0].pesan
        == "entri #3 sampai #5 dihapus: setelah #2 datang #6"
    )


def test_a_deleted_first_entry_is_named() -> None:
    verdict = verify_chain("triage", "bps-1700", a_chain(3)[1:])
    assert [(f.sequence, f.problem) for f in verdict.findings] == [(1, Problem.DELETED)]


def test_a_deleted_and_renumbered_entry_shows_as_the_first_one_changed() -> None:
    entries = a_chain(5)
    renumbered = [*entries[:2], *(replace(e, sequence=e.sequence - 1) for e in entries[3:])]
    verdict = verify_chain("triage", "bps-1700", renumbered)
    assert [(f.sequence, f.problem) for f in verdict.findings] == [(3, Problem.EDITED)]


def test_a_cut_off_tail_passes_the_chain_but_not_the_kept_head() -> None:
    entries = a_chain(8)
    heads = [head_of(entries[4]), head_of(entries[7], "reporting")]
    cut = entries[:6]
    assert verify_chain("triage", "bps-1700", cut).intact  # the chain alone cannot tell
    verdict = verify_chain("triage", "bps-1700", cut, heads)
    assert [(f.sequence, f.problem) for f in verdict.findings] == [(7, Problem.CUT_OFF)]
    assert "entries #7 to #8 are missing" in verdict.findings[0].message
    assert "reporting" in verdict.findings[0].message
    assert verdict.heads_checked == 2


def test_a_whole_chain_gone_is_a_cut_off_tail_from_the_first_entry() -> None:
    verdict = verify_chain("triage", "bps-1700", [], [head_of(a_chain(3)[2])])
    assert [(f.sequence, f.problem) for f in verdict.findings] == [(1, Problem.CUT_OFF)]
    assert "the chain is empty" in verdict.findings[0].message


def test_a_rewritten_chain_disagrees_with_the_head_kept_before() -> None:
    entries = a_chain(6)
    heads = [head_of(entries[3])]
    forged = rechained([*entries[:2], *entries[3:]])  # #3 removed, the rest renumbered and re-hashed
    assert verify_chain("triage", "bps-1700", forged).intact
    verdict = verify_chain("triage", "bps-1700", forged, heads)
    assert [(f.sequence, f.problem) for f in verdict.findings] == [(4, Problem.DISAGREES)]
    assert "entry #4 differs from the head kept by directory" in verdict.findings[0].message


def test_a_tail_cut_and_then_appended_to_disagrees_with_the_head() -> None:
    entries = a_chain(6)
    heads = [head_of(entries[5])]
    regrown = rechained([*entries[:4], *a_chain(2, "bps-1700")[1:]])  # cut after #4, one new entry
    verdict = verify_chain("triage", "bps-1700", regrown, heads)
    assert [(f.sequence, f.problem) for f in verdict.findings] == [(6, Problem.CUT_OFF)]  # ends at #5, head at #6
    regrown = rechained([*entries[:4], *a_chain(3, "bps-1700")[1:]])  # two new: #6 exists again, forged
    verdict = verify_chain("triage", "bps-1700", regrown, heads)
    assert [(f.sequence, f.problem) for f in verdict.findings] == [(6, Problem.DISAGREES)]


def test_the_chains_own_head_row_counts_as_a_kept_head() -> None:
    entries = a_chain(4)
    local = KeptHead("triage", "bps-1700", 4, entries[3].entry_hash, kept_by=LOCAL_HEAD)
    verdict = verify_chain("triage", "bps-1700", entries[:3], [local])
    assert [(f.sequence, f.problem) for f in verdict.findings] == [(4, Problem.CUT_OFF)]
    assert "head row in triage's database" in verdict.findings[0].message


def test_findings_come_in_the_order_of_the_entries() -> None:
    entries = a_chain(6)
    heads = [head_of(entries[5])]
    entries[1] = replace(entries[1], actor="someone-else")
    verdict = verify_chain("triage", "bps-1700", entries[:4], heads)
    assert [(f.sequence, f.problem) for f in verdict.findings] == [(2, Problem.EDITED), (5, Problem.CUT_OFF)]


async def test_the_memory_trail_for_use_case_tests_chains_as_the_database_does() -> None:
    trail: AuditRecorder = MemoryAuditTrail(clock=lambda: START)
    for case in ("c-1", "c-2"):
        await trail.append(AuditEntry(tenant_id="bps-1700", actor="officer-1", action="case.read", object_id=case))
    assert isinstance(trail, MemoryAuditTrail)
    assert trail.actions("bps-1700") == [("case.read", "c-1"), ("case.read", "c-2")]
    assert verify_chain("intake", "bps-1700", trail.chains["bps-1700"]).intact
