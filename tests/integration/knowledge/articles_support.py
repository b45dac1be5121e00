"""What every articles test does: write an article as staff and publish it."""

from typing import Any

import httpx


async def new_article(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    """A draft by the client's caller (`fields` override an English internal one)."""
    body = {
        "title": "VPN drops every ten minutes",
        "body": "Reinstall the **VPN** client.",
        "language": "en",
        "category": "network",
        "tags": ["vpn"],
        "visibility": "internal",
        **fields,
    }
    response = await client.post("/articles", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def published(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    """A draft, then published at version 1."""
    article = await new_article(client, **fields)
    response = await client.post(f"/articles/{article['id']}/publish")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result
