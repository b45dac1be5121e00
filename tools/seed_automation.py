"""Loads automation's demo rules and macros through its API and proves a rule fires.

`python -m tools.seed_automation` (what `infra/local/demo.sh up` runs) makes sure routing has
the `facilities` team the printer rule transfers to (with a lead, whom the rule notifies),
imports `infra/local/demo_rules.yaml` (`POST /rules/import`, upserted by name: a re-run changes
nothing), creates the macros of `infra/local/demo_macros.yaml` it does not find by name, then
files a Chinese printer ticket and prints what the rule did to it. `--check` (smoke.sh) only
files the ticket and fails unless `rule.fired` shows on its timeline in time.

Acts with `TICKETFLOW_API_KEY` (the identity admin `make run` bootstraps; its access token is
good on every service), else each service's own `<SERVICE>_API_TOKEN`. URLs:
`TICKETFLOW_<SERVICE>_URL` (default 127.0.0.1 and the service's port).
"""

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
import yaml

from ticketflow_cli.failures import CommandFailed
from tools.credentials import bearer

ROOT = Path(__file__).resolve().parents[1]
RULES_FILE = ROOT / "infra" / "local" / "demo_rules.yaml"
MACROS_FILE = ROOT / "infra" / "local" / "demo_macros.yaml"
PORTS = {"intake": 8001, "routing": 8002, "automation": 8009}
PRINTER_RULE = "紧急打印机工单"
TEAM = "facilities"
LEAD = {
    "name": "王芳 Wang Fang",
    "team": TEAM,
    "email": "wang.fang@example.com",
    "skills": ["printing", "hardware"],
    "languages": ["zh", "en"],
    "capacity": 4,
}
DEMO_TICKET = {
    "subject": "三楼的打印机卡纸了 / the printer on floor 3 is jammed",
    "description": "打印机一直显示卡纸。已经重启过两次。",
    "language": "zh",
    "requester": {"id": "demo-printer-user", "email": "zhang.min@example.com"},
}
T = TypeVar("T")


class SeedFailed(RuntimeError):
    """A demo call answered with an unexpected status, or the rule did not fire in time."""


def url(service: str) -> str:
    default = f"http://127.0.0.1:{PORTS[service]}"
    return os.environ.get(f"TICKETFLOW_{service.upper()}_URL", default).rstrip("/")


def token(service: str) -> str:
    """The identity access token (any service takes it), else the service's own token; the
    CLI does not know automation, so its token comes from AUTOMATION_API_TOKEN."""
    if service == "automation" and not os.environ.get("TICKETFLOW_API_KEY"):
        found = os.environ.get("AUTOMATION_API_TOKEN")
        if not found:
            raise SeedFailed("neither TICKETFLOW_API_KEY nor AUTOMATION_API_TOKEN is set")
        return found
    return bearer("intake" if service == "automation" else service)


def client(service: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=url(service), headers={"Authorization": f"Bearer {token(service)}"}, timeout=15
    )


def checked(response: httpx.Response) -> Any:
    if not response.is_success:
        request = response.request
        raise SeedFailed(
            f"{request.method} {request.url.path} -> {response.status_code}: {response.text[:400]}"
        )
    return response.json() if response.content else None


async def every(http: httpx.AsyncClient, path: str) -> list[dict[str, Any]]:
    """Every item of a paged list, following `next_cursor` to the last page."""
    items: list[dict[str, Any]] = []
    cursor: dict[str, str] = {}
    while True:
        page = checked(await http.get(path, params={"limit": "200", **cursor}))
        items.extend(page["items"])
        if page["next_cursor"] is None:
            return items
        cursor = {"cursor": page["next_cursor"]}


async def within(seconds: float, probe: Callable[[], Awaitable[T | None]], what: str) -> T:
    """`probe`'s first non-empty answer, polled until the deadline."""
    deadline = time.monotonic() + seconds
    while True:
        found = await probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise SeedFailed(f"no {what} after {seconds:.0f} s")
        await asyncio.sleep(0.5)


