"""Intake's API driven in-process against the real Postgres: a fresh schema per test, a fake
clock in the service context, API keys for every role, and other services' events delivered
through intake's event table as its consumer would."""

import contextlib
import dataclasses
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from tests.support.clock import FakeClock
from tests.support.harness import ServiceHarness, harness_runtime
from tests.support.schemas import fresh_schema
from ticketflow_common.envelope import Envelope, EventData
from ticketflow_common.events import TeamChanged
from ticketflow_common.service_main import build_app
from ticketflow_intake.main import spec
from ticketflow_intake.settings import IntakeSettings

SYSTEM_TOKEN = "intake-system-token-" + secrets.token_hex(8)
IntakeHarness = ServiceHarness[IntakeSettings]


def intake_settings(database_url: str, kafka_bootstrap: str, **overrides: Any) -> IntakeSettings:
    return IntakeSettings(
        database_url=database_url,
        kafka_bootstrap_servers=kafka_bootstrap,
        api_token=SYSTEM_TOKEN,
        # Tests share one client address: failed-auth limiting is tested where it is set low.
        **{
            "rate_limit_per_second": 10_000,
            "rate_limit_burst": 10_000,
            "auth_failure_limit": 10_000,
            **overrides,
        },
    )


def intake_harness(
    *, settings: IntakeSettings, pool: asyncpg.Pool, schema: str, clock: FakeClock
) -> IntakeHarness:
    """Intake's context on `pool` and `clock`, as its process would build it from `settings`."""
    runtime = harness_runtime(
        service="intake",
        settings=settings,
        pool=pool,
        clock=clock,
        kafka_bootstrap=settings.kafka_bootstrap_servers,
    )
    return ServiceHarness(spec=spec(settings), runtime=runtime, clock=clock, schema=schema)


@contextlib.asynccontextmanager
async def closing(harness: IntakeHarness) -> AsyncIterator[IntakeHarness]:
    """The harness, its (never started) producer closed afterwards."""
    try:
        yield harness
    finally:
        await harness.runtime.producer.stop()


@dataclass
class IntakeApi:
    """Intake's app on a harness, plus a way to mint a client for any role."""

    harness: IntakeHarness
    app: FastAPI

    @classmethod
    def on(cls, harness: IntakeHarness) -> "IntakeApi":
        return cls(harness, build_app(harness.spec, harness.runtime))

    @property
    def pool(self) -> asyncpg.Pool:
        return self.harness.pool

    @property
    def clock(self) -> FakeClock:
        return self.harness.clock

    def replica(self, **overrides: Any) -> "IntakeApi":
        """Another replica of intake on the same schema and clock, with other settings."""
        settings = IntakeSettings.model_validate(self.harness.settings.model_dump() | overrides)
        runtime = dataclasses.replace(self.harness.runtime, settings=settings)
        return IntakeApi.on(dataclasses.replace(self.harness, spec=spec(settings), runtime=runtime))

    def client(self, token: str | None = None, *, address: str | None = None) -> httpx.AsyncClient:
        """A client with `token`; from `address` if given (the app sees 127.0.0.1 otherwise)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        transport = (
            httpx.ASGITransport(app=self.app)
            if address is None
            else httpx.ASGITransport(app=self.app, client=(address, 40000))
        )
        return httpx.AsyncClient(transport=transport, base_url="http://intake", headers=headers)

    @property
    def admin(self) -> httpx.AsyncClient:
        return self.client(SYSTEM_TOKEN)

    async def key(self, role: str, subject: str | None = None) -> str:
        async with self.admin as http:
            issued = await http.post(
                "/credentials",
                json={"name": f"{role} key", "role": role, "subject": subject or role},
            )
        assert issued.status_code == 201, issued.text
        token: str = issued.json()["token"]
        return token

    async def outbox_types(self, ticket_id: str) -> list[str]:
        """Event types waiting in the outbox for this ticket, in commit order."""
        return [e["type"] for e in await self.outbox_events(ticket_id)]

    async def outbox_events(self, ticket_id: str) -> list[dict[str, Any]]:
        return await self.harness.outbox(ticket_id)

    async def deliver(self, event: EventData | Envelope, *, subject: str | None = None) -> str:
        """Another service's event, through intake's event table as its consumer applies it."""
        return await self.harness.deliver(event, subject=subject)

    async def deliver_together(self, events: Sequence[tuple[EventData, str]]) -> None:
        """Other services' events (payload, subject) as intake's consumer applies one fetch."""
        await self.harness.deliver_together(events)


@pytest.fixture
async def intake(database_url: str, kafka_bootstrap: str) -> AsyncIterator[IntakeHarness]:
    """Intake on a schema of this test's own, its clock stopped at `MONDAY`."""
    async with fresh_schema(database_url, "intake", max_size=10) as (pool, schema):
        settings = intake_settings(database_url, kafka_bootstrap)
        harness = intake_harness(settings=settings, pool=pool, schema=schema, clock=FakeClock())
        async with closing(harness):
            yield harness


@pytest.fixture
def api(intake: IntakeHarness) -> IntakeApi:
    return IntakeApi.on(intake)


AppFactory = Callable[..., Awaitable[IntakeApi]]


@pytest.fixture
def make_api(api: IntakeApi) -> AppFactory:
    """Replicas of `api` with other settings: the same schema, so they share its state."""

    async def make(**overrides: Any) -> IntakeApi:
        return api.replica(**overrides)

    return make


@dataclass
class Keys:
    agent: str
    approver: str
    requester: str
    requester_id: str
    other_requester: str
    other_requester_id: str


@pytest.fixture
async def keys(api: IntakeApi) -> Keys:
    alice, bob = f"alice-{uuid.uuid4().hex[:6]}", f"bob-{uuid.uuid4().hex[:6]}"
    return Keys(
        agent=await api.key("agent", "agent-grace"),
        approver=await api.key("approver", "boss-1"),
        requester=await api.key("requester", alice),
        requester_id=alice,
        other_requester=await api.key("requester", bob),
        other_requester_id=bob,
    )


def ticket_body(requester_id: str, **fields: Any) -> dict[str, Any]:
    return {"subject": "Printer jams", "requester": {"id": requester_id}, **fields}


async def announce_team(
    api: IntakeApi, team: str, *, version: int = 1, archived: bool = False
) -> None:
    """Play routing's `team.changed` through intake's event table, as its consumer would."""
    data = TeamChanged(
        team=team,
        name=team.title(),
        change="archived" if archived else "created",
        archived=archived,
        version=version,
        changed_at=api.clock(),
    )
    assert await api.deliver(data, subject=team) == "processed"
