"""Waking workers: a stop request, a NOTIFY (kept listening across reconnects) or a timeout."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

import asyncpg

log = logging.getLogger(__name__)


async def wait_for_any(*events: asyncio.Event, seconds: float) -> None:
    """Return when any event is set or `seconds` pass, whichever is first."""
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, timeout=max(0.0, seconds), return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()


def reconnect_delay(attempt: int, *, base: float = 0.1, cap: float = 5.0) -> float:
    """Backoff between attempts to listen again: 0.1 s, 0.2 s, 0.4 s ... at most `cap`."""
    return float(min(cap, base * 2 ** max(0, attempt - 1)))


class Listener:
    """Holds one pool connection that LISTENs on `channel`; when Postgres drops it (a restart,
    a failover) it listens again on a new one, with backoff, and calls `on_notify` once it does,
    since a NOTIFY sent meanwhile was lost."""

    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        channel: str,
        on_notify: Callable[[], None],
        check_seconds: float = 1.0,
        max_retry_seconds: float = 5.0,
    ) -> None:
        self.pool = pool
        self.channel = channel
        self.on_notify = on_notify
        self.check_seconds = check_seconds
        self.max_retry_seconds = max_retry_seconds
        self.listening = asyncio.Event()
        self.connections = 0

    def _notified(self, *_args: object) -> None:
        self.on_notify()

    async def run(self) -> None:
        """Listen until cancelled."""
        attempt = 0
        while True:
            try:
                await self._listen_once()
                attempt = 0
            except Exception as exc:
                log.warning(
                    "LISTEN connection failed, will retry",
                    extra={"channel": self.channel, "error": repr(exc)},
                )
            attempt += 1
            await asyncio.sleep(reconnect_delay(attempt, cap=self.max_retry_seconds))

    async def _listen_once(self) -> None:
        """Listen on one connection until it is lost."""
        lost = asyncio.Event()

        def on_lost(_conn: object) -> None:
            lost.set()

        conn: asyncpg.Connection = await self.pool.acquire()
        try:
            conn.add_termination_listener(on_lost)
            await conn.add_listener(self.channel, self._notified)
            self.connections += 1
            if self.connections > 1:
                log.info("LISTEN connection restored", extra={"channel": self.channel})
            self.listening.set()
            self.on_notify()
            while not (lost.is_set() or conn.is_closed()):
                await wait_for_any(lost, seconds=self.check_seconds)
            log.warning("LISTEN connection lost", extra={"channel": self.channel})
        finally:
            self.listening.clear()
            await self._give_back(conn, on_lost)

    async def _give_back(self, conn: asyncpg.Connection, on_lost: Callable[[object], None]) -> None:
        conn.remove_termination_listener(on_lost)
        if not conn.is_closed():
            with contextlib.suppress(Exception):
                await conn.remove_listener(self.channel, self._notified)
        with contextlib.suppress(Exception):
            await self.pool.release(conn)


@contextlib.asynccontextmanager
async def listening(
    pool: asyncpg.Pool, channel: str, on_notify: Callable[[], None]
) -> AsyncIterator[Listener]:
    """Keep a LISTEN on `channel` for the duration of the block, reconnecting as needed."""
    listener = Listener(pool=pool, channel=channel, on_notify=on_notify)
    task = asyncio.create_task(listener.run(), name=f"listen-{channel}")
    try:
        yield listener
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
