"""Every panel of every Grafana dashboard, asked of a real Prometheus scraping the services
after a demo load (for insights, weeks of demo history; for knowledge, its demo content and a
deflection; for automation, rules firing, suppressed, on a timer, and a macro): each query must
be valid and return data. The alert rules run there too."""

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import httpx
import pytest

from tests.e2e.automation_load import automation_round
from tests.e2e.knowledge_load import knowledge_round
from tests.polling import eventually
from tests.processes import free_port
from tests.prometheus_tools import (
    PROMETHEUS_DIR,
    PanelQuery,
    PrometheusBinaries,
    PrometheusServer,
    concrete,
    dashboard_queries,
    finite_values,
    metric_names,
    scrape_config,
)
from tests.running_system import EVERY_SERVICE, SERVICES, System
from tests.support.webhooks import Receiver, always, failing_first_attempt_of
from tools.demo.api import DeskApi
from tools.demo.desk import Desk, Targets, seed_desk

pytestmark = pytest.mark.e2e

# Gauges computed from the databases refresh every second instead of every 5-15 s, and the
# endpoint that is down keeps its circuit closed, so each round's delivery to it is exhausted
# (and dead-lettered) within its 2-second retry schedule instead of waiting for the circuit.
SERVICE_ENV = {
    "ROUTING_GAUGES_INTERVAL_SECONDS": "1",
    "SLA_STATS_INTERVAL_SECONDS": "1",
    "NOTIFY_STATS_INTERVAL_SECONDS": "1",
    "INSIGHTS_STATS_INTERVAL_SECONDS": "1",
    "KNOWLEDGE_STATS_INTERVAL_SECONDS": "1",
    "AUTOMATION_STATS_INTERVAL_SECONDS": "1",
    # Insights' workers first run before the demo history is seeded: they run again soon.
    "INSIGHTS_FORECAST_REFIT_SECONDS": "30",
    "INSIGHTS_FORECAST_INTRADAY_SECONDS": "10",
    "INSIGHTS_STAFFING_INTERVAL_SECONDS": "5",
    "INSIGHTS_BREACH_RISK_INTERVAL_SECONDS": "2",
    "INSIGHTS_REPORTS_INTERVAL_SECONDS": "5",
    "NOTIFY_CIRCUIT_FAILURE_THRESHOLD": "100",
}
# Urgent tickets breach their 1 s first-response target and escalate; nothing else breaches.
TARGETS = Targets(
    first_response={"urgent": 1, "high": 600, "normal": 600, "low": 600},
    resolution=dict.fromkeys(("urgent", "high", "normal", "low"), 3600),
    escalation_delays=(0.2, 0.4),
)
# Grafana's variables, widened to cover the whole load (Prometheus scrapes every second).
LIVE_VARIABLES = {
    "__rate_interval": "10m",
    "__range": "1h",
    "__interval": "1s",
    "job": ".*",
    "instance": ".*",
}


@pytest.fixture(scope="module")
def system_env() -> dict[str, str]:
    return SERVICE_ENV


@pytest.fixture(scope="module")
def system_services() -> tuple[str, ...]:
    return EVERY_SERVICE


async def seed_insights_history(system: System) -> None:
    """Four weeks of demo history, as `make run` seeds it, so forecasts, staffing and
    scorecards have something to show."""
    insights = system.services["insights"]
    seeding = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "ticketflow_insights", "seed-history", "--weeks", "4",
        "--seed", "7", "--volume", "0.3",
        env={**os.environ, **insights.env, "PYTHONUNBUFFERED": "1"},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(seeding.communicate(), timeout=600)
    assert seeding.returncode == 0, output.decode(errors="replace")


@dataclass
class Receivers:
    healthy: Receiver
    down: Receiver


