"""The rule-timers worker on the real Postgres and the system clock: a timer is only rows, so
it survives a restart of every replica; replicas racing fire each timer once, never early."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from tests.integration.automation.conftest import AutomationHarness
from tests.integration.automation.timer_helpers import timers
from tests.polling import eventually
from ticketflow_automation.workers.timers import run_timers
from ticketflow_common.clock import system_clock
from ticketflow_common.db import create_pool

pytestmark = pytest.mark.integration

Replica = tuple[asyncio.Task[None], asyncio.Event]
StartReplica = Callable[[], Replica]


@pytest.fixture
async def start_replica(
    automation: AutomationHarness, database_url: str
) -> AsyncIterator[StartReplica]:
    """Start the service's timers worker with a pool of its own, like another replica."""
    tasks: list[Replica] = []
    pools: list[asyncpg.Pool] = []
    settings = automation.settings.model_copy(
        update={"timer_batch_size": 50, "timer_max_idle_seconds": 0.5}
    )

    async def replica(stop: asyncio.Event) -> None:
        pool = await create_pool(dsn=database_url, schema=automation.schema, max_size=3)
        pools.append(pool)
        runtime = replace(
            automation.runtime,
            pool=pool,
            clock=system_clock,
            settings=settings,
            service=automation.schema,  # the NOTIFY channel is the schema's
        )
        await run_timers(runtime, stop)

    def start() -> Replica:
        stop = asyncio.Event()
        started = (asyncio.create_task(replica(stop)), stop)
        tasks.append(started)
        return started

    yield start
    for _, stop in tasks:
        stop.set()
    await asyncio.gather(*(task for task, _ in tasks))
    for pool in pools:
        await pool.close()


async def unassigned_tickets(
    h: AutomationHarness, *, due: list[datetime], minutes: int = 10
) -> list[uuid.UUID]:
    """Tickets created so that their `unassigned for N minutes` timers fall due at `due`."""
    ids = []
    for instant in due:
        h.clock.now = instant - timedelta(minutes=minutes)
        created = h.created(subject="无人认领的打印机工单")
        await h.deliver(created)
        ids.append(created.ticket_id)
    return ids


async def add_unassigned_rule(h: AutomationHarness) -> None:
    await h.add_rule(
        {
            "name": "十分钟无人认领",
            "after": {"anchor": "unassigned", "minutes": 10},
            "actions": [{"type": "escalate", "reason": "十分钟无人认领"}],
            "limit": {"firings": 1, "per_minutes": 60},
        }
    )


async def fired_count(h: AutomationHarness) -> int:
    count: int = await h.fetchval("SELECT count(*) FROM firings WHERE trigger = 'timer'")
    return count


async def test_a_timer_survives_a_restart_of_every_replica(
    automation: AutomationHarness, start_replica: StartReplica
) -> None:
    h = automation
    await add_unassigned_rule(h)
    now = datetime.now(UTC)
    first, second = await unassigned_tickets(
        h, due=[now + timedelta(seconds=1), now + timedelta(seconds=5)]
    )
    task, stop = start_replica()
    await eventually(lambda: fired_count(h), what="the first replica to fire the first timer")
    stop.set()
    await task
    [pending] = (await timers(h, second)).values()
    assert pending["fired_at"] is None, "due after the replica stopped"

    start_replica()  # a new process: a new pool, an empty rule cache, nothing in memory
    await eventually(
        lambda: h.fetchval("SELECT count(*) = 2 FROM firings"), what="the timer after the restart"
    )
    for ticket_id in (first, second):
        [row] = (await timers(h, ticket_id)).values()
        assert row["fired_at"] >= row["due_at"]
    [event] = [e for e in await h.events("rule.fired", second) if e["trigger"] == "timer"]
    assert event["actions"] == [{"type": "escalate", "reason": "十分钟无人认领"}]


async def test_two_replicas_racing_fire_every_timer_once_and_never_early(
    automation: AutomationHarness, start_replica: StartReplica
) -> None:
    h = automation
    await add_unassigned_rule(h)
    now = datetime.now(UTC)
    count = 150
    due = [now + timedelta(seconds=1 + 2.0 * i / count) for i in range(count)]
    due += [now - timedelta(seconds=5)] * 50  # a backlog both grab at once
    ticket_ids = await unassigned_tickets(h, due=due)
    start_replica()
    start_replica()

    async def all_fired() -> bool:
        pending: int = await h.fetchval("SELECT count(*) FROM rule_timers WHERE fired_at IS NULL")
        return pending == 0

    await eventually(all_fired, what="every timer to fire", within=30)
    firings = await h.fetch("SELECT ticket_id FROM firings WHERE trigger = 'timer'")
    assert sorted(str(f["ticket_id"]) for f in firings) == sorted(str(t) for t in ticket_ids)
    events = [e for e in await h.events("rule.fired") if e["trigger"] == "timer"]
    assert len(events) == len(ticket_ids)
    early = await h.fetchval("SELECT count(*) FROM rule_timers WHERE fired_at < due_at")
    assert early == 0, "no timer fires before it is due"
