"""Three routing replicas (consumers in one group, each with its own pool and loops) race over
hundreds of tickets on the real Postgres and Kafka, with redelivered and reordered events and
agents flipping away and back: never two owners, never over capacity, loads exact."""

import asyncio
import random
import uuid
from collections import defaultdict
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from tests.integration.routing.conftest import T0, FakeIntake, routing_settings
from tests.kafka_helpers import committed_total, delete_topics, total_end_offset
from tests.polling import eventually
from tests.support.clock import FakeClock
from ticketflow_common.audit import SYSTEM_ACTOR
from ticketflow_common.clock import system_clock
from ticketflow_common.consumer import EventConsumer
from ticketflow_common.db import create_pool
from ticketflow_common.envelope import Envelope, new_event
from ticketflow_common.kafka_topics import ensure_topics
from ticketflow_common.runtime import Runtime
from ticketflow_common.topics import TICKETS, TopicNames, dlq_topic
from ticketflow_common.transient import retry_lock_conflicts
from ticketflow_routing.commands.agent_status import change_status
from ticketflow_routing.commands.agents import create_agent
from ticketflow_routing.domain.agents import AgentStatus, NewAgent
from ticketflow_routing.main import SPEC

pytestmark = pytest.mark.integration

TICKETS_COUNT = 300
AGENTS_COUNT = 12
SETTINGS = routing_settings(
    pickup_timeout_seconds={"urgent": 3600, "high": 3600, "normal": 3600, "low": 3600},
    candidate_limit=50,
    loop_max_idle_seconds=0.2,
    queue_sweep_interval_seconds=0.2,
    gauges_interval_seconds=1.0,
)
POLICY = SETTINGS.routing_policy()
SKILLS = ["vpn", "mail", "hw"]
TEAMS = ["a", "b"]

CONSISTENCY = (
    "SELECT count(*) FROM agents a WHERE a.load > a.capacity"
    " OR a.load <> (SELECT count(*) FROM assignments s WHERE s.agent_id = a.id)"
)


def plan_events(rng: random.Random) -> list[Envelope]:
    """Every ticket's events, some twice, some in reverse order, tickets interleaved."""
    intake = FakeIntake(FakeClock(T0))  # builds events only, sends none
    per_ticket: list[list[Envelope]] = []
    for n in range(TICKETS_COUNT):
        created = intake.created(
            skills=rng.sample(SKILLS, rng.randint(0, 2)),
            team=rng.choice([*TEAMS, None]),
            priority=rng.choice(["low", "normal", "high", "urgent"]),
        )
        events: list[Any] = [created]
        if n % 3 == 0:
            events.append(intake.updated(created.ticket_id, priority="urgent"))
        if n % 5 == 0:
            events.append(intake.status(created.ticket_id, "in_progress"))
        if n % 2 == 0:
            events.append(intake.status(created.ticket_id, "resolved"))
        envelopes = [new_event(e, source="/tests", subject=str(created.ticket_id)) for e in events]
        if n % 7 == 0:
            envelopes.reverse()
        if n % 4 == 0:
            envelopes.append(rng.choice(envelopes))
        per_ticket.append(envelopes)
    ordered: list[Envelope] = []
    while per_ticket:
        queue = rng.choice(per_ticket)
        ordered.append(queue.pop(0))
        if not queue:
            per_ticket.remove(queue)
    return ordered


