"""One harness per service, the same surface everywhere: `deliver(event)` applies an event as
the consumer does (idempotently, in one transaction), `outbox()` reads what the service emitted."""

import contextlib
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, Generic

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer, ConsumerRecord

from tests.support.clock import FakeClock
from tests.support.schemas import fresh_schema
from ticketflow_common.envelope import Envelope, EventData, new_event
from ticketflow_common.events import EVENT_MODELS
from ticketflow_common.inbox import Handler, ParsedEvent, apply_once, apply_together
from ticketflow_common.runtime import Runtime, SettingsT
from ticketflow_common.service_main import ServiceSpec, build_app
from ticketflow_common.topics import TopicNames


def fetched(envelope: Envelope, payload: EventData, handler: Handler) -> ParsedEvent:
    """An event as the consumer has it after a fetch (its record's place does not matter)."""
    record: ConsumerRecord[bytes, bytes] = ConsumerRecord(
        "t", 0, 0, 0, 0, None, envelope.to_bytes(), None, 0, 0, []
    )
    return ParsedEvent(record, envelope, payload, handler)


async def apply_as_fetched(
    *,
    pool: asyncpg.Pool,
    events: Sequence[tuple[Envelope, EventData]],
    handlers: Mapping[str, Handler],
) -> None:
    """Apply (envelope, payload) pairs in one transaction as the consumer applies a fetch,
    without spans: consecutive ones of a set-based command in one call."""
    parsed = [fetched(e, payload, handlers[e.type]) for e, payload in events]
    await apply_together(pool=pool, events=parsed, span_for=lambda _e: contextlib.nullcontext())


@dataclass
class ServiceHarness(Generic[SettingsT]):
    """A service's context on a fresh schema and a fake clock, its event table and its app."""

    spec: ServiceSpec[SettingsT]
    runtime: Runtime[SettingsT]
    clock: FakeClock
    schema: str

    @property
    def pool(self) -> asyncpg.Pool:
        return self.runtime.pool

    @property
    def settings(self) -> SettingsT:
        return self.runtime.settings

    @cached_property
    def handlers(self) -> Mapping[str, Handler]:
        """The service's event table, built once per harness as the service builds it once."""
        return self.spec.handlers(self.runtime)

    def envelope(self, data: EventData, *, subject: str | None = None) -> Envelope:
        """The envelope the event's publisher would write, at the harness's now."""
        key = subject if subject is not None else str(getattr(data, "ticket_id", uuid.uuid4()))
        return new_event(data, source="/tests", subject=key, time=self.clock())

    async def deliver(self, event: EventData | Envelope, *, subject: str | None = None) -> str:
        """Apply one event as the consumer would; "duplicate" when it was applied before."""
        envelope = event if isinstance(event, Envelope) else self.envelope(event, subject=subject)
        payload = event if isinstance(event, EventData) else None
        handler = self.handlers[envelope.type]
        if payload is None:
            payload = envelope.payload(EVENT_MODELS[envelope.type])
        return await apply_once(pool=self.pool, envelope=envelope, payload=payload, handler=handler)

    async def deliver_together(self, events: Sequence[tuple[EventData, str]]) -> None:
        """Apply events (payload, subject) in one transaction, as the consumer applies a fetch:
        consecutive ones of a set-based command in one call."""
        await apply_as_fetched(
            pool=self.pool,
            events=[(self.envelope(data, subject=subject), data) for data, subject in events],
            handlers=self.handlers,
        )

    async def outbox(self, subject: str | None = None) -> list[dict[str, Any]]:
        """Envelopes the service committed to its outbox, oldest first."""
        async with self.pool.acquire() as conn:
            rows = await conn.fetch("SELECT payload FROM outbox ORDER BY id")
        found = [r["payload"] for r in rows]
        return [e for e in found if subject is None or e["subject"] == subject]

    def client(self, token: str) -> httpx.AsyncClient:
        """The service's app in-process, every request with `token`."""
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=build_app(self.spec, self.runtime)),
            base_url=f"http://{self.spec.name}",
            headers={"Authorization": f"Bearer {token}"},
        )


UNSTARTED_PRODUCERS: list[AIOKafkaProducer] = []
"""Producers `harness_runtime` made; `stop_unstarted_producers` closes them after each test."""


async def stop_unstarted_producers() -> None:
    while UNSTARTED_PRODUCERS:
        await UNSTARTED_PRODUCERS.pop().stop()


def harness_runtime(
    *,
    service: str,
    settings: SettingsT,
    pool: asyncpg.Pool,
    clock: FakeClock,
    kafka_bootstrap: str,
) -> Runtime[SettingsT]:
    """The context a service's app holds, on a test's pool and clock; its producer is never
    started (the outbox is what tests read)."""
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    UNSTARTED_PRODUCERS.append(producer)
    return Runtime(
        service=service,
        settings=settings,
        pool=pool,
        producer=producer,
        names=TopicNames(""),
        clock=clock,
    )


@dataclass(frozen=True)
class SchemaRuntime(Generic[SettingsT]):
    """A service's runtime on a schema of the test's own, and the fake clock it reads."""

    runtime: Runtime[SettingsT]
    clock: FakeClock
    schema: str

    @property
    def pool(self) -> asyncpg.Pool:
        return self.runtime.pool


@contextlib.asynccontextmanager
async def schema_runtime(
    *,
    service: str,
    settings: SettingsT,
    database_url: str,
    kafka_bootstrap: str,
    now: datetime | None = None,
    max_size: int = 6,
) -> AsyncIterator[SchemaRuntime[SettingsT]]:
    """`service`'s migrations in a fresh schema, its runtime on it with `settings`."""
    async with fresh_schema(database_url, service, max_size=max_size) as (pool, schema):
        clock = FakeClock() if now is None else FakeClock(now=now)
        runtime = harness_runtime(
            service=service,
            settings=settings,
            pool=pool,
            clock=clock,
            kafka_bootstrap=kafka_bootstrap,
        )
        try:
            yield SchemaRuntime(runtime=runtime, clock=clock, schema=schema)
        finally:
            await runtime.producer.stop()
