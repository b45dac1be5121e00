"""Sends due deliveries (webhook, chat, email) as they come due, woken by new ones (NOTIFY)."""

import asyncio
import logging
import random
from datetime import datetime, timedelta

import asyncpg

from ticketflow_common.clock import Clock
from ticketflow_common.runtime import Runtime
from ticketflow_common.wakeups import listening
from ticketflow_common.work_loop import run_work_loop
from ticketflow_notify.adapters.http_sender import new_session
from ticketflow_notify.adapters.senders import Senders
from ticketflow_notify.commands.claims import claim_due, next_claimable_at
from ticketflow_notify.commands.deliver import deliver
from ticketflow_notify.domain.claims import ClaimPolicy
from ticketflow_notify.domain.outcomes import OutcomePolicy
from ticketflow_notify.settings import NotifySettings

log = logging.getLogger(__name__)
# Due deliveries that could not be claimed (another replica holds their endpoint, or it is at
# its concurrency limit) are looked at again after this long, or sooner when a slot frees.
BLOCKED_RECHECK_SECONDS = 0.05


class Dispatcher:
    """Claims as many due deliveries as it has free slots and sends them concurrently; any
    number of replicas share the work (see `claim_due`)."""

    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        senders: Senders,
        clock: Clock,
        policy: OutcomePolicy,
        timeout_seconds: float,
        batch_size: int,
        concurrency: int,
        rng: random.Random | None = None,
    ) -> None:
        self.pool = pool
        self.senders = senders
        self.clock = clock
        self.policy = policy
        self.claims = ClaimPolicy(
            lease_seconds=timeout_seconds * 2 + 30,
            failure_threshold=policy.health.failure_threshold,
        )
        self.batch_size = batch_size
        self.concurrency = concurrency
        self._in_flight: set[asyncio.Task[None]] = set()
        self._wakeup = asyncio.Event()
        self._claimed_last = 0
        # Whether work was left when last looked (slots full, or a due delivery blocked by its
        # endpoint's limit): only then does a finished attempt wake the loop for another claim.
        self._work_left = False
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not security

    def room(self) -> int:
        return self.concurrency - len(self._in_flight)

    async def dispatch_due(self) -> int:
        """Claim as many due deliveries as this replica has free slots and start sending them;
        returns how many were claimed (`drain` waits for the ones in flight)."""
        room = min(self.batch_size, self.room())
        self._claimed_last = 0
        if room <= 0:
            self._work_left = True
            return 0
        async with self.pool.acquire() as conn:
            claimed = await claim_due(conn=conn, now=self.clock(), limit=room, policy=self.claims)
        for one in claimed:
            task = asyncio.create_task(
                deliver(
                    pool=self.pool,
                    claimed=one,
                    senders=self.senders,
                    clock=self.clock,
                    policy=self.policy,
                    rng=self.rng,
                )
            )
            self._in_flight.add(task)
            task.add_done_callback(self._finished)
        # A claim that filled its room may have left more; one that did not took all it could.
        self._claimed_last = len(claimed) if len(claimed) >= room else 0
        self._work_left = len(claimed) >= room
        return len(claimed)

    def _finished(self, task: "asyncio.Task[None]") -> None:
        self._in_flight.discard(task)
        if self._work_left:
            self._wakeup.set()
        if not task.cancelled() and task.exception() is not None:
            log.error("delivery attempt crashed", extra={"error": repr(task.exception())})

    async def drain(self) -> None:
        """Wait for every attempt in flight (each ends within the send timeout)."""
        while self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    async def next_due(self) -> datetime | None:
        """At once after a claim that filled its room while slots are free; with every slot
        taken, when one frees (a wake-up); else the next due delivery, but not before a
        blocked one is worth another look."""
        if self.room() <= 0:
            return None
        now = self.clock()
        if self._claimed_last:
            return now
        async with self.pool.acquire() as conn:
            due = await next_claimable_at(conn=conn, now=now)
        if due is None:
            return None
        self._work_left = due <= now  # due but not claimed: blocked by its endpoint's limit
        return max(due, now + timedelta(seconds=BLOCKED_RECHECK_SECONDS))

    async def run(self, stop: asyncio.Event, *, max_idle_seconds: float) -> None:
        """Dispatch until `stop`, then finish what is in flight. Between claims it sleeps until
        the next due delivery, a new one (LISTEN/NOTIFY), a free slot, or `max_idle_seconds`."""
        async with self.pool.acquire() as conn:
            channel = f"{await conn.fetchval('SELECT current_schema()')}_deliveries"
        try:
            async with listening(self.pool, channel, self._wakeup.set):
                await run_work_loop(
                    name="delivery dispatcher",
                    work=self.dispatch_due,
                    next_due=self.next_due,
                    batch_size=self.batch_size,
                    max_idle_seconds=max_idle_seconds,
                    stop=stop,
                    clock=self.clock,
                    wakeup=self._wakeup,
                )
        finally:
            await self.drain()


async def run_dispatcher(runtime: Runtime[NotifySettings], stop: asyncio.Event) -> None:
    """The service's dispatcher, on its own HTTP client (no proxy from env, no cookies)."""
    settings = runtime.settings
    async with new_session() as http:
        dispatcher = Dispatcher(
            pool=runtime.pool,
            senders=Senders.from_settings(settings, http=http),
            clock=runtime.clock,
            policy=settings.outcome_policy(),
            timeout_seconds=max(settings.webhook_timeout_seconds, settings.smtp_timeout_seconds),
            batch_size=settings.delivery_batch_size,
            concurrency=settings.delivery_concurrency,
        )
        await dispatcher.run(stop, max_idle_seconds=settings.max_idle_seconds)
