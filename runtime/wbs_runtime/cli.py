"""The command line every service shares: ``python -m wbs_<service> serve|migrate|replay-outbox|revision``.

``serve --migrate --replay-outbox`` does in one process what ``migrate --replay-outbox`` then
``serve`` do in two (the launcher's start)."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy import MetaData

from wbs_runtime import migrate
from wbs_runtime.db import create_engine, create_sessionmaker
from wbs_runtime.messaging.restart import Replayed, load_consumed, replay
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings

#: An extra command: adds its arguments to a sub-parser and returns the function that runs it.
ExtraCommand = Callable[[argparse.ArgumentParser], Callable[[ServiceSettings, argparse.Namespace], int]]


@dataclass(frozen=True)
class ServiceProgram:
    """What a service's entrypoint declares; everything else (commands, migrations, serving) is here."""

    settings: type[ServiceSettings]
    title: str
    build: Callable[[Any], ServiceRuntime[Any]]
    metadata: MetaData
    description: str = ""
    #: name -> (help, command)
    extra_commands: Mapping[str, tuple[str, ExtraCommand]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.settings.service

    @property
    def migrations(self) -> Path:
        """The service's alembic branch: the ``migrations`` folder of package ``wbs_<name>``."""
        spec = importlib.util.find_spec(f"wbs_{self.name}")
        if spec is None or not spec.submodule_search_locations:
            raise LookupError(f"package wbs_{self.name} is not installed")
        return Path(next(iter(spec.submodule_search_locations))) / "migrations"

    def main(self, argv: Sequence[str] | None = None) -> int:
        return run(self, argv)


#: Libraries whose INFO is a line per request or per coordinator lookup: queue health's probes
#: (httpx, every few seconds) and ``make run``'s record of what was applied (aiokafka, six groups
#: every five seconds) would bury what a person needs to read. Their warnings still show.
CHATTY_LIBRARIES = ("aiokafka", "httpx")


def quiet_chatty_libraries() -> None:
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)


def configure_logging(service: str, level: str) -> None:
    logging.basicConfig(
        level=level.upper(),
        format=f"%(asctime)s %(levelname)-7s [wbs-{service}] %(name)s: %(message)s",
        force=True,
    )
    quiet_chatty_libraries()


def serve(program: ServiceProgram, settings: ServiceSettings) -> int:
    runtime = program.build(settings)
    app = runtime.create_app(title=program.title, description=program.description)
    config = uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=20,
    )
    uvicorn.Server(config).run()
    return 0


async def _replay(settings: ServiceSettings, consumed: Path | None, since: datetime | None = None) -> Replayed:
    engine = create_engine(settings.database_url, pool_size=1)
    try:
        async with create_sessionmaker(engine)() as session:
            replayed = await replay(session, load_consumed(consumed) if consumed else None, since)
            await session.commit()
            return replayed
    finally:
        await engine.dispose()


def _report(log: logging.Logger, replayed: Replayed) -> None:
    log.info(
        "%d event(s) queued for publishing again; %d left alone, applied by every consumer already",
        replayed.republished,
        replayed.already_applied,
    )


def run(program: ServiceProgram, argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m wbs_{program.name}", description=program.title)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="run the service (HTTP, consumers, outbox relay)")
    # One process where a launcher would start two: each Python process costs seconds of CPU to start.
    serve_parser.add_argument(
        "--migrate", action="store_true", help="first bring the service's database to the newest schema"
    )
    migrate_parser = commands.add_parser("migrate", help="bring the service's database to the newest schema")
    for with_flag, then in ((serve_parser, "before serving"), (migrate_parser, "then")):
        with_flag.add_argument(
            "--replay-outbox",
            action="store_true",
            help=f"{then}, queue retained events for publishing again (after a memory-only broker restarted)",
        )
    replay_parser = commands.add_parser("replay-outbox", help="publish already published events again")
    replay_parser.add_argument("--since", type=datetime.fromisoformat, help="only events created since (ISO 8601)")
    for with_replay in (serve_parser, migrate_parser, replay_parser):
        with_replay.add_argument(
            "--consumed",
            type=Path,
            metavar="FILE",
            help="the launcher's record of what every consumer applied: only the rest is published again",
        )
    revision_parser = commands.add_parser("revision", help="autogenerate a migration of the service's tables")
    revision_parser.add_argument("-m", "--message", required=True)
    extra = {name: make(commands.add_parser(name, help=help)) for name, (help, make) in program.extra_commands.items()}

    arguments = parser.parse_args(argv)
    settings = program.settings()
    configure_logging(program.name, settings.log_level)
    log = logging.getLogger(f"wbs.{program.name}")
    if arguments.command in {"serve", "migrate"}:
        if arguments.command == "migrate" or arguments.migrate:
            migrate.upgrade(settings.database_url, program.migrations, program.metadata)
            log.info("database migrated")
        if arguments.replay_outbox:
            _report(log, asyncio.run(_replay(settings, arguments.consumed)))
        return serve(program, settings) if arguments.command == "serve" else 0
    if arguments.command == "replay-outbox":
        _report(log, asyncio.run(_replay(settings, arguments.consumed, arguments.since)))
        return 0
    if arguments.command == "revision":
        migrate.revision(settings.database_url, program.migrations, program.metadata, arguments.message, program.name)
        return 0
    return extra[arguments.command](settings, arguments)
