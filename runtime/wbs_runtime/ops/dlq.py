"""``wbs dlq list|show|resend|discard``: the dead letters each service keeps in its own database.

Dead letters are numbered per service database, so the commands name them ``SERVICE:ID``
(``triage:12``), as ``dlq list`` prints them. Resending marks rows; the running service applies
them through its consumer (inbox, handler, savepoint) and records the outcome, which ``resend``
waits for and reports. Nothing here opens a sealed payload: a value is shown as it is stored.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ARRAY, BigInteger, any_, bindparam, func, select, update

from wbs_runtime.errors import describe
from wbs_runtime.messaging.tables import DEAD_LETTER_STATUSES, dead_letter
from wbs_runtime.ops.common import DatabaseUrls, connect, database_urls_from_environment, one_line, table

CLOUDEVENTS_PREFIX = "ce_"


@dataclass(frozen=True)
class DeadLetter:
    service: str
    id: int
    topic: str
    reason: str
    error_type: str
    error: str
    attempts: int
    failed_at: datetime
    status: str
    status_at: datetime

    @property
    def name(self) -> str:
        return f"{self.service}:{self.id}"


@dataclass(frozen=True)
class DeadLetterDetail:
    letter: DeadLetter
    consumer: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]
    event_id: str | None
    event_type: str | None

    @property
    def attributes(self) -> dict[str, str]:
        """The CloudEvents attributes, from the ``ce_*`` headers."""
        return {
            name[len(CLOUDEVENTS_PREFIX) :]: _text(value)
            for name, value in self.headers
            if name.startswith(CLOUDEVENTS_PREFIX)
        }


@dataclass(frozen=True)
class ResendOutcome:
    name: str
    status: str  # resent | parked (failed again) | resend (not picked up in time) | unknown
    error: str | None = None


def parse_name(name: str, service: str | None = None) -> tuple[str, int]:
    """``triage:12`` -> ("triage", 12); a bare number needs ``service``."""
    label, _, number = name.rpartition(":")
    label = label or (service or "")
    if not label or not number.isdigit():
        raise ValueError(f"{name!r}: tulis SERVICE:ID, mis. triage:12 / write SERVICE:ID, e.g. triage:12")
    return label, int(number)


# -- reading ---------------------------------------------------------------------------------

_SUMMARY = (
    dead_letter.c.id,
    dead_letter.c.topic,
    dead_letter.c.reason,
    dead_letter.c.error_type,
    dead_letter.c.error,
    dead_letter.c.attempts,
    dead_letter.c.failed_at,
    dead_letter.c.status,
    dead_letter.c.status_at,
)


def _letter(service: str, row: Any) -> DeadLetter:
    return DeadLetter(
        service,
        row.id,
        row.topic,
        row.reason,
        row.error_type,
        row.error,
        row.attempts,
        row.failed_at,
        row.status,
        row.status_at,
    )


async def list_dead_letters(
    database_url: str, service: str, *, statuses: Sequence[str] = (), limit: int = 200
) -> list[DeadLetter]:
    """The service's dead letters, newest first; only those in ``statuses`` when given."""
    query = select(*_SUMMARY).order_by(dead_letter.c.id.desc()).limit(limit)
    if statuses:
        query = query.where(dead_letter.c.status.in_(list(statuses)))
    async with connect(database_url) as db:
        return [_letter(service, row) for row in await db.execute(query)]


async def show_dead_letter(database_url: str, service: str, letter_id: int) -> DeadLetterDetail | None:
    async with connect(database_url) as db:
        row = (await db.execute(select(dead_letter).where(dead_letter.c.id == letter_id))).first()
    if row is None:
        return None
    return DeadLetterDetail(
        letter=_letter(service, row),
        consumer=row.consumer,
        partition=row.topic_partition,
        offset=row.topic_offset,
        key=row.message_key,
        value=row.value,
        headers=tuple(zip(row.header_names, row.header_values, strict=True)),
        event_id=str(row.event_id) if row.event_id else None,
        event_type=row.event_type,
    )


# -- changing --------------------------------------------------------------------------------


