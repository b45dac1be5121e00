"""The performance goals (issue #20) beside what one `make bench` run measured: one row per
goal with its target, the figure, and whether it was met. Pure: reads the report's phases."""

from typing import Any

SERVICES = ("intake", "routing", "sla", "notify")
CPU_MS_PER_TICKET = 5.0
RSS_MIB = 100.0
E2E_P99_MS = {100.0: (100.0, 250.0), 10.0: (50.0, 100.0)}
"""Offered tickets/s -> (POST to `ticket.assigned` on the bus, POST to its webhook) p99 goals."""
SLA_LATENESS_P99_MS = 50.0
SLA_RSS_MIB = 150.0
BREACH_TO_WEBHOOK_P99_MS = 250.0
INTAKE_RATIO = 0.5
REPLICA_SPEEDUP = 1.7


def goal(name: str, target: str, measured: Any, met: bool | None) -> dict[str, Any]:
    return {"goal": name, "target": target, "measured": measured, "met": met}


def at_most(value: float | None, limit: float) -> bool | None:
    return None if value is None else value <= limit


def intake_goals(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """wrk at 16 connections: intake against the bare insert, and intake's memory."""
    row = next((r for r in rows if r["intake"]["concurrency"] == 16), None)
    if row is None:
        return [goal("intake POST /tickets vs bare, wrk 16 connections", ">= 0.5x", None, None)]
    ours, bare = row["intake"], row["bare"]
    ratio = round(ours["req_per_s"] / bare["req_per_s"], 2) if bare["req_per_s"] else None
    measured = (
        f"{ratio}x ({ours['req_per_s']} vs {bare['req_per_s']} req/s;"
        f" CPU {ours.get('cpu_ms_per_req')} vs {bare.get('cpu_ms_per_req')} ms/request)"
    )
    return [
        goal(
            "intake POST /tickets vs bare FastAPI+asyncpg insert, wrk 16 connections",
            f">= {INTAKE_RATIO}x",
            measured,
            None if ratio is None else ratio >= INTAKE_RATIO,
        ),
    ]


def cost_goals(row: dict[str, Any]) -> list[dict[str, Any]]:
    """CPU per ticket summed over the services, and each service's peak memory."""
    tickets = max(int(row["tickets"]), 1)
    used = row["services"]
    per_service = {s: round(used[s]["cpu_s"] * 1000 / tickets, 2) for s in SERVICES if s in used}
    total = round(sum(per_service.values()), 2)
    detail = ", ".join(f"{s} {ms}" for s, ms in per_service.items())
    rows = [
        goal(
            f"CPU per ticket, all services, at {row['offered_per_s']:g}/s",
            f"<= {CPU_MS_PER_TICKET:g} ms",
            f"{total} ms ({detail})",
            at_most(total, CPU_MS_PER_TICKET),
        )
    ]
    for service in SERVICES:
        if service in used:
            peak = used[service]["peak_rss_mib"]
            rows.append(
                goal(f"{service} peak RSS", f"<= {RSS_MIB:g} MiB", peak, at_most(peak, RSS_MIB))
            )
    return rows


def latency_goals(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for rate, (bus_goal, hook_goal) in E2E_P99_MS.items():
        row = next((r for r in rows if float(r["offered_per_s"]) == rate), None)
        bus = None if row is None else row["to_bus"].get("p99_ms")
        hook = None if row is None else row["to_webhook"].get("p99_ms")
        out.append(
            goal(f"POST -> ticket.assigned on the bus p99 at {rate:g}/s",
                 f"<= {bus_goal:g} ms", bus, at_most(bus, bus_goal))
        )  # fmt: skip
        out.append(
            goal(f"POST -> its webhook p99 at {rate:g}/s",
                 f"<= {hook_goal:g} ms", hook, at_most(hook, hook_goal))
        )  # fmt: skip
    return out


def sla_goals(scale: dict[str, Any]) -> list[dict[str, Any]]:
    timers = f"{scale['timers']:,} timers (loaded in {scale['load_seconds']} s)"
    lateness = scale["lateness"].get("p99_ms")
    hook = scale["webhook_since_due"].get("p99_ms")
    rss = scale["sla_peak_rss_mib"]
    return [
        goal(f"SLA fire lateness p99, {timers}", f"<= {SLA_LATENESS_P99_MS:g} ms", lateness,
             at_most(lateness, SLA_LATENESS_P99_MS)),
        goal("sla peak RSS at that scale", f"<= {SLA_RSS_MIB:g} MiB", rss,
             at_most(rss, SLA_RSS_MIB)),
        goal("breach due -> webhook at the receiver p99", f"<= {BREACH_TO_WEBHOOK_P99_MS:g} ms",
             hook, at_most(hook, BREACH_TO_WEBHOOK_P99_MS)),
    ]  # fmt: skip


def replica_goals(throughput: dict[str, Any]) -> list[dict[str, Any]]:
    runs = throughput["runs"]
    speedup = throughput["speedup"]
    measured = (
        f"{speedup}x ({runs[0]['events_per_second']} -> {runs[-1]['events_per_second']} events/s)"
    )
    return [
        goal(
            "two replicas of routing, sla, notify against one, each on its own core",
            f">= {REPLICA_SPEEDUP:g}x events/s",
            measured,
            None if speedup is None else speedup >= REPLICA_SPEEDUP,
        )
    ]


def goals(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Every goal the report has the phase for, in the issue's order."""
    rows: list[dict[str, Any]] = []
    if "intake_wrk" in report:
        rows += intake_goals(report["intake_wrk"])
    e2e = report.get("end_to_end", [])
    busiest = max(e2e, key=lambda r: float(r["offered_per_s"]), default=None)
    if busiest is not None:
        rows += cost_goals(busiest)
    rows += latency_goals(e2e)
    if "sla_scale" in report:
        rows += sla_goals(report["sla_scale"])
    if "replica_throughput" in report:
        rows += replica_goals(report["replica_throughput"])
    return rows


def goals_markdown(rows: list[dict[str, Any]]) -> str:
    mark = {True: "yes", False: "**no**", None: "not measured"}
    lines = ["| goal | target | measured | met |", "|---|---|---|---|"]
    lines += [f"| {r['goal']} | {r['target']} | {r['measured']} | {mark[r['met']]} |" for r in rows]
    return "\n".join(lines)