async def test_three_replicas_never_double_own_or_overbook(
    routing_pool: asyncpg.Pool, database_url: str, kafka_bootstrap: str
) -> None:
    rng = random.Random(7)
    async with routing_pool.acquire() as conn:
        schema = await conn.fetchval("SELECT current_schema()")
        agent_ids = []
        for i in range(AGENTS_COUNT):
            new = NewAgent(
                name=f"agent-{i}",
                team=TEAMS[i % 2],
                teams=TEAMS if i % 3 == 0 else [],
                skills=rng.sample(SKILLS, 2) if i % 4 else SKILLS,
                capacity=3,
            )
            agent = await create_agent(
                conn=conn, new=new, now=system_clock(), policy=POLICY, actor=SYSTEM_ACTOR
            )
            agent_ids.append(agent.id)

    names = TopicNames(f"race{uuid.uuid4().hex[:8]}.")
    await ensure_topics(
        bootstrap_servers=kafka_bootstrap,
        names=names,
        partitions=6,
        only=[TICKETS, dlq_topic(TICKETS, "routing")],
    )
    group = f"routing-race-{uuid.uuid4().hex[:6]}"
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    stop = asyncio.Event()
    pools = [await create_pool(dsn=database_url, schema=schema, max_size=4) for _ in range(3)]
    tasks: list[asyncio.Task[None]] = []
    violations: list[int] = []
    try:
        for pool in pools:
            replica = Runtime(
                service="routing", settings=SETTINGS, pool=pool, producer=producer, names=names
            )
            consumer = EventConsumer(
                service="routing",
                pool=pool,
                producer=producer,
                bootstrap_servers=kafka_bootstrap,
                topics=[TICKETS],
                names=names,
                handlers=SPEC.handlers(replica),
                group_id=group,
                max_attempts=3,
                retry_base_seconds=0.01,
            )
            tasks.append(asyncio.create_task(consumer.run(stop)))
            tasks += [asyncio.create_task(loop(replica, stop)) for loop in SPEC.loops]

        async def sample_invariants() -> None:
            while not stop.is_set():
                async with routing_pool.acquire() as conn:
                    violations.append(await conn.fetchval(CONSISTENCY))
                await asyncio.sleep(0.02)  # the sampling period of the invariant check

        async def flip(agent_id: uuid.UUID, status: AgentStatus) -> None:
            async with routing_pool.acquire() as conn:
                await change_status(
                    conn=conn, agent_id=agent_id, status=status, now=system_clock(), policy=POLICY
                )

        async def flip_agents() -> None:
            for agent_id in agent_ids[:4] * 3:
                for status in ("away", "online"):
                    # As the status route does: a deadlock with a replica's assignment is retried.
                    await retry_lock_conflicts(lambda: flip(agent_id, status))  # noqa: B023
                    await asyncio.sleep(0.05)  # spread the flips over the event stream

        tasks.append(asyncio.create_task(sample_invariants()))
        events = plan_events(rng)
        flipping = asyncio.create_task(flip_agents())
        for envelope in events:
            await producer.send(
                names.physical(TICKETS), value=envelope.to_bytes(), key=envelope.subject.encode()
            )
        await producer.flush()
        await flipping

        async def all_consumed() -> bool:
            return await committed_total(bootstrap=kafka_bootstrap, group=group) >= len(events)

        await eventually(all_consumed, what="every event consumed", within=120)

        async def settled() -> bool:
            """Every open ticket owned or queued, and no queued ticket anyone could take."""
            async with routing_pool.acquire() as conn:
                loose = await conn.fetchval(
                    "SELECT count(*) FROM tickets t WHERE t.status IN ('open', 'in_progress')"
                    " AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.ticket_id = t.ticket_id)"
                    " AND NOT EXISTS (SELECT 1 FROM queued_tickets q"
                    "                 WHERE q.ticket_id = t.ticket_id)"
                )
                due = await conn.fetchval("SELECT count(*) FROM pickup_timers WHERE due_at < now()")
                return bool(loose == 0 and due == 0)

        await eventually(settled, what="ownership to settle", within=60)
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        await producer.stop()
        for pool in pools:
            await pool.close()
        dead = await total_end_offset(
            bootstrap=kafka_bootstrap, topic=names.physical(dlq_topic(TICKETS, "routing"))
        )
        await delete_topics(bootstrap=kafka_bootstrap, prefix=names.prefix)

    assert dead == 0, "no event was dead-lettered"
    assert len(violations) > 10
    assert max(violations) == 0, "an agent was over capacity or its load miscounted"
    async with routing_pool.acquire() as conn:
        assert await conn.fetchval(CONSISTENCY) == 0
        projection = {
            r["ticket_id"]: (r["version"], r["status"])
            for r in await conn.fetch("SELECT ticket_id, version, status FROM tickets")
        }
        owned = {r["ticket_id"] for r in await conn.fetch("SELECT ticket_id FROM assignments")}
        queued = {r["ticket_id"] for r in await conn.fetch("SELECT ticket_id FROM queued_tickets")}
        stream = await conn.fetch(
            "SELECT key, event_type, payload FROM outbox WHERE event_type LIKE 'ticket.%'"
            " ORDER BY id"
        )

    latest: dict[uuid.UUID, tuple[int, str]] = {}
    for envelope in events:
        data = envelope.data
        ticket_id = uuid.UUID(str(data["ticket_id"]))
        version = int(str(data["version"]))
        if version > latest.get(ticket_id, (0, ""))[0]:
            latest[ticket_id] = (version, str(data["status"]))
    assert projection == latest, "the projection follows the newest version of every ticket"
    assert not owned & queued, "no ticket is both owned and queued"
    done = {t for t, (_, status) in latest.items() if status == "resolved"}
    assert not owned & done, "resolved tickets hold no capacity"
    assert (owned | queued) == set(latest) - done, "every open ticket is owned or queued"

    kinds = [r["event_type"] for r in stream]
    assert kinds.count("ticket.assigned") >= 50, "the race assigned a good many tickets"
    assert kinds.count("ticket.queued") > 0
    assert kinds.count("ticket.unassigned") > 0, "agents going away handed tickets back"
    holders: dict[str, str | None] = defaultdict(lambda: None)
    for row in stream:
        if row["event_type"] == "ticket.assigned":
            assert holders[row["key"]] is None, f"two owners at once for ticket {row['key']}"
            holders[row["key"]] = row["payload"]["data"]["agent_id"]
        elif row["event_type"] == "ticket.unassigned":
            assert holders[row["key"]] == row["payload"]["data"]["agent_id"]
            holders[row["key"]] = None
    assert {k for k, v in holders.items() if v} >= {str(t) for t in owned}