async def _set_status(
    database_url: str, ids: Sequence[int] | None, status: str, from_statuses: Sequence[str]
) -> list[int]:
    statement = (
        update(dead_letter)
        .where(dead_letter.c.status.in_(list(from_statuses)))
        .values(status=status, status_at=func.now())
        .returning(dead_letter.c.id)
    )
    if ids is not None:
        statement = statement.where(dead_letter.c.id == any_(bindparam("ids", list(ids), type_=ARRAY(BigInteger))))
    async with connect(database_url) as db:
        changed = sorted((await db.execute(statement)).scalars().all())
        await db.commit()
    return changed


async def request_resend(database_url: str, ids: Sequence[int] | None = None) -> list[int]:
    """Mark parked dead letters (``ids``, or all when None) for the running service to apply
    again; returns the ids marked."""
    return await _set_status(database_url, ids, "resend", ("parked",))


async def discard(database_url: str, ids: Sequence[int]) -> list[int]:
    """Give up on parked dead letters (they stay in the table, no longer counted as parked)."""
    return await _set_status(database_url, ids, "discarded", ("parked",))


async def resend_outcomes(database_url: str, service: str, ids: Sequence[int]) -> list[ResendOutcome]:
    query = select(dead_letter.c.id, dead_letter.c.status, dead_letter.c.error).where(
        dead_letter.c.id == any_(bindparam("ids", list(ids), type_=ARRAY(BigInteger)))
    )
    async with connect(database_url) as db:
        found = {row.id: row for row in await db.execute(query)}
    outcomes = []
    for letter_id in ids:
        row = found.get(letter_id)
        if row is None:
            outcomes.append(ResendOutcome(f"{service}:{letter_id}", "unknown"))
        else:
            outcomes.append(
                ResendOutcome(f"{service}:{letter_id}", row.status, row.error if row.status == "parked" else None)
            )
    return outcomes


async def resend(
    database_url: str, service: str, ids: Sequence[int] | None = None, *, wait_seconds: float = 30.0
) -> list[ResendOutcome]:
    """Mark for resending, then wait until the running service applied them all (or the wait
    is over) and report each one's outcome."""
    marked = await request_resend(database_url, ids)
    deadline = time.monotonic() + wait_seconds
    while True:
        outcomes = await resend_outcomes(database_url, service, marked)
        if all(o.status != "resend" for o in outcomes) or time.monotonic() >= deadline:
            return outcomes
        await asyncio.sleep(0.25)


# -- formatting ------------------------------------------------------------------------------


def format_list(letters: Sequence[DeadLetter]) -> str:
    if not letters:
        return "Tidak ada surat mati / no dead letters"
    return table(
        ["id", "topic", "reason", "error type", "attempts", "failed at", "status", "error"],
        [
            (
                d.name,
                d.topic,
                d.reason,
                d.error_type,
                d.attempts,
                d.failed_at.isoformat(timespec="seconds"),
                d.status,
                one_line(d.error, 50),
            )
            for d in letters
        ],
    )


def format_detail(detail: DeadLetterDetail) -> str:
    letter = detail.letter
    lines = [
        f"id:          {letter.name}",
        f"status:      {letter.status} (since {letter.status_at.isoformat(timespec='seconds')})",
        f"consumer:    {detail.consumer}",
        f"record:      {letter.topic} partition {detail.partition} offset {detail.offset}",
        f"key:         {_text(detail.key) if detail.key is not None else '-'}",
        f"event:       {detail.event_type or '-'} {detail.event_id or ''}".rstrip(),
        f"reason:      {letter.reason}",
        f"error:       {letter.error_type}: {letter.error}",
        f"attempts:    {letter.attempts}",
        f"failed at:   {letter.failed_at.isoformat(timespec='seconds')}",
        "CloudEvents attributes:",
        *[f"  {name}: {value}" for name, value in detail.attributes.items()],
        "headers:",
        *[f"  {name}: {_text(value)}" for name, value in detail.headers],
        "value (as stored; sealed fields stay sealed):",
        f"  {_text(detail.value) if detail.value is not None else '-'}",
    ]
    return "\n".join(lines)


def format_resend(outcomes: Sequence[ResendOutcome]) -> str:
    if not outcomes:
        return "Tidak ada yang dikirim ulang / nothing to resend"
    meaning = {
        "resent": "diterapkan / applied",
        "parked": "gagal lagi / failed again",
        "resend": "belum diproses (layanan berjalan?) / not applied yet (is the service running?)",
        "unknown": "tidak ditemukan / not found",
    }
    return table(
        ["id", "outcome", "error"],
        [(o.name, meaning.get(o.status, o.status), one_line(o.error, 70)) for o in outcomes],
    )


