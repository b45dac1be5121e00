"""The owner intake shows is routing's latest decision: assignments and unassignments projected
from routing's events, an older one never overwriting a newer one."""

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.integration.intake.conftest import IntakeApi, Keys, ticket_body
from tests.support.clock import MONDAY
from ticketflow_common.events import SlaStarted, TicketAssigned, TicketUnassigned

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


def started(ticket_id: str, metric: str) -> SlaStarted:
    return SlaStarted(
        ticket_id=uuid.UUID(ticket_id),
        clock_id=uuid.uuid4(),
        metric=metric,
        policy="标准",
        target_seconds=3600,
        started_at=minute(0),
        due_at=minute(60),
    )


async def test_a_fetch_of_assignments_and_clocks_shows_what_one_by_one_would(
    api: IntakeApi, keys: Keys
) -> None:
    """Runs of events applied in one statement each: every entry of our tickets on their
    timelines, none of a ticket we do not know, and the latest assignment as the owner even
    when an older one comes after it in the fetch (of equals, the last)."""
    async with api.client(keys.requester) as requester:
        first = (await requester.post("/tickets", json=ticket_body(keys.requester_id))).json()
        second = (await requester.post("/tickets", json=ticket_body(keys.requester_id))).json()
    one, two, unknown = first["id"], second["id"], str(uuid.uuid4())
    grace, ada, lin = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

    await api.deliver_together(
        [
            (assigned(one, grace, "Grace", minute(2)), one),
            (assigned(one, ada, "Ada", minute(1)), one),
            (assigned(two, ada, "Ada", minute(1)), two),
            (assigned(two, lin, "林", minute(1)), two),
            (assigned(unknown, ada, "Ada", minute(1)), unknown),
            (started(one, "first_response"), one),
            (started(one, "resolution"), one),
            (started(unknown, "resolution"), unknown),
        ]
    )

    assert await owner_name(api, keys, one) == "Grace"
    assert await owner_name(api, keys, two) == "林"
    async with api.client(keys.agent) as agent:
        entries = {
            t: [e["type"] for e in (await agent.get(f"/tickets/{t}/timeline")).json()["items"]]
            for t in (one, two)
        }
        missing = await agent.get(f"/tickets/{unknown}")
    assert sorted(entries[one]) == sorted(
        ["ticket.created", "ticket.assigned", "ticket.assigned", "sla.started", "sla.started"]
    )
    assert sorted(entries[two]) == ["ticket.assigned", "ticket.assigned", "ticket.created"]
    assert missing.status_code == 404
    async with api.harness.pool.acquire() as conn:
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM timeline WHERE ticket_id = $1", uuid.UUID(unknown)
            )
            == 0
        )
