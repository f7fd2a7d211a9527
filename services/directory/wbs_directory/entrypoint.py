"""Runs directory as its own process: ``python -m wbs_directory serve|migrate|seed-demo-officers|...``."""

from __future__ import annotations

import functools
import logging
from datetime import timedelta
from pathlib import Path

import httpx
from prometheus_client import CollectorRegistry
from pydantic import Field, SecretStr

from wbs_contracts.registry import SERVICES
from wbs_directory.adapters import broker
from wbs_directory.adapters.admin_pages import build_admin_router
from wbs_directory.adapters.db import SqlDirectoryUnitOfWork, TableAncestry, metadata
from wbs_directory.adapters.demo_officers import seed_command
from wbs_directory.adapters.http import build_internal_router
from wbs_directory.adapters.oidc import OidcClient, OpenIdProviders
from wbs_directory.adapters.pages import build_router
from wbs_directory.adapters.passwords import Argon2Passwords
from wbs_directory.adapters.queue_health_pages import build_queue_health_router
from wbs_directory.adapters.sso_pages import build_sso_router
from wbs_directory.adapters.throttle import InMemorySignInThrottle
from wbs_directory.adapters.totp_sealing import KEY_FILE_NAME, TotpSealer
from wbs_directory.domain.session import SessionPolicy
from wbs_directory.domain.throttle import FailurePolicy
from wbs_directory.ports import AssertionSigning, PasswordHasher
from wbs_directory.usecases.sign_in import ACCOUNT, CLIENT, CODE, SignInContext
from wbs_directory.usecases.sso import sso_choices
from wbs_runtime.auth.assertions import SIGNING_KEY_FILE, AssertionSigner
from wbs_runtime.cli import ServiceProgram
from wbs_runtime.clock import Clock, utc_now
from wbs_runtime.crypto.service_secret import load_service_secret
from wbs_runtime.monitoring import LagProbe, QueueHealthMetrics, QueueHealthMonitor, ServiceProbe, subscriptions
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import ServiceSettings, default_http_port
from wbs_runtime.web.pages import service_pages

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
CSRF_KEY_FILE = "csrf.key"


class DirectorySettings(ServiceSettings):
    service = "directory"

    #: The key TOTP secrets are sealed under at rest (``adapters/totp_sealing.py``); as for intake's
    #: pepper, a deployment sets it (or its file) and turns creating off.
    totp_key: SecretStr | None = None
    totp_key_file: Path | None = None
    totp_key_create: bool = True
    session_idle_minutes: float = Field(default=30, gt=0)
    session_absolute_hours: float = Field(default=12, gt=0)
    #: Wrong passwords (per account name, and per client) and wrong codes (per officer) allowed
    #: before each further one locks for longer (30 s, doubling, at most 15 min).
    free_failures_per_account: int = Field(default=5, ge=0)
    free_failures_per_client: int = Field(default=30, ge=0)
    free_failures_per_code: int = Field(default=5, ge=0)
    #: Our client at each body's OpenID provider, by issuer (a deployment secret, JSON):
    #: ``{"https://sso.example.go.id": {"client_id": "wbs", "client_secret": "..."}}``.
    oidc_clients: dict[str, OidcClient] = Field(default_factory=dict)
    #: The address people reach (the gateway's), for the providers' redirect URI; unset, the
    #: address the request came to.
    public_url: str | None = None
    #: Each service's internal address, where the operators' queue-health page reads its
    #: ``/readyz`` and ``/metrics`` (JSON: ``{"intake": "http://intake:8001", ...}``); a service
    #: not named is sought on 127.0.0.1 at its default port.
    service_urls: dict[str, str] = Field(default_factory=dict)
    #: How often queue health (the consumer groups' lag, the services' readiness, outboxes and dead
    #: letters) is measured for the page and the metrics.
    queue_health_seconds: float = Field(default=10, gt=0)

    def service_addresses(self) -> dict[str, str]:
        return {s: self.service_urls.get(s) or f"http://127.0.0.1:{default_http_port(s)}" for s in SERVICES}

    def session_policy(self) -> SessionPolicy:
        return SessionPolicy(
            idle=timedelta(minutes=self.session_idle_minutes), absolute=timedelta(hours=self.session_absolute_hours)
        )

    def failure_policies(self) -> dict[str, FailurePolicy]:
        return {
            ACCOUNT: FailurePolicy(free_failures=self.free_failures_per_account),
            CLIENT: FailurePolicy(free_failures=self.free_failures_per_client),
            CODE: FailurePolicy(free_failures=self.free_failures_per_code),
        }


