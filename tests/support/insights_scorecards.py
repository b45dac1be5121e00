"""Facts for scorecard tests, written straight into insights' tables: two teams, their leads
and agents, tickets, dwell rows and SLA clocks over one week (Monday 2 June 2025, UTC)."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

MONDAY = datetime(2025, 6, 2, tzinfo=UTC)
"""The start of the week the facts fall in (the suite's FakeClock is that day at 10:00)."""


def at(day: int, hour: float) -> datetime:
    """Day 0 is Monday 2 June 2025; negative days are the week before."""
    return MONDAY + timedelta(days=day, hours=hour)


@dataclass
class Facts:
    """The people of the scenario: a lead and an agent in network, an agent in billing."""

    network_lead: uuid.UUID = field(default_factory=uuid.uuid4)
    network_agent: uuid.UUID = field(default_factory=uuid.uuid4)
    billing_agent: uuid.UUID = field(default_factory=uuid.uuid4)
    removed_agent: uuid.UUID = field(default_factory=uuid.uuid4)
    tickets: dict[str, uuid.UUID] = field(default_factory=dict)


async def insert_ticket(conn: asyncpg.Connection, **columns: Any) -> uuid.UUID:
    ticket_id = columns.setdefault("ticket_id", uuid.uuid4())
    names = ", ".join(columns)
    values = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    await conn.execute(f"INSERT INTO tickets ({names}) VALUES ({values})", *columns.values())
    return uuid.UUID(str(ticket_id))


async def insert_clock(
    conn: asyncpg.Connection,
    *,
    ticket_id: uuid.UUID,
    team: str,
    assignee_id: uuid.UUID | None,
    outcome: str | None,
    when: datetime,
) -> None:
    state = "running" if outcome is None else "stopped"
    await conn.execute(
        "INSERT INTO sla_clocks (clock_id, ticket_id, metric, policy, team, assignee_id, state,"
        " outcome, met_at, breached_at, changed_at)"
        " VALUES ($1, $2, 'first_response', 'standard', $3, $4, $5, $6, $7, $8, $9)",
        uuid.uuid4(),
        ticket_id,
        team,
        assignee_id,
        state,
        outcome,
        when if outcome == "met" else None,
        when if outcome == "breached" else None,
        when,
    )


async def seed_facts(conn: asyncpg.Connection) -> Facts:
    """See each row's comment for what it contributes to the week's figures."""
    facts = Facts()
    changed = at(-7, 0)
    await conn.execute(
        "INSERT INTO teams (team, name, lead_agent_id, changed_at) VALUES"
        " ('network', 'Network', $1, $2), ('billing', 'Billing', NULL, $2)",
        facts.network_lead,
        changed,
    )
    await conn.executemany(
        "INSERT INTO agents (agent_id, name, teams, removed, changed_at)"
        " VALUES ($1, $2, $3, $4, $5)",
        [
            (facts.network_lead, "Lena Lead", ["network"], False, changed),
            (facts.network_agent, "Ana Agent", ["network"], False, changed),
            (facts.billing_agent, "Bo Billing", ["billing"], False, changed),
            (facts.removed_agent, "Gone", ["network"], True, changed),
        ],
    )
    a1, lead, a2 = facts.network_agent, facts.network_lead, facts.billing_agent
    common = {"team": "network", "priority": "normal", "channel": "web"}
    # Resolved at first contact in 2 h, first response 30 min, rated 5.
    t1 = await insert_ticket(
        conn, **common, status="resolved", created_at=at(0, 9), first_response_at=at(0, 9.5),
        first_responder_id=a1, agent_replies=1, resolved_at=at(0, 11), resolved_by=a1,
        csat_rating=5, csat_at=at(0, 12),
    )  # fmt: skip
    # Reopened once, resolved again after 24 h; first response 2 h; rated 2.
    t2 = await insert_ticket(
        conn, **common, status="closed", created_at=at(0, 10), first_response_at=at(0, 12),
        first_responder_id=a1, agent_replies=3, resolved_at=at(1, 10), resolved_by=a1,
        reopen_count=1, csat_rating=2, csat_at=at(1, 11),
    )  # fmt: skip
    # Still open; first response in 10 min, by the lead.
    t3 = await insert_ticket(
        conn, **common, status="open", created_at=at(1, 8), first_response_at=at(1, 8 + 1 / 6),
        first_responder_id=lead,
    )  # fmt: skip
    # Resolved the week before: outside this week, inside the previous one.
    t4 = await insert_ticket(
        conn, **common, status="resolved", created_at=at(-3, 10), first_response_at=at(-3, 11),
        first_responder_id=a1, agent_replies=1, resolved_at=at(-3, 14), resolved_by=a1,
    )  # fmt: skip
    # Resolved once this week, then reopened: not handled while it is open again.
    t5 = await insert_ticket(
        conn, **common, status="open", created_at=at(0, 8), resolved_at=at(0, 9),
        resolved_by=a1, reopen_count=1,
    )  # fmt: skip
    # Resolved on Thursday: after the clock's now (Wednesday noon), not yet part of the week.
    t6 = await insert_ticket(
        conn, **common, status="resolved", created_at=at(2, 9), resolved_at=at(3, 9),
        resolved_by=a1, agent_replies=1,
    )  # fmt: skip
    # Billing: resolved at first contact in 1 h by the billing agent, rated 4.
    b1 = await insert_ticket(
        conn, team="billing", priority="normal", channel="email", status="resolved",
        created_at=at(0, 9), first_response_at=at(0, 9 + 1 / 12), first_responder_id=a2,
        agent_replies=1, resolved_at=at(0, 10), resolved_by=a2, csat_rating=4, csat_at=at(0, 11),
    )  # fmt: skip
    facts.tickets = {"t1": t1, "t2": t2, "t3": t3, "t4": t4, "t5": t5, "t6": t6, "b1": b1}
    await conn.executemany(
        "INSERT INTO ticket_status_dwell (ticket_id, status, seconds) VALUES ($1, $2, $3)",
        [
            (t1, "open", 3600.0),
            (t1, "in_progress", 3600.0),
            (t2, "open", 7200.0),
            (t2, "pending", 50_000.0),
            (t5, "open", 100.0),
            (b1, "open", 3600.0),
        ],
    )
    await insert_clock(
        conn, ticket_id=t1, team="network", assignee_id=a1, outcome="met", when=at(0, 9.5)
    )
    await insert_clock(
        conn, ticket_id=t2, team="network", assignee_id=a1, outcome="breached", when=at(0, 11)
    )
    await insert_clock(
        conn, ticket_id=t3, team="network", assignee_id=lead, outcome="met", when=at(1, 8.2)
    )
    await insert_clock(
        conn, ticket_id=t3, team="network", assignee_id=lead, outcome=None, when=at(1, 9)
    )
    await insert_clock(
        conn, ticket_id=t2, team="network", assignee_id=a1, outcome="cancelled", when=at(1, 9)
    )
    await insert_clock(
        conn, ticket_id=b1, team="billing", assignee_id=a2, outcome="met", when=at(0, 9.1)
    )
    return facts
