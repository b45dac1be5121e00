"""Knowledge answers only to its tokens: the service token, or a signed access token."""

import httpx

from tests.integration.knowledge.conftest import KnowledgeHarness
from tests.support.knowledge import token_for


async def test_health_is_open_and_an_unknown_token_is_refused(knowledge: KnowledgeHarness) -> None:
    async with knowledge.client("not-a-token") as client:
        assert (await client.get("/healthz")).status_code == 200
        assert (await client.get("/openapi.json")).status_code in (200, 401)
        refused = await client.get("/nowhere")
        assert refused.status_code == 401


async def test_an_expired_access_token_is_refused(knowledge: KnowledgeHarness) -> None:
    token = token_for("agent", "a-1", now=knowledge.clock(), hours=1)
    knowledge.clock.advance(seconds=3601)
    async with knowledge.client(token) as client:
        response: httpx.Response = await client.get("/nowhere")
    assert response.status_code == 401
