"""Routing decision latency with 100, 10,000 and 100,000 agents, and assignment throughput.

    set -a; source .local/env; set +a
    uv run python -m bench.routing_decisions [--agents 100 10000 100000] [--tickets 2000]

Agents are bulk-loaded with COPY into a scratch schema (dropped afterwards) in teams of 50;
each agent holds 4 of its team's 8 skills. A decision is one full `route_ticket` (team lookup,
candidates from the GIN index, scoring, atomic capacity take, assignment, decision record and
outbox row), run in a transaction that is rolled back so every sample sees the same state.
"Team" tickets name a team; "any-team" tickets name only two skills, so their candidate set
grows with the agent count (shown for honesty). Throughput runs ticket.created events through
Kafka into three routing consumers of one group, until every ticket is owned or queued.
"""

import argparse
import asyncio
import json
import random
import resource
import secrets
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient

from bench.infra import bench_infra
from ticketflow_common.clock import system_clock
from ticketflow_common.consumer import EventConsumer
from ticketflow_common.db import create_pool
from ticketflow_common.envelope import new_event
from ticketflow_common.events import TicketCreated
from ticketflow_common.kafka import new_producer
from ticketflow_common.kafka_topics import ensure_topics
from ticketflow_common.migrations import apply_migrations, service_migrations
from ticketflow_common.runtime import Runtime
from ticketflow_common.topics import TICKETS, TopicNames, dlq_topic
from ticketflow_routing.commands.assign import route_ticket
from ticketflow_routing.domain.agents import routing_keys
from ticketflow_routing.domain.policy import RoutingPolicy
from ticketflow_routing.domain.tickets import TicketProjection
from ticketflow_routing.main import SPEC
from ticketflow_routing.settings import RoutingSettings

TEAM_SIZE = 50
TEAM_SKILLS = 8
POLICY = RoutingPolicy()
COLUMNS = (
    "id", "name", "team", "teams", "email", "skills", "skill_levels", "languages", "capacity",
    "load", "status", "routing_keys",
)  # fmt: skip


def team_skills(team: int) -> list[str]:
    return [f"s{team % 500}-{k}" for k in range(TEAM_SKILLS)]


def agent_rows(count: int, rng: random.Random) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for n in range(count):
        team = n // TEAM_SIZE
        skills = rng.sample(team_skills(team), 4)
        languages = ["en", rng.choice(["fr", "de", "es"])]
        teams = [f"team-{team}"]
        rows.append(
            (
                uuid.uuid4(),
                f"agent {n}",
                teams[0],
                teams,
                f"agent{n}@example.com",
                skills,
                {s: rng.randint(1, 5) for s in skills},
                languages,
                5,
                rng.randint(0, 4),
                "online" if rng.random() < 0.8 else "offline",
                routing_keys(skills=skills, teams=teams, languages=languages),
            )
        )
    return rows


def ticket(rng: random.Random, teams: int, *, with_team: bool) -> TicketProjection:
    team = rng.randrange(teams)
    now = datetime.now(UTC)
    skills = rng.sample(team_skills(team), 1 if with_team else 2)
    return TicketProjection(
        ticket_id=uuid.uuid4(),
        version=1,
        status="open",
        priority="normal",
        category="network",
        team=f"team-{team}" if with_team else None,
        language="en",
        required_skills=tuple(sorted(skills)),
        last_agent_id=None,
        created_at=now,
        updated_at=now,
    )


