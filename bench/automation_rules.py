"""Automation's rule evaluation with 1,000 active rules: time per event, pure and whole handler.

    set -a; source .local/env; set +a
    uv run python -m bench.automation_rules [--rules 1000] [--tickets 600] [--concurrency 1]

1,000 enabled rules of a realistic mix are stored in a scratch schema (dropped afterwards):
~85% event rules spread over a dozen event types (a few on `sla.*` and `*`), most with a
selective first condition (a category, a team, a region, a Chinese keyword in the subject) so
they are filtered out by event type or at once, the rest time-based. A few thousand events of
tickets' lives (created, updated, commented, assigned, status changed, SLA warnings and
breaches) go through the real handler (`apply_once` + automation's event table: lock and apply
the state, keep the event, evaluate, fire, replan timers) on the real Postgres.

Printed: pure evaluation per event (the rules chosen by event type and their conditions, as
the handler times it into ticketflow_automation_evaluation_seconds), the whole handler per
event (its transaction, commit included), events/s, CPU per event of this process (Postgres's
own CPU is not in it), RSS, and how many firings and suppressions the run made.
"""

import argparse
import asyncio
import logging
import os
import random
import resource
import secrets
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

from bench.infra import bench_infra
from bench.latency import percentile
from ticketflow_automation.commands.evaluate import cause_of, event_rule_matches
from ticketflow_automation.commands.rule_cache import RuleSnapshot, compile_rules
from ticketflow_automation.domain.rules import Rule, RuleDefinition
from ticketflow_automation.domain.ticket_state import TicketState, apply_event
from ticketflow_automation.main import SPEC
from ticketflow_automation.settings import AutomationSettings
from ticketflow_automation.store.rule_set import enabled_rules
from ticketflow_common.clock import system_clock
from ticketflow_common.db import create_pool
from ticketflow_common.envelope import Envelope, EventData, new_event
from ticketflow_common.events import (
    EVENT_MODELS,
    SlaBreached,
    SlaWarning,
    TicketAssigned,
    TicketCommented,
    TicketCreated,
    TicketStatusChanged,
    TicketUpdated,
)
from ticketflow_common.inbox import Handler, apply_once
from ticketflow_common.kafka import new_producer
from ticketflow_common.migrations import apply_migrations, service_migrations
from ticketflow_common.runtime import Runtime
from ticketflow_common.topics import TopicNames

CATEGORIES = [f"cat-{n}" for n in range(40)]
TEAMS = [f"team-{n}" for n in range(25)]
REGIONS = ["北京", "上海", "广州", "深圳", "成都", "杭州", "武汉", "西安"]
KEYWORDS = ["打印机", "投影仪", "密码", "VPN", "邮箱", "报销", "发票", "合同", "网络", "电脑"]
SUBJECTS = [f"{k}{tail}" for k in KEYWORDS for tail in ("坏了", "无法使用", "需要帮助")]
EVENT_TYPES = [  # (pattern, weight): where event rules listen
    ("ticket.created", 22),
    ("ticket.updated", 14),
    ("ticket.commented", 14),
    ("ticket.status_changed", 10),
    ("ticket.assigned", 6),
    ("sla.warning", 5),
    ("sla.breached", 5),
    ("sla.*", 2),
    ("ticket.escalated", 4),
    ("feedback.negative", 4),
    ("ticket.transferred", 4),
    ("ticket.approval_requested", 3),
    ("mail.received", 3),
    ("*", 1),
]
PRIORITIES = ["low", "normal", "high", "urgent"]


def first_condition(rng: random.Random) -> dict[str, Any]:
    """What most real rules start with: one fact that only some tickets have."""
    pick = rng.random()
    if pick < 0.4:
        return {"field": "ticket.category", "op": "eq", "value": rng.choice(CATEGORIES)}
    if pick < 0.65:
        return {"field": "ticket.team", "op": "in", "value": [rng.choice(TEAMS)]}
    if pick < 0.8:
        return {"field": "ticket.custom_fields.region", "value": rng.choice(REGIONS)}
    if pick < 0.95:
        return {"field": "ticket.subject", "op": "contains_text", "value": rng.choice(KEYWORDS)}
    return {"field": "ticket.priority", "op": "eq", "value": rng.choice(PRIORITIES)}