def _text(value: bytes) -> str:
    try:
        return value.decode()
    except UnicodeDecodeError:
        return "0x" + value.hex()


# -- command line ----------------------------------------------------------------------------


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    database_urls: DatabaseUrls = database_urls_from_environment,
) -> argparse.ArgumentParser:
    """Add ``dlq list|show|resend|discard``; each sets ``handler(arguments) -> exit status``."""
    dlq = subparsers.add_parser(
        "dlq",
        help="surat mati: pesan yang tidak dapat diterapkan / dead letters: messages that could not be applied",
        description="Surat mati per layanan / dead letters per service",
    )
    commands = dlq.add_subparsers(dest="dlq_command", required=True)

    listing = commands.add_parser("list", help="daftar surat mati / list dead letters")
    listing.add_argument("--service", action="append", help="hanya layanan ini / only this service (repeatable)")
    listing.add_argument(
        "--status",
        action="append",
        choices=DEAD_LETTER_STATUSES,
        help="hanya status ini / only this status (repeatable)",
    )
    listing.add_argument("--limit", type=int, default=200, help="paling banyak per layanan / at most per service")

    showing = commands.add_parser("show", help="rincian satu surat mati / one dead letter in full")
    showing.add_argument("id", help="SERVICE:ID, mis. / e.g. triage:12")

    resending = commands.add_parser(
        "resend", help="terapkan ulang setelah perbaikan / apply again after a fix is deployed"
    )
    resending.add_argument("ids", nargs="*", help="SERVICE:ID ...")
    resending.add_argument("--all", action="store_true", help="semua yang parkir / every parked one")
    resending.add_argument("--service", action="append", help="dengan --all: hanya layanan ini / with --all: only")
    resending.add_argument("--wait", type=float, default=30.0, help="detik menunggu hasil / seconds to wait")

    discarding = commands.add_parser("discard", help="lepaskan, tidak diterapkan / give up on it")
    discarding.add_argument("ids", nargs="+", help="SERVICE:ID ...")

    def run(arguments: argparse.Namespace) -> int:
        return asyncio.run(_run(arguments, database_urls()))

    dlq.set_defaults(handler=run)
    return dlq


async def _run(arguments: argparse.Namespace, urls: Mapping[str, str]) -> int:
    command = arguments.dlq_command
    if command == "list":
        letters: list[DeadLetter] = []
        status = 0
        for service in arguments.service or list(urls):
            try:
                letters += await list_dead_letters(
                    urls[service], service, statuses=arguments.status or (), limit=arguments.limit
                )
            except Exception as error:  # one unreachable database must not hide the others
                print(f"{service}: tidak dapat dibaca / cannot be read: {describe(error)}")
                status = 1
        print(format_list(letters))
        return status
    if command == "show":
        service, letter_id = parse_name(arguments.id)
        detail = await show_dead_letter(urls[service], service, letter_id)
        if detail is None:
            print(f"{arguments.id}: tidak ditemukan / not found")
            return 1
        print(format_detail(detail))
        return 0
    by_service = _group(arguments.ids)
    if command == "discard":
        for service, ids in by_service.items():
            done = await discard(urls[service], ids)
            print(f"{service}: dilepas / discarded {', '.join(f'{service}:{i}' for i in done) or '-'}")
        return 0
    if arguments.all == bool(arguments.ids):
        print("sebutkan ID atau --all / name IDs or --all")
        return 2
    outcomes: list[ResendOutcome] = []
    if arguments.all:
        for service in arguments.service or list(urls):
            outcomes += await resend(urls[service], service, None, wait_seconds=arguments.wait)
    else:
        for service, ids in by_service.items():
            outcomes += await resend(urls[service], service, ids, wait_seconds=arguments.wait)
    print(format_resend(outcomes))
    return 0 if all(o.status == "resent" for o in outcomes) else 1


def _group(names: Sequence[str]) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = {}
    for name in names:
        service, letter_id = parse_name(name)
        grouped.setdefault(service, []).append(letter_id)
    return grouped
