"""Checking one audit chain against its own hashes and against the heads kept elsewhere: pure logic.

A chain fails at its first entry that is

- **edited**: its hash is not the hash of its content (see ``chain.py`` for the canonical form);
- **deleted**: a sequence number is missing (a gap), or an entry does not link to the one before
  it (``previous_hash``), which is what an entry edited and re-hashed, or removed with the chain
  renumbered, leaves behind;
- **cut off**: a head kept by another service (or the chain's own head row) lies beyond the
  chain's last entry: entries were removed from the end, where no later link could show it;
- **disagreeing** with a kept head: the entry at a kept head's sequence has another hash, so the
  chain was rewritten after that head was published.

Each finding names the entry and says why, in Bahasa Indonesia and English.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from wbs_runtime.audit.chain import GENESIS_HASH, ChainedEntry

#: ``kept_by`` of the head row a service keeps of its own chain (``audit_chain``).
LOCAL_HEAD = "kepala lokal / local head"


class Problem(StrEnum):
    EDITED = "edited"
    DELETED = "deleted"
    CUT_OFF = "cut-off"
    DISAGREES = "disagrees"


@dataclass(frozen=True)
class KeptHead:
    """A chain head as someone kept it: a service that received it, or the chain's own head row."""

    producer: str
    tenant_id: str
    sequence: int
    entry_hash: str
    kept_by: str
    observed_at: datetime | None = None

    def describe(self) -> tuple[str, str]:
        when = f" ({self.observed_at.isoformat(timespec='seconds')})" if self.observed_at else ""
        if self.kept_by == LOCAL_HEAD:
            return f"kepala rantai di basis data {self.producer}", f"the chain's head row in {self.producer}'s database"
        return f"kepala yang disimpan {self.kept_by}{when}", f"the head kept by {self.kept_by}{when}"


@dataclass(frozen=True)
class Finding:
    service: str
    tenant_id: str
    #: The entry that fails (for a cut-off tail: the first entry missing from the end).
    sequence: int
    problem: Problem
    pesan: str
    message: str

    @property
    def chain(self) -> str:
        return f"{self.service}/{self.tenant_id}"


@dataclass
class ChainVerdict:
    service: str
    tenant_id: str
    entries: int = 0
    last_sequence: int = 0
    heads_checked: int = 0
    #: In the order of the entries they name; the first is the first entry that fails.
    findings: list[Finding] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.findings