@pytest.fixture(scope="module")
async def receivers() -> AsyncIterator[Receivers]:
    """One endpoint that fails each ticket.assigned once (retried), one that is always down."""
    healthy = Receiver(answer=failing_first_attempt_of({"ticket.assigned"}))
    down = Receiver(answer=always(503))
    async with healthy.serving(), down.serving():
        yield Receivers(healthy, down)


@pytest.fixture
async def prometheus(
    system: System, prometheus_binaries: PrometheusBinaries, tmp_path: Path
) -> AsyncIterator[PrometheusServer]:
    """Prometheus on 127.0.0.1 scraping the six services every second, with the alert rules."""
    server = PrometheusServer(prometheus_binaries.prometheus, tmp_path, free_port())
    targets = {s: f"127.0.0.1:{system.services[s].port}" for s in EVERY_SERVICE}
    targets["prometheus"] = f"127.0.0.1:{server.port}"
    await server.start(scrape_config(targets, rule_files=[PROMETHEUS_DIR / "alerts.yml"]))
    try:
        await eventually(server.ready, what="prometheus to be ready", within=30, interval=0.2)
        yield server
    finally:
        code = await server.stop()
    assert code == 0, f"prometheus exit code {code}: {server.tail_log()}"


async def timeline_has(api: DeskApi, ticket_id: str, event_type: str) -> bool:
    timeline = await api.every("intake", f"/tickets/{ticket_id}/timeline")
    return any(entry["type"] == event_type for entry in timeline)


def ticket(subject: str, category: str, channel: str, **extra: object) -> dict[str, object]:
    requester = f"req-{category}"
    return {
        "subject": subject,
        "requester": {"id": requester, "email": f"{requester}@example.com"},
        "category": category,
        "channel": channel,
        **extra,
    }


async def drive_load(api: DeskApi, desk: Desk) -> None:
    """One round of the desk's work through the public APIs, touching every business metric:
    arrivals on several channels, a breach with its warnings and escalations, replies, a
    question to the requester, a reopening, resolutions, ratings, a queued printer ticket and an
    escalation whose webhook endpoint is down (its delivery ends in the dead-letter topic)."""
    urgent = await api.file_ticket(ticket("VPN down", "vpn", "chat", priority="urgent"))
    asked = await api.file_ticket(ticket("Laptop will not boot", "hardware", "web"))
    reopened = await api.file_ticket(ticket("Password reset", "accounts", "email"))
    escalated = await api.file_ticket(ticket("Wi-Fi slow", "network", "phone", priority="high"))
    queued = await api.file_ticket(ticket("Printer jammed", "printing", "app"))
    owners: dict[str, str] = {}
    for filed in (urgent, asked, reopened, escalated):
        tid = str(filed["id"])
        found = await eventually(partial(api.owner_of, tid), what=f"an owner: {filed['subject']}")
        assert found is not None
        owners[tid] = found
    assert await api.owner_of(str(queued["id"])) is None, "nobody has the printers skill online"

    tid = str(urgent["id"])

    async def escalated_after_breach() -> bool:
        return await timeline_has(api, tid, "sla.escalated")

    await eventually(escalated_after_breach, what="the urgent ticket to breach and escalate")
    await api.agent_reply(tid, agent_id=owners[tid], text="On it, sorry for the wait.")
    await api.set_status(tid, agent_id=owners[tid], status="resolved")
    await api.rate(tid, requester="req-vpn", rating=2, comment="slow")

    tid = str(asked["id"])
    await api.set_status(tid, agent_id=owners[tid], status="in_progress")
    await api.agent_reply(tid, agent_id=owners[tid], text="Which model is it?")
    await api.set_status(tid, agent_id=owners[tid], status="waiting_on_customer")
    await api.requester_reply(tid, requester="req-hardware", text="A T14.")
    await api.agent_reply(tid, agent_id=owners[tid], text="Replacement on its way.")
    await api.set_status(tid, agent_id=owners[tid], status="resolved")
    await api.rate(tid, requester="req-hardware", rating=5, comment="great")

    tid = str(reopened["id"])
    await api.agent_reply(tid, agent_id=owners[tid], text="Reset done.")
    await api.set_status(tid, agent_id=owners[tid], status="resolved")
    await api.reopen(tid, requester="req-accounts", reason="still locked out")
    await api.set_status(tid, agent_id=owners[tid], status="resolved")
    await api.rate(tid, requester="req-accounts", rating=4, comment="ok")

    tid = str(escalated["id"])
    await api.agent_reply(tid, agent_id=owners[tid], text="Measuring the signal.")
    await api.escalate(tid, agent_id=owners[tid], reason="needs the network lead")