async def load_agents(conn: asyncpg.Connection, count: int, rng: random.Random) -> float:
    await conn.execute(
        "TRUNCATE agents, teams, assignments, queued_tickets, tickets, pickup_timers,"
        " handling_stats, routing_decisions, outbox, processed_events"
    )
    rows = agent_rows(count, rng)
    started = time.perf_counter()
    # COPY (binary) has no jsonb encoder in asyncpg: stage skill levels as text, then cast
    async with conn.transaction():
        await conn.execute(
            "CREATE TEMP TABLE agents_copy ON COMMIT DROP AS SELECT * FROM agents WITH NO DATA"
        )
        await conn.execute("ALTER TABLE agents_copy ALTER skill_levels TYPE text")
        await conn.copy_records_to_table(
            "agents_copy",
            records=[(*r[:6], json.dumps(r[6]), *r[7:]) for r in rows],
            columns=COLUMNS,
        )
        columns = ", ".join(COLUMNS)
        await conn.execute(
            f"INSERT INTO agents ({columns}) SELECT"
            f" {columns.replace('skill_levels', 'skill_levels::jsonb')} FROM agents_copy"
        )
    teams = max(1, count // TEAM_SIZE)
    await conn.execute(
        "INSERT INTO teams (id, name) SELECT 'team-' || n, 'team ' || n"
        " FROM generate_series(0, $1 - 1) n",
        teams,
    )
    await conn.execute("VACUUM ANALYZE agents")  # as autovacuum would: GIN pending list merged
    return time.perf_counter() - started


async def decision_latencies(
    conn: asyncpg.Connection, count: int, rng: random.Random, *, with_team: bool, samples: int
) -> tuple[list[float], int]:
    teams = max(1, count // TEAM_SIZE)
    latencies, assigned = [], 0
    for _ in range(samples):
        view = ticket(rng, teams, with_team=with_team)
        tx = conn.transaction()
        await tx.start()
        started = time.perf_counter()
        owner = await route_ticket(
            conn=conn, ticket=view, now=view.created_at, policy=POLICY, reason="new"
        )
        latencies.append(time.perf_counter() - started)
        await tx.rollback()
        assigned += owner is not None
    return latencies, assigned


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def plan_of_candidate_query(conn: asyncpg.Connection, count: int) -> str:
    keys = sorted({*team_skills(0)[:1], "team:team-0"})
    rows = await conn.fetch(
        "EXPLAIN SELECT id FROM agents WHERE routing_keys @> $1::text[] AND status = 'online'"
        " AND on_shift AND load < capacity AND 'en' = ANY(languages)"
        " ORDER BY load::float8 / capacity LIMIT 50",
        keys,
    )
    return " / ".join(r[0].strip().split("  (")[0] for r in rows if "Scan" in r[0])


async def throughput(
    dsn: str, schema: str, bootstrap: str, tickets: int, rng: random.Random
) -> tuple[float, int]:
    names = TopicNames(f"bench{uuid.uuid4().hex[:8]}.")
    await ensure_topics(
        bootstrap_servers=bootstrap,
        names=names,
        partitions=6,
        only=[TICKETS, dlq_topic(TICKETS, "routing")],
    )
    producer = new_producer(bootstrap, client_id="bench")
    await producer.start()
    pools = [await create_pool(dsn=dsn, schema=schema, max_size=3) for _ in range(3)]
    stop = asyncio.Event()
    settings = RoutingSettings(
        database_url=dsn, kafka_bootstrap_servers=bootstrap, api_token=secrets.token_hex(16)
    )
    consumers = [
        EventConsumer(
            service="routing",
            pool=pool,
            producer=producer,
            bootstrap_servers=bootstrap,
            topics=[TICKETS],
            names=names,
            handlers=SPEC.handlers(
                Runtime(
                    service="routing",
                    settings=settings,
                    pool=pool,
                    producer=producer,
                    names=names,
                    clock=system_clock,
                )
            ),
            group_id=f"{names.prefix}routing",
        )
        for pool in pools
    ]
    tasks = [asyncio.create_task(c.run(stop)) for c in consumers]
    for consumer in consumers:  # let the group settle before the clock starts
        await consumer.ready.wait()
    await asyncio.sleep(3)
    started = time.perf_counter()

    teams = 10_000 // TEAM_SIZE
    for _ in range(tickets):
        team = rng.randrange(teams)
        ticket_id = uuid.uuid4()
        data = TicketCreated(
            ticket_id=ticket_id,
            status="open",
            priority=rng.choice(["low", "normal", "high", "urgent"]),
            team=f"team-{team}",
            required_skills=rng.sample(team_skills(team), 1),
            requester_id="bench",
            subject="bench",
            created_at=datetime.now(UTC),
        )
        event = new_event(data, source="/bench", subject=str(ticket_id))
        await producer.send(
            names.physical(TICKETS), value=event.to_bytes(), key=str(ticket_id).encode()
        )
    await producer.flush()
    async with pools[0].acquire() as conn:
        while await conn.fetchval("SELECT count(*) FROM tickets") < tickets:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - started
        owned = await conn.fetchval("SELECT count(*) FROM assignments")
    stop.set()
    await asyncio.gather(*tasks)
    await producer.stop()
    for pool in pools:
        await pool.close()
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    await admin.delete_topics([t for t in await admin.list_topics() if t.startswith(names.prefix)])
    await admin.close()
    return tickets / elapsed, int(owned)


async def main(agent_counts: list[int], tickets: int, samples: int) -> None:
    infra = bench_infra()
    dsn, bootstrap = infra.database_url, infra.kafka_bootstrap_servers
    schema = f"bench_routing_{uuid.uuid4().hex[:8]}"
    rng = random.Random(42)
    pool = await create_pool(dsn=dsn, schema=schema, max_size=4)
    try:
        async with pool.acquire() as conn:
            await apply_migrations(
                conn=conn, schema=schema, migrations=service_migrations("routing")
            )
            print(f"decision latency, {samples} samples each (ms)")
            print(f"{'agents':>8} {'copy s':>7} {'team p50':>9} {'team p99':>9}"
                  f" {'any p50':>8} {'any p99':>8}  assigned  candidate query plan")  # fmt: skip
            for count in agent_counts:
                copy_s = await load_agents(conn, count, rng)
                await decision_latencies(conn, count, rng, with_team=True, samples=20)  # warm-up
                team, team_ok = await decision_latencies(
                    conn, count, rng, with_team=True, samples=samples
                )
                anyteam, any_ok = await decision_latencies(
                    conn, count, rng, with_team=False, samples=samples
                )
                plan = await plan_of_candidate_query(conn, count)
                print(
                    f"{count:>8} {copy_s:>7.2f} {pct(team, 0.5):>9.2f} {pct(team, 0.99):>9.2f}"
                    f" {pct(anyteam, 0.5):>8.2f} {pct(anyteam, 0.99):>8.2f}"
                    f"  {team_ok + any_ok:>4}/{2 * samples}  {plan}"
                )
            await load_agents(conn, 10_000, rng)
        rate, owned = await throughput(dsn, schema, bootstrap, tickets, rng)
        print(
            f"end-to-end: {tickets} ticket.created via Kafka -> 3 routing consumers -> owner or"
            f" queue, 10,000 agents: {rate:.0f} tickets/s ({owned} assigned, rest queued)"
        )
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of the benchmark process: {rss_mb:.0f} MB")
    finally:
        async with pool.acquire() as conn:
            await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await pool.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agents", type=int, nargs="+", default=[100, 10_000, 100_000])
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(main(args.agents, args.tickets, args.samples))
