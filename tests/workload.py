"""One workload and its invariants, shared by the chaos and replica tests and the benchmarks.

The workload: an SLA policy that every ticket breaches (urgent, first response in a few
seconds), a few agents with one skill, one webhook endpoint subscribed to everything, and a
stream of urgent tickets filed with an `Idempotency-Key` that is retried until accepted.

The invariants, afterwards: every accepted ticket created, assigned and breached exactly once;
every event of those tickets delivered at the receiver and exactly once in notify's delivery
log; nothing left in any outbox.
"""

import asyncio
import contextlib
import json
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import asyncpg
import httpx

from tests.kafka_helpers import read_records, total_end_offset
from tests.polling import eventually
from tests.running_system import SERVICES, System
from ticketflow_common.topics import ROUTING, SLA, TICKETS

EventsByTicket = dict[str, dict[str, dict[str, datetime]]]
"""ticket id -> event type -> event id -> the event's time."""


class Receiver(Protocol):
    """A webhook receiver that can tell which events it accepted."""

    def delivered_event_ids(self) -> set[str]: ...


@dataclass(frozen=True)
class Invariants:
    """What the workload left behind: counts to compare, and how long it took."""

    tickets: int
    created_once: int
    assigned_once: int
    breached_once: int
    events_expected: int
    delivered: int
    """Expected events the receiver accepted at least once."""
    delivery_log_recorded: int
    """Expected events whose rows in notify's delivery log all say delivered."""
    delivery_log_once: int
    """Expected events with exactly one row in notify's delivery log, delivered."""
    outbox_left: int
    seconds_to_all_assigned: float | None
    """From the first ticket's creation to the last ticket's first assignment."""
    seconds_to_all_breached: float | None
    seconds_to_all_delivered: float | None
    """From the first ticket's creation to notify's last recorded delivery of an expected event."""
    doubled: dict[str, list[int]] = field(default_factory=dict)
    """Tickets not assigned and breached exactly once: [assignments, breaches]."""

    @property
    def held(self) -> bool:
        once = (self.created_once, self.assigned_once, self.breached_once)
        logged = (self.delivered, self.delivery_log_recorded, self.delivery_log_once)
        return (
            self.tickets > 0
            and all(n == self.tickets for n in once)
            and self.events_expected > 0
            and all(n == self.events_expected for n in logged)
            and self.outbox_left == 0
        )


async def configure(
    *,
    system: System,
    receiver_url: str,
    skill: str,
    agents: int = 4,
    capacity: int = 100,
    first_response_seconds: float = 3,
) -> None:
    """An urgent first-response policy, `agents` agents with `skill`, one webhook for all."""
    async with httpx.AsyncClient(timeout=10) as http:
        answer = await http.put(
            f"{system.url('sla')}/policies/urgent",
            json={
                "position": 10,
                "priority": "urgent",
                "first_response_seconds": first_response_seconds,
            },
            headers=system.auth("sla"),
        )
        answer.raise_for_status()
        for n in range(agents):
            answer = await http.post(
                f"{system.url('routing')}/agents",
                json={"name": f"a{n}", "team": "ops", "skills": [skill], "capacity": capacity},
                headers=system.auth("routing"),
            )
            answer.raise_for_status()
        answer = await http.post(
            f"{system.url('notify')}/endpoints",
            json={"url": receiver_url},
            headers=system.auth("notify"),
        )
        answer.raise_for_status()


async def file_tickets(
    *,
    system: System,
    count: int,
    per_second: float,
    accepted: dict[str, str],
    skill: str,
    open_loop: bool = False,
    posted_at: dict[str, float] | None = None,
) -> float:
    """File `count` urgent tickets needing `skill`; return the seconds from the first POST to
    the last acceptance.

    A refused or failed call is retried with the same `Idempotency-Key` (for up to 90 s);
    `accepted` maps each key to its ticket id as soon as it is accepted, and `posted_at` each
    ticket id to the `time.perf_counter()` just before its first POST. Sequential (default):
    one ticket after the other, `1 / per_second` apart, so the stream pauses while a call is
    being retried. `open_loop`: ticket n is started at n / `per_second` whatever happened to
    the earlier ones, so slow answers do not lower the offered rate (what a benchmark wants).
    """
    started = time.perf_counter()
    last_accepted = started
    async with httpx.AsyncClient(timeout=10) as http:

        async def file_one(n: int) -> None:
            nonlocal last_accepted
            key = str(uuid.uuid4())
            first_post = time.perf_counter()
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 90
            while loop.time() < deadline:
                try:
                    answer = await http.post(
                        f"{system.url('intake')}/tickets",
                        json={
                            "subject": f"{skill} {n}",
                            "requester": {"id": f"u-{n}"},
                            "priority": "urgent",
                            "required_skills": [skill],
                        },
                        headers={**system.auth("intake"), "Idempotency-Key": key},
                    )
                except httpx.TransportError:
                    answer = None
                if answer is not None and answer.status_code == 201:
                    ticket_id = answer.json()["id"]
                    accepted[key] = ticket_id
                    if posted_at is not None:
                        posted_at[ticket_id] = first_post
                    last_accepted = max(last_accepted, time.perf_counter())
                    return
                await asyncio.sleep(0.5)  # the client's back-off before retrying with its key

        if open_loop:
            filing: list[asyncio.Task[None]] = []
            for n in range(count):
                due = started + n / per_second
                await asyncio.sleep(max(0.0, due - time.perf_counter()))  # the arrival schedule
                filing.append(asyncio.create_task(file_one(n)))
            await asyncio.gather(*filing)
        else:
            for n in range(count):
                await file_one(n)
                await asyncio.sleep(1 / per_second)  # the stream's rate, not a wait
    return last_accepted - started


