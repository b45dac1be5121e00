"""Forecast and staffing for 50 teams over 4 weeks of 30-minute intervals: time and memory.

    uv run python -m bench.insights_planning [--teams 50] [--weeks 4] [--history-weeks 8]
        [--agents 30] [--patience 300] [--answer-within 3600] [--memory] [--database]

Pure computation, as the insights worker runs it per team, without the database: each team has
a seeded synthetic history (weekday peaks, quiet weekends, Poisson noise) that the forecast
(domain/forecast.py, a Poisson GLM) fits and extends `--weeks` ahead; staffing then counts the
team's agents on shift per interval (libs/common shifts, three rotations across time zones)
and finds the agents required per interval by Erlang C (Erlang A with `--patience`) for the
team's targets. Wall time from perf_counter, CPU time from getrusage (user + system), peak
Python heap (numpy included) from tracemalloc and the process's peak RSS from ru_maxrss.

`--database` then stores the forecasts, rosters and targets in a scratch insights schema on
the TICKETFLOW_* Postgres (dropped afterwards) and times what the service does with them:
`staffing_plan` of every team for the whole horizon (GET /staffing/{team}), and one round of
`publish_gap_forecasts` (the worker: 48 h of every team, the gaps into the outbox).
"""

import argparse
import asyncio
import gc
import json
import random
import resource
import time
import tracemalloc
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from typing import TypeVar

import asyncpg

from bench.infra import bench_infra
from ticketflow_common.db import create_pool
from ticketflow_common.migrations import apply_migrations, service_migrations
from ticketflow_common.shifts import Shift
from ticketflow_insights.commands.staffing import publish_gap_forecasts, staffing_plan
from ticketflow_insights.domain.forecast import ArrivalSeries, forecast_arrivals
from ticketflow_insights.domain.staffing_plan import (
    AgentSchedule,
    PlannedInterval,
    gap_windows,
    plan_intervals,
    scheduled_per_interval,
)
from ticketflow_insights.domain.targets import TeamTargets

T = TypeVar("T")
INTERVAL_MINUTES = 30
HISTORY_START = datetime(2025, 3, 3, tzinfo=UTC)  # a Monday
ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Shanghai")
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
ROTATIONS = [
    Shift(days=WEEKDAYS, start=clock_time(6), end=clock_time(14)),
    Shift(days=WEEKDAYS, start=clock_time(9), end=clock_time(17)),
    Shift(days=WEEKDAYS, start=clock_time(14), end=clock_time(22)),
    Shift(days=["sat", "sun"], start=clock_time(8), end=clock_time(20)),
]


def history_of(team: int, weeks: int) -> ArrivalSeries:
    """A weekly pattern: a daytime hump on weekdays, a fifth of it at weekends, seeded noise."""
    rng = random.Random(team)
    peak = rng.uniform(5, 60)
    per_day = 24 * 60 // INTERVAL_MINUTES
    counts = []
    for index in range(weeks * 7 * per_day):
        moment = HISTORY_START + timedelta(minutes=INTERVAL_MINUTES * index)
        hour = moment.hour + moment.minute / 60
        hump = max(0.0, 1 - abs(hour - 13) / 6)
        rate = peak * hump * (0.2 if moment.weekday() >= 5 else 1.0) + 0.2
        counts.append(float(poisson(rng, rate)))
    return ArrivalSeries(HISTORY_START, timedelta(minutes=INTERVAL_MINUTES), tuple(counts))


def poisson(rng: random.Random, rate: float) -> int:
    """Knuth's method for small rates, a rounded normal for large ones (fine for a benchmark)."""
    if rate > 30:
        return max(0, round(rng.gauss(rate, rate**0.5)))
    limit, product, count = 2.718281828459045**-rate, rng.random(), 0
    while product > limit:
        product *= rng.random()
        count += 1
    return count


def roster_of(team: int, agents: int) -> list[AgentSchedule]:
    rng = random.Random(1000 + team)
    zone = ZONES[team % len(ZONES)]
    return [
        AgentSchedule(None if rng.random() < 0.05 else [ROTATIONS[index % 4]], zone)
        for index in range(agents)
    ]


TRACE_MEMORY = False
"""tracemalloc slows Python code down: time in one run, trace memory in another (--memory)."""


