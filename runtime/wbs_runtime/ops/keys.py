"""``wbs keys``: the tenants' key pairs: list, rotate, re-seal data at rest, issue.

Keys live in a key root (``--key-root``, else ``WBS_KEY_ROOT``, else ``var/keys`` as ``make run``
keeps them): every key in ``_master/``, and one directory per service with what that service is
entitled to (see ``wbs_runtime.crypto.keystore``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from wbs_contracts.registry import SERVICES
from wbs_contracts.sealed import Audience
from wbs_runtime.crypto.keystore import MASTER, issue_for_services, list_tenant_keys, rotate_tenant_keys

DEFAULT_KEY_ROOT = Path("var") / "keys"

HELP = "kunci instansi: daftar, rotasi, segel ulang / tenants' keys: list, rotate, re-seal"
DESCRIPTION = """\
Kunci per instansi dan audiens: satu pasang kunci yang berlaku, kunci privat lama disimpan agar data
lama tetap terbuka. Each tenant has one current key pair per audience; old private keys are kept so
that old data still opens.

  wbs keys list   --tenant T               kunci dan yang berlaku / key ids, which is current
  wbs keys rotate --tenant T [--audience A] kunci baru / new keys (running services pick them up)
  wbs keys reseal --tenant T               segel ulang data tersimpan / re-seal data at rest
  wbs keys issue  --tenant T               kunci pertama / a tenant's first keys
"""


def key_root(arguments: argparse.Namespace) -> Path:
    chosen: Path | None = arguments.key_root
    return chosen or Path(os.environ.get("WBS_KEY_ROOT", DEFAULT_KEY_ROOT))


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "keys", help=HELP, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="keys_command", metavar="<perintah / command>", required=True)

    def command(name: str, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.add_argument("--tenant", required=True, help="instansi / tenant, e.g. bps-1700")
        sub.add_argument(
            "--key-root",
            "--into",
            type=Path,
            default=None,
            help="akar kunci / key root (default: $WBS_KEY_ROOT, else var/keys)",
        )
        return sub

    command("list", "tampilkan kunci dan yang berlaku / show key ids and which is current").set_defaults(
        handler=list_keys
    )
    rotate = command("rotate", "terbitkan pasangan kunci baru / issue new key pairs (old private keys stay)")
    rotate.add_argument(
        "--audience",
        action="append",
        choices=Audience.ALL,
        help="hanya audiens ini / only this audience (default: all; may be repeated)",
    )
    rotate.set_defaults(handler=rotate_keys)
    reseal = command("reseal", "segel ulang data tersimpan ke kunci terbaru / re-seal data at rest to the newest key")
    reseal.add_argument(
        "--service", action="append", choices=SERVICES, help="hanya layanan ini / only this service (default: all)"
    )
    reseal.set_defaults(handler=reseal_at_rest)
    command("issue", "terbitkan kunci yang belum ada / issue keys a tenant lacks, one folder per service").set_defaults(
        handler=issue_keys
    )


def list_keys(arguments: argparse.Namespace) -> int:
    root = key_root(arguments)
    services = [s for s in SERVICES if (root / s / arguments.tenant).is_dir()]
    print(f"{arguments.tenant} ({root / MASTER})")
    audience = None
    for key in list_tenant_keys(root / MASTER, arguments.tenant):
        if key.audience != audience:
            audience = key.audience
            print(f"  {audience}")
        fingerprint = key.kid.rsplit("/", 1)[1]
        holders = [s for s in services if (root / s / arguments.tenant / f"{audience}-{fingerprint}.key").exists()]
        marker = "*" if key.current else " "
        state = "berlaku / current" if key.current else "lama / earlier"
        held = ", ".join(holders) or "-"
        print(f"  {marker} {key.kid}  {key.created:%Y-%m-%d %H:%M} UTC  {state:<18}  kunci privat di / held by: {held}")
    return 0


def rotate_keys(arguments: argparse.Namespace) -> int:
    root = key_root(arguments)
    if not (root / MASTER / arguments.tenant).is_dir():
        tenant = arguments.tenant
        raise LookupError(
            f"instansi {tenant} belum punya kunci / tenant {tenant} has no keys in {root / MASTER} "
            f"(wbs keys issue --tenant {tenant})"
        )
    audiences = arguments.audience or list(Audience.ALL)
    for kid in rotate_tenant_keys(root / MASTER, arguments.tenant, audiences):
        print(f"kunci baru / new key: {kid}")
    issue_for_services(root, arguments.tenant, SERVICES)
    print(
        "Layanan yang berjalan memakai kunci baru dalam beberapa detik; data lama tetap terbuka dengan kunci lama.\n"
        "Running services seal to the new keys within seconds; old data still opens with the old keys.\n"
        f"Lalu / then: wbs keys reseal --tenant {arguments.tenant}"
    )
    return 0


def issue_keys(arguments: argparse.Namespace) -> int:
    root = key_root(arguments)
    issue_for_services(root, arguments.tenant, SERVICES)
    print(
        f"kunci {arguments.tenant} di / keys under {root}/<layanan / service>/ "
        f"(salinan induk / master copy in {root / MASTER}: simpan offline / keep it offline)"
    )
    return 0


def _module(service: str) -> list[str]:
    return [sys.executable, "-m", f"wbs_{service}"]


def _has_reseal(service: str, environment: dict[str, str]) -> bool:
    """Whether the service offers a ``reseal`` command (the runtime knows no service, so it asks)."""
    probe = subprocess.run(  # noqa: S603 - our own interpreter and module
        [*_module(service), "reseal", "--help"], env=environment, capture_output=True, check=False
    )
    return probe.returncode == 0


def reseal_at_rest(arguments: argparse.Namespace) -> int:
    """``python -m wbs_<service> reseal`` for each service that may open an audience and keeps
    something sealed; each reads its database from the same environment as the service."""
    root = key_root(arguments)
    failed = []
    for service in arguments.service or SERVICES:
        if not Audience.readable_by(service):
            continue  # it cannot open anything, so it has nothing it could re-seal
        environment = dict(os.environ)
        if (root / service).is_dir():
            environment["WBS_KEY_DIR"] = str((root / service).resolve())
        if not _has_reseal(service, environment):
            print(f"{service}: tidak menyimpan data tersegel / keeps nothing sealed at rest")
            continue
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            [*_module(service), "reseal", "--tenant", arguments.tenant], env=environment, check=False
        )
        if done.returncode != 0:
            failed.append(service)
    if failed:
        print(f"gagal / failed: {', '.join(failed)} (lihat di atas / see above)", file=sys.stderr)
        return 1
    return 0
