"""Automation timer benchmark: fire lateness of time-based rules against the real Postgres.

In a scratch database (dropped afterwards) it loads time rules (one counting business minutes of
a calendar), `--background` pending timers due days ahead, and `--timers` tickets whose rule
timers fall due evenly over `--seconds`; then it starts real `python -m ticketflow_automation`
processes (their timers worker on the system clock, their outbox relay to Kafka) and, after the
stream, a burst all due at once. It prints, per run:
- lateness by the service's clock: `rule_timers.fired_at` (the instant the batch claimed the
  timer, the firing's time) minus `due_at`;
- visible lateness: the first poll (every `--poll-ms`) no longer seeing the timer pending minus
  `due_at`: an upper bound of when its firing was committed;
- fires per second of the burst, and each replica's CPU seconds and RSS.

    set -a; source .local/env; set +a
    uv run python -m bench.automation_timers [--timers 20000] [--seconds 60] [--replicas 1]
"""

import argparse
import asyncio
import json
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from bench.infra import bench_infra
from bench.latency import summarise
from bench.service_processes import (
    Replica,
    Scratch,
    print_replicas,
    process_figures,
    scratch,
    start_replicas,
    stop_replicas,
)
from tests.infra import Infra
from ticketflow_automation.domain.rules import RuleDefinition
from ticketflow_common.migrations import apply_migrations, service_migrations

SCHEMA = "automation"
CALENDAR = "全天服务台"
RULE_MINUTES = (10, 20, 30, 45)
"""One rule per entry, counting from the ticket's creation; the last in CALENDAR's time."""


def rule_rows(now: datetime) -> list[tuple[uuid.UUID, int, tuple[object, ...]]]:
    """(rule id, minutes, row of `rules`) of the benchmark's time rules."""
    rows: list[tuple[uuid.UUID, int, tuple[object, ...]]] = []
    for index, minutes in enumerate(RULE_MINUTES):
        definition = RuleDefinition.model_validate(
            {
                "name": f"超时提醒 {minutes} 分钟",
                "after": {
                    "anchor": "created",
                    "minutes": minutes,
                    **({"calendar": CALENDAR} if index == len(RULE_MINUTES) - 1 else {}),
                },
                "when": {"field": "ticket.status", "op": "ne", "value": "closed"},
                "actions": [{"type": "add_note", "body": "「{{ ticket.subject }}」已等待多时"}],
                "limit": {"firings": 100, "per_minutes": 60},
            }
        )
        rule_id = uuid.uuid4()
        dumped = definition.model_dump(mode="json", by_alias=True, exclude_none=True)
        row = (rule_id, definition.name, "time", True, index, json.dumps(dumped), 1)
        rows.append((rule_id, minutes, (*row, "bench", now, "bench", now)))
    return rows


def calendar_definition(now: datetime) -> str:
    """Every day 00:00-24:00 in UTC: business minutes equal wall minutes, through the calendar
    arithmetic all the same."""
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return json.dumps(
        {
            "name": CALENDAR,
            "change": "created",
            "time_zone": "UTC",
            "always_open": False,
            "week": {day: [["00:00", "24:00"]] for day in days},
            "holidays": [],
            "changed_at": now.isoformat(),
        }
    )


async def load_setup(conn: asyncpg.Connection, *, background: int) -> list[tuple[uuid.UUID, int]]:
    """Rules, the calendar and `background` far-future timers; the rules' (id, minutes)."""
    now = datetime.now(UTC)
    rules = rule_rows(now)
    await conn.copy_records_to_table(
        "rules",
        records=[row for _, _, row in rules],
        columns=[
            "rule_id",
            "name",
            "kind",
            "enabled",
            "position",
            "definition",
            "version",
            "created_by",
            "created_at",
            "updated_by",
            "updated_at",
        ],
        schema_name=SCHEMA,
    )
    await conn.execute(f"UPDATE {SCHEMA}.rule_set SET version = version + 1")
    await conn.execute(
        f"INSERT INTO {SCHEMA}.calendars (name, definition, changed_at) VALUES ($1, $2::jsonb, $3)",
        CALENDAR,
        calendar_definition(now),
        now,
    )
    far = [
        (rules[i % len(rules)][0], uuid.uuid4(), now, now + timedelta(days=1, seconds=i), 1)
        for i in range(background)
    ]
    await conn.copy_records_to_table(
        "rule_timers",
        records=far,
        columns=["rule_id", "ticket_id", "anchor_at", "due_at", "depth"],
        schema_name=SCHEMA,
    )
    await conn.execute(f"ANALYZE {SCHEMA}.rule_timers")
    return [(rule_id, minutes) for rule_id, minutes, _ in rules]


