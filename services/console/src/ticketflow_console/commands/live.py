"""The live feed: ticket changes heard on the bus, fanned out to every connected user's stream
(each stream then keeps only what its user may see: `queue.queue_update`)."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_console.commands.queue import TicketChange

log = logging.getLogger(__name__)


class LiveFeed:
    """Subscribers' bounded queues; a slow stream drops its oldest change, never blocks the bus."""

    def __init__(self, *, buffer: int) -> None:
        self.buffer = buffer
        self.subscribers: set[asyncio.Queue[TicketChange | None]] = set()
        self.closed = False

    def publish(self, change: TicketChange) -> None:
        for queue in self.subscribers:
            if queue.full():
                queue.get_nowait()
                log.warning("live stream behind: oldest change dropped")
            queue.put_nowait(change)

    def close(self) -> None:
        """End every stream (the service is stopping)."""
        self.closed = True
        for queue in self.subscribers:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(None)

    @contextlib.asynccontextmanager
    async def subscription(self) -> AsyncIterator["asyncio.Queue[TicketChange | None]"]:
        queue: asyncio.Queue[TicketChange | None] = asyncio.Queue(maxsize=self.buffer)
        if self.closed:
            queue.put_nowait(None)
        self.subscribers.add(queue)
        try:
            yield queue
        finally:
            self.subscribers.discard(queue)


_FEEDS: dict[int, LiveFeed] = {}


def live_feed(owner: object, *, buffer: int) -> LiveFeed:
    """The one feed of a running console (`owner`: its runtime), shared by bus and streams."""
    return _FEEDS.setdefault(id(owner), LiveFeed(buffer=buffer))


async def hear(*, conn: asyncpg.Connection, feed: LiveFeed, change: TicketChange) -> None:
    """Pass the change on once the inbox's transaction commits (a redone batch passes it once)."""
    after_commit(conn, lambda: feed.publish(change))