def _signer(settings: ServiceSettings) -> AssertionSigning | None:
    if settings.key_dir is None or not (settings.key_dir / SIGNING_KEY_FILE).is_file():
        log.warning("no %s in WBS_KEY_DIR: sessions cannot be turned into assertions", SIGNING_KEY_FILE)
        return None
    return AssertionSigner.from_key_dir(settings.key_dir)


def build(
    settings: DirectorySettings,
    *,
    clock: Clock = utc_now,
    hasher: PasswordHasher | None = None,
    service_client: httpx.AsyncClient | None = None,
) -> ServiceRuntime[SqlDirectoryUnitOfWork]:
    """``service_client`` reads the other services' ``/readyz`` and ``/metrics`` (tests give one
    that reaches services running in-process)."""
    key_file = settings.totp_key_file or (settings.key_dir / KEY_FILE_NAME if settings.key_dir else None)
    totp_key = settings.totp_key.get_secret_value() if settings.totp_key else None
    sealer = TotpSealer(
        load_service_secret(totp_key, key_file, create=settings.totp_key_create, variable="WBS_DIRECTORY_TOTP_KEY")
    )
    runtime = ServiceRuntime(settings, functools.partial(SqlDirectoryUnitOfWork, sealer=sealer))
    # Administration reaches down the hierarchy: directory's own tenant table says what is below what.
    runtime.access.ancestry = TableAncestry(runtime.sessionmaker)
    broker.subscribe(runtime)
    web = service_pages(settings, HERE, csrf_key_file=CSRF_KEY_FILE)
    context = SignInContext(
        hasher=hasher or Argon2Passwords(),
        throttle=InMemorySignInThrottle(settings.failure_policies(), clock),
        clock=clock,
        policy=settings.session_policy(),
    )
    signer = _signer(settings)
    runtime.include_router(web.shared_router())
    providers = OpenIdProviders(settings.oidc_clients, clock=clock)
    runtime.include_router(
        build_router(web, context, runtime.unit_of_work, lambda: sso_choices(runtime.unit_of_work(), providers))
    )
    runtime.include_router(build_admin_router(web, context, runtime.unit_of_work))
    runtime.include_router(build_sso_router(web, context, runtime.unit_of_work, providers, settings.public_url))
    runtime.include_router(build_internal_router(context, runtime.unit_of_work, lambda: signer))
    monitor = queue_health_monitor(settings, runtime.metrics.registry, service_client)
    runtime.every("queue health", monitor.round, idle_seconds=settings.queue_health_seconds)
    runtime.on_stop("queue health", monitor.close)
    runtime.include_router(build_queue_health_router(web, runtime.unit_of_work, monitor, settings.zone, clock=clock))
    return runtime


def queue_health_monitor(
    settings: DirectorySettings, registry: CollectorRegistry, client: httpx.AsyncClient | None = None
) -> QueueHealthMonitor:
    """The consumer groups' lag from the broker, the services' state from their own endpoints."""
    return QueueHealthMonitor(
        LagProbe(
            settings.kafka_bootstrap_servers,
            subscriptions(settings.kafka_topic_prefix),
            client_id="wbs-directory-queue-health",
        ),
        ServiceProbe(settings.service_addresses(), client=client),
        QueueHealthMetrics(registry),
    )


PROGRAM = ServiceProgram(
    settings=DirectorySettings,
    title="WBS Directory — instansi, kebijakan, petugas",
    description="Owns the tenants, their hierarchy and policies, the officers, their roles and sign-in.",
    build=build,
    metadata=metadata,
    extra_commands={"seed-demo-officers": ("akun demo (pengembangan) / demo officer accounts", seed_command)},
)
main = PROGRAM.main
