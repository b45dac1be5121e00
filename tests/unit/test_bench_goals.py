"""The `make bench` goal table reads each phase's figures and judges them against issue #20."""

from typing import Any

from bench.goals import goals, goals_markdown


def e2e_row(rate: float, bus_p99: float, hook_p99: float, cpu_s: float) -> dict[str, Any]:
    services = {s: {"cpu_s": cpu_s, "peak_rss_mib": 90.0} for s in ("intake", "routing", "sla")}
    services["notify"] = {"cpu_s": cpu_s, "peak_rss_mib": 120.0}
    return {
        "offered_per_s": rate,
        "tickets": 1000,
        "to_bus": {"p99_ms": bus_p99},
        "to_webhook": {"p99_ms": hook_p99},
        "services": services,
    }


def test_each_goal_is_judged_from_its_phase() -> None:
    report = {
        "intake_wrk": [
            {"intake": {"concurrency": 16, "req_per_s": 600.0},
             "bare": {"concurrency": 16, "req_per_s": 1000.0}},
        ],
        "end_to_end": [e2e_row(10, 40, 120, 2.0), e2e_row(100, 90, 200, 1.0)],
        "sla_scale": {
            "timers": 10_000_000, "load_seconds": 120.0, "lateness": {"p99_ms": 30.0},
            "webhook_since_due": {"p99_ms": 300.0}, "sla_peak_rss_mib": 140.0,
        },
        "replica_throughput": {
            "runs": [{"events_per_second": 100.0}, {"events_per_second": 160.0}],
            "speedup": 1.6,
        },
    }  # fmt: skip
    met = {row["goal"]: row["met"] for row in goals(report)}
    assert met["intake POST /tickets vs bare FastAPI+asyncpg insert, wrk 16 connections"]
    assert met["CPU per ticket, all services, at 100/s"]  # 4 x 1 s over 1,000 tickets: 4 ms
    assert met["intake peak RSS"]
    assert not met["notify peak RSS"]
    assert met["POST -> ticket.assigned on the bus p99 at 100/s"]
    assert met["POST -> its webhook p99 at 100/s"]
    assert met["POST -> ticket.assigned on the bus p99 at 10/s"]
    assert not met["POST -> its webhook p99 at 10/s"]
    assert met["SLA fire lateness p99, 10,000,000 timers (loaded in 120.0 s)"]
    assert not met["breach due -> webhook at the receiver p99"]
    assert not met["two replicas of routing, sla, notify against one, each on its own core"]


def test_a_phase_that_did_not_run_is_not_counted_as_met() -> None:
    rows = goals({"end_to_end": [e2e_row(100, 500, 900, 3.0)]})
    by_goal = {row["goal"]: row for row in rows}
    assert by_goal["CPU per ticket, all services, at 100/s"]["met"] is False  # 12 ms
    assert by_goal["POST -> its webhook p99 at 10/s"]["met"] is None
    assert "not measured" in goals_markdown(rows)
    assert not any(row["goal"].startswith("SLA") for row in rows)
