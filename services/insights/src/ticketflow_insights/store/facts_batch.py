"""Statements of many events sent together: within `batched_statements()`, the facts' store
queues its writes and `flush_statements` runs each distinct statement once over all its
argument rows (asyncpg pipelines `executemany`). Safe because the facts' writes do not depend
on the order events come in; rows of one statement still apply in their order."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import asyncpg

Queue = dict[str, list[tuple[Any, ...]]]
_QUEUE: ContextVar[Queue | None] = ContextVar("insights_batched_statements", default=None)


@contextmanager
def batched_statements() -> Iterator[Queue]:
    queue: Queue = {}
    token = _QUEUE.set(queue)
    try:
        yield queue
    finally:
        _QUEUE.reset(token)


async def execute(conn: asyncpg.Connection, sql: str, *args: Any) -> None:
    """Run now, or queue it while batching."""
    queue = _QUEUE.get()
    if queue is None:
        await conn.execute(sql, *args)
        return
    queue.setdefault(sql, []).append(args)


async def flush_statements(conn: asyncpg.Connection, queue: Queue) -> None:
    """Each statement over all its rows, in the order statements were first queued."""
    for sql, rows in queue.items():
        await conn.executemany(sql, rows)
    queue.clear()
