"""One way to stand up knowledge in a test: its migrations in a schema of the test's own, the
suite's FakeClock, the admin TOKEN, and access tokens for agents and requesters."""

import contextlib
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from tests.support.clock import FakeClock
from tests.support.harness import harness_runtime
from tests.support.schemas import fresh_schema
from ticketflow_common.runtime import Runtime
from ticketflow_knowledge.domain.access import CallerRole, access_token
from ticketflow_knowledge.settings import KnowledgeSettings

TOKEN = secrets.token_urlsafe(24)
"""The service token: whoever presents it is an admin."""
SIGNING_SECRET = secrets.token_urlsafe(32)
"""Signs the tests' access tokens and answer links."""


@dataclass(frozen=True)
class KnowledgeRuntime:
    runtime: Runtime[KnowledgeSettings]
    clock: FakeClock
    schema: str

    @property
    def pool(self) -> asyncpg.Pool:
        return self.runtime.pool


@contextlib.asynccontextmanager
async def knowledge_runtime(
    database_url: str,
    kafka_bootstrap: str,
    *,
    now: datetime | None = None,
    max_size: int = 6,
    **settings: Any,
) -> AsyncIterator[KnowledgeRuntime]:
    """Knowledge's runtime on a fresh schema; `settings` override KnowledgeSettings' fields."""
    async with fresh_schema(database_url, "knowledge", max_size=max_size) as (pool, schema):
        clock = FakeClock() if now is None else FakeClock(now=now)
        runtime = harness_runtime(
            service="knowledge",
            settings=KnowledgeSettings(
                database_url=database_url,
                kafka_bootstrap_servers=kafka_bootstrap,
                api_token=TOKEN,
                access_token_secret=SIGNING_SECRET,
                answer_link_secret=SIGNING_SECRET,
                auth_failure_limit=10_000,  # tests share one client address
                **settings,
            ),
            pool=pool,
            clock=clock,
            kafka_bootstrap=kafka_bootstrap,
        )
        try:
            yield KnowledgeRuntime(runtime=runtime, clock=clock, schema=schema)
        finally:
            await runtime.producer.stop()


def token_for(role: CallerRole, subject: str, *, now: datetime, hours: float = 1.0) -> str:
    """An access token for an agent or a requester, signed with SIGNING_SECRET."""
    return access_token(role=role, subject=subject, secret=SIGNING_SECRET, now=now, hours=hours)
