"""The whole system on one machine: infrastructure, provisioning, then every service as a process."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from wbs_contracts.registry import SERVICES
from wbs_launcher import checkpoint
from wbs_launcher.broker import EmbeddedBroker
from wbs_launcher.children import spawn, stop, wait_or_kill
from wbs_launcher.mail import LocalMailServer
from wbs_launcher.postgres import EmbeddedPostgres
from wbs_launcher.provision import provision
from wbs_runtime.auth.keys import issue_assertion_keys
from wbs_runtime.crypto import issue_for_services
from wbs_runtime.messaging.kafka import ensure_topics
from wbs_runtime.ops.environment import write_env_file
from wbs_runtime.settings import (
    EMBEDDED_KAFKA_PORT,
    EMBEDDED_POSTGRES_PORT,
    GATEWAY_PORT,
    default_http_port,
    env_prefix,
)

log = logging.getLogger(__name__)
#: The local SMTP server's port for `make run` (WBS_SMTP_PORT); tests and benchmarks take a free one.
SMTP_PORT = 8025

#: The demonstration's tenants as directory's YAML documents (BPS, two inspectorates, the agencies).
DEMO_TENANTS = Path(__file__).resolve().parent / "demo" / "tenants"


#: The public edge: what a reporter waits on. The rest is the back office, fed through Kafka.
EDGE = frozenset({"gateway", "intake"})
#: The back office's CPU priority below the edge's (nice): measured in bench/RESULTS.md.
BACK_OFFICE_NICE = 10


class StackFailed(RuntimeError):
    pass


@dataclass
class StackConfig:
    var_dir: Path
    gateway_port: int = GATEWAY_PORT
    broker_port: int = EMBEDDED_KAFKA_PORT
    postgres_port: int = EMBEDDED_POSTGRES_PORT
    service_ports: dict[str, int] = field(default_factory=lambda: {s: default_http_port(s) for s in SERVICES})
    #: An existing Kafka cluster instead of the embedded broker.
    bootstrap_servers: str | None = None
    #: An existing PostgreSQL server (superuser URL) instead of the embedded one.
    postgres_admin_url: str | None = None
    database_suffix: str = ""
    topic_prefix: str = ""
    #: Tenant documents (a YAML file or a folder of them) imported into directory once, at the first start.
    tenants: Path | None = DEMO_TENANTS
    extra_env: dict[str, str] = field(default_factory=dict)
    #: Where services' logs go; None means this terminal.
    service_log_dir: Path | None = None
    #: One demonstration account per role in the demonstration tenants (development only).
    demo_officers: bool = True
    #: The local SMTP server keeping every e-mail under var/mail (0: any free port); not started when
    #: WBS_NOTIFY_SMTP_HOST names another server.
    smtp_port: int = 0

    @classmethod
    def from_environment(cls, root: Path) -> StackConfig:
        env = os.environ
        var_dir = Path(env.get("WBS_VAR_DIR", root / "var"))
        ports = {s: int(env.get(f"{env_prefix(s)}HTTP_PORT", default_http_port(s))) for s in SERVICES}
        return cls(
            var_dir=var_dir,
            gateway_port=int(env.get("WBS_PORT", GATEWAY_PORT)),
            broker_port=int(env.get("WBS_BROKER_PORT", EMBEDDED_KAFKA_PORT)),
            postgres_port=int(env.get("WBS_POSTGRES_PORT", EMBEDDED_POSTGRES_PORT)),
            service_ports=ports,
            bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS") or None,
            postgres_admin_url=env.get("WBS_POSTGRES_ADMIN_URL") or None,
            topic_prefix=env.get("WBS_KAFKA_TOPIC_PREFIX", ""),
            smtp_port=int(env.get("WBS_SMTP_PORT", SMTP_PORT)),
        )


@dataclass
class Stack:
    config: StackConfig
    postgres: EmbeddedPostgres | None = None
    broker: EmbeddedBroker | None = None
    database_urls: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    checkpoints: checkpoint.CheckpointWriter | None = None
    mail: LocalMailServer | None = None

    @property
    def key_root(self) -> Path:
        return self.config.var_dir / "keys"

    def key_dir(self, service: str) -> Path:
        """Each service gets a folder with only the private keys it is entitled to."""
        return self.key_root / service

    @property
    def blob_dir(self) -> Path:
        """Evidence files, encrypted: intake writes them, triage serves them to officers."""
        return self.config.var_dir / "blobs"

    @property
    def consumed_file(self) -> Path:
        """What every consumer had applied on the embedded broker (see wbs_launcher.checkpoint)."""
        return self.config.var_dir / "broker-consumed.json"

    @property
    def env_file(self) -> Path:
        """What the ``wbs`` command needs to reach this stack (database passwords included)."""
        return self.config.var_dir / "wbs.env"

    def operator_env(self) -> dict[str, str]:
        return {
            **{f"{env_prefix(s)}DATABASE_URL": url for s, url in self.database_urls.items()},
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers,
            "WBS_KAFKA_TOPIC_PREFIX": self.config.topic_prefix,
            **({"WBS_KAFKA_PARTITIONS": str(self.partitions)} if self.partitions else {}),
            # wbs keys rotate|reseal|list work on this stack's keys.
            "WBS_KEY_ROOT": str(self.key_root.resolve()),
            # wbs mail list|show read what the local SMTP server kept.
            "WBS_MAIL_DIR": str(self.mail_dir.resolve()),
        }

    @property
    def mail_dir(self) -> Path:
        """Every e-mail the local SMTP server received, as a Maildir."""
        return self.config.var_dir / "mail"

    @property
    def demo_officers_file(self) -> Path:
        """The demonstration accounts and their passwords (0600), shown at every start."""
        return self.config.var_dir / "demo-officers.txt"

    @property
    def log_dir(self) -> Path:
        return self.config.var_dir / "log"

    @property
    def bootstrap_servers(self) -> str:
        if self.config.bootstrap_servers:
            return self.config.bootstrap_servers
        assert self.broker is not None
        return self.broker.bootstrap_servers

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.config.gateway_port}"

    @property
    def partitions(self) -> int | None:
        """Partitions of the topics WBS creates (``WBS_KAFKA_PARTITIONS``), else the registry's.

        Fewer partitions cost the embedded broker less per fetch, but they slow down catching up
        (measured on 2 cores, bench/RESULTS.md): with one per topic a burst of submissions took
        about a third more reports per second, and triage caught up at half the rate (966/s)."""
        return self._whole_number("WBS_KAFKA_PARTITIONS", lowest=1, highest=None)

    @property
    def back_office_nice(self) -> int:
        """How much lower the back office's CPU priority is than the public edge's
        (``WBS_BACK_OFFICE_NICE``, 0-19, default ``BACK_OFFICE_NICE``).

        Under a flood of reports the edge (gateway and intake) takes the CPU first and every report
        is accepted and kept; the services behind it apply the queued events in bigger batches,
        which cost less each, and catch up when the flood ebbs (bench/RESULTS.md). When the CPU is
        not contended, priority changes nothing."""
        chosen = self._whole_number("WBS_BACK_OFFICE_NICE", lowest=0, highest=19)
        return BACK_OFFICE_NICE if chosen is None else chosen

    def _whole_number(self, name: str, *, lowest: int, highest: int | None) -> int | None:
        """A launcher setting from the environment or ``extra_env``, refused before anything starts."""
        chosen = os.environ.get(name) or self.config.extra_env.get(name)
        if not chosen:
            return None
        if not chosen.isdigit() or int(chosen) < lowest or (highest is not None and int(chosen) > highest):
            span = f"between {lowest} and {highest}" if highest is not None else f"at least {lowest}"
            raise StackFailed(f"{name} must be a whole number {span}, not {chosen!r}")
        return int(chosen)

    def service_url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.config.service_ports[service]}"

    # -- start -------------------------------------------------------------------------------

    def start(self) -> None:
        # Refuse a wrong setting before anything starts.
        _ = self.partitions, self.back_office_nice
        self.start_infrastructure()
        self.prepare()
        self.start_services(replay=self.replay_arguments())
        self.seed()
        self.wait_for_tenants()
        self.start_checkpoints()

    def start_infrastructure(self) -> None:
        self.config.var_dir.mkdir(parents=True, exist_ok=True)
        if self.config.postgres_admin_url is None:
            self.postgres = EmbeddedPostgres(
                self.config.var_dir / "postgres", self.config.postgres_port, self.log_dir / "postgres.log"
            )
            log.info("starting PostgreSQL on 127.0.0.1:%d", self.config.postgres_port)
            self.postgres.start()
        if self.config.bootstrap_servers is None:
            self.broker = EmbeddedBroker(self.config.broker_port, self.log_dir / "broker.log")
            log.info("starting the embedded Kafka-compatible broker on 127.0.0.1:%d", self.config.broker_port)
            self.broker.start()
        if not os.environ.get("WBS_NOTIFY_SMTP_HOST"):
            self.mail = LocalMailServer(self.mail_dir, self.config.smtp_port)
            self.mail.start()
            log.info("local SMTP server on 127.0.0.1:%d keeps every e-mail in %s", self.mail.port, self.mail_dir)

    def prepare(self) -> None:
        """Databases, keys, topics. Each service migrates its own database as it starts."""
        admin_url = self.config.postgres_admin_url or (self.postgres.admin_url if self.postgres else "")
        suffix = self.config.database_suffix

        async def provision_all() -> dict[str, str]:
            return {s: await provision(admin_url, s, f"wbs_{s}{suffix}") for s in SERVICES}

        self.database_urls = asyncio.run(provision_all())
        write_env_file(self.env_file, self.operator_env())
        # Each service gets every public key and only the private keys Audience.READERS entitles it
        # to; keys rotated with `wbs keys rotate` are kept and handed out again. Directory alone
        # gets the key that signs officers' assertions; every service the keys that verify them.
        for tenant in self.tenant_ids():
            issue_for_services(self.key_root, tenant, SERVICES)
        issue_assertion_keys(self.key_root, SERVICES)
        created = asyncio.run(
            ensure_topics(self.bootstrap_servers, prefix=self.config.topic_prefix, partitions=self.partitions)
        )
        log.info("topics ready (%d created)", len(created))

    def migrate_all(self) -> None:
        """Every service's database to the newest schema, without starting the services (benchmarks
        write into a service's tables before it starts)."""
        self._run_all({s: [*self._module(s), "migrate"] for s in SERVICES}, "migrate")

    def replay_arguments(self) -> list[str]:
        """What each service publishes again as it starts: a memory-only broker forgot every event,
        so each service publishes what some consumer had not applied when the broker stopped (all
        it retains, without a record of that).

        The record describes the broker that stopped; the services get a copy of it, and the
        record itself says "nothing applied" from now on, before any service publishes to the new
        broker. A crash before the new broker's first mark then republishes all it published
        (consumers are idempotent) and never takes one of its offsets for an old broker's."""
        if self.broker is None:
            return []
        replay = ["--replay-outbox"]
        if self.consumed_file.is_file():
            shutil.copyfile(self.consumed_file, self.replayed_record)
            replay += ["--consumed", str(self.replayed_record)]
        checkpoint.write(self.consumed_file, {})
        return replay

    @property
    def replayed_record(self) -> Path:
        """The copy of the stopped broker's record the services replay from at this start."""
        return self.config.var_dir / "broker-consumed-before-start.json"

    def seed(self) -> None:
        """The demonstration's tenants, once: afterwards they are the administrators'
        (`wbs tenants import`), and a restart must not put the demonstration's policies back over
        their changes. Then one demonstration account per role, in the tenants that exist: made
        once (delete ``var/demo-officers.txt`` to make those missing again)."""
        imported = False
        if self.config.tenants is not None and not self.tenants_seeded.exists():
            wbs = [sys.executable, "-m", "wbs_runtime.ops.cli"]
            self._run_all({"directory": [*wbs, "tenants", "import", str(self.config.tenants)]}, "seed-tenants")
            self.tenants_seeded.write_text(f"{self.config.tenants}\n")
            imported = True
        if self.config.demo_officers and (imported or not self.demo_officers_file.is_file()):
            seed = [*self._module("directory"), "seed-demo-officers", "--output", str(self.demo_officers_file)]
            self._run_all({"directory": seed}, "seed-demo-officers")

    @property
    def tenants_seeded(self) -> Path:
        return self.config.var_dir / "tenants-seeded"

    def tenant_documents(self) -> list[dict[str, Any]]:
        """The tenant documents the stack seeds (their keys are issued up front)."""
        path = self.config.tenants
        if path is None:
            return []
        files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        return [d for f in files for d in yaml.safe_load_all(f.read_text(encoding="utf-8")) if d]

    def tenant_ids(self) -> list[str]:
        return [d["id"] for d in self.tenant_documents()]

    def wait_for_tenants(self, timeout: float = 60.0) -> None:
        """Until intake offers the seeded bodies: they reach it as events, after directory starts."""
        bodies = {d["id"] for d in self.tenant_documents() if d.get("kind", "body") == "body"}
        if not bodies:
            return
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                try:
                    offered = {t["id"] for t in client.get(f"{self.service_url('intake')}/api/v1/tenants").json()}
                    if bodies <= offered:
                        return
                except (httpx.HTTPError, ValueError, KeyError, TypeError):
                    pass
                time.sleep(0.2)
        raise StackFailed(f"intake does not offer the seeded tenants after {timeout:.0f}s")

    def start_services(self, timeout: float = 300.0, replay: list[str] | None = None) -> None:
        """Every service (each migrates its database, and publishes again what ``replay`` asks),
        then the gateway; until all are ready. The timeout is the old migration round's: a long
        migration or a replay without a record runs before a service answers."""
        for service in SERVICES:
            self._spawn_service(service, replay)
        self.processes["gateway"] = spawn(
            [sys.executable, "-m", "wbs_gateway"], env=self.gateway_env(), log_file=self._log_file("gateway")
        )
        self._wait_ready(self.processes, timeout)

    def start_checkpoints(self) -> None:
        """The record of what every consumer applied, kept while the embedded broker runs."""
        if self.broker is not None:
            self.checkpoints = checkpoint.CheckpointWriter(
                self.consumed_file, self.bootstrap_servers, self.config.topic_prefix
            )
            self.checkpoints.start()

    def stop_service(self, service: str) -> None:
        """Stop one service gracefully (SIGTERM), as an operator or an orchestrator would."""
        stop(self.processes.pop(service), service)

    def start_service(self, service: str, timeout: float = 60.0) -> None:
        self._spawn_service(service)
        self._wait_ready({service: self.processes[service]}, timeout)

    def _spawn_service(self, service: str, replay: list[str] | None = None) -> None:
        self.processes[service] = spawn(
            [*self._module(service), "serve", "--migrate", *(replay or [])],
            env=self.env_for(service),
            log_file=self._log_file(service),
            nice=0 if service in EDGE else self.back_office_nice,
        )

    # -- stop --------------------------------------------------------------------------------

    def stop(self) -> None:
        """Services first (they finish in-flight work), then the broker, then the database."""
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()  # all at once: each finishes its in-flight work in parallel
        for name, process in self.processes.items():
            wait_or_kill(process, name)  # already signalled above; wait, and kill only if it hangs
        self.processes.clear()
        if self.checkpoints is not None:
            self.checkpoints.stop()
            self.checkpoints = None
            # The services have stopped: this mark is final for the broker about to stop.
            checkpoint.take(self.consumed_file, self.bootstrap_servers, self.config.topic_prefix)
        if self.broker is not None:
            self.broker.stop()
        if self.mail is not None:
            self.mail.stop()
        if self.postgres is not None:
            self.postgres.stop()

    def kill(self) -> None:
        """Every process killed at once (SIGKILL), as a power cut would: no last record of what
        the consumers applied, only the writer's latest. For measuring and testing recovery."""
        if self.checkpoints is not None:
            self.checkpoints.stop()
            self.checkpoints = None
        for name, process in self.processes.items():
            stop(process, name, sig=signal.SIGKILL)
        self.processes.clear()
        if self.broker is not None:
            self.broker.stop(sig=signal.SIGKILL)
        if self.postgres is not None:
            self.postgres.stop(sig=signal.SIGKILL)
        if self.mail is not None:
            self.mail.stop()

    # -- helpers -----------------------------------------------------------------------------

    def env_for(self, service: str) -> dict[str, str]:
        prefix = env_prefix(service)
        return {
            **os.environ,
            # Directory's address for OpenID providers' redirects is the gateway's (unless told otherwise).
            "WBS_DIRECTORY_PUBLIC_URL": os.environ.get("WBS_DIRECTORY_PUBLIC_URL", self.gateway_url),
            # The address the receipt PDF tells the reporter to follow the report at.
            "WBS_INTAKE_PUBLIC_URL": os.environ.get("WBS_INTAKE_PUBLIC_URL", self.gateway_url),
            # Links in e-mail and webhooks; e-mail goes to the local SMTP server (var/mail).
            "WBS_NOTIFY_PUBLIC_URL": os.environ.get("WBS_NOTIFY_PUBLIC_URL", self.gateway_url),
            **self.mail_env(),
            **self.config.extra_env,
            f"{prefix}DATABASE_URL": self.database_urls[service],
            f"{prefix}HTTP_HOST": "127.0.0.1",
            f"{prefix}HTTP_PORT": str(self.config.service_ports[service]),
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers,
            "WBS_KAFKA_TOPIC_PREFIX": self.config.topic_prefix,
            "WBS_KEY_DIR": str(self.key_dir(service).resolve()),
            "WBS_BLOB_DIR": str(self.blob_dir.resolve()),
            # Where directory's queue-health page reads each service's /readyz and /metrics.
            "WBS_DIRECTORY_SERVICE_URLS": json.dumps({s: self.service_url(s) for s in SERVICES}),
            # Plain HTTP on 127.0.0.1: the session cookie cannot be Secure here (it is in a deployment).
            "WBS_DIRECTORY_INSECURE_COOKIES": "true",
            "WBS_INTAKE_INSECURE_COOKIES": "true",
            "WBS_TRIAGE_INSECURE_COOKIES": "true",
            "WBS_INVESTIGATION_INSECURE_COOKIES": "true",
            "WBS_NOTIFY_INSECURE_COOKIES": "true",
            "WBS_REPORTING_INSECURE_COOKIES": "true",
            "PYTHONUNBUFFERED": "1",
        }

    def mail_env(self) -> dict[str, str]:
        """Notify's SMTP server when the stack runs its own, and leave to call local webhook receivers."""
        if self.mail is None:
            return {}
        return {
            "WBS_NOTIFY_SMTP_HOST": self.mail.host,
            "WBS_NOTIFY_SMTP_PORT": str(self.mail.port),
            "WBS_NOTIFY_MAIL_SENDER": "WBS <wbs@wbs.localhost>",
            "WBS_NOTIFY_WEBHOOK_ALLOW_PRIVATE": "true",
        }

    def gateway_env(self) -> dict[str, str]:
        upstreams = {f"WBS_GATEWAY_UPSTREAM_{s.upper()}": self.service_url(s) for s in SERVICES}
        return {
            **os.environ,
            **self.config.extra_env,
            **upstreams,
            "WBS_PORT": str(self.config.gateway_port),
            "WBS_GATEWAY_EXPOSE_OPERATIONS": "true",
            "PYTHONUNBUFFERED": "1",
        }

    def _module(self, service: str) -> list[str]:
        return [sys.executable, "-m", f"wbs_{service}"]

    def _log_file(self, name: str) -> Path | None:
        directory = self.config.service_log_dir
        return directory / f"{name}.log" if directory else None

    def _run_all(self, commands: Mapping[str, list[str]], what: str) -> None:
        """Run one command per service in parallel; fail with the output of any that failed."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        running = {
            name: spawn(command, env=self.env_for(name), log_file=self.log_dir / f"{name}-{what}.log")
            for name, command in commands.items()
        }
        failed = []
        for name, process in running.items():
            if process.wait(timeout=300) != 0:
                failed.append(f"{name} ({(self.log_dir / f'{name}-{what}.log').read_text()[-3000:]})")
        if failed:
            raise StackFailed(f"{what} failed for: " + "\n".join(failed))

    def _wait_ready(self, processes: Mapping[str, subprocess.Popen[bytes]], timeout: float) -> None:
        pending = {name: self._readiness_url(name) for name in processes}
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2.0) as client:
            while pending and time.monotonic() < deadline:
                for name, url in list(pending.items()):
                    code = processes[name].poll()
                    if code is not None:
                        raise StackFailed(f"{name} exited with {code} while starting")
                    try:
                        if client.get(url).status_code == 200:
                            del pending[name]
                    except httpx.HTTPError:
                        pass
                time.sleep(0.2)
        if pending:
            raise StackFailed(f"not ready after {timeout:.0f}s: {', '.join(sorted(pending))}")

    def _readiness_url(self, name: str) -> str:
        base = self.gateway_url if name == "gateway" else self.service_url(name)
        return f"{base}/readyz"

    def dead_children(self) -> dict[str, int]:
        return {name: code for name, p in self.processes.items() if (code := p.poll()) is not None}