async def events_by_ticket(*, system: System, topic: str) -> EventsByTicket:
    """Everything on the topic: ticket id -> event type -> event id -> event time."""
    physical = system.names.physical(topic)
    count = await total_end_offset(bootstrap=system.kafka_bootstrap, topic=physical)
    found: EventsByTicket = defaultdict(lambda: defaultdict(dict))
    for record in await read_records(
        bootstrap=system.kafka_bootstrap, topic=physical, count=count, within=60
    ):
        event: dict[str, Any] = json.loads(record.value or b"{}")
        found[event["subject"]][event["type"]][event["id"]] = datetime.fromisoformat(event["time"])
    return found


async def _waited(
    probe: Callable[[], Awaitable[bool]], *, what: str, within: float, interval: float
) -> bool:
    """Poll until `probe` holds or `within` passes; whether it held (the figures tell the rest)."""
    with contextlib.suppress(AssertionError):
        return await eventually(probe, what=what, within=within, interval=interval)
    return False


async def check_invariants(
    *,
    system: System,
    tickets: set[str],
    receiver: Receiver,
    settle_within: float = 240,
    deliver_within: float = 240,
    drain_within: float = 60,
    interval: float = 2,
) -> Invariants:
    """Wait (bounded) for every ticket to be assigned and breached, every event delivered and
    recorded, every outbox drained; then count. Nothing here raises on a broken invariant:
    compare the figures. Once one wait fails, the later waits are skipped; the figures are
    taken all the same."""

    async def settled() -> bool:
        routing = await events_by_ticket(system=system, topic=ROUTING)
        sla = await events_by_ticket(system=system, topic=SLA)
        return all(routing[t]["ticket.assigned"] and sla[t]["sla.breached"] for t in tickets)

    on_track = await _waited(
        settled, what="every ticket assigned and breached", within=settle_within, interval=interval
    )
    created = await events_by_ticket(system=system, topic=TICKETS)
    routing = await events_by_ticket(system=system, topic=ROUTING)
    sla = await events_by_ticket(system=system, topic=SLA)
    counts = {t: [len(routing[t]["ticket.assigned"]), len(sla[t]["sla.breached"])] for t in tickets}
    expected = {
        event_id
        for by_ticket in (created, routing, sla)
        for t in tickets
        for ids in by_ticket[t].values()
        for event_id in ids
    }

    async def all_delivered() -> bool:
        return receiver.delivered_event_ids() >= expected

    on_track = on_track and await _waited(
        all_delivered,
        what="a delivery of every event",
        within=deliver_within,
        interval=interval,
    )

    async def outbox_left() -> int:
        conn = await asyncpg.connect(system.database_url)
        try:
            return sum([await conn.fetchval(f"SELECT count(*) FROM {s}.outbox") for s in SERVICES])
        finally:
            await conn.close()

    async def outboxes_empty() -> bool:
        return await outbox_left() == 0

    async def delivery_log() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(system.database_url)
        try:
            rows = await conn.fetch(
                "SELECT event_id, count(*) AS n, bool_and(status = 'delivered') AS ok,"
                " max(delivered_at) AS at FROM notify.deliveries GROUP BY event_id"
            )
        finally:
            await conn.close()
        return [r for r in rows if str(r["event_id"]) in expected]

    async def all_recorded() -> bool:
        """The receiver answers before notify records the outcome: wait for the record."""
        rows = await delivery_log()
        return len(rows) == len(expected) and all(r["ok"] for r in rows)

    if on_track:
        await _waited(
            outboxes_empty, what="every outbox to drain", within=drain_within, interval=interval
        )
        await _waited(
            all_recorded, what="every delivery recorded", within=drain_within, interval=interval
        )
    log = await delivery_log()
    recorded = [r for r in log if r["ok"] and r["at"] is not None]
    first_created = min(
        (at for t in tickets for at in created[t]["ticket.created"].values()), default=None
    )
    return Invariants(
        tickets=len(tickets),
        created_once=sum(len(created[t]["ticket.created"]) == 1 for t in tickets),
        assigned_once=sum(n[0] == 1 for n in counts.values()),
        breached_once=sum(n[1] == 1 for n in counts.values()),
        events_expected=len(expected),
        delivered=len(receiver.delivered_event_ids() & expected),
        delivery_log_recorded=len(recorded),
        delivery_log_once=sum(r["n"] == 1 for r in recorded),
        outbox_left=await outbox_left(),
        seconds_to_all_assigned=_seconds_to_all(first_created, routing, tickets, "ticket.assigned"),
        seconds_to_all_breached=_seconds_to_all(first_created, sla, tickets, "sla.breached"),
        seconds_to_all_delivered=(
            round((max(r["at"] for r in recorded) - first_created).total_seconds(), 3)
            if first_created is not None and recorded and len(recorded) == len(expected)
            else None
        ),
        doubled={t: n for t, n in counts.items() if n != [1, 1]},
    )


def _seconds_to_all(
    since: datetime | None, events: EventsByTicket, tickets: set[str], event_type: str
) -> float | None:
    """From `since` to the last ticket's first `event_type`; None if a ticket has none."""
    firsts = [min(events[t][event_type].values(), default=None) for t in tickets]
    if since is None or not firsts or any(at is None for at in firsts):
        return None
    return round((max(at for at in firsts if at is not None) - since).total_seconds(), 3)