def more_conditions(rng: random.Random) -> list[dict[str, Any]]:
    """A second selective fact, then a few that most tickets pass."""
    selective: list[dict[str, Any]] = [
        {"field": "ticket.priority", "op": "eq", "value": rng.choice(PRIORITIES)},
        {"field": "ticket.amount", "op": "gte", "value": 5000},
        {"field": "ticket.description", "op": "contains_text", "value": rng.choice(KEYWORDS)},
        {"field": "ticket.requester_tier", "value": "vip"},
        {"field": "ticket.channel", "op": "in", "value": rng.sample(["web", "email", "chat"], 1)},
    ]
    loose: list[dict[str, Any]] = [
        {"field": "ticket.tags", "op": "not_contains", "value": "spam"},
        {"field": "ticket.channel", "op": "ne", "value": "phone"},
        {
            "any": [
                {"field": "ticket.requester_tier", "value": "vip"},
                {"field": "ticket.escalation_level", "op": "gte", "value": 0},
            ]
        },
        {"not": {"field": "ticket.status", "op": "in", "value": ["resolved", "closed"]}},
    ]
    return [rng.choice(selective), *rng.sample(loose, rng.randint(0, 2))]


def actions(rng: random.Random) -> list[dict[str, Any]]:
    return rng.choice(
        [
            [{"type": "set_priority", "priority": "high"}],
            [{"type": "add_tags", "tags": ["auto", "triaged"]}],
            [{"type": "add_note", "body": "规则「{{ rule.name }}」: {{ ticket.subject }}"}],
            [{"type": "notify", "target": "team_lead", "message": "{{ ticket.subject }} 需要关注"}],
            [{"type": "set_team", "team": rng.choice(TEAMS)}],
        ]
    )


def rule_definitions(count: int, rng: random.Random) -> list[RuleDefinition]:
    patterns = [p for p, _ in EVENT_TYPES]
    weights = [w for _, w in EVENT_TYPES]
    rules = []
    for n in range(count):
        base: dict[str, Any] = {"name": f"规则 {n}", "position": rng.randint(0, 1000)}
        when = {"all": [first_condition(rng), *more_conditions(rng)]}
        if rng.random() < 0.85:
            base["on"] = [rng.choices(patterns, weights)[0]]
        else:
            anchor = rng.choice(["created", "status_entered", "awaiting_reply", "unassigned"])
            base["after"] = {"anchor": anchor, "minutes": rng.choice([30, 60, 240, 1440])}
        rules.append(RuleDefinition.model_validate({**base, "when": when, "actions": actions(rng)}))
    return rules


async def store_rules(conn: asyncpg.Connection, definitions: list[RuleDefinition]) -> None:
    now = datetime.now(UTC)
    await conn.executemany(
        "INSERT INTO rules (rule_id, name, kind, enabled, position, definition, version,"
        " created_by, created_at, updated_by, updated_at)"
        " VALUES ($1, $2, $3, true, $4, $5::jsonb, 1, 'bench', $6, 'bench', $6)",
        [
            (
                uuid.uuid4(),
                d.name,
                d.kind,
                d.position,
                d.model_dump(mode="json", by_alias=True, exclude_none=True),
                now,
            )
            for d in definitions
        ],
    )
    await conn.execute("UPDATE rule_set SET version = version + 1")


def ticket_life(rng: random.Random, start: datetime) -> list[EventData]:
    """One ticket's events, as intake, routing and sla would publish them."""
    ticket_id = uuid.uuid4()
    facts: dict[str, Any] = {
        "ticket_id": ticket_id,
        "priority": rng.choice(PRIORITIES),
        "category": rng.choice(CATEGORIES),
        "team": rng.choice(TEAMS),
        "channel": rng.choice(["web", "email", "chat", "phone"]),
        "language": "zh",
        "required_skills": [],
        "requester_id": f"u-{rng.randrange(10_000)}",
        "requester_tier": "vip" if rng.random() < 0.1 else "standard",
        "subject": rng.choice(SUBJECTS),
        "custom_fields": {"region": rng.choice(REGIONS)},
        "tags": ["hardware"] if rng.random() < 0.3 else [],
    }
    at = start
    version = 1

    def next_facts(**changes: Any) -> dict[str, Any]:
        nonlocal version, at
        version += 1
        at += timedelta(minutes=rng.randint(1, 30))
        facts.update(changes)
        return {**facts, "version": version}

    events: list[EventData] = [
        TicketCreated(
            **{**facts, "version": 1},
            description=f"{rng.choice(KEYWORDS)}的问题, 请尽快处理",
            amount=rng.choice([None, 300, 6000]),
            created_at=at,
        ),
        TicketAssigned(
            ticket_id=ticket_id,
            agent_id=uuid.uuid4(),
            agent_name="李娜",
            team=facts["team"],
            assigned_at=at + timedelta(seconds=5),
        ),
    ]
    for _ in range(rng.randint(1, 3)):
        events.append(
            TicketCommented(
                **next_facts(),
                comment_id=uuid.uuid4(),
                author_id="x",
                author_role=rng.choice(["requester", "agent"]),
                public=True,
                first_response=False,
                body="还是不行",
                commented_at=at,
            )
        )
    events.append(
        TicketUpdated(
            **next_facts(priority=rng.choice(PRIORITIES)),
            changed=["priority"],
            actor_id="agent",
            updated_at=at,
        )
    )
    sla = {"ticket_id": ticket_id, "clock_id": uuid.uuid4(), "policy": "standard"}
    events.append(
        SlaWarning(
            **sla,
            metric="resolution",
            threshold="75%",
            due_at=at + timedelta(hours=1),
            fired_at=at,
        )
    )
    if rng.random() < 0.3:
        events.append(
            SlaBreached(**sla, metric="resolution", due_at=at, fired_at=at + timedelta(hours=1))
        )
    events.append(
        TicketStatusChanged(
            **next_facts(status="resolved"),
            previous_status="new",
            actor_id="agent",
            actor_role="agent",
            changed_at=at,
        )
    )
    return events


