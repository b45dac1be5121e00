"""A bounded stream of demo tickets whose arrivals follow an hour-of-day pattern in compressed
time, each worked like a real one: owner replies (sometimes late), asks the requester, resolves;
requesters rate (worse when they waited) and now and then reopen; a few tickets escalate and a
few wait for the facilities technician, who comes online every few demo hours."""

import asyncio
import contextlib
import logging
import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from tools.demo.api import ApiError, DeskApi
from tools.demo.desk import DEMO_TARGETS, TOGGLED_AGENT, Desk, Targets

log = logging.getLogger("demo")
T = TypeVar("T")

# Relative arrival rate per hour of the day (peak 1.0 at 10:00 and 14:00, quiet nights).
HOURLY_PATTERN = (
    0.05, 0.03, 0.03, 0.03, 0.05, 0.1, 0.2, 0.45, 0.8, 0.95, 1.0, 0.9,
    0.6, 0.85, 1.0, 0.9, 0.7, 0.5, 0.35, 0.25, 0.2, 0.15, 0.1, 0.07,
)  # fmt: skip
CHANNELS = {"web": 0.35, "email": 0.25, "chat": 0.15, "app": 0.1, "phone": 0.1, "api": 0.05}
CATEGORY_MIX = {
    "vpn": 0.2,
    "network": 0.15,
    "hardware": 0.25,
    "accounts": 0.2,
    "email": 0.12,
    "printing": 0.08,
}
PRIORITY_MIX = {None: 0.6, "urgent": 0.08, "high": 0.12, "normal": 0.12, "low": 0.08}
SUBJECTS = {
    "vpn": ["VPN drops every 10 minutes", "Cannot connect to the VPN from home"],
    "network": ["Wi-Fi slow on floor 3", "No network in meeting room B"],
    "hardware": ["Laptop will not boot", "Docking station not detected", "Broken keyboard"],
    "accounts": ["Password reset for the HR portal", "Access to the finance share"],
    "email": ["Shared mailbox missing", "Out-of-office not working"],
    "printing": ["Printer jammed on floor 2", "Cannot print in colour"],
}
REQUESTERS = [f"employee-{n:03d}" for n in range(1, 41)]
VIP = {"employee-001", "employee-002", "employee-003"}


def pick(rng: random.Random, weights: Mapping[T, float]) -> T:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass(frozen=True)
class Clock:
    """Compressed time: a demo day lasts `day_seconds` of wall time."""

    day_seconds: float
    started: float

    @property
    def hour_seconds(self) -> float:
        return self.day_seconds / 24

    def hour_of_day(self, now: float, *, start_hour: int) -> int:
        return int(start_hour + (now - self.started) / self.hour_seconds) % 24


@dataclass(frozen=True)
class TicketPlan:
    """How one ticket will go, drawn up front (delays in compressed seconds)."""

    body: dict[str, object]
    requester: str
    priority_target: float
    reply_after: float
    asks_requester: bool
    resolve_after: float
    rating_bias: int
    escalates: bool
    reopens: bool


def draw_plan(rng: random.Random, targets: Targets) -> TicketPlan:
    category = pick(rng, CATEGORY_MIX)
    priority = pick(rng, PRIORITY_MIX)
    requester = rng.choice(REQUESTERS)
    body: dict[str, object] = {
        "subject": rng.choice(SUBJECTS[category]),
        "description": "Filed by the Ticketflow demo traffic generator.",
        "requester": {
            "id": requester,
            "name": requester.replace("-", " ").title(),
            "email": f"{requester}@example.com",
            "tier": "vip" if requester in VIP else "standard",
        },
        "channel": pick(rng, CHANNELS),
        "category": category,
    }
    if priority is not None:
        body["priority"] = priority
    target = targets.first_response[priority or "normal"]
    # Most replies come in time; about one in five is late (an SLA breach).
    reply_after = rng.uniform(0.1, 0.8) * target if rng.random() < 0.8 else target * 1.3
    return TicketPlan(
        body=body,
        requester=requester,
        priority_target=target,
        reply_after=reply_after,
        asks_requester=rng.random() < 0.25,
        resolve_after=rng.uniform(0.05, 0.5) * targets.resolution[priority or "normal"] / 3,
        rating_bias=rng.choice((0, 0, 0, 0, 1, -1)),
        escalates=rng.random() < 0.04,
        reopens=rng.random() < 0.05,
    )


ON_TIME_RATINGS = (5, 5, 5, 5, 5, 4, 4, 4, 4, 3)  # 90% of 4-5: the usual CSAT target
LATE_RATINGS = (1, 2, 3, 4, 4, 5)


def rating_for(plan: TicketPlan, *, late: bool, rng: random.Random) -> int | None:
    """Most requesters rate; quick answers mostly get 5 or 4, late ones fewer stars."""
    if rng.random() < 0.3:
        return None
    base = rng.choice(LATE_RATINGS if late else ON_TIME_RATINGS)
    return max(1, min(5, base + plan.rating_bias))