class ChainVerifier:
    """Verifies one chain fed entry by entry in sequence order (chains may be long: nothing but the
    kept heads is held in memory)."""

    def __init__(self, service: str, tenant_id: str, heads: Iterable[KeptHead] = ()) -> None:
        self.verdict = ChainVerdict(service, tenant_id)
        self._heads: dict[int, list[KeptHead]] = defaultdict(list)
        for head in heads:
            self._heads[head.sequence].append(head)
        self._expected_sequence = 1
        self._previous_hash = GENESIS_HASH
        self._broken = False
        self._disagreement: Finding | None = None

    def add(self, entry: ChainedEntry) -> None:
        verdict = self.verdict
        verdict.entries += 1
        verdict.last_sequence = max(verdict.last_sequence, entry.sequence)
        self._check_heads_at(entry)
        if self._broken:
            return
        failure = self._link_failure(entry)
        if failure is not None:
            self._broken = True
            verdict.findings.append(failure)
            return
        self._expected_sequence = entry.sequence + 1
        self._previous_hash = entry.entry_hash

    def _link_failure(self, entry: ChainedEntry) -> Finding | None:
        n = self._expected_sequence
        if entry.sequence > n:
            last_missing = entry.sequence - 1
            missing, missing_en = (
                (f"entri #{n}", f"entry #{n}")
                if last_missing == n
                else (f"entri #{n} sampai #{last_missing}", f"entries #{n} to #{last_missing}")
            )
            after, after_en = (f"setelah #{n - 1}", f"after #{n - 1}") if n > 1 else ("di awal", "at the start")
            return self._finding(
                n,
                Problem.DELETED,
                f"{missing} dihapus: {after} datang #{entry.sequence}",
                f"{missing_en} deleted: #{entry.sequence} comes {after_en}",
            )
        if entry.sequence < n:
            return self._finding(
                entry.sequence,
                Problem.EDITED,
                f"entri #{entry.sequence} muncul lagi setelah #{n - 1}: nomor urut diubah",
                f"entry #{entry.sequence} appears again after #{n - 1}: its sequence was changed",
            )
        if entry.recomputed_hash() != entry.entry_hash:
            return self._finding(
                n,
                Problem.EDITED,
                f"entri #{n} diubah: hash-nya tidak cocok dengan isinya",
                f"entry #{n} edited: its hash does not match its content",
            )
        if entry.previous_hash != self._previous_hash:
            before = f"entri #{n - 1}" if n > 1 else "awal rantai"
            before_en = f"entry #{n - 1}" if n > 1 else "the start of the chain"
            return self._finding(
                n,
                Problem.DELETED,
                f"entri #{n} tidak tersambung ke {before}: entri sebelumnya diganti atau dihapus",
                f"entry #{n} does not link to {before_en}: an entry before it was replaced or deleted",
            )
        return None

    def _check_heads_at(self, entry: ChainedEntry) -> None:
        for head in self._heads.pop(entry.sequence, []):
            self.verdict.heads_checked += 1
            if head.entry_hash != entry.entry_hash and self._disagreement is None:
                kept, kept_en = head.describe()
                self._disagreement = self._finding(
                    entry.sequence,
                    Problem.DISAGREES,
                    f"entri #{entry.sequence} berbeda dari {kept}: rantai ditulis ulang setelahnya",
                    f"entry #{entry.sequence} differs from {kept_en}: the chain was rewritten after it",
                )

    def finish(self) -> ChainVerdict:
        """The verdict, once every entry was added."""
        verdict = self.verdict
        last = verdict.last_sequence
        remaining = [head for heads in self._heads.values() for head in heads]
        verdict.heads_checked += len(remaining)
        beyond = [head for head in remaining if head.sequence > last]
        if beyond:
            furthest = max(beyond, key=lambda head: head.sequence)
            kept, kept_en = furthest.describe()
            missing, head_at = last + 1, furthest.sequence
            gone, gone_en = (
                (f"entri #{missing} hilang", f"entry #{missing} is missing")
                if missing == head_at
                else (f"entri #{missing} sampai #{head_at} hilang", f"entries #{missing} to #{head_at} are missing")
            )
            end, end_en = (f"berakhir di #{last}", f"ends at #{last}") if last else ("kosong", "is empty")
            verdict.findings.append(
                self._finding(
                    missing,
                    Problem.CUT_OFF,
                    f"ekor rantai terpotong: {gone}; rantai {end}, tetapi {kept} ada di #{head_at}",
                    f"tail cut off: {gone_en}; the chain {end_en}, but {kept_en} is at #{head_at}",
                )
            )
        # A kept head whose entry is neither there nor beyond the end: that entry is gone from a gap.
        within = [head for head in remaining if head.sequence <= last]
        if within and self._disagreement is None:
            head = min(within, key=lambda h: h.sequence)
            kept, kept_en = head.describe()
            self._disagreement = self._finding(
                head.sequence,
                Problem.DISAGREES,
                f"entri #{head.sequence} tidak ada, padahal {kept} menunjuk ke sana",
                f"entry #{head.sequence} is missing, though {kept_en} names it",
            )
        if self._disagreement is not None:
            verdict.findings.append(self._disagreement)
        verdict.findings.sort(key=lambda finding: finding.sequence)
        return verdict

    def _finding(self, sequence: int, problem: Problem, pesan: str, message: str) -> Finding:
        verdict = self.verdict
        return Finding(verdict.service, verdict.tenant_id, sequence, problem, pesan, message)


def verify_chain(
    service: str, tenant_id: str, entries: Iterable[ChainedEntry], heads: Iterable[KeptHead] = ()
) -> ChainVerdict:
    """Verify one chain, its entries in sequence order, against the heads kept of it."""
    verifier = ChainVerifier(service, tenant_id, heads)
    for entry in entries:
        verifier.add(entry)
    return verifier.finish()
