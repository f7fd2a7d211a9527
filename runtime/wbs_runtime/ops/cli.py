"""``wbs``: one command for operators, Bahasa Indonesia first, English second.

Each group of subcommands lives in its own module with a ``register(subparsers)`` function that
adds its parser and sets ``handler`` (a function of the parsed arguments returning an exit code).
Groups that belong to one service (``wbs tenants`` is directory's) are found through the
``wbs.commands`` entry point the service's package declares, so the runtime knows no service.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points

from wbs_runtime.ops.environment import load_env_file

#: Modules of ``wbs_runtime.ops`` that add subcommands, in the order ``wbs --help`` lists them.
GROUPS: tuple[str, ...] = ("dlq", "outbox", "keys", "audit")

DESCRIPTION = """\
Perintah operator WBS / the WBS operator's command.

Setiap tugas operator ada di sini; bantuan tiap perintah: wbs <perintah> --help.
Every operator task lives here; help on each: wbs <command> --help.

Basis data dan broker dibaca dari variabel lingkungan yang sama dengan layanan
(WBS_<LAYANAN>_DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS), atau dari var/wbs.env yang ditulis `make run`.
Databases and the broker come from the services' own variables, or from var/wbs.env written by `make run`.
"""

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wbs", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", metavar="<perintah / command>", required=True)
    for group in GROUPS:
        importlib.import_module(f"wbs_runtime.ops.{group}").register(commands)
    for plugin in sorted(entry_points(group="wbs.commands"), key=lambda e: e.name):
        plugin.load()(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    load_env_file()
    arguments = build_parser().parse_args(argv)
    handler: Handler = arguments.handler
    try:
        return handler(arguments)
    except KeyboardInterrupt:
        return 130
    except (OSError, LookupError, ValueError) as error:
        print(f"wbs: gagal / failed: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