async def ensure_team(routing: httpx.AsyncClient) -> None:
    """The facilities team with a lead, whom the printer rule notifies."""
    rows: list[Any] = []
    query: dict[str, str] = {"limit": "200"}
    while True:
        page = checked(await routing.get("/agents", params=query))
        rows.extend(page["items"])
        if page["next_cursor"] is None:
            break
        query["cursor"] = page["next_cursor"]
    lead = next((a for a in rows if a["name"] == LEAD["name"]), None)
    if lead is None:
        lead = checked(await routing.post("/agents", json=LEAD))
    team = {"name": "Facilities 后勤", "lead_agent_id": lead["id"]}
    checked(await routing.put(f"/teams/{TEAM}", json=team))


async def import_rules(automation: httpx.AsyncClient) -> dict[str, list[str]]:
    """The demo rule file, retried while automation has not yet heard of sla's calendar
    (`calendar.changed` arrives over Kafka after a fresh start)."""
    text = RULES_FILE.read_bytes()
    headers = {"Content-Type": "application/yaml"}

    async def imported() -> dict[str, list[str]] | None:
        response = await automation.post("/rules/import", content=text, headers=headers)
        if response.status_code == 422 and "calendar" in response.text:
            return None
        report: dict[str, list[str]] = checked(response)
        return report

    return await within(60, imported, "import of the demo rules (sla's calendar unknown)")


async def ensure_macros(automation: httpx.AsyncClient) -> list[str]:
    macros = yaml.safe_load(MACROS_FILE.read_text(encoding="utf-8"))["macros"]
    existing = {m["definition"]["name"] for m in checked(await automation.get("/macros"))["items"]}
    created = []
    for macro in macros:
        if macro["name"] not in existing:
            checked(await automation.post("/macros", json=macro))
            created.append(macro["name"])
    return created


async def printer_rule_fired(intake: httpx.AsyncClient) -> str:
    """File the demo printer ticket; one line saying what the rule did, once it shows."""
    ticket = checked(await intake.post("/tickets", json=DEMO_TICKET))
    ticket_id = ticket["id"]

    async def fired() -> dict[str, Any] | None:
        timeline = await every(intake, f"/tickets/{ticket_id}/timeline")
        return next(
            (
                e
                for e in timeline
                if e["type"] == "rule.fired" and e["data"].get("rule_name") == PRINTER_RULE
            ),
            None,
        )

    entry = await within(60, fired, f"rule.fired of {PRINTER_RULE} on ticket {ticket_id}")

    async def changed() -> dict[str, Any] | None:
        now = checked(await intake.get(f"/tickets/{ticket_id}"))
        return now if now["priority"] == "urgent" else None

    after = await within(30, changed, f"ticket {ticket_id} made urgent by {PRINTER_RULE}")
    return (
        f"automation: rule {PRINTER_RULE} fired on demo ticket {ticket_id}: "
        f"priority {after['priority']}, team {after.get('team')}, tags {after.get('tags')} "
        f"({entry.get('summary') or ', '.join(entry['data'].get('why', []))})"
    )


async def run(*, check_only: bool) -> None:
    async with client("intake") as intake, client("automation") as automation:
        if not check_only:
            async with client("routing") as routing:
                await ensure_team(routing)
            report = await import_rules(automation)
            created = await ensure_macros(automation)
            print(
                f"  automation: demo rules created {len(report['created'])}, updated "
                f"{len(report['updated'])}, unchanged {len(report['unchanged'])}; "
                f"macros created {len(created)} ({RULES_FILE.name}, {MACROS_FILE.name})"
            )
        print(await printer_rule_fired(intake))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="only prove the printer rule fires (smoke.sh)"
    )
    args = parser.parse_args()
    try:
        asyncio.run(run(check_only=args.check))
    except (SeedFailed, CommandFailed, httpx.HTTPError) as e:
        print(f"automation demo: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
