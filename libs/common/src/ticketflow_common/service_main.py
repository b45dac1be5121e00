"""Runs one service process: migrations, HTTP, consumers, relay and loops; stops on SIGTERM."""

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic

import uvicorn
import uvloop
from aiokafka import AIOKafkaProducer
from fastapi import APIRouter, FastAPI
from fastapi.security.http import HTTPBase

from ticketflow_common.clock import Clock, system_clock
from ticketflow_common.consumer import EventConsumer
from ticketflow_common.db import create_pool
from ticketflow_common.event_table import EventTable, handlers_for
from ticketflow_common.events import EVENT_MODELS
from ticketflow_common.inbox import Handler, run_processed_events_pruning
from ticketflow_common.kafka import new_producer, start_when_reachable
from ticketflow_common.logs import setup_logging
from ticketflow_common.middleware import Authenticator
from ticketflow_common.migrations import apply_migrations, service_migrations
from ticketflow_common.rate_limit_store import run_rate_limit_pruning
from ticketflow_common.relay import OutboxRelay
from ticketflow_common.revocations import with_identity_events
from ticketflow_common.runtime import Runtime, SettingsT
from ticketflow_common.topics import CONSUMED_BY, IDENTITY, TopicNames
from ticketflow_common.tracing import setup_tracing
from ticketflow_common.wakeups import wait_for_any
from ticketflow_common.web import BEARER, DEFAULT_MAX_BODY_BYTES, create_app, require_api_token

GC_THRESHOLDS = (50_000, 20, 20)
"""A young-generation collection every 50,000 allocations, not 700: a request or an event
allocates thousands of short-lived objects that reference counting frees anyway, and the
collector's passes over the survivors were 4% of intake's CPU under load (py-spy --native)."""

log = logging.getLogger(__name__)

BackgroundLoop = Callable[[Runtime[SettingsT], asyncio.Event], Coroutine[None, None, None]]
"""A worker (`workers/`): runs until the event is set, on `run_work_loop`."""


def no_events(_runtime: Runtime[Any]) -> EventTable:
    return {}


@dataclass(frozen=True)
class ServiceSpec(Generic[SettingsT]):
    """Everything that makes one service differ from another."""

    name: str
    title: str
    routers: Sequence[APIRouter]
    events: Callable[[Runtime[SettingsT]], EventTable] = no_events
    """The service's `messaging/` table, built once from the context."""
    loops: Sequence[BackgroundLoop[SettingsT]] = ()
    auth: Authenticator = require_api_token
    auth_scheme: HTTPBase = BEARER
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    description: str = ""
    setup_app: Callable[[FastAPI], None] | None = None
    open_paths: Sequence[str] = ()
    """Paths answered without the bearer token besides health and docs (their request carries
    its own credential, or they publish what anyone may read)."""

    def handlers(self, runtime: Runtime[SettingsT]) -> dict[str, Handler]:
        """What the consumer calls per event type (tests drive the same table); every service
        that consumes `identity.events.v1` projects its revocations."""
        table = self.events(runtime)
        if IDENTITY in CONSUMED_BY.get(self.name, ()):
            table = with_identity_events(table)
        return handlers_for(table, clock=runtime.clock)


class _Server(uvicorn.Server):
    """Uvicorn without its own signal handling: the service decides when HTTP stops."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def consumed_topics(handlers: Mapping[str, Handler]) -> list[str]:
    """The topics that carry the event types a service handles."""
    return sorted({EVENT_MODELS[event_type].topic for event_type in handlers})


def build_app(spec: ServiceSpec[SettingsT], runtime: Runtime[SettingsT]) -> FastAPI:
    """The service's HTTP app, without serving it (tests drive it in-process)."""
    app = create_app(
        runtime=runtime,
        title=spec.title,
        routers=list(spec.routers),
        auth=spec.auth,
        auth_scheme=spec.auth_scheme,
        max_body_bytes=spec.max_body_bytes,
        description=spec.description,
        extra_open_paths=spec.open_paths,
    )
    if spec.setup_app is not None:
        spec.setup_app(app)
    return app


