"""A running service: its database engine, Kafka clients, outbox relay, consumers and HTTP app.

A service's entrypoint builds a :class:`ServiceRuntime`, adds its HTTP routers and subscriptions,
and hands it to :func:`wbs_runtime.cli.run`. Start-up and shutdown order live here, once:
shutdown stops consuming first (in-flight events finish or stay uncommitted), then lets the relay
finish its batch, then closes the Kafka clients and the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Sequence
from typing import Any, Generic, TypeVar

from fastapi import APIRouter, FastAPI, Response
from fastapi.responses import JSONResponse
from faststream.kafka import KafkaBroker
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wbs_contracts.registry import AUDIT_CHAIN_HEADS, OFFICER_ROLES, TENANT_CONFIGURED, EventSpec
from wbs_runtime.audit.heads import head_keeper, publish_changed_heads
from wbs_runtime.auth.access import AccessControl, AssertionKeys, operations
from wbs_runtime.crypto import KeyRing, entitled_audiences
from wbs_runtime.db import create_engine, create_sessionmaker, plain_url
from wbs_runtime.gauges import GaugeRefresher
from wbs_runtime.http import BodySizeLimitMiddleware, CorrelationIdMiddleware, UploadRoutes, install_error_handlers
from wbs_runtime.messaging.consumer import BatchConsumer, Handler
from wbs_runtime.messaging.consumer_loop import ConsumerLoop
from wbs_runtime.messaging.dead_letters import DeadLetters
from wbs_runtime.messaging.journal import Applied, keep
from wbs_runtime.messaging.kafka import Producer, TopicNames
from wbs_runtime.messaging.outbox import DOORBELL, Doorbell, measure_backlog
from wbs_runtime.messaging.relay import OutboxRelay
from wbs_runtime.metrics import ServiceMetrics
from wbs_runtime.roster import RosterUnitOfWork, keep_officer_roles
from wbs_runtime.settings import ServiceSettings
from wbs_runtime.tenancy import AfterKept, StoredAncestry, keeper
from wbs_runtime.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

U = TypeVar("U", bound=UnitOfWork)
KeepsRoster = TypeVar("KeepsRoster", bound=RosterUnitOfWork)
READINESS_TIMEOUT = 2.0


def freeze_what_start_up_made() -> None:
    """Take what start-up made (modules, the app, clients, compiled statements: hundreds of
    thousands of objects that live as long as the process) out of the garbage collector's sight.

    Otherwise every full collection walks them all, and a consumer applying a batch allocates fast
    enough to trigger one every few batches: measured in-process, 20-40 % of triage's CPU per
    event went to the collector. Objects made later are collected as usual.
    """
    gc.collect()
    gc.freeze()


class ServiceRuntime(Generic[U]):
    def __init__(
        self,
        settings: ServiceSettings,
        unit_of_work: Callable[[async_sessionmaker[AsyncSession], str], U],
        *,
        opens: Collection[str] = (),
    ) -> None:
        name = self.name = settings.service
        self.settings = settings
        #: Every tenant's public keys; private keys only for the audiences the service declares it
        #: opens, and it may declare only what Audience.READERS entitles it to (else it does not start).
        self.keyring = KeyRing.load(settings.key_dir, settings.keys_json, entitled_audiences(name, opens))
        self.metrics = ServiceMetrics(name)
        #: Verifies callers' assertions (directory's public keys in the key directory, reloaded when
        #: they change) for the routes' access rules; a service with the tenants' local copy sets
        #: ``access.ancestry`` so administration reaches down the hierarchy.
        self.access = AccessControl(AssertionKeys(settings.key_dir, name))
        self.engine = create_engine(settings.database_url, settings.database_pool_size)
        #: Commits wake this process's relay directly while it leads (no NOTIFY: see outbox.Doorbell).
        self.doorbell = Doorbell()
        self.sessionmaker = create_sessionmaker(self.engine, **{DOORBELL: self.doorbell})
        self.topics = TopicNames(settings.kafka_topic_prefix)
        self.producer = Producer(
            settings.kafka_bootstrap_servers,
            idempotent=settings.kafka_idempotent_producer,
            client_id=f"wbs-{name}",
        )
        self.broker = KafkaBroker(
            settings.kafka_bootstrap_servers,
            client_id=f"wbs-{name}",
            graceful_timeout=15.0,
            logger=logging.getLogger(f"wbs.{name}.broker"),
            log_level=logging.DEBUG,  # one line per message is for debugging, not for operators
        )
        self.relay = OutboxRelay(
            engine=self.engine,
            dsn=plain_url(settings.database_url),
            producer=self.producer,
            topics=self.topics,
            metrics=self.metrics,
            poll_seconds=settings.outbox_poll_seconds,
            retention_days=(settings.outbox_retention_days, settings.inbox_retention_days),
        )
        self.doorbell.attach(self.relay)
        # Read at each scrape: whether this replica publishes, or waits on standby for the lock.
        self.metrics.relay_leader.labels(name).set_function(lambda: 1.0 if self.relay.is_leader else 0.0)
        self.stopping = asyncio.Event()
        self.routers: list[APIRouter] = []
        #: Routes that take files, with their larger body limit (``uploads.allow(...)``).
        self.uploads = UploadRoutes()
        self._make_unit_of_work = unit_of_work
        self._relay_task: asyncio.Task[None] | None = None
        #: What the service's own collaborators need closed at shutdown (``on_stop``).
        self._closers: list[tuple[str, Callable[[], Awaitable[None]]]] = []
        #: Work a service runs in the background while it is up (see :meth:`every`).
        self._background: list[tuple[str, Callable[[], Awaitable[int]], float]] = []
        self._setup_messaging()

    def _setup_messaging(self) -> None:
        """Consumers, dead letters and gauges (the outbox relay is made above)."""
        settings = self.settings
        #: Gauges measured by a query on their own clock; services may register their own.
        self.gauges = GaugeRefresher(self.engine, every=settings.outbox_poll_seconds)
        self.dead_letters = DeadLetters(
            service=self.name,
            engine=self.engine,
            producer=self.producer,
            topics=self.topics,
            metrics=self.metrics,
            stopping=self.stopping,
        )
        self.consumer: BatchConsumer[U] = BatchConsumer(
            service=self.name,
            unit_of_work=self.unit_of_work,
            dead_letters=self.dead_letters,
            metrics=self.metrics,
            max_attempts=settings.consumer_max_attempts,
            backoff_seconds=settings.consumer_backoff_seconds,
            retry_seconds=settings.consumer_retry_seconds,
            stopping=self.stopping,
        )
        self.gauges.register("outbox", lambda db: measure_backlog(db, self.metrics))
        self.gauges.register("dead letters", self.dead_letters.measure)
        self._consumer_loop: ConsumerLoop | None = None
        self._housekeeping: list[asyncio.Task[None]] = []

    def unit_of_work(self) -> U:
        return self._make_unit_of_work(self.sessionmaker, self.name)

    def include_router(self, router: APIRouter) -> None:
        self.routers.append(router)

    def subscribe(self, event: EventSpec[Any], handler: Handler[U]) -> None:
        """Apply ``event`` with ``handler``, in batches, committing offsets only after the batch's
        events were applied or dead-lettered. All of a service's topics share one Kafka consumer
        in the service's group."""
        if self.name not in event.consumers:
            raise ValueError(f"the topic registry does not list {self.name} as a consumer of {event.topic}")
        self.consumer.subscribe(self.topics(event.topic), event, handler)

    def on_stop(self, what: str, close: Callable[[], Awaitable[None]]) -> None:
        """Close ``what`` (a client the service made, e.g. its blob store's) when the service
        stops: after the consumers and the relay, before the database."""
        self._closers.append((what, close))

    def every(self, what: str, work: Callable[[], Awaitable[int]], *, idle_seconds: float) -> None:
        """Run ``work`` in the background while the service is up: again at once while it did
        something (it returns how much), after ``idle_seconds`` when it did nothing or failed.
        For work that must not slow the consumers down (it runs beside them, not in their
        transactions) and that a later round can always finish."""
        self._background.append((what, work, idle_seconds))

    async def _run_in_background(self, what: str, work: Callable[[], Awaitable[int]], idle_seconds: float) -> None:
        while not self.stopping.is_set():
            try:
                done = await work()
            except Exception:
                if self.stopping.is_set():
                    return
                log.exception("%s failed; trying again later", what)
                done = 0
            if not done:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stopping.wait(), timeout=idle_seconds)

    def keep_tenants(self, then: AfterKept | None = None) -> None:
        """Keep a local copy of every tenant's configuration (``wbs_runtime.tenancy``); ``then``
        runs after a newer configuration was stored, in the same transaction."""
        self.subscribe(TENANT_CONFIGURED, keeper(then))
        self.access.ancestry = StoredAncestry(self.sessionmaker)

    def keep_roster(self: ServiceRuntime[KeepsRoster]) -> None:
        """Keep every officer's roles per tenant as directory announces them (``wbs_runtime.roster``):
        whom work may be assigned to. Read it through a unit of work's ``OfficerRoster``."""
        self.subscribe(OFFICER_ROLES, keep_officer_roles)

    def keep_journal(self) -> None:
        """Keep every event this service applies in its own database, in the transaction that applies
        it (``wbs_runtime.messaging.journal``): the history its read models are rebuilt from."""

        async def journal(uow: U, applied: Sequence[Applied]) -> None:
            await keep(uow.session, applied)

        self.consumer.on_applied = journal

    def keep_audit_chain_heads(self) -> None:
        """Keep the audit chain heads the other services publish, for ``wbs audit verify``: every
        producer whose topic the registry says this service consumes."""
        for spec in AUDIT_CHAIN_HEADS.values():
            if self.name in spec.consumers:
                self.subscribe(spec, head_keeper(spec.producer))

    def _attach_consumers(self) -> ConsumerLoop | None:
        """One Kafka consumer for all subscribed topics: one group membership per process, so a
        restart costs one rebalance, not one per topic. Order holds per partition, as always."""
        if not self.consumer.topics:
            return None
        return ConsumerLoop(
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            group_id=self.topics.group(self.name),
            topics=self.consumer.topics,
            apply=self.consumer.apply,
            metrics=self.metrics,
            client_id=f"wbs-{self.name}",
            max_records=self.settings.consumer_max_records,
            fetch_max_wait_ms=self.settings.kafka_fetch_max_wait_ms,
            stopping=self.stopping,
        )

    async def start(self) -> None:
        self.stopping.clear()
        await self.producer.start()
        await self.broker.start()
        self._relay_task = asyncio.create_task(self.relay.run(), name=f"{self.name}-outbox-relay")
        self._relay_task.add_done_callback(self._relay_ended)
        self._housekeeping = [
            asyncio.create_task(self.gauges.run(self.stopping), name=f"{self.name}-gauges"),
            asyncio.create_task(self._resend_dead_letters(), name=f"{self.name}-dead-letter-resends"),
            asyncio.create_task(self._publish_audit_heads(), name=f"{self.name}-audit-chain-heads"),
            *(
                asyncio.create_task(self._run_in_background(*background), name=f"{self.name}-{background[0]}")
                for background in self._background
            ),
        ]
        self._consumer_loop = self._attach_consumers()
        if self._consumer_loop is not None:
            await self._consumer_loop.start()
        freeze_what_start_up_made()
        log.info("%s started", self.name)

    async def stop(self) -> None:
        """Each step runs even if an earlier one fails: a stuck relay must not keep the broker
        connections and the database pool open."""
        self.stopping.set()
        steps: list[tuple[str, Callable[[], Awaitable[None]]]] = [
            ("consumers", self._stop_consumers),
            ("housekeeping", self._stop_housekeeping),
            ("outbox relay", self._stop_relay),
            ("producer", self.producer.stop),
            ("broker", self.broker.stop),
            *self._closers,
            ("database", self.engine.dispose),
        ]
        for what, step in steps:
            try:
                await step()
            except Exception:
                log.exception("stopping the %s failed; carrying on with shutdown", what)
        log.info("%s stopped", self.name)

    async def _stop_consumers(self) -> None:
        loop, self._consumer_loop = self._consumer_loop, None
        if loop is not None:
            await loop.stop(grace_seconds=15.0)  # the batch in hand finishes, or stays uncommitted

    async def _stop_housekeeping(self) -> None:
        tasks, self._housekeeping = self._housekeeping, []
        done, pending = await asyncio.wait(tasks, timeout=15.0) if tasks else (set(), set())
        for task in pending:
            task.cancel()
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                log.warning("%s ended with %r", task.get_name(), task.exception())

    async def _resend_dead_letters(self) -> None:
        """Dead letters an operator marked for resending are applied here, through the consumer."""
        if not self.consumer.topics:
            return
        while not self.stopping.is_set():
            try:
                taken = await self.dead_letters.resend_requested(self.consumer)
            except Exception:
                if self.stopping.is_set():
                    return
                log.exception("resending dead letters failed; trying again")
                taken = 0
            if not taken:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stopping.wait(), timeout=self.settings.outbox_poll_seconds)

    async def _publish_audit_heads(self) -> None:
        """Every service publishes its audit chains' heads that changed: at start, on a clock, and
        once more when it stops (before the relay's last round)."""
        while True:
            try:
                await publish_changed_heads(self.sessionmaker, self.name)
            except Exception:
                log.exception("publishing the audit chain heads failed; trying again later")
            if self.stopping.is_set():
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), timeout=self.settings.audit_head_seconds)

    async def _stop_relay(self) -> None:
        self.relay.stop()
        if self._relay_task is None:
            return
        try:
            await asyncio.wait_for(self._relay_task, timeout=20)
        except TimeoutError:
            log.warning("the outbox relay did not finish its round in time; its events stay in the outbox")
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # stop() itself was cancelled: let that through

    def _relay_ended(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None and not self.stopping.is_set():
            log.error("the outbox relay stopped: %r", task.exception())

    async def readiness(self) -> dict[str, str]:
        checks: dict[str, str] = {}
        relay_running = self._relay_task is not None and not self._relay_task.done()
        checks["outbox_relay"] = "ok" if relay_running else "error: not running"
        if self.consumer.topics:
            running = self._consumer_loop is not None and self._consumer_loop.running
            checks["consumers"] = "ok" if running else "error: not running"
        try:
            async with asyncio.timeout(READINESS_TIMEOUT), self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as error:  # any failure means not ready; the reason is reported
            checks["database"] = f"error: {type(error).__name__}"
        checks["broker"] = "ok" if await self.broker.ping(timeout=READINESS_TIMEOUT) else "error: unreachable"
        return checks

    def create_app(self, *, title: str, description: str = "") -> FastAPI:
        @contextlib.asynccontextmanager
        async def lifespan(_: FastAPI) -> AsyncIterator[None]:
            await self.start()
            try:
                yield
            finally:
                await self.stop()

        app = FastAPI(title=title, description=description, version="1", lifespan=lifespan)
        app.add_middleware(CorrelationIdMiddleware)
        app.add_middleware(
            BodySizeLimitMiddleware, max_bytes=self.settings.max_request_body_bytes, uploads=self.uploads
        )
        install_error_handlers(app)
        self.access.install(app)
        app.include_router(self._operations_router())
        for router in self.routers:
            app.include_router(router)
        return app

    def _operations_router(self) -> APIRouter:
        router = APIRouter(tags=["operasional / operations"], dependencies=[operations()])

        @router.get("/healthz", summary="Liveness: the process is up")
        async def healthz() -> dict[str, str]:
            return {"status": "ok", "service": self.name}

        @router.get("/readyz", summary="Readiness: database and broker reachable")
        async def readyz() -> JSONResponse:
            checks = await self.readiness()
            ready = all(value == "ok" for value in checks.values())
            return JSONResponse(
                status_code=200 if ready else 503,
                content={"status": "ready" if ready else "not-ready", "service": self.name, "checks": checks},
            )

        @router.get("/metrics", summary="Prometheus metrics", response_class=Response)
        async def metrics() -> Response:
            return Response(self.metrics.exposition(), media_type="text/plain; version=0.0.4; charset=utf-8")

        return router
