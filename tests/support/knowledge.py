"""One way to stand up knowledge in a test: its migrations in a schema of the test's own, the
suite's FakeClock, the admin TOKEN, and access tokens for agents and requesters."""

import contextlib
import secrets
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from tests.support.harness import SchemaRuntime, schema_runtime
from ticketflow_knowledge.domain.access import CallerRole, access_token
from ticketflow_knowledge.settings import KnowledgeSettings

TOKEN = secrets.token_urlsafe(24)
"""The service token: whoever presents it is an admin."""
SIGNING_SECRET = secrets.token_urlsafe(32)
"""Signs the tests' access tokens and answer links."""


KnowledgeRuntime = SchemaRuntime[KnowledgeSettings]


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
    async with schema_runtime(
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
        database_url=database_url,
        kafka_bootstrap=kafka_bootstrap,
        now=now,
        max_size=max_size,
    ) as made:
        yield made


def token_for(role: CallerRole, subject: str, *, now: datetime, hours: float = 1.0) -> str:
    """An access token for an agent or a requester, signed with SIGNING_SECRET."""
    return access_token(role=role, subject=subject, secret=SIGNING_SECRET, now=now, hours=hours)