def pure_evaluation(
    snapshot: RuleSnapshot, envelopes: Sequence[Envelope], *, rounds: int
) -> tuple[list[float], list[float], int]:
    """Per event (ms, wall clock and this thread's CPU): the rules chosen by type and their
    conditions, as the handler runs them; states replayed in memory as the handler keeps them."""
    samples: list[float] = []
    cpu: list[float] = []
    matched = 0
    for _ in range(rounds):
        states: dict[Any, TicketState | None] = {}
        for envelope in envelopes:
            data = envelope.data
            before = states.get(data["ticket_id"])
            after = apply_event(before, event_type=envelope.type, data=data, at=envelope.time)
            assert after is not None
            states[data["ticket_id"]] = after
            cause = cause_of(data)
            started = time.perf_counter_ns()
            on_cpu = time.thread_time_ns()
            found = event_rule_matches(
                snapshot,
                after=after,
                before=before,
                event_type=envelope.type,
                data=data,
                cause=cause,
            )
            cpu.append((time.thread_time_ns() - on_cpu) / 1e6)
            samples.append((time.perf_counter_ns() - started) / 1e6)
            matched += len(found)
    return samples, cpu, matched // rounds


def _guarded_candidates(snapshot: RuleSnapshot, envelopes: Sequence[Envelope]) -> int:
    """How many conditions the evaluation ran in all (after the type and guard indexes)."""
    states: dict[Any, TicketState | None] = {}
    total = 0
    for envelope in envelopes:
        data = envelope.data
        after = apply_event(
            states.get(data["ticket_id"]), event_type=envelope.type, data=data, at=envelope.time
        )
        assert after is not None
        states[data["ticket_id"]] = after
        total += len(snapshot.event_rules(envelope.type).candidates(after, envelope.type, data))
    return total


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def handle_all(
    pool: asyncpg.Pool, handlers: dict[str, Handler], lanes: list[list[Envelope]]
) -> list[float]:
    """Each lane in order (one ticket's events stay in one lane, as in a partition)."""
    samples: list[float] = []

    async def run(lane: list[Envelope]) -> None:
        for envelope in lane:
            payload = envelope.payload(EVENT_MODELS[envelope.type])
            started = time.perf_counter()
            await apply_once(
                pool=pool, envelope=envelope, payload=payload, handler=handlers[envelope.type]
            )
            samples.append((time.perf_counter() - started) * 1000)

    await asyncio.gather(*(run(lane) for lane in lanes))
    return samples


def line(name: str, values: list[float]) -> str:
    return (
        f"{name:<34} p50 {percentile(values, 50):7.3f} ms   p99 {percentile(values, 99):7.3f} ms"
        f"   max {max(values):7.3f} ms   (n={len(values)})"
    )


