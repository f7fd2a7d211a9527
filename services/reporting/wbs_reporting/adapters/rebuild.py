"""Rebuilding reporting's read models from its own history: ``python -m wbs_reporting rebuild``,
also ``wbs reporting rebuild``.

Reporting keeps every event it applies in its journal (``wbs_runtime.messaging.journal``, table
``event_journal`` of its database), so the history survives a restart of the memory-only broker
of ``make run`` and outlives a real Kafka's retention. A rebuild empties the read models (DELETE:
the pages keep reading the old rows until it commits) and applies the journal again through the
same handlers, in one transaction: only the topics that feed the read models, each record checked
for its event type and schema version as the consumer does.

Events applied before the journal existed are in reporting's inbox but not in its journal: a rebuild
would lose them, so it refuses (``--force`` rebuilds anyway) and says how many.

What reporting keeps that no event made (publications officers proposed and approved, with their
frozen snapshots) is not a read model: a rebuild leaves it alone.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import Table

from wbs_contracts.registry import (
    AUDIT_REPORT_ISSUED,
    CASE_DISPOSED,
    CASE_HANDED_OVER,
    CASE_REGISTERED,
    RECOMMENDATION_COMPLETED,
    RECOMMENDATION_ISSUED,
    RECOMMENDATION_OVERDUE,
    REPORT_SUBMITTED,
    TELAAH_DECIDED,
    EventSpec,
)
from wbs_reporting.adapters.db import (
    audit_report_fact,
    case_fact,
    hand_over_fact,
    recommendation_fact,
    telaah_decision,
)
from wbs_reporting.adapters.db import (
    metadata as reporting_metadata,
)
from wbs_reporting.adapters.db_tables import annual_sign_off, case_disposition, month_note
from wbs_reporting.adapters.publication_db import publication
from wbs_runtime.messaging.journal import Replayed, replay_journal, unjournaled_claims
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings

log = logging.getLogger(__name__)

#: The tables made only from events: emptied and filled again by a rebuild. (A test fails on a table
#: of reporting's metadata that is in neither tuple: decide which it is when adding one.)
READ_MODELS: tuple[Table, ...] = (
    case_fact,
    telaah_decision,
    audit_report_fact,
    recommendation_fact,
    hand_over_fact,
    case_disposition,
)

#: Reporting's own records, made by officers, not by events: a rebuild never touches them.
OWN_RECORDS: tuple[Table, ...] = (publication, month_note, annual_sign_off)

assert {t.name for t in READ_MODELS}.isdisjoint(t.name for t in OWN_RECORDS)
assert all(t.metadata is reporting_metadata for t in (*READ_MODELS, *OWN_RECORDS))


#: The events the read models are made of (``adapters/broker.py``): what a rebuild replays. The
#: tenants' configuration and the audit chain heads are kept by the runtime, not rebuilt.
READ_MODEL_EVENTS: tuple[EventSpec[Any], ...] = (
    REPORT_SUBMITTED,
    CASE_REGISTERED,
    TELAAH_DECIDED,
    AUDIT_REPORT_ISSUED,
    RECOMMENDATION_ISSUED,
    RECOMMENDATION_OVERDUE,
    RECOMMENDATION_COMPLETED,
    CASE_HANDED_OVER,
    CASE_DISPOSED,
)


class RebuildRefused(Exception):
    """Bilingual: Bahasa Indonesia first."""

    def __init__(self, missing: int) -> None:
        self.missing = missing
        self.pesan = (
            f"{missing} peristiwa sudah diterapkan sebelum jurnal ada dan tidak tersimpan di jurnal; "
            "membangun ulang akan menghilangkannya dari statistik. Gunakan --force untuk tetap membangun ulang."
        )
        self.message = (
            f"{missing} event(s) were applied before the journal existed and are not in it; a rebuild "
            "would drop them from the statistics. Use --force to rebuild anyway."
        )
        super().__init__(self.message)


def empty_read_models(consumer: str, *, force: bool) -> Callable[[Any], Awaitable[None]]:
    """DELETE, not TRUNCATE: TRUNCATE's lock would block the pages' reads until the rebuild commits;
    DELETE lets them read the old rows meanwhile (a consumer's batch on the same rows waits)."""

    async def empty(uow: Any) -> None:
        if not force and (missing := await unjournaled_claims(uow.session, consumer)):
            raise RebuildRefused(missing)
        for table in READ_MODELS:
            await uow.session.execute(table.delete())

    return empty


async def rebuild(runtime: ServiceRuntime[Any], *, force: bool = False) -> Replayed:
    """Empty the read models and apply the journal again through the handlers the service subscribes;
    raises :class:`RebuildRefused` (changing nothing) when the journal lacks events the inbox holds."""
    handlers = runtime.consumer.handlers
    events = {e.topic: e for e in READ_MODEL_EVENTS}
    return await replay_journal(
        runtime.unit_of_work,
        {topic: handler for topic, handler in handlers.items() if topic in events},
        empty=empty_read_models(runtime.name, force=force),
        events=events,
    )


def rebuild_command(
    build: Callable[[ServiceSettings], ServiceRuntime[Any]],
) -> Callable[[argparse.ArgumentParser], Callable[[ServiceSettings, argparse.Namespace], int]]:
    """The ``rebuild`` command of ``python -m wbs_reporting`` (an ``ExtraCommand``)."""

    def configure(parser: argparse.ArgumentParser) -> Callable[[ServiceSettings, argparse.Namespace], int]:
        parser.add_argument("--force", action="store_true", help=FORCE_HELP)

        def command(settings: ServiceSettings, arguments: argparse.Namespace) -> int:
            try:
                replayed = asyncio.run(_rebuild(build(settings), force=arguments.force))
            except RebuildRefused as refused:
                print(f"{refused.pesan} / {refused.message}", file=sys.stderr)
                return 1
            print(
                f"statistik dibangun ulang dari {replayed.applied} peristiwa / "
                f"read models rebuilt from {replayed.applied} event(s)"
                + (
                    f" ({replayed.skipped} dari topik yang tidak lagi dipakai / of topics no longer handled)"
                    if replayed.skipped
                    else ""
                )
            )
            return 0

        return command

    return configure


async def _rebuild(runtime: ServiceRuntime[Any], *, force: bool) -> Replayed:
    try:
        return await rebuild(runtime, force=force)
    finally:
        await runtime.engine.dispose()


# -- wbs reporting rebuild (the ``wbs.commands`` entry point) ------------------------------------------

HELP = "statistik: bangun ulang dari riwayat / reporting: rebuild from the history"
FORCE_HELP = (
    "bangun ulang walau ada peristiwa yang diterapkan sebelum jurnal ada (hilang dari statistik) / "
    "rebuild even if events applied before the journal existed would be lost"
)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("reporting", help=HELP, description=HELP)
    commands = parser.add_subparsers(dest="reporting_command", metavar="<perintah / command>", required=True)
    rebuilding = commands.add_parser(
        "rebuild",
        help="kosongkan tabel statistik lalu terapkan ulang jurnal peristiwa / "
        "empty the read models and apply the event journal again",
    )
    rebuilding.add_argument("--force", action="store_true", help=FORCE_HELP)
    rebuilding.set_defaults(handler=run_rebuild)


def run_rebuild(arguments: argparse.Namespace) -> int:
    """Runs ``python -m wbs_reporting rebuild`` with the environment ``wbs`` read (var/wbs.env)."""
    command = [sys.executable, "-m", "wbs_reporting", "rebuild", *(["--force"] if arguments.force else [])]
    done = subprocess.run(command, env=dict(os.environ), check=False)  # noqa: S603 (fixed arguments)
    return done.returncode
