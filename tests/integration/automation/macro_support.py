"""Macro tests' harness: automation with identity configured (tokens per role and team), the
ticket projection seeded as the engine leaves it, and reads of macros' tables."""

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.integration.automation.conftest import AutomationHarness, settings_for
from tests.support.harness import schema_runtime
from tests.support.identity_tokens import IDENTITY_SETTINGS, access_token, bearer
from ticketflow_automation.domain.ticket_state import TicketState
from ticketflow_automation.main import SPEC

NETWORK, DESK = "network", "service-desk"


@pytest.fixture
async def macros(database_url: str, kafka_bootstrap: str) -> AsyncIterator[AutomationHarness]:
    """Automation on a schema of the test's own, verifying identity's access tokens."""
    async with schema_runtime(
        service="automation",
        settings=settings_for(database_url, kafka_bootstrap, **IDENTITY_SETTINGS),
        database_url=database_url,
        kafka_bootstrap=kafka_bootstrap,
    ) as made:
        yield AutomationHarness(
            spec=SPEC, runtime=made.runtime, clock=made.clock, schema=made.schema
        )


@pytest.fixture
async def api(macros: AutomationHarness) -> AsyncIterator[httpx.AsyncClient]:
    """The app in-process; each request names its caller with `as_(...)` headers."""
    async with macros.client("unused") as client:
        del client.headers["Authorization"]
        yield client


def caller(
    harness: AutomationHarness,
    role: str,
    *,
    subject: str | None = None,
    teams: tuple[str, ...] = (),
) -> dict[str, str]:
    return bearer(
        access_token(role, subject=subject, teams=teams, agent_id=uuid.uuid4(), now=harness.clock())
    )


async def seen_ticket(harness: AutomationHarness, **facts: Any) -> TicketState:
    """A ticket as automation's projection holds it after its events (the engine writes it)."""
    state = TicketState.model_validate(
        {
            "ticket_id": uuid.uuid4(),
            "version": 3,
            "status": "open",
            "subject": "打印机卡纸了",
            "language": "zh",
            "team": DESK,
            "created_at": harness.clock(),
            **facts,
        }
    )
    await harness.sql(
        "INSERT INTO tickets (ticket_id, state, version, open, updated_at)"
        " VALUES ($1, $2::jsonb, $3, $4, $5)",
        state.ticket_id,
        state.model_dump(mode="json"),
        state.version,
        state.open,
        harness.clock(),
    )
    return state


async def create_macro(
    api: httpx.AsyncClient, headers: dict[str, str], **fields: Any
) -> dict[str, Any]:
    body = {
        "name": "打印机已修复",
        "actions": [{"type": "add_reply", "body": "您好, {{ ticket.subject }} 已处理。"}],
        **fields,
    }
    response = await api.post("/macros", json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def written(harness: AutomationHarness) -> tuple[int, int, int]:
    """Rows a refused or read-only request must leave as they were."""
    macros = await harness.fetchval("SELECT count(*) FROM macros")
    applications = await harness.fetchval("SELECT count(*) FROM macro_applications")
    outbox = await harness.fetchval("SELECT count(*) FROM outbox")
    return macros, applications, outbox