async def add_due_timers(
    conn: asyncpg.Connection, rules: Sequence[tuple[uuid.UUID, int]], due: Sequence[datetime]
) -> None:
    """A ticket per instant, created so that one rule's timer on it falls due then."""
    tickets, timers = [], []
    for index, due_at in enumerate(due):
        rule_id, minutes = rules[index % len(rules)]
        ticket_id = uuid.uuid4()
        created = due_at - timedelta(minutes=minutes)
        state = {
            "ticket_id": str(ticket_id),
            "version": 1,
            "status": "open",
            "priority": "normal",
            "subject": f"打印机卡纸 #{index}",
            "language": "zh",
            "created_at": created.isoformat(),
            "status_entered_at": created.isoformat(),
            "last_update_at": created.isoformat(),
            "last_requester_message_at": created.isoformat(),
            "unassigned_since": created.isoformat(),
        }
        tickets.append((ticket_id, json.dumps(state), 1, True, created))
        timers.append((rule_id, ticket_id, created, due_at, 1))
    await conn.copy_records_to_table(
        "tickets",
        records=tickets,
        columns=["ticket_id", "state", "version", "open", "updated_at"],
        schema_name=SCHEMA,
    )
    await conn.copy_records_to_table(
        "rule_timers",
        records=timers,
        columns=["rule_id", "ticket_id", "anchor_at", "due_at", "depth"],
        schema_name=SCHEMA,
    )


class VisibilityPoll:
    """Sees each timer pending before it is due and notes the first poll it is gone from."""

    def __init__(self, *, horizon: timedelta) -> None:
        self.horizon = horizon
        self.pending: dict[tuple[uuid.UUID, uuid.UUID], datetime] = {}
        self.visible: dict[tuple[uuid.UUID, uuid.UUID], tuple[datetime, datetime]] = {}

    async def poll(self, conn: asyncpg.Connection) -> None:
        seen_at = datetime.now(UTC)
        rows = await conn.fetch(
            f"SELECT rule_id, ticket_id, due_at FROM {SCHEMA}.rule_timers"
            " WHERE fired_at IS NULL AND due_at <= $1",
            seen_at + self.horizon,
        )
        now_pending = {(r["rule_id"], r["ticket_id"]): r["due_at"] for r in rows}
        for key, due_at in self.pending.items():
            if key not in now_pending:
                self.visible[key] = (due_at, seen_at)
        self.pending = now_pending


async def watch_until_fired(
    conn: asyncpg.Connection,
    replicas: list[Replica],
    *,
    until: datetime,
    within: float,
    poll: VisibilityPoll,
    poll_seconds: float,
) -> None:
    """Poll visibility and sample the replicas until every timer due by `until` fired."""
    deadline = time.monotonic() + within
    last_sample = 0.0
    while time.monotonic() < deadline:
        await poll.poll(conn)
        if time.monotonic() - last_sample > 0.25:
            last_sample = time.monotonic()
            for replica in replicas:
                replica.stats.sample(last_sample)
        if datetime.now(UTC) > until and not poll.pending:
            left = await conn.fetchval(
                f"SELECT count(*) FROM {SCHEMA}.rule_timers WHERE fired_at IS NULL"
                " AND due_at <= $1",
                until,
            )
            if left == 0:
                return
        await asyncio.sleep(poll_seconds)


def lateness_ms(pairs: Sequence[tuple[datetime, datetime | None]]) -> dict[str, float | int]:
    return summarise([(f - d).total_seconds() * 1000 for d, f in pairs if f is not None])


