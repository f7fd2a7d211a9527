"""``python -m wbs_launcher run``: the whole system on this machine, until Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from wbs_contracts.registry import SERVICES
from wbs_launcher.stack import Stack, StackConfig, StackFailed
from wbs_runtime.cli import quiet_chatty_libraries

log = logging.getLogger("wbs.launcher")
ROOT = Path.cwd()


class Shutdown(Exception):
    pass


def _on_signal(signum: int, _: FrameType | None) -> None:
    # Further signals are ignored while stopping, so a second Ctrl-C cannot orphan anything.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Shutdown(signal.Signals(signum).name)


def banner(stack: Stack) -> str:
    lines = [
        "",
        "WBS berjalan / WBS is running",
        f"  Untuk pelapor / for people:     {stack.gateway_url}/",
        f"  API laporan / reports API:      {stack.gateway_url}/api/v1/reports",
        f"  Statistik (petugas / officers): {stack.gateway_url}/api/v1/tenants/bps-1700/statistics",
        f"  Dokumentasi API / API docs:     {stack.gateway_url}/api/docs",
        f"  Kesehatan antrean / queue health (operator): {stack.gateway_url}/operasi",
        f"  Broker (Kafka protocol):        {stack.bootstrap_servers}",
    ]
    if stack.postgres is not None:
        port, data = stack.config.postgres_port, stack.postgres.data_dir
        lines.append(f"  PostgreSQL:                     127.0.0.1:{port} (data in {data})")
    if stack.mail is not None:
        mail = f"127.0.0.1:{stack.mail.port}, {stack.mail_dir} (wbs mail list)"
        lines.append(f"  Surel / e-mail (SMTP lokal / local): {mail}")
    lines.append("  Layanan / services (API docs, health, readiness, metrics):")
    for service in SERVICES:
        url = stack.service_url(service)
        lines.append(f"    {service:<14} {url}/docs  {url}/healthz  {url}/readyz  {url}/metrics")
    lines.append(f"  Petugas / officers sign in:     {stack.gateway_url}/masuk")
    if stack.demo_officers_file.is_file():
        lines.append(f"  Akun demo (pengembangan saja) / demo accounts (development only), {stack.demo_officers_file}:")
        lines += [f"    {line}" for line in stack.demo_officers_file.read_text(encoding="utf-8").splitlines()]
    tenants = stack.tenant_ids()
    if tenants:
        shown = ", ".join(tenants[:7])
        lines.append(f"  Instansi demo / demo tenants ({len(tenants)}; wbs tenants list): {shown}, ...")
    lines += [
        "Tekan Ctrl-C untuk berhenti / press Ctrl-C to stop.",
        "",
    ]
    return "\n".join(lines)


def run() -> int:
    stack = Stack(StackConfig.from_environment(ROOT))
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    try:
        stack.start()
        print(banner(stack), flush=True)
        while True:
            dead = stack.dead_children()
            if dead:
                log.error(
                    "stopping everything: %s exited unexpectedly", ", ".join(f"{n} ({c})" for n, c in dead.items())
                )
                return 1
            time.sleep(0.5)
    except Shutdown as reason:
        log.info("%s received: stopping", reason)
        return 0
    except StackFailed as error:
        log.error("%s", error)
        return 1
    finally:
        stack.stop()
        log.info("every process stopped")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wbs_launcher")
    parser.add_argument("command", choices=["run"])
    parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-7s [launcher] %(message)s")
    quiet_chatty_libraries()
    return run()


if __name__ == "__main__":
    sys.exit(main())
