"""``wbs tenants list|show|history|import|export|publish``: the operator's view of the directory.

Registered with ``wbs`` through the ``wbs.commands`` entry point, so the runtime's command knows
no service; each subcommand runs directory's own use cases against directory's database.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from wbs_directory.adapters.db import SqlDirectoryUnitOfWork
from wbs_directory.adapters.tenant_files import dump_documents, read_documents
from wbs_directory.usecases import import_tenants, publish_all
from wbs_runtime.clock import utc_now
from wbs_runtime.db import create_engine, create_sessionmaker
from wbs_runtime.ops.common import table
from wbs_runtime.ops.environment import settings_of

T = TypeVar("T")


def register_tenants(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "tenants",
        help="instansi dan kebijakannya / tenants and their policies",
        description="Instansi (tenant), hierarkinya dan kebijakannya / tenants, their hierarchy and policies.",
    )
    sub = parser.add_subparsers(dest="tenants_command", metavar="<perintah / command>", required=True)
    sub.add_parser("list", help="daftar instansi / list tenants").set_defaults(handler=_list)
    show = sub.add_parser("show", help="dokumen instansi (YAML) / a tenant's document (YAML)")
    show.add_argument("tenant")
    show.set_defaults(handler=_show)
    history = sub.add_parser("history", help="versi kebijakan / a tenant's versions")
    history.add_argument("tenant")
    history.set_defaults(handler=_history)
    imports = sub.add_parser("import", help="buat/ubah instansi dari YAML / create or change tenants from YAML")
    imports.add_argument("paths", nargs="+", type=Path, help="berkas atau folder YAML / YAML files or folders")
    imports.set_defaults(handler=_import)
    export = sub.add_parser("export", help="tulis dokumen instansi sebagai YAML / write tenants as YAML")
    export.add_argument("tenants", nargs="*", help="(kosong = semua / empty = all)")
    export.add_argument("--output", "-o", type=Path, help="berkas tujuan / file to write (default: stdout)")
    export.set_defaults(handler=_export)
    sub.add_parser(
        "publish", help="terbitkan ulang semua konfigurasi / publish every tenant's configuration again"
    ).set_defaults(handler=_publish)


def _run(work: Callable[[SqlDirectoryUnitOfWork], Awaitable[T]]) -> T:
    async def main() -> T:
        engine = create_engine(settings_of("directory").database_url, pool_size=1)
        try:
            return await work(SqlDirectoryUnitOfWork(create_sessionmaker(engine), "directory"))
        finally:
            await engine.dispose()

    return asyncio.run(main())


def operator() -> str:
    """Who ran the command, for each version's ``changed_by`` (officer accounts come with sign-in)."""
    return f"operator:{getpass.getuser()}"


def _list(arguments: argparse.Namespace) -> int:
    async def work(uow: SqlDirectoryUnitOfWork) -> int:
        async with uow:
            stored = await uow.tenants.all()
        rows = [
            (s.document.id, s.document.name, s.document.kind.value, s.document.parent or "", s.version)
            for s in stored.values()
        ]
        print(table(("id", "nama / name", "jenis / kind", "induk / parent", "versi / version"), rows))
        return 0

    return _run(work)


def _show(arguments: argparse.Namespace) -> int:
    return _export(argparse.Namespace(tenants=[arguments.tenant], output=None))


def _history(arguments: argparse.Namespace) -> int:
    async def work(uow: SqlDirectoryUnitOfWork) -> int:
        async with uow:
            versions = await uow.tenants.history(arguments.tenant)
        if not versions:
            raise LookupError(f"instansi tidak dikenal / unknown tenant {arguments.tenant!r}")
        rows = [(v.version, v.changed_at.isoformat(timespec="seconds"), v.changed_by) for v in versions]
        print(table(("versi / version", "diubah / changed", "oleh / by"), rows))
        return 0

    return _run(work)


def _import(arguments: argparse.Namespace) -> int:
    documents = [document for path in arguments.paths for document in read_documents(path)]

    async def work(uow: SqlDirectoryUnitOfWork) -> int:
        result = await import_tenants(documents, uow, clock=utc_now, actor=operator())
        for label, ids in (
            ("dibuat / created", result.created),
            ("diubah / changed", result.changed),
            ("tetap / unchanged", result.unchanged),
            ("diterbitkan ulang / republished", result.republished),
        ):
            if ids:
                print(f"{label}: {', '.join(ids)}")
        return 0

    return _run(work)


def _export(arguments: argparse.Namespace) -> int:
    async def work(uow: SqlDirectoryUnitOfWork) -> int:
        async with uow:
            stored = await uow.tenants.all()
        wanted = arguments.tenants or sorted(stored)
        unknown = [t for t in wanted if t not in stored]
        if unknown:
            raise LookupError(f"instansi tidak dikenal / unknown tenant {', '.join(unknown)}")
        text = dump_documents([stored[t].document for t in wanted])
        if arguments.output is None:
            sys.stdout.write(text)
        else:
            arguments.output.write_text(text, encoding="utf-8")
        return 0

    return _run(work)


def _publish(arguments: argparse.Namespace) -> int:
    published = _run(lambda uow: publish_all(uow, clock=utc_now))
    print(f"diterbitkan / published: {len(published)}")
    return 0