async def run_once(
    conn: asyncpg.Connection,
    *,
    rules: Sequence[tuple[uuid.UUID, int]],
    replicas_count: int,
    on: Scratch,
    timers: int,
    seconds: float,
    burst: int,
    poll_seconds: float,
) -> dict[str, Any]:
    """One replica count: the stream's lateness, then the burst's fires per second."""
    replicas = await start_replicas("automation", replicas_count, on=on, tag=f"{replicas_count}-")
    try:
        start = datetime.now(UTC) + timedelta(seconds=5)
        stream = [start + timedelta(seconds=seconds * i / timers) for i in range(timers)]
        await add_due_timers(conn, rules, stream)
        active = await conn.fetchval(
            f"SELECT count(*) FROM {SCHEMA}.rule_timers WHERE fired_at IS NULL"
        )
        print(
            f"\n== {replicas_count} replica(s): {active:,} pending rule timers;"
            f" {timers:,} due over {seconds:.0f} s ({timers / seconds:,.0f}/s), then a burst"
            f" of {burst:,}"
        )
        for replica in replicas:
            replica.stats.sample(time.monotonic())
        poll = VisibilityPoll(horizon=timedelta(seconds=1))
        await watch_until_fired(
            conn,
            replicas,
            until=stream[-1],
            within=seconds + 60,
            poll=poll,
            poll_seconds=poll_seconds,
        )
        stream_rows = await conn.fetch(
            f"SELECT rule_id, ticket_id, due_at, fired_at FROM {SCHEMA}.rule_timers"
            " WHERE due_at >= $1 AND due_at <= $2",
            stream[0],
            stream[-1],
        )
        burst_at = datetime.now(UTC) + timedelta(seconds=3)
        await add_due_timers(conn, rules, [burst_at] * burst)
        burst_poll = VisibilityPoll(horizon=timedelta(seconds=5))
        await watch_until_fired(
            conn, replicas, until=burst_at, within=120, poll=burst_poll, poll_seconds=poll_seconds
        )
        burst_done = max((seen for _, seen in burst_poll.visible.values()), default=burst_at)
        firings = await conn.fetchval(f"SELECT count(*) FROM {SCHEMA}.firings")
        outbox = await conn.fetchval(f"SELECT count(*) FROM {SCHEMA}.outbox")
    finally:
        await stop_replicas(replicas)

    by_clock = lateness_ms([(r["due_at"], r["fired_at"]) for r in stream_rows])
    visible = lateness_ms(list(poll.visible.values()))
    unfired = sum(1 for r in stream_rows if r["fired_at"] is None)
    burst_seconds = max((burst_done - burst_at).total_seconds(), 1e-3)
    fired_span = [r["fired_at"] for r in stream_rows if r["fired_at"] is not None]
    span = (max(fired_span) - min(fired_span)).total_seconds() if fired_span else 0.0
    figures: dict[str, Any] = {
        "replicas": replicas_count,
        "pending_timers": active,
        "stream": {
            "timers": timers,
            "seconds": seconds,
            "fired_per_s": round(len(fired_span) / max(span, 1e-3), 1),
            "lateness_by_service_clock": by_clock,
            "lateness_visible": visible,
            "unfired": unfired,
        },
        "burst": {
            "timers": burst,
            "seconds_to_visible": round(burst_seconds, 2),
            "fires_per_s": round(burst / burst_seconds),
        },
        "firings": firings,
        "outbox_left": outbox,
        "processes": process_figures(replicas),
    }
    print(f"stream: {len(fired_span):,} fired, {figures['stream']['fired_per_s']:,}/s")
    print(f"  lateness, fired_at - due_at (service clock): {by_clock}")
    print(
        f"  lateness, first poll seeing it fired - due_at (<= {poll_seconds * 1000:.0f} ms"
        f" over): {visible}"
    )
    print(f"  unfired: {unfired}")
    print(
        f"burst: {burst:,} visible as fired in {burst_seconds:.2f} s"
        f" = {burst / burst_seconds:,.0f}/s"
    )
    print_replicas(replicas)
    print(f"firings recorded: {firings:,}; outbox rows not yet relayed: {outbox:,}")
    return figures


async def run(
    *,
    infra: Infra,
    timers: int,
    seconds: float,
    replicas: Sequence[int],
    background: int,
    burst: int,
    poll_seconds: float,
) -> dict[str, Any]:
    runs = []
    async with scratch(infra) as on:
        conn = await asyncpg.connect(on.database_url)
        try:
            await apply_migrations(
                conn=conn, schema=SCHEMA, migrations=service_migrations("automation")
            )
            rules = await load_setup(conn, background=background)
            print(
                f"{len(rules)} time rules, {background:,} timers due days ahead; logs in {on.logs}"
            )
            for count in replicas:
                runs.append(
                    await run_once(
                        conn,
                        rules=rules,
                        replicas_count=count,
                        on=on,
                        timers=timers,
                        seconds=seconds,
                        burst=burst,
                        poll_seconds=poll_seconds,
                    )
                )
        finally:
            await conn.close()
    return {"timers": timers, "seconds": seconds, "background": background, "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timers", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--background", type=int, default=100_000)
    parser.add_argument("--burst", type=int, default=10_000)
    parser.add_argument("--replicas", type=int, nargs="+", default=[1])
    parser.add_argument("--poll-ms", type=float, default=50)
    args = parser.parse_args()
    asyncio.run(
        run(
            infra=bench_infra(),
            timers=args.timers,
            seconds=args.seconds,
            replicas=args.replicas,
            background=args.background,
            burst=args.burst,
            poll_seconds=args.poll_ms / 1000,
        )
    )


if __name__ == "__main__":
    main()
