"""Reading a service's audit log through its `GET /audit`, as an operator would."""

from typing import Any

import httpx


async def audit_entries(
    client: httpx.AsyncClient, *, entity: str, entity_id: str | None = None
) -> list[dict[str, Any]]:
    """The entity's entries, oldest first (the client must be allowed to read the log)."""
    params: dict[str, str] = {"entity": entity}
    if entity_id is not None:
        params["entity_id"] = entity_id
    return await every_entry(client, **params)


async def every_entry(client: httpx.AsyncClient, **query: str) -> list[dict[str, Any]]:
    """Every entry matching the query, oldest first, following the pages to the end."""
    entries: list[dict[str, Any]] = []
    cursor: dict[str, str] = {}
    while True:
        params = {"order": "oldest", "limit": "200", **query, **cursor}
        answer = await client.get("/audit", params=params)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        entries.extend(page["items"])
        if page["next_cursor"] is None:
            return entries
        cursor = {"cursor": page["next_cursor"]}


def actions(entries: list[dict[str, Any]]) -> list[str]:
    return [e["action"] for e in entries]


def assert_recorded_by_a_client(entry: dict[str, Any], *, subject: str = "service-token") -> None:
    """The entry names its actor and the client's address (the in-process client's)."""
    assert entry["actor"]["subject"] == subject, entry
    assert entry["actor"]["client_address"], entry
    assert len(entry["hash"]) == 64
