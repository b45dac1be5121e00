"""A new ticket in the agent's live queue: POST to intake -> row in the browser's DOM.

Run: `uv run python -m bench.console_live [--tickets 20]`. Starts intake, routing, sla, identity
and the console (fresh database, own topics), signs an agent in in headless Chromium
(/usr/bin/chromium) and files tickets one at a time, each waited for in the DOM (Playwright
watches it every animation frame). Prints p50/p99 of POST -> DOM, of intake's answer -> DOM, and
of POST -> the row's server-sent event as a plain HTTP reader of /queue/events hears it.
"""

import argparse
import asyncio
import json
import time
import uuid

import httpx
from playwright.async_api import async_playwright

from bench.console_system import ConsoleUnderTest, console_system, signed_in
from bench.latency import summarise

CHROMIUM = "/usr/bin/chromium"


async def file_ticket(console: ConsoleUnderTest, http: httpx.AsyncClient, n: int) -> str:
    created = await http.post(
        f"{console.system.url('intake')}/tickets",
        json={"subject": f"VPN drops {n} {uuid.uuid4().hex[:6]}", "description": "Since Monday.",
              "requester": {"id": f"u-{n}", "name": "Ada"}, "priority": "urgent",
              "required_skills": ["vpn"]},
        headers=console.system.auth("intake"),
    )  # fmt: skip
    created.raise_for_status()
    return str(created.json()["id"])


async def heard_rows(http: httpx.AsyncClient, heard: dict[str, float]) -> None:
    """Record when each ticket's row event arrives on the stream."""
    async with http.stream("GET", "/queue/events", timeout=None) as stream:
        async for line in stream.aiter_lines():
            if line.startswith('data: <tr id="ticket-'):
                heard.setdefault(line.split('"')[1].removeprefix("ticket-"), time.monotonic())


async def measure(tickets: int) -> dict[str, object]:
    async with (
        console_system(capacity=tickets + 5) as console,
        async_playwright() as playwright,
        httpx.AsyncClient(timeout=10) as intake,
    ):
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        page = await (await browser.new_context()).new_page()
        await page.goto(f"{console.url}/sign-in")
        await page.get_by_label("Identity API key").fill(console.key)
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_selector("#queue-rows", state="attached")
        reader = await signed_in(console)
        heard: dict[str, float] = {}
        listening = asyncio.create_task(heard_rows(reader, heard))
        await file_ticket(console, intake, -1)  # warm-up: connections, first assignment
        to_dom, answered_to_dom, to_event = [], [], []
        for n in range(tickets):
            posted = time.monotonic()
            ticket_id = await file_ticket(console, intake, n)
            answered = time.monotonic()
            await page.wait_for_selector(f"#ticket-{ticket_id}", state="attached", timeout=10_000)
            shown = time.monotonic()
            to_dom.append((shown - posted) * 1000)
            answered_to_dom.append((shown - answered) * 1000)
            if ticket_id in heard:
                to_event.append((heard[ticket_id] - posted) * 1000)
        listening.cancel()
        await reader.aclose()
        await browser.close()
    return {
        "post_to_dom": summarise(to_dom),
        "intake_answer_to_dom": summarise(answered_to_dom),
        "post_to_sse_event": summarise(to_event),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=20)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.tickets)), indent=2))


if __name__ == "__main__":
    main()