def measured(label: str, work: Callable[[], T], figures: dict[str, dict[str, float]]) -> T:
    """Run `work`, recording wall and CPU time (or the peak traced memory) under `label`."""
    if TRACE_MEMORY:
        tracemalloc.start()
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    result = work()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    peak = 0
    if TRACE_MEMORY:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    figures[label] = {"wall_s": wall, "cpu_s": cpu, "peak_mib": peak / 2**20}
    return result


async def database_phases(
    *,
    forecasts: list[ArrivalSeries],
    rosters: list[list[AgentSchedule]],
    targets: TeamTargets,
    handle: float,
    figures: dict[str, dict[str, float]],
) -> None:
    """Time the service's staffing commands on Postgres over the same teams."""
    dsn = bench_infra().database_url
    schema = f"bench_insights_{uuid.uuid4().hex[:8]}"
    pool = await create_pool(dsn=dsn, schema=schema, max_size=2)
    now = forecasts[0].start
    try:
        async with pool.acquire() as conn:
            await apply_migrations(
                conn=conn, schema=schema, migrations=service_migrations("insights")
            )
            await load_rows(conn, forecasts, rosters, targets, handle, now)
            days = len(forecasts[0].counts) * INTERVAL_MINUTES // (24 * 60)
            started, cpu = time.perf_counter(), time.process_time()
            for team in range(len(forecasts)):
                await staffing_plan(
                    conn=conn, team=f"t{team}", now=now, days=days, interval_minutes=30
                )
            figures[f"db: staffing_plan x teams ({days} d)"] = {
                "wall_s": time.perf_counter() - started,
                "cpu_s": time.process_time() - cpu,
                "peak_mib": 0.0,
            }
            started, cpu = time.perf_counter(), time.process_time()
            announced = await publish_gap_forecasts(conn=conn, now=now, hours=48)
            figures[f"db: publish gaps, 48 h ({announced} events)"] = {
                "wall_s": time.perf_counter() - started,
                "cpu_s": time.process_time() - cpu,
                "peak_mib": 0.0,
            }
    finally:
        async with pool.acquire() as conn:
            await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await pool.close()


async def load_rows(
    conn: asyncpg.Connection,
    forecasts: list[ArrivalSeries],
    rosters: list[list[AgentSchedule]],
    targets: TeamTargets,
    handle: float,
    now: datetime,
) -> None:
    """Teams, agents, targets, resolved tickets (the handling time) and forecast rows."""
    execute = conn.executemany
    teams = [f"t{team}" for team in range(len(forecasts))]
    await execute(
        "INSERT INTO teams (team, name, changed_at) VALUES ($1, $1, $2)",
        [(team, now) for team in teams],
    )
    await execute(
        "INSERT INTO agents (agent_id, name, teams, time_zone, shifts, changed_at)"
        " VALUES ($1, 'bench', $2, $3, $4::jsonb, $5)",
        [
            (
                uuid.uuid4(),
                [team],
                agent.time_zone,
                None
                if agent.shifts is None
                else json.dumps([shift.model_dump(mode="json") for shift in agent.shifts]),
                now,
            )
            for team, roster in zip(teams, rosters, strict=True)
            for agent in roster
        ],
    )
    await execute(
        "INSERT INTO team_targets (team, first_response_seconds, patience_seconds, updated_at,"
        " updated_by) VALUES ($1, $2, $3, $4, 'bench')",
        [(team, targets.first_response_seconds, targets.patience_seconds, now) for team in teams],
    )
    await execute(
        "INSERT INTO tickets (ticket_id, team, status, resolved_at, handling_seconds)"
        " VALUES ($1, $2, 'resolved', $3, $4)",
        [
            (uuid.uuid4(), team, now - timedelta(hours=1 + i), handle)
            for team in teams
            for i in range(25)
        ],
    )
    await execute(
        "INSERT INTO forecasts (team, interval_minutes, interval_start, arrivals, source,"
        " generated_at) VALUES ($1, 30, $2, $3, 'model', $4)",
        [
            (team, start, count, now)
            for team, series in zip(teams, forecasts, strict=True)
            for start, count in zip(series.starts(), series.counts, strict=True)
        ],
    )


