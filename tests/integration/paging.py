"""Walk a paged list (`{items, next_cursor}`) to its end with a small limit, checking that each
item comes once and the pages end."""

from collections.abc import Callable, Mapping
from typing import Any

import httpx

MAX_PAGES = 1_000


async def walk_pages(
    client: httpx.AsyncClient,
    path: str,
    *,
    key: Callable[[dict[str, Any]], object],
    params: Mapping[str, str] | None = None,
    limit: int = 2,
) -> list[dict[str, Any]]:
    """Every item of the list in order; fails on a duplicate (by `key`), a page over `limit`,
    a bad answer or a cursor that never ends."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        query = {**(params or {}), "limit": str(limit)} | ({"cursor": cursor} if cursor else {})
        got = await client.get(path, params=query)
        assert got.status_code == 200, got.text
        page = got.json()
        assert set(page) == {"items", "next_cursor"}, page
        assert len(page["items"]) <= limit
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            keys = [key(item) for item in items]
            assert len(keys) == len(set(keys)), f"duplicates walking {path}: {keys}"
            return items
    raise AssertionError(f"{path}: no last page after {MAX_PAGES} pages")


async def assert_bad_cursor_refused(client: httpx.AsyncClient, path: str) -> None:
    """A cursor this list did not hand out is a 422 naming `query:cursor`."""
    got = await client.get(path, params={"cursor": "not-a-cursor"})
    assert got.status_code == 422, got.text
    assert "query:cursor" in got.text
