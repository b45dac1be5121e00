"""The service-desk figures intake exports move with the tickets they describe."""

import contextlib

import pytest
from prometheus_client import REGISTRY

from tests.integration.intake.conftest import IntakeApi, Keys, announce_team, ticket_body
from ticketflow_intake.commands.backlog import refresh_backlog
from ticketflow_intake.commands.create import create_ticket
from ticketflow_intake.domain.access import Principal
from ticketflow_intake.domain.tickets import NewTicket

pytestmark = pytest.mark.integration


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def figures(team: str) -> dict[str, float]:
    return {
        "created": sample(
            "ticketflow_tickets_created_total", channel="chat", priority="high", category="none"
        ),
        "resolved": sample(
            "ticketflow_tickets_resolved_total", priority="high", category="none", team=team
        ),
        "fcr": sample("ticketflow_first_contact_resolutions_total", team=team),
        "csat": sample("ticketflow_csat_ratings_total", rating="5", team=team),
        "first": sample("ticketflow_first_response_seconds_count", priority="high"),
        "resolution": sample("ticketflow_resolution_seconds_count", priority="high"),
    }


async def test_created_first_response_resolution_fcr_csat_and_backlog(
    api: IntakeApi, keys: Keys
) -> None:
    team = "metrics-team"
    await announce_team(api, team)
    before = figures(team)
    async with api.client(keys.requester) as requester, api.client(keys.agent) as agent:
        filed = await requester.post(
            "/tickets", json=ticket_body(keys.requester_id, channel="chat", priority="high")
        )
        ticket_id = filed.json()["id"]
        await agent.post(f"/tickets/{ticket_id}/transfer", json={"team": team, "reason": "r"})
        async with api.pool.acquire() as conn:
            await refresh_backlog(conn=conn, now=api.clock())
        backlog = sample("ticketflow_tickets_backlog", status="new", team=team, priority="high")
        await agent.post(f"/tickets/{ticket_id}/comments", json={"body": "fixed it"})
        await agent.post(f"/tickets/{ticket_id}/status", json={"status": "resolved"})
        await requester.post(f"/tickets/{ticket_id}/feedback", json={"rating": 5})
        async with api.pool.acquire() as conn:
            await refresh_backlog(conn=conn, now=api.clock())
    after = figures(team)
    assert {k: after[k] - before[k] for k in before} == dict.fromkeys(before, 1.0)
    assert backlog == 1.0
    assert sample("ticketflow_tickets_backlog", status="new", team=team, priority="high") == 0.0
    assert (
        sample("ticketflow_tickets_backlog", status="resolved", team=team, priority="high") == 1.0
    )


class RolledBack(Exception):
    """Raised after the ticket is stored, so its transaction rolls back."""


async def test_a_ticket_whose_transaction_rolls_back_is_not_counted(api: IntakeApi) -> None:
    labels = {"channel": "email", "priority": "low", "category": "none"}
    new = NewTicket.model_validate(
        {
            "subject": "never stored",
            "requester": {"id": "u-9"},
            "channel": "email",
            "priority": "low",
        }
    )
    agent = Principal(credential_id="test", role="agent", subject="agent-1")
    before = sample("ticketflow_tickets_created_total", **labels)
    async with api.pool.acquire() as conn:
        with contextlib.suppress(RolledBack):
            async with conn.transaction():
                await create_ticket(conn=conn, new=new, principal=agent, now=api.clock())
                raise RolledBack
        assert sample("ticketflow_tickets_created_total", **labels) == before

        async with conn.transaction():
            await create_ticket(conn=conn, new=new, principal=agent, now=api.clock())
    assert sample("ticketflow_tickets_created_total", **labels) == before + 1
