"""The benchmark report's ratios, Markdown tables and PNG plots, from the figures alone."""

from pathlib import Path
from typing import Any

import matplotlib

from bench import replicas

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def ratio(ours: float | None, base: float | None) -> float | None:
    if ours is None or base is None or base == 0:
        return None
    return round(ours / base, 2)


def comparison(
    figure: str, ours: float | None, unit: str, baseline: str, base: float | None
) -> dict[str, Any]:
    return {
        "figure": figure,
        "ours": ours,
        "unit": unit,
        "baseline": baseline,
        "baseline_value": base,
        "ratio": ratio(ours, base),
    }


def comparisons(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Each of our figures beside the machine limit it is bounded by."""
    base = report["baselines"]
    pg1, pg16 = base["pgbench_insert_tps"]["1 client"], base["pgbench_insert_tps"]["16 clients"]
    bare, kafka = base["bare_fastapi_asyncpg_insert"], base["kafka_raw_aiokafka"]
    intake = report["intake"]
    capacity = intake["capacity_16_connections"]["achieved_per_s"]
    rows = [
        comparison(
            "intake POST /tickets capacity, 16 connections (closed loop)",
            capacity,
            "req/s",
            "bare FastAPI+asyncpg insert, 16 connections (closed loop)",
            bare["req_per_s"],
        ),
        comparison(
            "intake POST /tickets capacity, 16 connections (closed loop)",
            capacity,
            "req/s",
            "pgbench single-row insert, 16 clients",
            pg16,
        ),
        comparison(
            "intake highest open-loop rate kept up with",
            intake["sustained_per_s"]["intake"],
            "req/s",
            "bare FastAPI, same rates",
            intake["sustained_per_s"]["bare"],
        ),
    ]
    for ours, theirs in zip(intake["intake"], intake["bare"], strict=True):
        rate = f"{ours['offered_per_s']:g}/s"
        for key in ("p50_ms", "p99_ms", "p999_ms"):
            rows.append(
                comparison(
                    f"intake {key[:-3]} at {rate}",
                    ours.get(key),
                    "ms",
                    f"bare FastAPI {key[:-3]} at {rate}",
                    theirs.get(key),
                )
            )
        rows.append(
            comparison(
                f"intake CPU per request at {rate}",
                ours["cpu_ms_per_request"],
                "ms",
                f"bare FastAPI CPU per request at {rate}",
                theirs["cpu_ms_per_request"],
            )
        )
    for row in report["end_to_end"]:
        rate = f"{row['offered_per_s']:g}/s"
        for path, name in (("to_bus", "ticket.assigned on the bus"), ("to_webhook", "webhook")):
            for key in ("p50_ms", "p99_ms"):
                rows.append(
                    comparison(
                        f"POST -> {name} {key[:-3]} at {rate}",
                        row[path].get(key),
                        "ms",
                        f"raw aiokafka produce->consume {key[:-3]}",
                        kafka[f"produce_to_consume_{key}"],
                    )
                )
    for run in report["sla"]["runs"]:
        replicas = f"{run['replicas']} replica(s), {report['sla']['timers']:,} timers"
        rows.append(
            comparison(
                f"SLA fires/s, {replicas}",
                run["burst"]["fires_per_s"],
                "fires/s",
                "pgbench single-row insert, 1 client",
                pg1,
            )
        )
        for key in ("p50_ms", "p99_ms"):
            rows.append(
                comparison(
                    f"SLA fire lateness {key[:-3]}, {replicas}",
                    run["stream"]["lateness"].get(key),
                    "ms",
                    "one Postgres commit (1 / pgbench 1-client TPS)",
                    round(1000 / pg1, 3),
                )
            )
    runs = report.get("replicas") or []
    if len(runs) == 2:
        one, three = runs
        for key, label in (
            ("post_to_assigned_on_bus_ms", "POST -> ticket.assigned on the bus"),
            ("post_to_assigned_webhook_ms", "POST -> webhook"),
        ):
            for p in ("p50_ms", "p99_ms"):
                rows.append(
                    comparison(
                        f"{label} {p[:-3]}, 3 replicas",
                        three[key].get(p),
                        "ms",
                        "the same, 1 replica",
                        one[key].get(p),
                    )
                )
        rows.append(
            comparison(
                "first ticket to all delivered, 3 replicas",
                three["seconds_to_settle"],
                "s",
                "the same, 1 replica",
                one["seconds_to_settle"],
            )
        )
    return rows


def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(headers: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def service_rows(services: dict[str, dict[str, float]]) -> list[list[Any]]:
    return [
        [name, int(u["replicas"]), u["cpu_s"], u["cpu_pct"], u["peak_rss_mib"]]
        for name, u in services.items()
    ]


def write_markdown(report: dict[str, Any], plots: list[str], path: Path) -> str:
    m, base = report["machine"], report["baselines"]
    kafka, bare = base["kafka_raw_aiokafka"], base["bare_fastapi_asyncpg_insert"]
    parts = [
        "# Ticketflow benchmark report",
        f"{m['when']}, commit `{m['commit']}`: {m['cores']} cores ({m['cpu']}), Linux"
        f" {m['kernel']}, Python {m['python']}, PostgreSQL {m['postgres']}, Kafka on"
        f" {m['kafka']}. Load generator: {m['load_generator']}.",
        "## Baselines: this machine's limits",
        table(
            ["limit", "figure"],
            [
                [
                    "pgbench single-row INSERT, 1 client (TPS)",
                    base["pgbench_insert_tps"]["1 client"],
                ],
                [
                    "pgbench single-row INSERT, 16 clients (TPS)",
                    base["pgbench_insert_tps"]["16 clients"],
                ],
                ["bare FastAPI + asyncpg insert, 16 connections (req/s)", bare["req_per_s"]],
                ["raw aiokafka produce, acks=all, idempotent (msg/s)", kafka["produce_msgs_per_s"]],
                ["raw aiokafka produce->consume p50 (ms)", kafka["produce_to_consume_p50_ms"]],
                ["raw aiokafka produce->consume p99 (ms)", kafka["produce_to_consume_p99_ms"]],
            ],
        ),
        "## Our figures beside their baselines",
        table(
            ["figure", "ours", "unit", "baseline", "baseline value", "ratio"],
            [
                [c["figure"], c["ours"], c["unit"], c["baseline"], c["baseline_value"], c["ratio"]]
                for c in report["comparisons"]
            ],
        ),
        "## Intake under open-loop arrivals",
        "Latency from each request's scheduled instant (Poisson arrivals), so queueing shows.",
        table(
            [
                "offered/s",
                "server",
                "achieved/s",
                "p50 ms",
                "p99 ms",
                "p99.9 ms",
                "max ms",
                "errors",
                "CPU %",
                "CPU ms/req",
                "peak RSS MiB",
            ],
            [
                [
                    r["offered_per_s"],
                    server,
                    r["achieved_per_s"],
                    r.get("p50_ms"),
                    r.get("p99_ms"),
                    r.get("p999_ms"),
                    r.get("max_ms"),
                    r["errors"],
                    r["cpu_pct"],
                    r["cpu_ms_per_request"],
                    r["peak_rss_mib"],
                ]
                for ours, theirs in zip(
                    report["intake"]["intake"], report["intake"]["bare"], strict=True
                )
                for server, r in (("intake", ours), ("bare", theirs))
            ],
        ),
        "## End to end: POST /tickets to ticket.assigned (bus) and to the webhook",
        table(
            [
                "offered/s",
                "tickets",
                "POST p99 ms",
                "bus p50",
                "bus p99",
                "bus p99.9",
                "webhook p50",
                "webhook p99",
                "webhook p99.9",
                "missing",
            ],
            [
                [
                    r["offered_per_s"],
                    r["tickets"],
                    r["post"].get("p99_ms"),
                    r["to_bus"].get("p50_ms"),
                    r["to_bus"].get("p99_ms"),
                    r["to_bus"].get("p999_ms"),
                    r["to_webhook"].get("p50_ms"),
                    r["to_webhook"].get("p99_ms"),
                    r["to_webhook"].get("p999_ms"),
                    r["missing_at_webhook"],
                ]
                for r in report["end_to_end"]
            ],
        ),
        "### CPU and peak memory of each service, per rate",
        *(
            f"**{r['offered_per_s']:g} tickets/s**\n\n"
            + table(
                ["service", "replicas", "CPU s", "CPU %", "peak RSS MiB"],
                service_rows(r["services"]),
            )
            for r in report["end_to_end"]
        ),
        f"## SLA timers: {report['sla']['timers']:,} active",
        table(
            [
                "replicas",
                "burst fires/s",
                "lateness p50 ms",
                "p99 ms",
                "p99.9 ms",
                "max ms",
                "unfired",
                "CPU s",
                "peak RSS MiB",
            ],
            [
                [
                    run["replicas"],
                    run["burst"]["fires_per_s"],
                    run["stream"]["lateness"].get("p50_ms"),
                    run["stream"]["lateness"].get("p99_ms"),
                    run["stream"]["lateness"].get("p999_ms"),
                    run["stream"]["lateness"].get("max_ms"),
                    run["unfired"],
                    sum(p["cpu_s"] for p in run["processes"]),
                    max(p["peak_rss_mib"] for p in run["processes"]),
                ]
                for run in report["sla"]["runs"]
            ],
        ),
        "## One and three replicas of routing, sla and notify",
        replicas.table(report["replicas"]) if report.get("replicas") else "(not run)",
        "## Plots",
        *(f"![{name}]({name})" for name in plots),
    ]
    text = "\n\n".join(parts) + "\n"
    path.write_text(text)
    return text


def write_plots(report: dict[str, Any], out: Path) -> list[str]:
    """PNG plots next to the report; returns their file names."""
    names = []
    intake, bare = report["intake"]["intake"], report["intake"]["bare"]
    fig, (lat, thr) = plt.subplots(1, 2, figsize=(12, 4.5))
    for rows, style, who in ((intake, "-", "intake"), (bare, "--", "bare FastAPI")):
        rates = [r["offered_per_s"] for r in rows]
        for key, colour in (
            ("p50_ms", "tab:blue"),
            ("p99_ms", "tab:orange"),
            ("p999_ms", "tab:red"),
        ):
            lat.plot(
                rates,
                [r.get(key) for r in rows],
                style,
                color=colour,
                marker="o",
                label=f"{who} {key[:-3]}",
            )
        thr.plot(rates, [r["achieved_per_s"] for r in rows], style, marker="o", label=who)
    lat.set(
        xlabel="offered requests/s",
        ylabel="latency ms (log)",
        yscale="log",
        title="POST latency, open loop",
    )
    lat.legend(fontsize=7)
    top = max(r["offered_per_s"] for r in intake)
    thr.plot([0, top], [0, top], ":", color="grey", label="offered")
    thr.set(xlabel="offered requests/s", ylabel="answered 2xx/s", title="throughput")
    thr.legend(fontsize=8)
    names.append(save(fig, out, "intake_open_loop.png"))

    e2e = report["end_to_end"]
    kafka = report["baselines"]["kafka_raw_aiokafka"]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    rates = [r["offered_per_s"] for r in e2e]
    for path, colour in (("to_bus", "tab:blue"), ("to_webhook", "tab:green")):
        ax.plot(
            rates, [r[path].get("p50_ms") for r in e2e], "-o", color=colour, label=f"{path} p50"
        )
        ax.plot(
            rates, [r[path].get("p99_ms") for r in e2e], "--o", color=colour, label=f"{path} p99"
        )
    ax.axhline(kafka["produce_to_consume_p50_ms"], color="grey", ls=":", label="raw Kafka p50")
    ax.axhline(kafka["produce_to_consume_p99_ms"], color="black", ls=":", label="raw Kafka p99")
    ax.set(
        xlabel="tickets/s",
        ylabel="ms (log)",
        yscale="log",
        title="POST /tickets -> ticket.assigned",
    )
    ax.legend(fontsize=8)
    names.append(save(fig, out, "end_to_end.png"))

    fig, (cpu, mem) = plt.subplots(1, 2, figsize=(12, 4.5))
    services = list(e2e[0]["services"]) if e2e else []
    width = 0.8 / max(1, len(e2e))
    for i, row in enumerate(e2e):
        xs = [n + i * width for n in range(len(services))]
        label = f"{row['offered_per_s']:g}/s"
        cpu.bar(xs, [row["services"][s]["cpu_pct"] for s in services], width, label=label)
        mem.bar(xs, [row["services"][s]["peak_rss_mib"] for s in services], width, label=label)
    for ax, title in ((cpu, "CPU % of one core"), (mem, "peak RSS MiB")):
        ax.set_xticks([n + 0.4 - width / 2 for n in range(len(services))], services)
        ax.set(title=title)
        ax.legend(fontsize=8)
    names.append(save(fig, out, "resources.png"))

    runs = report["sla"]["runs"]
    fig, ax = plt.subplots(figsize=(6, 4))
    keys = ["p50_ms", "p99_ms", "p999_ms", "max_ms"]
    for i, run in enumerate(runs):
        ax.bar(
            [k + i * 0.4 for k in range(len(keys))],
            [run["stream"]["lateness"].get(k) or 0 for k in keys],
            0.4,
            label=f"{run['replicas']} replica(s)",
        )
    ax.set_xticks(range(len(keys)), [k[:-3] for k in keys])
    ax.set(ylabel="ms", title=f"SLA fire lateness, {report['sla']['timers']:,} timers")
    ax.legend()
    names.append(save(fig, out, "sla_lateness.png"))
    return names


def save(fig: Any, out: Path, name: str) -> str:
    fig.tight_layout()
    fig.savefig(out / name, dpi=110)
    plt.close(fig)
    return name
