"""``wbs audit verify|show``: check every service's audit chains, and read one.

``verify`` reads every service's database: it recomputes each chain (one per tenant per service)
and checks it against its own head row and against the heads the *other* services kept of it. It
names the first entry that fails and why, and exits 0 only when everything verifies. ``show``
prints a chain's entries; they hold no report's substance and no one's identity, by design.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import defaultdict
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncConnection

from wbs_runtime.audit.chain import ChainedEntry
from wbs_runtime.audit.tables import audit_chain, audit_entry, audit_head_received
from wbs_runtime.audit.verify import LOCAL_HEAD, ChainVerdict, ChainVerifier, KeptHead
from wbs_runtime.errors import describe
from wbs_runtime.ops.common import DatabaseUrls, connect, database_urls_from_environment, one_line, table

_ENTRY_COLUMNS = (
    audit_entry.c.tenant_id,
    audit_entry.c.sequence,
    audit_entry.c.recorded_at,
    audit_entry.c.actor,
    audit_entry.c.actor_name,
    audit_entry.c.role,
    audit_entry.c.session_id,
    audit_entry.c.action,
    audit_entry.c.object_type,
    audit_entry.c.object_id,
    audit_entry.c.details,
    audit_entry.c.correlation_id,
    audit_entry.c.previous_hash,
    audit_entry.c.entry_hash,
)


def entry_from_row(row: Row[*tuple[Any, ...]]) -> ChainedEntry:
    return ChainedEntry(**row._asdict())


@dataclass
class Verification:
    """Everything ``wbs audit verify`` found."""

    chains: list[ChainVerdict] = field(default_factory=list)
    #: service -> why its database could not be read.
    unreadable: dict[str, str] = field(default_factory=dict)

    @property
    def intact(self) -> bool:
        return not self.unreadable and all(chain.intact for chain in self.chains)


async def kept_heads(db: AsyncConnection, kept_by: str) -> list[KeptHead]:
    """The chain heads ``kept_by``'s database received from other services."""
    rows = await db.execute(
        select(
            audit_head_received.c.producer,
            audit_head_received.c.tenant_id,
            audit_head_received.c.sequence,
            audit_head_received.c.entry_hash,
            audit_head_received.c.observed_at,
        ).order_by(audit_head_received.c.id)
    )
    return [KeptHead(p, t, s, h, kept_by=kept_by, observed_at=o) for p, t, s, h, o in rows]


async def local_heads(db: AsyncConnection, service: str) -> list[KeptHead]:
    rows = await db.execute(
        select(audit_chain.c.tenant_id, audit_chain.c.sequence, audit_chain.c.entry_hash).where(
            audit_chain.c.sequence > 0
        )
    )
    return [KeptHead(service, t, s, h, kept_by=LOCAL_HEAD) for t, s, h in rows]


async def chain_entries(db: AsyncConnection) -> AsyncIterator[ChainedEntry]:
    """Every entry, chain by chain, in sequence order, streamed."""
    result = await db.stream(
        select(*_ENTRY_COLUMNS).order_by(audit_entry.c.tenant_id, audit_entry.c.sequence),
    )
    async for row in result:
        yield entry_from_row(row)


async def verify_service(db: AsyncConnection, service: str, heads: Sequence[KeptHead]) -> list[ChainVerdict]:
    """Verify each of ``service``'s chains against ``heads`` (kept elsewhere) and its own head rows."""
    by_tenant: dict[str, list[KeptHead]] = defaultdict(list)
    for head in [*heads, *await local_heads(db, service)]:
        if head.producer == service:
            by_tenant[head.tenant_id].append(head)
    verdicts: list[ChainVerdict] = []
    verifier: ChainVerifier | None = None
    async for entry in chain_entries(db):
        if verifier is None or verifier.verdict.tenant_id != entry.tenant_id:
            if verifier is not None:
                verdicts.append(verifier.finish())
            verifier = ChainVerifier(service, entry.tenant_id, by_tenant.pop(entry.tenant_id, []))
        verifier.add(entry)
    if verifier is not None:
        verdicts.append(verifier.finish())
    # Chains someone kept a head of, but with no entry left at all.
    verdicts += [ChainVerifier(service, tenant, heads).finish() for tenant, heads in sorted(by_tenant.items())]
    return verdicts


async def verify_all(urls: Mapping[str, str]) -> Verification:
    verification = Verification()
    heads: list[KeptHead] = []
    for service, url in urls.items():
        try:
            async with connect(url) as db:
                heads += await kept_heads(db, service)
        except Exception as error:  # one unreachable database must not hide the others
            verification.unreadable[service] = describe(error)
    for service, url in urls.items():
        if service in verification.unreadable:
            continue
        others = [head for head in heads if head.kept_by != service]
        try:
            async with connect(url) as db:
                # One snapshot for the chains and their head rows: an append meanwhile is not half seen.
                await db.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
                async with db.begin():
                    verification.chains += await verify_service(db, service, others)
        except Exception as error:
            verification.unreadable[service] = describe(error)
    return verification


