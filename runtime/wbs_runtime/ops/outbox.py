"""``wbs outbox status``: per service, what is waiting in the outbox and what is stuck there."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from wbs_runtime.errors import describe
from wbs_runtime.messaging.outbox import backlog
from wbs_runtime.messaging.tables import outbox
from wbs_runtime.ops.common import DatabaseUrls, connect, database_urls_from_environment, one_line, table


@dataclass(frozen=True)
class StuckEvent:
    """An unpublished event the relay has already failed to publish."""

    seq: int
    topic: str
    key: str
    created_at: datetime
    attempts: int
    last_error: str | None


@dataclass(frozen=True)
class OutboxStatus:
    service: str
    unpublished: int
    oldest_age_seconds: float
    stuck: list[StuckEvent] = field(default_factory=list)
    #: Set when the database could not be read.
    error: str | None = None


async def outbox_status(database_url: str, service: str, *, stuck_limit: int = 20) -> OutboxStatus:
    stuck_query = (
        select(
            outbox.c.seq,
            outbox.c.topic,
            outbox.c.message_key,
            outbox.c.created_at,
            outbox.c.publish_attempts,
            outbox.c.last_error,
        )
        .where(outbox.c.published_at.is_(None), outbox.c.publish_attempts > 0)
        .order_by(outbox.c.seq)
        .limit(stuck_limit)
    )
    async with connect(database_url) as db:
        unpublished, oldest = await backlog(db)
        stuck = [StuckEvent(*row) for row in await db.execute(stuck_query)]
    return OutboxStatus(service, unpublished, oldest, stuck)


async def status_of_all(urls: Mapping[str, str], *, stuck_limit: int = 20) -> list[OutboxStatus]:
    statuses = []
    for service, url in urls.items():
        try:
            statuses.append(await outbox_status(url, service, stuck_limit=stuck_limit))
        except Exception as error:  # one unreachable database must not hide the others
            statuses.append(OutboxStatus(service, 0, 0.0, error=describe(error)))
    return statuses


def format_status(statuses: Sequence[OutboxStatus]) -> str:
    summary = table(
        ["service", "unpublished", "oldest (s)", "stuck", "note"],
        [
            (
                s.service,
                s.unpublished if s.error is None else "?",
                f"{s.oldest_age_seconds:.1f}" if s.error is None else "?",
                len(s.stuck) if s.error is None else "?",
                one_line(s.error, 70) if s.error else "",
            )
            for s in statuses
        ],
    )
    stuck = [(s.service, e) for s in statuses for e in s.stuck]
    if not stuck:
        return summary
    details = table(
        ["service", "seq", "topic", "key", "created", "attempts", "last error"],
        [
            (
                service,
                e.seq,
                e.topic,
                e.key,
                e.created_at.isoformat(timespec="seconds"),
                e.attempts,
                one_line(e.last_error),
            )
            for service, e in stuck
        ],
    )
    return f"{summary}\n\nTersendat / stuck (publishing failed at least once):\n{details}"


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    database_urls: DatabaseUrls = database_urls_from_environment,
) -> argparse.ArgumentParser:
    """Add ``outbox status``; it sets ``func(arguments) -> exit status``."""
    parser = subparsers.add_parser(
        "outbox", help="kotak keluar: peristiwa yang belum terbit / outbox: events not yet published"
    )
    commands = parser.add_subparsers(dest="outbox_command", required=True)
    status = commands.add_parser("status", help="antrean dan yang tersendat per layanan / backlog and stuck events")
    status.add_argument("--service", action="append", help="hanya layanan ini / only this service (repeatable)")
    status.add_argument("--stuck", type=int, default=20, help="paling banyak per layanan / at most per service")

    def run(arguments: argparse.Namespace) -> int:
        urls = database_urls()
        if arguments.service:
            urls = {s: urls[s] for s in arguments.service}
        statuses = asyncio.run(status_of_all(urls, stuck_limit=arguments.stuck))
        print(format_status(statuses))
        return 1 if any(s.error for s in statuses) else 0

    parser.set_defaults(handler=run)
    return parser
