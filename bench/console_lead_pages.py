"""The console's pages under a bounded load with 10,000 open tickets: the agent's queue, a
ticket's page and the team lead's page, each GET timed end to end (console, its calls to
intake, routing, sla and insights as the signed-in lead, rendering).

    python -m bench.console_lead_pages [--tickets 10000] [--requests 300] [--concurrency 2]

Tickets are filed through intake's API (category `vpn`, team network: three agents, so all
but fifteen wait in routing's queue); the run waits until routing and sla have every ticket,
then prints p50/p99 per page against the target p99 <= 100 ms. Knowledge and automation are
not started: the ticket page's suggestions and macros are refused at once and left out."""

import argparse
import asyncio
import re
import secrets
import tempfile
import time
from pathlib import Path

import httpx

from bench.infra import bench_infra
from bench.latency import summarise
from tests.conftest import fresh_database
from tests.e2e.test_console_lead import TEAM, lead_key
from tests.polling import eventually
from tests.processes import ServiceProcess, free_port
from tests.running_system import WITH_INSIGHTS, System, running_system

TARGET_P99_MS = 100.0
CONSOLE_CALLS = ("identity", "intake", "routing", "sla", "insights", "notify")


async def file_tickets(system: System, count: int, concurrency: int = 16) -> list[str]:
    """`count` open tickets of team network through intake's API, `concurrency` at a time."""
    async with httpx.AsyncClient(timeout=30) as http:
        category = await http.put(
            f"{system.url('intake')}/categories/vpn",
            json={"name": "VPN", "team": TEAM, "required_skills": ["vpn"]},
            headers=system.auth("intake"),
        )
        assert category.status_code in (200, 201), category.text
        ids: list[str] = []
        numbers = iter(range(count))
        priorities = ("low", "normal", "high", "urgent")

        async def worker() -> None:
            for n in numbers:
                answer = await http.post(
                    f"{system.url('intake')}/tickets",
                    json={"subject": f"VPN drops {n}", "requester": {"id": f"u-{n % 500}"},
                          "category": "vpn", "priority": priorities[n % 4]},
                    headers=system.auth("intake"),
                )  # fmt: skip
                assert answer.status_code == 201, answer.text
                ids.append(answer.json()["id"])

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        took = time.perf_counter() - started
        print(f"filed {count} tickets in {took:.1f} s ({count / took:.0f}/s)")
    return ids


async def wait_until_projected(system: System, ticket_id: str) -> None:
    """Routing and sla have heard of the last ticket filed (each consumes in order per key,
    so the rest is there or as good as)."""
    async with httpx.AsyncClient(timeout=10) as http:

        async def projected() -> bool:
            routing = await http.get(
                f"{system.url('routing')}/tickets/{ticket_id}/routing",
                headers=system.auth("routing"),
            )
            clocks = await http.get(
                f"{system.url('sla')}/tickets/{ticket_id}/sla", headers=system.auth("sla")
            )
            return routing.status_code == 200 and bool(
                clocks.status_code == 200 and clocks.json()["items"]
            )

        started = time.perf_counter()
        await eventually(projected, what="routing and sla projecting the tickets", within=600)
        print(f"routing and sla caught up {time.perf_counter() - started:.1f} s after the last")


async def signed_in(console: str, key: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=console, timeout=30)
    form = await client.get("/sign-in")
    found = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert found is not None, form.text
    answer = await client.post(
        "/sign-in", data={"api_key": key, "csrf_token": found.group(1), "next": "/queue"}
    )
    assert answer.status_code == 303, answer.text
    return client


async def measure(
    client: httpx.AsyncClient, path: str, *, requests: int, concurrency: int
) -> dict[str, float | int]:
    """`requests` GETs of `path` from `concurrency` workers (closed loop), after 20 unmeasured."""
    for _ in range(20):
        assert (await client.get(path)).status_code == 200
    latencies: list[float] = []
    left = iter(range(requests))

    async def worker() -> None:
        for _ in left:
            started = time.perf_counter()
            answer = await client.get(path)
            latencies.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200, answer.status_code

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return summarise(latencies)


Params = list[tuple[str, str | int | float | bool | None]]