def forecast_and_collect(history: ArrivalSeries, weeks: int) -> ArrivalSeries:
    """As the service does it (commands/forecasts.py): collect statsmodels' cycles per team."""
    forecast = forecast_arrivals(history=history, holidays=frozenset(), weeks=weeks)
    gc.collect()
    return forecast


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=50)
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--history-weeks", type=int, default=8)
    parser.add_argument("--agents", type=int, default=30, help="Agents per team.")
    parser.add_argument("--patience", type=float, default=None, help="Erlang A if given (s).")
    parser.add_argument("--answer-within", type=float, default=3600.0, help="Target (s).")
    parser.add_argument("--handle", type=float, default=600.0, help="Handling time (s).")
    parser.add_argument(
        "--memory", action="store_true", help="Trace the peak heap per phase (slower)."
    )
    parser.add_argument(
        "--database", action="store_true", help="Also time the commands on Postgres."
    )
    args = parser.parse_args()
    global TRACE_MEMORY
    TRACE_MEMORY = args.memory

    figures: dict[str, dict[str, float]] = {}
    teams = range(args.teams)
    histories = [history_of(team, args.history_weeks) for team in teams]
    rosters = [roster_of(team, args.agents) for team in teams]
    targets = TeamTargets(first_response_seconds=args.answer_within, patience_seconds=args.patience)

    forecasts = measured(
        "forecast (fit + 4 weeks)",
        lambda: [forecast_and_collect(h, args.weeks) for h in histories],
        figures,
    )
    starts = forecasts[0].starts()
    scheduled = measured(
        "scheduled agents (shifts)",
        lambda: [
            scheduled_per_interval(agents=r, starts=starts, interval_minutes=INTERVAL_MINUTES)
            for r in rosters
        ],
        figures,
    )

    def staff() -> list[list[PlannedInterval]]:
        return [
            plan_intervals(
                starts=starts,
                arrivals=list(f.counts),
                scheduled=s,
                handle_seconds=args.handle,
                interval_minutes=INTERVAL_MINUTES,
                targets=targets,
            )
            for f, s in zip(forecasts, scheduled, strict=True)
        ]

    plans = measured(
        f"required agents ({'Erlang A' if args.patience else 'Erlang C'})", staff, figures
    )
    windows = measured(
        "gap windows",
        lambda: [
            gap_windows(team=str(team), planned=p, interval_minutes=INTERVAL_MINUTES)
            for team, p in zip(teams, plans, strict=True)
        ],
        figures,
    )

    if args.database:
        asyncio.run(
            database_phases(
                forecasts=forecasts,
                rosters=rosters,
                targets=targets,
                handle=args.handle,
                figures=figures,
            )
        )
    intervals = sum(len(p) for p in plans)
    print(
        f"{args.teams} teams x {len(starts)} intervals of {INTERVAL_MINUTES} min "
        f"({args.weeks} weeks ahead, {args.history_weeks} weeks of history, "
        f"{args.agents} agents/team) = {intervals} intervals"
    )
    memory = f"{'peak MiB':>9}" if TRACE_MEMORY else ""
    print(f"{'phase':36} {'wall s':>9} {'cpu s':>9} {memory}")
    for label, f in figures.items():
        traced = f"{f['peak_mib']:9.1f}" if TRACE_MEMORY else ""
        print(f"{label:36} {f['wall_s']:9.3f} {f['cpu_s']:9.3f} {traced}")
    pure = [f for label, f in figures.items() if not label.startswith("db:")]
    total_wall = sum(f["wall_s"] for f in pure)
    total_cpu = sum(f["cpu_s"] for f in pure)
    print(f"{'total (pure)':36} {total_wall:9.3f} {total_cpu:9.3f}")
    print(
        f"per team: {1000 * total_wall / args.teams:.1f} ms wall,"
        f" {1000 * total_cpu / args.teams:.1f} ms CPU"
    )
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS: {peak_rss:.0f} MiB")
    required = [p.required_agents or 0 for plan in plans for p in plan]
    gaps = sum(len(w) for w in windows)
    print(f"required agents per interval: max {max(required)}, gap windows: {gaps}")


if __name__ == "__main__":
    main()
