"""Reading a whole paged list (`{items, next_cursor}`) over HTTP, as a client would."""

from collections.abc import Mapping
from typing import Any

import httpx


async def every_item(
    http: httpx.AsyncClient,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Every item of the list in order, following `next_cursor` to the last page, so a poll
    for an item never misses one past the first page."""
    items: list[dict[str, Any]] = []
    cursor: dict[str, str] = {}
    while True:
        got = await http.get(
            url, params={"limit": "200", **(params or {}), **cursor}, headers=headers
        )
        assert got.status_code == 200, got.text
        page = got.json()
        items.extend(page["items"])
        if page["next_cursor"] is None:
            return items
        cursor = {"cursor": page["next_cursor"]}
