"""One way to stand up insights in a test: its migrations in a schema of the test's own, the
suite's FakeClock, the admin TOKEN; and a client that is recognised as a chosen viewer."""

import contextlib
import secrets
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx

from tests.support.harness import SchemaRuntime, ServiceHarness, schema_runtime
from ticketflow_common.service_main import build_app
from ticketflow_insights.api.deps import get_viewer
from ticketflow_insights.domain.access import Viewer
from ticketflow_insights.main import SPEC
from ticketflow_insights.settings import InsightsSettings

TOKEN = secrets.token_urlsafe(24)
"""The service token: whoever presents it is an admin."""


InsightsRuntime = SchemaRuntime[InsightsSettings]


@contextlib.asynccontextmanager
async def insights_runtime(
    database_url: str,
    kafka_bootstrap: str,
    *,
    now: datetime | None = None,
    max_size: int = 6,
    **settings: Any,
) -> AsyncIterator[InsightsRuntime]:
    """Insights' runtime on a fresh schema; `settings` override InsightsSettings' fields."""
    async with schema_runtime(
        service="insights",
        settings=InsightsSettings(
            database_url=database_url,
            kafka_bootstrap_servers=kafka_bootstrap,
            api_token=TOKEN,
            auth_failure_limit=10_000,  # tests share one client address
            **settings,
        ),
        database_url=database_url,
        kafka_bootstrap=kafka_bootstrap,
        now=now,
        max_size=max_size,
    ) as made:
        yield made


def client_as(harness: ServiceHarness[InsightsSettings], viewer: Viewer) -> httpx.AsyncClient:
    """Insights' app in-process with TOKEN, the caller recognised as `viewer`."""
    app = build_app(SPEC, harness.runtime)
    app.dependency_overrides[get_viewer] = lambda: viewer
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://insights",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
