"""A running service: its database engine, Kafka clients, outbox relay, consumers and HTTP app.

A service's entrypoint builds a :class:`ServiceRuntime`, adds its HTTP routers and subscriptions,
and hands it to :func:`wbs_runtime.cli.run`. Start-up and shutdown order live here, once:
shutdown stops consuming first (in-flight events finish or stay uncommitted), then lets the relay
finish its batch, then closes the Kafka clients and the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from typing import Any, Generic, TypeVar

from fastapi import APIRouter, FastAPI, Response
from fastapi.responses import JSONResponse
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wbs_contracts.registry import EventSpec
from wbs_runtime.crypto import KeyRing, entitled_audiences
from wbs_runtime.db import create_engine, create_sessionmaker, plain_url
from wbs_runtime.http import BodySizeLimitMiddleware, CorrelationIdMiddleware, install_error_handlers
from wbs_runtime.messaging.consumer import Consumer, DeadLetters, Handler, ReceivedRecord
from wbs_runtime.messaging.kafka import Producer, TopicNames
from wbs_runtime.messaging.relay import OutboxRelay
from wbs_runtime.metrics import ServiceMetrics
from wbs_runtime.settings import ServiceSettings
from wbs_runtime.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

U = TypeVar("U", bound=UnitOfWork)
READINESS_TIMEOUT = 2.0


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
        self.engine = create_engine(settings.database_url, settings.database_pool_size)
        self.sessionmaker = create_sessionmaker(self.engine)
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
        self.stopping = asyncio.Event()
        self.routers: list[APIRouter] = []
        self._make_unit_of_work = unit_of_work
        self._dead_letters = DeadLetters(name, self.producer, self.topics, self.metrics)
        self._relay_task: asyncio.Task[None] | None = None
        self._consumers: dict[str, Consumer[U]] = {}

    def unit_of_work(self) -> U:
        return self._make_unit_of_work(self.sessionmaker, self.name)

    def include_router(self, router: APIRouter) -> None:
        self.routers.append(router)

    def subscribe(self, event: EventSpec[Any], handler: Handler[U]) -> Consumer[U]:
        """Apply ``event`` with ``handler``, committing each offset only after the event was applied
        or dead-lettered. All of a service's topics share one consumer in the service's group."""
        if self.name not in event.consumers:
            raise ValueError(f"the topic registry does not list {self.name} as a consumer of {event.topic}")
        consumer: Consumer[U] = Consumer(
            service=self.name,
            event=event,
            handler=handler,
            unit_of_work=self.unit_of_work,
            dead_letters=self._dead_letters,
            metrics=self.metrics,
            max_attempts=self.settings.consumer_max_attempts,
            backoff_seconds=self.settings.consumer_backoff_seconds,
            stopping=self.stopping,
        )
        self._consumers[self.topics(event.topic)] = consumer
        return consumer

    def _attach_consumers(self) -> None:
        """One Kafka consumer for all subscribed topics: one group membership per process, so a
        restart costs one rebalance, not one per topic. Order holds per partition, as always."""
        if not self._consumers or self.broker.subscribers:
            return
        consumers = self._consumers

        async def receive(message: KafkaMessage) -> None:
            raw = message.raw_message
            assert not isinstance(raw, tuple)
            await consumers[raw.topic](
                ReceivedRecord(
                    topic=raw.topic,
                    partition=raw.partition,
                    offset=raw.offset,
                    key=raw.key,
                    value=raw.value,
                    headers=tuple(raw.headers),
                )
            )

        self.broker.subscriber(
            *consumers,
            group_id=self.topics.group(self.name),
            auto_offset_reset="earliest",  # a new group must not skip what was published before it
            fetch_max_wait_ms=self.settings.kafka_fetch_max_wait_ms,
            ack_policy=AckPolicy.NACK_ON_ERROR,  # commit after the handler; on error, read it again
            parser=_tolerant_parse,
            decoder=_raw_bytes,
            title=f"wbs-{self.name}",
        )(receive)

    async def start(self) -> None:
        self.stopping.clear()
        self._attach_consumers()
        await self.producer.start()
        await self.broker.start()
        self._relay_task = asyncio.create_task(self.relay.run(), name=f"{self.name}-outbox-relay")
        self._relay_task.add_done_callback(self._relay_ended)
        log.info("%s started", self.name)

    async def stop(self) -> None:
        """Each step runs even if an earlier one fails: a stuck relay must not keep the broker
        connections and the database pool open."""
        self.stopping.set()
        steps: list[tuple[str, Callable[[], Awaitable[None]]]] = [
            ("consumers", self._stop_consumers),
            ("outbox relay", self._stop_relay),
            ("producer", self.producer.stop),
            ("broker", self.broker.stop),
            ("database", self.engine.dispose),
        ]
        for what, step in steps:
            try:
                await step()
            except Exception:
                log.exception("stopping the %s failed; carrying on with shutdown", what)
        log.info("%s stopped", self.name)

    async def _stop_consumers(self) -> None:
        for subscriber in self.broker.subscribers:
            await subscriber.stop()  # waits for the message in hand (FastStream's graceful timeout)

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
        app.add_middleware(BodySizeLimitMiddleware, max_bytes=self.settings.max_request_body_bytes)
        install_error_handlers(app)
        app.include_router(self._operations_router())
        for router in self.routers:
            app.include_router(router)
        return app

    def _operations_router(self) -> APIRouter:
        router = APIRouter(tags=["operasional / operations"])

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


async def _tolerant_parse(record: Any, original: Callable[[Any], Awaitable[Any]]) -> Any:
    """FastStream decodes every header value as UTF-8 for its own use, and a record it cannot
    decode would be skipped without ever reaching the consumer. Give it a lossy copy instead, and
    keep the original record, bytes intact, for the consumer (which dead-letters it if a
    CloudEvents header is the one at fault)."""
    try:
        return await original(record)
    except UnicodeDecodeError:
        lossy = dataclasses.replace(
            record, headers=[(name, value.decode("utf-8", "replace").encode()) for name, value in record.headers]
        )
        message = await original(lossy)
        message.raw_message = record
        return message


async def _raw_bytes(message: Any) -> bytes:
    """Never let FastStream decode a body: the consumer decodes, and dead-letters what it cannot."""
    return bytes(message.body or b"")