async def owner_within(api: DeskApi, ticket_id: str, seconds: float) -> str | None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        owner = await api.owner_of(ticket_id)
        if owner is not None:
            return owner
        await asyncio.sleep(0.5)
    return None


async def work_ticket(
    api: DeskApi,
    plan: TicketPlan,
    *,
    rng: random.Random,
    stats: Counter[str],
    patience: float,
) -> None:
    filed_at = asyncio.get_running_loop().time()
    ticket = await api.file_ticket(plan.body)
    ticket_id = str(ticket["id"])
    stats["created"] += 1
    # Printer tickets wait for the technician; others are routed within a second or two.
    agent = await owner_within(api, ticket_id, seconds=patience)
    if agent is None:
        stats["never owned"] += 1
        return
    await asyncio.sleep(plan.reply_after)
    await api.set_status(ticket_id, agent_id=agent, status="in_progress")
    if plan.escalates:
        await api.escalate(ticket_id, agent_id=agent, reason="requester is blocked")
        stats["escalated"] += 1
    await api.agent_reply(ticket_id, agent_id=agent, text="Looking into it now.")
    late = asyncio.get_running_loop().time() - filed_at > plan.priority_target
    if plan.asks_requester:
        await api.set_status(ticket_id, agent_id=agent, status="waiting_on_customer")
        await asyncio.sleep(plan.priority_target * rng.uniform(0.2, 1.0))
        await api.requester_reply(ticket_id, requester=plan.requester, text="Here is the log.")
        await api.agent_reply(ticket_id, agent_id=agent, text="Thanks, that explains it.")
    await asyncio.sleep(plan.resolve_after)
    await api.set_status(ticket_id, agent_id=agent, status="resolved", reason="fixed")
    stats["resolved"] += 1
    if plan.reopens:
        await api.reopen(ticket_id, requester=plan.requester, reason="it happened again")
        await asyncio.sleep(plan.resolve_after / 2)
        await api.agent_reply(ticket_id, agent_id=agent, text="Fixed for good this time.")
        await api.set_status(ticket_id, agent_id=agent, status="resolved", reason="fixed again")
        stats["reopened"] += 1
    rating = rating_for(plan, late=late, rng=rng)
    if rating is not None:
        await api.rate(ticket_id, requester=plan.requester, rating=rating, comment="demo")
        stats[f"rated {rating}"] += 1


async def toggle_technician(api: DeskApi, desk: Desk, clock: Clock, stop: asyncio.Event) -> None:
    """The facilities technician is online 3 demo hours out of 6, so printer tickets queue."""
    online = False
    while not stop.is_set():
        online = not online
        await api.set_agent_status(desk.agent_id(TOGGLED_AGENT), "online" if online else "offline")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=3 * clock.hour_seconds)


async def run_traffic(
    api: DeskApi,
    desk: Desk,
    *,
    minutes: float,
    day_minutes: float,
    peak_per_second: float,
    start_hour: int = 6,
    targets: Targets = DEMO_TARGETS,
    seed: int | None = None,
    max_open: int = 300,
) -> Counter[str]:
    """File tickets for `minutes`, at `peak_per_second` times the hour's pattern weight, then
    give the ones in flight a short while to finish; returns what happened."""
    rng = random.Random(seed)  # noqa: S311 - simulated traffic, not secrets
    loop = asyncio.get_running_loop()
    clock = Clock(day_seconds=day_minutes * 60, started=loop.time())
    stats: Counter[str] = Counter()
    stop = asyncio.Event()
    toggler = asyncio.create_task(toggle_technician(api, desk, clock, stop))
    tasks: set[asyncio.Task[None]] = set()
    last_hour = -1

    async def guarded(plan: TicketPlan) -> None:
        try:
            await work_ticket(api, plan, rng=rng, stats=stats, patience=3.5 * clock.hour_seconds)
        except ApiError as e:  # e.g. a conflict with a concurrent change: log, keep going
            stats["api errors"] += 1
            log.warning("ticket abandoned: %s", e)

    end = loop.time() + minutes * 60
    while (now := loop.time()) < end:
        hour = clock.hour_of_day(now, start_hour=start_hour)
        if hour != last_hour:
            last_hour = hour
            log.info("demo %02d:00  in flight %d  so far %s", hour, len(tasks), dict(stats))
        rate = peak_per_second * HOURLY_PATTERN[hour]
        await asyncio.sleep(min(rng.expovariate(rate), end - now, clock.hour_seconds))
        if loop.time() >= end or len(tasks) >= max_open:
            continue
        task = asyncio.create_task(guarded(draw_plan(rng, targets)))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    log.info("no more arrivals; letting %d tickets in flight finish (up to 60 s)", len(tasks))
    if tasks:
        _, pending = await asyncio.wait(tasks, timeout=60)
        for task in pending:
            task.cancel()
        stats["unfinished"] += len(pending)
    stop.set()
    await toggler
    return stats
