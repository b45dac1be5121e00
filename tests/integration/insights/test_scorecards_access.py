"""Who sees which scorecard: an agent their own, a lead their team's, the service token all;
bad, expired and foreign tokens are 401, counted by the failed-authentication limiter."""

import secrets
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from pydantic import SecretStr

from tests.integration.insights.conftest import InsightsHarness
from tests.support.insights import TOKEN
from tests.support.insights_scorecards import Facts, at, seed_facts
from ticketflow_common.service_main import build_app
from ticketflow_insights.domain.access import viewer_token

SECRET = secrets.token_urlsafe(32)


@pytest.fixture
async def facts(insights: InsightsHarness) -> AsyncIterator[Facts]:
    """The scenario's facts, the clock on Wednesday noon, viewer tokens signed with SECRET."""
    insights.clock.now = at(2, 12)
    insights.runtime.settings = insights.settings.model_copy(
        update={"viewer_token_secret": SecretStr(SECRET)}
    )
    async with insights.pool.acquire() as conn:
        yield await seed_facts(conn)


def token_of(insights: InsightsHarness, agent_id: uuid.UUID, *, hours: float = 12) -> str:
    return viewer_token(agent_id=agent_id, secret=SECRET, now=insights.clock(), hours=hours)


async def status(insights: InsightsHarness, token: str, method: str, path: str) -> int:
    async with insights.client(token) as client:
        body = {"csat_share": 0.85} if method == "PUT" else None
        response = await client.request(method, path, json=body)
        return response.status_code


async def test_an_agent_sees_only_their_own_scorecard(
    insights: InsightsHarness, facts: Facts
) -> None:
    token = token_of(insights, facts.network_agent)
    async with insights.client(token) as client:
        own = await client.get(f"/scorecards/agents/{facts.network_agent}")
        assert own.status_code == 200, own.text
        assert own.json()["handled"]["value"] == 2
        for path in (
            f"/scorecards/agents/{facts.network_lead}",
            f"/scorecards/agents/{facts.billing_agent}",
            f"/scorecards/agents/{uuid.uuid4()}",  # 403, not 404: nothing learnt
            "/scorecards/teams/network",
            "/scorecards/teams/network/agents",
            "/targets/network",
        ):
            response = await client.get(path)
            assert response.status_code == 403, path
            assert response.headers["content-type"] == "application/problem+json"
        assert (await client.put("/targets/network", json={"csat_share": 0.8})).status_code == 403


async def test_a_lead_sees_their_team_and_its_agents(
    insights: InsightsHarness, facts: Facts
) -> None:
    token = token_of(insights, facts.network_lead)
    allowed = [
        "/scorecards/teams/network",
        "/scorecards/teams/network/agents",
        f"/scorecards/agents/{facts.network_agent}",
        f"/scorecards/agents/{facts.network_lead}",
        "/targets/network",
    ]
    refused = [
        "/scorecards/teams/billing",
        "/scorecards/teams/billing/agents",
        f"/scorecards/agents/{facts.billing_agent}",
        "/targets/billing",
    ]
    for path in allowed:
        assert await status(insights, token, "GET", path) == 200, path
    for path in refused:
        assert await status(insights, token, "GET", path) == 403, path
    # Leads set their own team's targets (#17), never another team's.
    assert await status(insights, token, "PUT", "/targets/network") == 200
    assert await status(insights, token, "PUT", "/targets/billing") == 403


async def test_leadership_is_read_at_each_request(insights: InsightsHarness, facts: Facts) -> None:
    """A token outlives a change of lead: the projection decides, not the token."""
    token = token_of(insights, facts.network_agent)
    assert await status(insights, token, "GET", "/scorecards/teams/network") == 403
    async with insights.pool.acquire() as conn:
        await conn.execute(
            "UPDATE teams SET lead_agent_id = $1 WHERE team = 'network'", facts.network_agent
        )
    assert await status(insights, token, "GET", "/scorecards/teams/network") == 200
    lead_token = token_of(insights, facts.network_lead)
    assert await status(insights, lead_token, "GET", "/scorecards/teams/network") == 403


async def test_the_service_token_sees_and_changes_everything(
    insights: InsightsHarness, facts: Facts
) -> None:
    for path in (
        "/scorecards/teams/billing",
        f"/scorecards/agents/{facts.billing_agent}",
        "/scorecards/teams/network/agents",
        "/targets/billing",
    ):
        assert await status(insights, TOKEN, "GET", path) == 200, path
    assert await status(insights, TOKEN, "PUT", "/targets/billing") == 200


async def test_bad_expired_and_foreign_tokens_are_401(
    insights: InsightsHarness, facts: Facts
) -> None:
    expired = viewer_token(
        agent_id=facts.network_agent,
        secret=SECRET,
        now=insights.clock() - timedelta(hours=13),
        hours=12,
    )
    foreign = viewer_token(
        agent_id=facts.network_agent,
        secret=secrets.token_urlsafe(32),
        now=insights.clock(),
        hours=12,
    )
    path = f"/scorecards/agents/{facts.network_agent}"
    for token in (
        "wrong",
        expired,
        foreign,
        token_of(insights, uuid.uuid4()),  # no such agent
        token_of(insights, facts.removed_agent),
        TOKEN + "x",
    ):
        async with insights.client(token) as client:
            response = await client.get(path)
        assert response.status_code == 401, token
        assert response.headers["www-authenticate"].lower().startswith("bearer")
    transport = httpx.ASGITransport(app=build_app(insights.spec, insights.runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://insights") as anonymous:
        assert (await anonymous.get(path)).status_code == 401


async def test_the_token_just_before_and_at_expiry(insights: InsightsHarness, facts: Facts) -> None:
    token = token_of(insights, facts.network_agent, hours=1)
    path = f"/scorecards/agents/{facts.network_agent}"
    insights.clock.advance(3599)
    assert await status(insights, token, "GET", path) == 200
    insights.clock.advance(1)
    assert await status(insights, token, "GET", path) == 401


async def test_without_a_secret_only_the_service_token_works(
    insights: InsightsHarness, facts: Facts
) -> None:
    token = token_of(insights, facts.network_agent)
    insights.runtime.settings = insights.settings.model_copy(update={"viewer_token_secret": None})
    path = f"/scorecards/agents/{facts.network_agent}"
    assert await status(insights, token, "GET", path) == 401
    assert await status(insights, TOKEN, "GET", path) == 200


async def test_failed_authentications_are_limited(insights: InsightsHarness, facts: Facts) -> None:
    insights.runtime.settings = insights.settings.model_copy(update={"auth_failure_limit": 2})
    path = "/scorecards/teams/network"
    async with insights.client("wrong") as client:
        codes = [(await client.get(path)).status_code for _ in range(3)]
    assert codes == [401, 401, 429]
    # Once over the limit, even the right token waits: a good guess is not revealed.
    assert await status(insights, TOKEN, "GET", path) == 429