async def scraped_families(server: PrometheusServer) -> set[str]:
    result = await server.query('count by (__name__) ({__name__=~"ticketflow_.+|process_.+"})')
    names = {series["metric"]["__name__"] for series in result}
    return names | {n.rsplit("_", 1)[0] for n in names if n.endswith(("_bucket", "_count"))}


async def without_data(server: PrometheusServer) -> list[str]:
    """Panel queries with no finite value; each must be valid (query() fails otherwise)."""
    missing = []
    for query in dashboard_queries():
        values = finite_values(await server.query(concrete(query.expr, LIVE_VARIABLES)))
        if not values:
            missing.append(str(query))
    return missing


async def test_every_panel_query_returns_data_from_a_live_prometheus(
    system: System, receivers: Receivers, prometheus: PrometheusServer
) -> None:
    queries: list[PanelQuery] = dashboard_queries()
    needed = set().union(*(metric_names(q.expr) for q in queries))
    await seed_insights_history(system)
    async with httpx.AsyncClient(timeout=15) as http:
        api = DeskApi(urls={s: system.url(s) for s in SERVICES}, tokens=system.bearers(), http=http)
        desk = await seed_desk(
            api,
            targets=TARGETS,
            endpoints={
                receivers.healthy.url(): {"description": "all events"},
                receivers.down.url(): {
                    "description": "down for good",
                    "event_types": ["ticket.escalated"],
                },
            },
        )
        knowledge = {"url": system.url("knowledge"), "token": system.bearer("knowledge")}
        automation = {"url": system.url("automation"), "token": system.bearer("automation")}
        # Counters only show an increase once Prometheus has seen them before it: a first
        # round makes every series exist, a second one moves them all.
        await drive_load(api, desk)
        await knowledge_round(api, **knowledge)
        await automation_round(api, **automation)

        async def every_family_scraped() -> set[str]:
            return needed - await scraped_families(prometheus)

        async def all_scraped() -> bool:
            return not await every_family_scraped()

        try:
            await eventually(all_scraped, what="every metric the dashboards read", within=60)
        except AssertionError as e:
            raise AssertionError(f"never scraped: {sorted(await every_family_scraped())}") from e
        await drive_load(api, desk)
        await knowledge_round(api, **knowledge)
        await automation_round(api, **automation)

    async def all_have_data() -> bool:
        return not await without_data(prometheus)

    try:
        # Automation's timer panel waits for a rule timer due a minute after its ticket.
        await eventually(all_have_data, what="data in every panel", within=180, interval=1)
    except AssertionError as e:
        missing = "\n  ".join(await without_data(prometheus))
        raise AssertionError(f"panels without data:\n  {missing}") from e

    async def dead_letter_alert() -> list[dict[str, object]]:
        return [
            a
            for a in await prometheus.firing_alerts()
            if a["labels"]["alertname"] == "TicketflowDeadLettersGrowing"
        ]

    firing = await eventually(dead_letter_alert, what="the dead-letter alert to fire", within=30)
    assert {a["labels"]["service"] for a in firing} == {"notify"}  # type: ignore[index]
    names = {a["labels"]["alertname"] for a in await prometheus.firing_alerts()}
    assert "TicketflowServiceDown" not in names
    assert all(r.answered == 503 for r in receivers.down.received)
    assert receivers.down.received, "the endpoint that is down was tried"