def format_verification(verification: Verification) -> str:
    lines = []
    if verification.chains:
        lines.append(
            table(
                ["rantai / chain", "entri / entries", "kepala / heads", "hasil / result"],
                [
                    (
                        f"{c.service}/{c.tenant_id}",
                        c.entries,
                        c.heads_checked,
                        "utuh / intact" if c.intact else f"GAGAL / FAILED di / at #{c.findings[0].sequence}",
                    )
                    for c in verification.chains
                ],
            )
        )
    failed = [c for c in verification.chains if not c.intact]
    for chain in failed:
        first, *others = chain.findings
        lines.append(f"\n{first.chain}: entri pertama yang gagal / first entry that fails: #{first.sequence}")
        for finding in [first, *others]:
            lines.append(f"  #{finding.sequence} [{finding.problem}] {finding.pesan}")
            lines.append(f"  #{finding.sequence} [{finding.problem}] {finding.message}")
    for service, error in verification.unreadable.items():
        lines.append(f"\n{service}: basis data tidak dapat dibaca / database cannot be read: {one_line(error, 120)}")
    entries = sum(c.entries for c in verification.chains)
    heads = sum(c.heads_checked for c in verification.chains)
    counts = f"{len(verification.chains)} rantai, {entries} entri, {heads} kepala diperiksa"
    counts_en = (
        f"{_count(len(verification.chains), 'chain')}, {_count(entries, 'entry')}, {_count(heads, 'head')} checked"
    )
    if verification.intact:
        lines.append(f"\nJejak audit utuh: {counts}.")
        lines.append(f"Audit trail intact: {counts_en}.")
    else:
        broken = f"{len(failed)} rantai gagal, {len(verification.unreadable)} basis data tak terbaca"
        broken_en = (
            f"{_count(len(failed), 'chain')} failed, {_count(len(verification.unreadable), 'database')} unreadable"
        )
        lines.append(f"\nJejak audit TIDAK utuh: {broken} ({counts}).")
        lines.append(f"Audit trail NOT intact: {broken_en} ({counts_en}).")
    return "\n".join(lines).lstrip("\n")


def _count(number: int, noun: str) -> str:
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{number} {noun if number == 1 else plural}"


async def read_entries(
    db: AsyncConnection, tenant: str, *, object_id: str | None = None, limit: int = 50
) -> list[ChainedEntry]:
    """The latest ``limit`` entries of ``tenant``'s chain (of one object, if given), oldest first."""
    query = select(*_ENTRY_COLUMNS).where(audit_entry.c.tenant_id == tenant)
    if object_id is not None:
        query = query.where(audit_entry.c.object_id == object_id)
    rows = await db.execute(query.order_by(audit_entry.c.sequence.desc()).limit(limit))
    return [entry_from_row(row) for row in reversed(rows.all())]


def format_entries(entries: Sequence[ChainedEntry]) -> str:
    if not entries:
        return "Tidak ada entri / no entries."
    return table(
        [
            "#",
            "waktu / time (UTC)",
            "pelaku / actor",
            "nama / name",
            "peran / role",
            "tindakan / action",
            "objek / object",
            "rincian / details",
        ],
        [
            (
                e.sequence,
                e.recorded_at.isoformat(timespec="seconds"),
                e.actor,
                e.actor_name,
                e.role,
                e.action,
                f"{e.object_type}:{e.object_id}" if e.object_type or e.object_id else "",
                one_line(json.dumps(e.details, ensure_ascii=False, sort_keys=True), 60) if e.details else "",
            )
            for e in entries
        ],
    )


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    database_urls: DatabaseUrls = database_urls_from_environment,
) -> argparse.ArgumentParser:
    """Add ``audit verify|show``; each sets ``handler(arguments) -> exit status``."""
    audit = subparsers.add_parser(
        "audit",
        help="jejak audit: periksa rantai hash, baca entri / audit trail: verify the hash chains, read entries",
        description="Jejak audit per layanan per instansi / the audit trail per service per tenant",
    )
    commands = audit.add_subparsers(dest="audit_command", required=True)
    commands.add_parser(
        "verify",
        help="periksa setiap rantai dan kepala yang disimpan layanan lain; 0 hanya jika semua utuh"
        " / check every chain and the heads other services kept; 0 only when all is intact",
    )
    showing = commands.add_parser("show", help="entri satu rantai / the entries of one chain")
    showing.add_argument("--service", required=True, help="layanan / service")
    showing.add_argument("--tenant", required=True, help="instansi / tenant")
    showing.add_argument("--object", dest="object_id", help="hanya objek ini / only this object id")
    showing.add_argument("--limit", type=int, default=50, help="entri terakhir / the latest entries (50)")

    def run(arguments: argparse.Namespace) -> int:
        urls = database_urls()
        if arguments.audit_command == "verify":
            verification = asyncio.run(verify_all(urls))
            print(format_verification(verification))
            return 0 if verification.intact else 1
        if arguments.service not in urls:
            raise LookupError(f"layanan tidak dikenal / unknown service: {arguments.service}")
        entries = asyncio.run(_show(urls[arguments.service], arguments))
        print(format_entries(entries))
        return 0

    audit.set_defaults(handler=run)
    return audit


async def _show(url: str, arguments: argparse.Namespace) -> list[ChainedEntry]:
    async with connect(url) as db:
        return await read_entries(db, arguments.tenant, object_id=arguments.object_id, limit=arguments.limit)
