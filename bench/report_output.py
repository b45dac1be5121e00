"""The benchmark report's ratios, Markdown tables and PNG plots, from the figures alone."""

from pathlib import Path
from typing import Any

import matplotlib

from bench import replica_throughput
from bench.goals import goals, goals_markdown

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
    scale = report.get("sla_scale")
    if scale:
        for key in ("p50_ms", "p99_ms"):
            rows.append(
                comparison(
                    f"SLA fire lateness {key[:-3]}, {scale['timers']:,} timers",
                    scale["lateness"].get(key),
                    "ms",
                    "one Postgres commit (1 / pgbench 1-client TPS)",
                    round(1000 / pg1, 3),
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


HOPS = (
    "post",
    "intake_relay",
    "routing",
    "routing_fetch",
    "routing_in_batch",
    "routing_apply_relay",
    "bus_to_reader",
    "notify",
)


def hops_table(rows: list[dict[str, Any]]) -> str:
    """Per rate, each hop of a ticket's path: the POST's answer, intake's relay to the bus,
    routing (fetch, assign, relay; then the three of them apart), the bus to a reader, notify
    (to the webhook receiver)."""

    def cell(hop: dict[str, Any]) -> str:
        return f"{hop.get('p50_ms')} / {hop.get('p99_ms')}"

    return table(
        ["offered/s", *HOPS],
        [[r["offered_per_s"], *(cell(r.get("hops", {}).get(h, {})) for h in HOPS)] for r in rows],
    )


def service_rows(services: dict[str, dict[str, float]]) -> list[list[Any]]:
    return [
        [name, int(u.get("replicas", 1)), u["cpu_s"], u.get("cpu_pct"), u["peak_rss_mib"] or None]
        for name, u in services.items()  # Postgres and Kafka: whole servers, CPU seconds only
    ]


def write_markdown(report: dict[str, Any], plots: list[str], path: Path) -> str:
    m, base = report["machine"], report["baselines"]
    kafka, bare = base["kafka_raw_aiokafka"], base["bare_fastapi_asyncpg_insert"]
    parts = [
        "# Ticketflow benchmark report",
        f"{m['when']}, commit `{m['commit']}`: {m['cores']} cores ({m['cpu']}), Linux"
        f" {m['kernel']}, Python {m['python']}, PostgreSQL {m['postgres']}, Kafka on"
        f" {m['kafka']}. Load generator: {m['load_generator']}.",
        "## Goals (issue #20) and this run's figures",
        goals_markdown(goals(report)),
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
        "### Where the time goes: each hop's p50 / p99 ms",
        hops_table(report["end_to_end"]),
        "### CPU and peak memory of each service, per rate",
        *(
            f"**{r['offered_per_s']:g} tickets/s**\n\n"
            + table(
                ["service", "replicas", "CPU s", "CPU %", "peak RSS MiB"],
                service_rows(r["services"]),
            )
            for r in report["end_to_end"]
        ),
        "## SLA at scale: active timers, fire lateness, breach to webhook",
        sla_scale_table(report["sla_scale"]) if report.get("sla_scale") else "(not run)",
        "## One against two replicas of routing, sla and notify, each on its own core",
        replica_throughput.table(report["replica_throughput"]["runs"])
        if report.get("replica_throughput")
        else "(not run)",
        "## Plots",
        *(f"![{name}]({name})" for name in plots),
    ]
    text = "\n\n".join(parts) + "\n"
    path.write_text(text)
    return text


def sla_scale_table(scale: dict[str, Any]) -> str:
    """The ten-million-timer run: load, sizes, lateness, memory, breach to webhook."""
    late, hook, bus = scale["lateness"], scale["webhook_since_due"], scale["bus_since_fired"]
    return table(
        ["active timers", "load s", "due in the window", "fired", "lateness p50 / p99 / max ms",
         "fired -> sla topic p99 ms", "due -> webhook p50 / p99 ms", "sla / notify peak RSS MiB"],
        [[f"{scale['timers']:,}", scale["load_seconds"], scale["due"], scale["fired"],
          f"{late.get('p50_ms')} / {late.get('p99_ms')} / {late.get('max_ms')}",
          bus.get("p99_ms"), f"{hook.get('p50_ms')} / {hook.get('p99_ms')}",
          f"{scale['sla_peak_rss_mib']} / {scale['notify_peak_rss_mib']}"]],
    )  # fmt: skip


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
    # The service processes; Postgres and Kafka are whole servers, with CPU seconds only.
    services = [s for s, used in (e2e[0]["services"] if e2e else {}).items() if "cpu_pct" in used]
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

    return names


def save(fig: Any, out: Path, name: str) -> str:
    fig.tight_layout()
    fig.savefig(out / name, dpi=110)
    plt.close(fig)
    return name