async def serve(
    spec: ServiceSpec[SettingsT], settings: SettingsT, clock: Clock = system_clock
) -> None:
    """Start everything, then on SIGTERM/SIGINT stop HTTP, consumers, loops and flush the outbox."""
    setup_logging(spec.name, settings.log_level)
    setup_tracing(spec.name)
    names = TopicNames(settings.topic_prefix)
    pool = await create_pool(
        dsn=settings.database_url.get_secret_value(),
        schema=spec.name,
        max_size=settings.db_pool_max_size,
        timeouts=settings.db_timeouts(),
    )
    async with pool.acquire() as conn:
        applied = await apply_migrations(
            conn=conn, schema=spec.name, migrations=service_migrations(spec.name)
        )
    if applied:
        log.info("migrations applied", extra={"migrations": applied})

    # Started by the relay's task, not here: a service comes up during a Kafka outage.
    producer = new_producer(settings.kafka_bootstrap_servers, client_id=spec.name)
    runtime = Runtime(
        service=spec.name, settings=settings, pool=pool, producer=producer, names=names, clock=clock
    )
    handlers = spec.handlers(runtime)
    if handlers:
        runtime.consumers.append(
            EventConsumer(
                service=spec.name,
                pool=pool,
                producer=producer,
                bootstrap_servers=settings.kafka_bootstrap_servers,
                topics=consumed_topics(handlers),
                names=names,
                handlers=handlers,
                max_attempts=settings.consumer_max_attempts,
                batch_size=settings.consumer_batch_size,
                lag_interval_seconds=settings.consumer_lag_interval_seconds,
                fetch_max_wait_ms=settings.consumer_fetch_max_wait_ms,
            )
        )
    relay = OutboxRelay(
        service=spec.name,
        schema=spec.name,
        pool=pool,
        producer=producer,
        topics=names,
        batch_size=settings.outbox_batch_size,
    )
    app = build_app(spec, runtime)
    server = _Server(
        uvicorn.Config(
            app, host=settings.http_host, port=settings.http_port, log_config=None, lifespan="off"
        )
    )

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    producing = asyncio.Event()
    workers = [
        asyncio.create_task(once_set(producing, stop, c.run), name=f"consumer-{spec.name}")
        for c in runtime.consumers
    ]
    workers += [asyncio.create_task(bg(runtime, stop), name=bg.__name__) for bg in spec.loops]
    workers.append(
        asyncio.create_task(
            run_rate_limit_pruning(pool=pool, stop=stop, clock=clock),
            name="rate-limit-pruning",
        )
    )
    pruning = run_processed_events_pruning(
        service=spec.name,
        pool=pool,
        clock=clock,
        stop=stop,
        retention=settings.processed_events_retention,
        batch_size=settings.processed_events_prune_batch_size,
        interval_seconds=settings.processed_events_prune_interval_seconds,
    )
    workers.append(asyncio.create_task(pruning, name="processed-events-pruning"))
    relay_stop = asyncio.Event()
    relay_task = asyncio.create_task(
        run_relay(relay, producer, producing=producing, stop=relay_stop), name="outbox-relay"
    )
    # What is alive now (modules, the app, settings) lives as long as the process: out of the
    # collector's sight, a full collection no longer walks it on every few thousand requests.
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    http = asyncio.create_task(server.serve(), name="http")
    log.info("service started", extra={"port": settings.http_port})
    failed = False
    try:
        failed = await _until_stop_or_crash(stop, [http, relay_task, *workers])
    finally:
        stop.set()
        server.should_exit = True
        await asyncio.gather(http, *workers, return_exceptions=True)
        relay_stop.set()
        await asyncio.gather(relay_task, return_exceptions=True)
        await producer.stop()
        await pool.close()
        log.info("service stopped")
    if failed:
        raise SystemExit(1)


async def run_relay(
    relay: OutboxRelay, producer: AIOKafkaProducer, *, producing: asyncio.Event, stop: asyncio.Event
) -> None:
    """Start the producer once Kafka answers (`producing` then), then relay the outbox."""
    if await start_when_reachable(producer, name="producer", stop=stop):
        producing.set()
        await relay.run(stop)


async def once_set(
    started: asyncio.Event, stop: asyncio.Event, work: Callable[[asyncio.Event], Awaitable[None]]
) -> None:
    """`work(stop)` once `started` is set (the consumers dead-letter through the producer)."""
    while not (started.is_set() or stop.is_set()):
        await wait_for_any(started, stop, seconds=60)
    if started.is_set():
        await work(stop)


async def _until_stop_or_crash(stop: asyncio.Event, tasks: list[asyncio.Task[None]]) -> bool:
    """Wait for a stop request; True if instead a task ended on its own (a crash)."""
    stopper = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait([stopper, *tasks], return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    # A loop that returns because the stop was asked for (it waited on the same event) did its
    # job; only one that ended on its own, or raised, crashed.
    crashed = [t for t in done if t is not stopper and not (stop.is_set() and _ended_cleanly(t))]
    for task in crashed:
        exc = task.exception() if not task.cancelled() else None
        log.error("task ended unexpectedly", extra={"task": task.get_name(), "error": repr(exc)})
    return bool(crashed)


def _ended_cleanly(task: "asyncio.Task[object]") -> bool:
    return not task.cancelled() and task.exception() is None


def run_service(spec: ServiceSpec[SettingsT], settings: SettingsT) -> None:
    """The process entry point: uvloop's event loop, which serves HTTP markedly faster."""
    uvloop.run(serve(spec, settings))