async def run(rules: int, tickets: int, concurrency: int, seed: int) -> dict[str, float]:
    infra = bench_infra()
    dsn = infra.database_url
    schema = f"bench_automation_{uuid.uuid4().hex[:8]}"
    rng = random.Random(seed)
    pool = await create_pool(dsn=dsn, schema=schema, max_size=concurrency + 2)
    try:
        async with pool.acquire() as conn:
            await apply_migrations(
                conn=conn, schema=schema, migrations=service_migrations("automation")
            )
            definitions = rule_definitions(rules, rng)
            await store_rules(conn, definitions)
            stored: list[Rule] = await enabled_rules(conn=conn)
        started = time.perf_counter()
        snapshot = compile_rules(stored, version=None)
        compile_ms = (time.perf_counter() - started) * 1000
        event_rules = sum(1 for r in snapshot.rules if r.kind == "event")
        print(
            f"{len(snapshot.rules)} enabled rules ({event_rules} event, "
            f"{len(snapshot.time_rules)} time), compiled and indexed in {compile_ms:.0f} ms"
        )

        start = datetime.now(UTC) - timedelta(days=1)
        lives = [ticket_life(rng, start + timedelta(seconds=n)) for n in range(tickets)]
        lanes: list[list[Envelope]] = [[] for _ in range(concurrency)]
        envelopes: list[Envelope] = []
        for n, life in enumerate(lives):
            for data in life:
                subject = str(getattr(data, "ticket_id", n))
                envelope = new_event(data, source="/bench", subject=subject, time=start)
                lanes[n % concurrency].append(envelope)
                envelopes.append(envelope)
        print(f"{len(envelopes)} events of {tickets} tickets, {concurrency} lane(s)")

        pure, pure_cpu, matched = pure_evaluation(snapshot, envelopes, rounds=3)
        by_type = sum(len(snapshot.for_event(e.type)) for e in envelopes) / len(envelopes)
        guarded = _guarded_candidates(snapshot, envelopes) / len(envelopes)
        print(
            f"rules per event: {by_type:.0f} of {len(snapshot.rules)} listen for its type,"
            f" {guarded:.0f} pass the guard index; matches per run: {matched}"
        )

        settings = AutomationSettings(
            database_url=dsn, kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
            api_token=secrets.token_hex(16),
        )  # fmt: skip
        producer = new_producer(infra.kafka_bootstrap_servers, client_id="bench")  # never started
        runtime = Runtime(
            service="automation", settings=settings, pool=pool, producer=producer,
            names=TopicNames(""), clock=system_clock,
        )  # fmt: skip
        handlers = SPEC.handlers(runtime)
        warm = [ticket_life(rng, start) for _ in range(20)]
        await handle_all(
            pool,
            handlers,
            [[new_event(d, source="/b", subject="w", time=start) for life in warm for d in life]],
        )
        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        wall0 = time.perf_counter()
        whole = await handle_all(pool, handlers, lanes)
        wall = time.perf_counter() - wall0
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        async with pool.acquire() as conn:
            fired = await conn.fetchval("SELECT count(*) FROM firings")
            suppressed = await conn.fetchval("SELECT count(*) FROM suppressions")
        await producer.stop()

        print(line("pure evaluation per event (wall)", pure))
        print(line("pure evaluation per event (CPU)", pure_cpu))
        print(line("whole handler per event", whole))
        print(
            f"{len(envelopes) / wall:.0f} events/s; CPU {cpu / len(envelopes) * 1000:.3f} ms"
            f" per event (this process); RSS {rss_mib():.0f} MiB, peak"
            f" {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB;"
            f" {fired} firings, {suppressed} suppressions"
        )
        p99 = percentile(pure, 99)
        print(f"target evaluation p99 <= 2 ms: {'met' if p99 <= 2 else 'MISSED'} ({p99:.3f} ms)")
        load = os.getloadavg()
        print(f"machine: {os.cpu_count()} CPUs, load average {load[0]:.1f} (wall times include")
        print(" preemption by other processes; CPU times do not)")
        return {
            "evaluation_p50_ms": percentile(pure, 50),
            "evaluation_p99_ms": p99,
            "evaluation_cpu_p50_ms": percentile(pure_cpu, 50),
            "evaluation_cpu_p99_ms": percentile(pure_cpu, 99),
            "handler_p50_ms": percentile(whole, 50),
            "handler_p99_ms": percentile(whole, 99),
            "events_per_second": len(envelopes) / wall,
            "cpu_ms_per_event": cpu / len(envelopes) * 1000,
        }
    finally:
        async with pool.acquire() as conn:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await pool.close()


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Run the evaluation benchmark (`make bench-automation` calls this)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--tickets", type=int, default=600, help="~7 events each")
    parser.add_argument("--concurrency", type=int, default=1, help="lanes, like partitions")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)  # suppressions are logged: not bench output
    return asyncio.run(run(args.rules, args.tickets, args.concurrency, args.seed))


if __name__ == "__main__":
    main()
