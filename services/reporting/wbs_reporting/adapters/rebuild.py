"""Rebuilding reporting's read models from its own history: ``python -m wbs_reporting rebuild``,
also ``wbs reporting rebuild``.

Reporting keeps every event it applies in its journal (``wbs_runtime.messaging.journal``, table
``event_journal`` of its database), so the history survives a restart of the memory-only broker
of ``make run`` and outlives a real Kafka's retention. A rebuild empties the read models and
applies the journal again through the same handlers, in one transaction.

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
from collections.abc import Callable
from typing import Any

from sqlalchemy import Table, text

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
from wbs_runtime.messaging.journal import Replayed, replay_journal
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


async def empty_read_models(uow: Any) -> None:
    """TRUNCATE takes the tables' lock for the rebuild's transaction: a consumer's batch waits for it."""
    await uow.session.execute(text("TRUNCATE {}".format(", ".join(t.name for t in READ_MODELS))))


async def rebuild(runtime: ServiceRuntime[Any]) -> Replayed:
    """Empty the read models and apply the journal again through the handlers the service subscribes."""
    return await replay_journal(runtime.unit_of_work, runtime.consumer.handlers, empty=empty_read_models)


def rebuild_command(
    build: Callable[[ServiceSettings], ServiceRuntime[Any]],
) -> Callable[[argparse.ArgumentParser], Callable[[ServiceSettings, argparse.Namespace], int]]:
    """The ``rebuild`` command of ``python -m wbs_reporting`` (an ``ExtraCommand``)."""

    def configure(_parser: argparse.ArgumentParser) -> Callable[[ServiceSettings, argparse.Namespace], int]:
        def command(settings: ServiceSettings, _arguments: argparse.Namespace) -> int:
            replayed = asyncio.run(_rebuild(build(settings)))
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


async def _rebuild(runtime: ServiceRuntime[Any]) -> Replayed:
    try:
        return await rebuild(runtime)
    finally:
        await runtime.engine.dispose()


# -- wbs reporting rebuild (the ``wbs.commands`` entry point) ------------------------------------------

HELP = "statistik: bangun ulang dari riwayat / reporting: rebuild from the history"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("reporting", help=HELP, description=HELP)
    commands = parser.add_subparsers(dest="reporting_command", metavar="<perintah / command>", required=True)
    commands.add_parser(
        "rebuild",
        help="kosongkan tabel statistik lalu terapkan ulang jurnal peristiwa / "
        "empty the read models and apply the event journal again",
    ).set_defaults(handler=run_rebuild)


def run_rebuild(_arguments: argparse.Namespace) -> int:
    """Runs ``python -m wbs_reporting rebuild`` with the environment ``wbs`` read (var/wbs.env)."""
    done = subprocess.run([sys.executable, "-m", "wbs_reporting", "rebuild"], env=dict(os.environ), check=False)
    return done.returncode
