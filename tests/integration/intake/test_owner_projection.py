"""The owner intake shows is routing's latest decision: assignments and unassignments projected
from routing's events, an older one never overwriting a newer one."""

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.integration.intake.conftest import IntakeApi, Keys, ticket_body
from tests.support.clock import MONDAY
from ticketflow_common.events import TicketAssigned, TicketUnassigned

pytestmark = pytest.mark.integration


def minute(n: int) -> datetime:
    return MONDAY + timedelta(minutes=n)


def assigned(ticket_id: str, agent_id: uuid.UUID, name: str, at: datetime) -> TicketAssigned:
    return TicketAssigned(
        ticket_id=uuid.UUID(ticket_id),
        agent_id=agent_id,
        agent_name=name,
        team="network",
        assigned_at=at,
    )


async def owner_name(api: IntakeApi, keys: Keys, ticket_id: str) -> str | None:
    owner = await owner_of(api, keys, ticket_id)
    return None if owner is None else str(owner["agent_name"])


async def owner_of(api: IntakeApi, keys: Keys, ticket_id: str) -> dict[str, Any] | None:
    async with api.client(keys.agent) as agent:
        read = await agent.get(f"/tickets/{ticket_id}")
    assert read.status_code == 200, read.text
    owner: dict[str, Any] | None = read.json()["owner"]
    return owner


async def test_the_latest_assignment_shows_and_an_unassignment_clears_it(
    api: IntakeApi, keys: Keys
) -> None:
    async with api.client(keys.requester) as requester:
        filed = await requester.post("/tickets", json=ticket_body(keys.requester_id))
    ticket_id = filed.json()["id"]
    grace, ada = uuid.uuid4(), uuid.uuid4()

    assert await api.deliver(assigned(ticket_id, grace, "Grace", minute(2)), subject=ticket_id)
    assert await owner_of(api, keys, ticket_id) == {
        "agent_id": str(grace),
        "agent_name": "Grace",
        "team": "network",
        "assigned_at": minute(2).isoformat().replace("+00:00", "Z"),
    }

    # An older decision arriving late changes nothing.
    assert await api.deliver(assigned(ticket_id, ada, "Ada", minute(1)), subject=ticket_id)
    assert await owner_name(api, keys, ticket_id) == "Grace"

    # Taking someone else off, or Grace off before her assignment, leaves her there.
    for agent_id, at in ((ada, minute(3)), (grace, minute(1))):
        off = TicketUnassigned(
            ticket_id=uuid.UUID(ticket_id), agent_id=agent_id, reason="manual", unassigned_at=at
        )
        assert await api.deliver(off, subject=ticket_id) == "processed"
        assert await owner_name(api, keys, ticket_id) == "Grace"

    off = TicketUnassigned(
        ticket_id=uuid.UUID(ticket_id), agent_id=grace, reason="manual", unassigned_at=minute(4)
    )
    assert await api.deliver(off, subject=ticket_id) == "processed"
    assert await owner_of(api, keys, ticket_id) is None