def lead_calls(system: System) -> dict[str, tuple[str, Params]]:
    """The upstream reads the lead page makes (`commands/lead.py`), each as the console asks."""
    open_statuses: Params = [
        ("status", s) for s in ("in_progress", "new", "open", "waiting_on_customer")
    ]
    intake, routing, insights = (system.url(s) for s in ("intake", "routing", "insights"))
    team: Params = [("team", TEAM), ("limit", 50)]
    return {
        "intake open": (f"{intake}/tickets", [*team, *open_statuses, ("sort", "-priority")]),
        "intake breached": (f"{intake}/tickets", [*team, ("sla_breached", "true"), *open_statuses]),
        "intake approvals": (f"{intake}/tickets", [*team, ("status", "pending_approval")]),
        "routing queue": (f"{routing}/teams/{TEAM}/queue", [("limit", 50)]),
        "routing agents": (f"{routing}/agents", [("team", TEAM), ("limit", 200)]),
        "insights at-risk": (f"{insights}/at-risk", team),
        "insights staffing": (f"{insights}/staffing/{TEAM}", [("days", 1), ("interval", 60)]),
        "insights scorecard": (f"{insights}/scorecards/teams/{TEAM}", [("period", "week")]),
    }


async def upstream_breakdown(system: System, key: str, *, requests: int) -> None:
    """Where the lead page's time goes: each of its reads alone, one at a time, as the lead."""
    async with httpx.AsyncClient(timeout=30) as http:
        grant = await http.post(
            f"{system.url('identity')}/token",
            data={"grant_type": "client_credentials", "client_secret": key},
        )
        assert grant.status_code == 200, grant.text
        headers = {"Authorization": f"Bearer {grant.json()['access_token']}"}
        print(f"  the lead page's reads, each alone ({requests} GETs, 1 at a time):")
        for name, (url, params) in lead_calls(system).items():
            latencies = []
            for _ in range(requests):
                started = time.perf_counter()
                answer = await http.get(url, params=params, headers=headers)
                latencies.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200, (name, answer.status_code, answer.text)
            row = summarise(latencies)
            print(f"    {name:20} p50 {row['p50_ms']:7.1f} ms  p99 {row['p99_ms']:7.1f} ms")


async def run(*, tickets: int, requests: int, concurrency: int) -> None:
    infra = bench_infra()
    logs = Path(tempfile.mkdtemp(prefix="bench-console-"))
    quiet = {
        f"{s}_LOG_LEVEL": "WARNING" for s in ("INTAKE", "ROUTING", "SLA", "NOTIFY", "INSIGHTS")
    }
    async with (
        fresh_database(infra) as database_url,
        running_system(
            database_url=database_url,
            kafka_bootstrap=infra.kafka_bootstrap_servers,
            logs=logs,
            services=WITH_INSIGHTS,
            extra_env=quiet,
        ) as system,
    ):
        key = await lead_key(system)
        ids = await file_tickets(system, tickets)
        await wait_until_projected(system, ids[-1])
        port = free_port()
        env = {
            "CONSOLE_DATABASE_URL": system.database_url,
            "CONSOLE_KAFKA_BOOTSTRAP_SERVERS": system.kafka_bootstrap,
            "CONSOLE_API_TOKEN": secrets.token_urlsafe(24),
            "CONSOLE_TOPIC_PREFIX": system.names.prefix,
            "CONSOLE_HTTP_PORT": str(port),
            "CONSOLE_SESSION_SECRET": secrets.token_urlsafe(32),
            "CONSOLE_LOG_LEVEL": "WARNING",
            "CONSOLE_KNOWLEDGE_URL": f"http://127.0.0.1:{free_port()}",
            "CONSOLE_AUTOMATION_URL": f"http://127.0.0.1:{free_port()}",
            **{f"CONSOLE_{name.upper()}_URL": system.url(name) for name in CONSOLE_CALLS},
        }
        console = ServiceProcess("console", env, port, logs / "console.log")
        await console.start()
        try:
            await console.wait_ready()
            client = await signed_in(console.url, key)
            pages = {
                "queue": "/queue",
                "ticket": f"/tickets/{ids[len(ids) // 2]}",
                "lead": f"/lead/teams/{TEAM}",
            }
            print(f"{tickets} open tickets; {requests} GETs per page, {concurrency} at a time")
            for name, path in pages.items():
                row = await measure(client, path, requests=requests, concurrency=concurrency)
                verdict = "ok" if row["p99_ms"] <= TARGET_P99_MS else "over target"
                print(
                    f"  {name:7} {path:48} p50 {row['p50_ms']:7.1f} ms"
                    f"  p99 {row['p99_ms']:7.1f} ms  max {row['max_ms']:7.1f} ms  ({verdict})"
                )
            await client.aclose()
            await upstream_breakdown(system, key, requests=min(requests, 100))
        finally:
            await console.terminate()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    asyncio.run(run(tickets=args.tickets, requests=args.requests, concurrency=args.concurrency))


if __name__ == "__main__":
    main()
