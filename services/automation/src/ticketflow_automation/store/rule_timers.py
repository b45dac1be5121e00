"""SQL for the durable timers of time-based rules: one row per (rule, ticket), an absolute
`due_at`, claimed once by any replica; a fired row stays until its anchor moves (once per
anchor instant)."""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_automation.domain.ticket_state import TicketState

NEAR_DUE = timedelta(seconds=5)
"""Timers due sooner than this wake the replicas at once (NOTIFY) instead of at their next poll."""


def rule_timers_channel(schema: str) -> str:
    return f"{schema}_rule_timers"


@dataclass(frozen=True)
class PlannedTimer:
    """A ticket's timer of one rule as stored."""

    rule_id: UUID
    anchor_at: datetime
    due_at: datetime
    fired_at: datetime | None


@dataclass(frozen=True)
class DueRuleTimer:
    """A claimed due timer and its ticket's state (None: automation has no such ticket)."""

    rule_id: UUID
    ticket_id: UUID
    anchor_at: datetime
    due_at: datetime
    depth: int
    state: TicketState | None
    trace_carrier: dict[str, str]


async def ticket_timers(*, conn: asyncpg.Connection, ticket_id: UUID) -> dict[UUID, PlannedTimer]:
    rows = await conn.fetch(
        "SELECT rule_id, anchor_at, due_at, fired_at FROM rule_timers WHERE ticket_id = $1",
        ticket_id,
    )
    return {r["rule_id"]: PlannedTimer(**dict(r)) for r in rows}


Planned = tuple[UUID, UUID, datetime, datetime]
"""(rule, ticket, anchor, due) of a timer to plan."""


async def upsert_timers(
    *,
    conn: asyncpg.Connection,
    timers: Sequence[Planned],
    depth: int,
    now: datetime,
    trace_carrier: Mapping[str, str],
) -> None:
    """Plan timers, pending (never again one fired for the same anchor, even by a replica
    firing it meanwhile), with the trace that planned them; wake the replicas if one is near."""
    if not timers:
        return
    await conn.execute(
        "INSERT INTO rule_timers"
        " (rule_id, ticket_id, anchor_at, due_at, depth, fired_at, trace_carrier)"
        " SELECT r, k, a, d, $5, NULL, $6 FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[],"
        " $4::timestamptz[]) AS v(r, k, a, d)"
        " ON CONFLICT (rule_id, ticket_id) DO UPDATE SET anchor_at = EXCLUDED.anchor_at,"
        " due_at = EXCLUDED.due_at, depth = EXCLUDED.depth, fired_at = NULL,"
        " trace_carrier = EXCLUDED.trace_carrier"
        " WHERE rule_timers.fired_at IS NULL OR rule_timers.anchor_at <> EXCLUDED.anchor_at",
        [t[0] for t in timers],
        [t[1] for t in timers],
        [t[2] for t in timers],
        [t[3] for t in timers],
        depth,
        dict(trace_carrier),
    )
    if min(t[3] for t in timers) <= now + NEAR_DUE:
        await notify_replicas(conn=conn)


async def notify_replicas(*, conn: asyncpg.Connection) -> None:
    await conn.execute("SELECT pg_notify(current_schema() || '_rule_timers', '')")


async def drop_ticket_timers(*, conn: asyncpg.Connection, ticket_id: UUID) -> None:
    await conn.execute("DELETE FROM rule_timers WHERE ticket_id = $1", ticket_id)


async def drop_timers(
    *, conn: asyncpg.Connection, timers: Sequence[tuple[UUID, UUID, datetime | None]]
) -> None:
    """Forget these (rule, ticket, current anchor) timers, except one already fired for that
    very anchor (it keeps the rule from firing twice for it)."""
    if timers:
        await conn.execute(
            "DELETE FROM rule_timers t"
            " USING unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) AS v(r, k, a)"
            " WHERE t.rule_id = v.r AND t.ticket_id = v.k"
            " AND (t.fired_at IS NULL OR t.anchor_at IS DISTINCT FROM v.a)",
            [t[0] for t in timers],
            [t[1] for t in timers],
            [t[2] for t in timers],
        )


async def drop_rule_timers(*, conn: asyncpg.Connection, rule_id: UUID) -> None:
    """Forget a rule's pending timers (fired ones stay: once per anchor instant holds)."""
    await conn.execute("DELETE FROM rule_timers WHERE rule_id = $1 AND fired_at IS NULL", rule_id)


async def rule_ticket_timers(
    *, conn: asyncpg.Connection, rule_id: UUID, after: UUID | None, limit: int
) -> list[tuple[TicketState, PlannedTimer | None]]:
    """A page of the tickets not closed, by id after `after`, with the rule's timer on each."""
    rows = await conn.fetch(
        "SELECT k.state, t.rule_id, t.anchor_at, t.due_at, t.fired_at FROM tickets k"
        " LEFT JOIN rule_timers t ON t.ticket_id = k.ticket_id AND t.rule_id = $1"
        " WHERE k.state ->> 'status' <> 'closed' AND ($2::uuid IS NULL OR k.ticket_id > $2)"
        " ORDER BY k.ticket_id LIMIT $3",
        rule_id,
        after,
        limit,
    )
    page = []
    for r in rows:
        state = _state(r["state"])
        assert state is not None
        timer = None
        if r["rule_id"] is not None:
            timer = PlannedTimer(r["rule_id"], r["anchor_at"], r["due_at"], r["fired_at"])
        page.append((state, timer))
    return page


def _state(value: Any) -> TicketState | None:
    if value is None:
        return None
    return TicketState.model_validate(json.loads(value) if isinstance(value, str) else value)


async def claim_due(*, conn: asyncpg.Connection, now: datetime, limit: int) -> list[DueRuleTimer]:
    """Lock up to `limit` pending timers due at `now`, earliest first, and their tickets,
    skipping those another replica holds and those whose ticket an event is changing right now
    (its replan settles them); call inside the transaction that settles them."""
    rows = await conn.fetch(
        "SELECT t.rule_id, t.ticket_id, t.anchor_at, t.due_at, t.depth, t.trace_carrier, k.state,"
        " k.state IS NULL AND EXISTS (SELECT 1 FROM tickets x WHERE x.ticket_id = t.ticket_id)"
        " AS busy"
        " FROM rule_timers t LEFT JOIN LATERAL ("
        "  SELECT state FROM tickets WHERE ticket_id = t.ticket_id FOR UPDATE SKIP LOCKED"
        " ) k ON true"
        " WHERE t.fired_at IS NULL AND t.due_at <= $1"
        " ORDER BY t.due_at LIMIT $2 FOR UPDATE OF t SKIP LOCKED",
        now,
        limit,
    )
    return [
        DueRuleTimer(
            rule_id=r["rule_id"],
            ticket_id=r["ticket_id"],
            anchor_at=r["anchor_at"],
            due_at=r["due_at"],
            depth=r["depth"],
            state=_state(r["state"]),
            trace_carrier=r["trace_carrier"],
        )
        for r in rows
        if not r["busy"]
    ]


async def mark_fired(
    *, conn: asyncpg.Connection, pairs: Sequence[tuple[UUID, UUID]], now: datetime
) -> None:
    """(rule, ticket) timers fired at `now`: they stay, fired, while their anchor holds."""
    if pairs:
        await conn.execute(
            "UPDATE rule_timers t SET fired_at = $3 FROM unnest($1::uuid[], $2::uuid[]) AS v(r, k)"
            " WHERE t.rule_id = v.r AND t.ticket_id = v.k",
            [r for r, _ in pairs],
            [k for _, k in pairs],
            now,
        )


async def drop_pairs(*, conn: asyncpg.Connection, pairs: Sequence[tuple[UUID, UUID]]) -> None:
    """Forget (rule, ticket) timers."""
    if pairs:
        await conn.execute(
            "DELETE FROM rule_timers t USING unnest($1::uuid[], $2::uuid[]) AS v(r, k)"
            " WHERE t.rule_id = v.r AND t.ticket_id = v.k",
            [r for r, _ in pairs],
            [k for _, k in pairs],
        )


async def move_timers(
    *, conn: asyncpg.Connection, moved: Sequence[tuple[UUID, UUID, datetime]]
) -> None:
    """Give pending (rule, ticket) timers a new due instant."""
    if moved:
        await conn.execute(
            "UPDATE rule_timers t SET due_at = v.d"
            " FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) AS v(r, k, d)"
            " WHERE t.rule_id = v.r AND t.ticket_id = v.k AND t.fired_at IS NULL",
            [r for r, _, _ in moved],
            [k for _, k, _ in moved],
            [d for _, _, d in moved],
        )


async def upcoming_due(*, conn: asyncpg.Connection, until: datetime, limit: int) -> list[datetime]:
    """The distinct instants of pending timers due by `until`, earliest first: the lookahead."""
    rows = await conn.fetch(
        "SELECT DISTINCT due_at FROM ("
        "  SELECT due_at FROM rule_timers WHERE fired_at IS NULL AND due_at <= $1"
        "  ORDER BY due_at LIMIT $2) soon ORDER BY due_at",
        until,
        limit,
    )
    return [r["due_at"] for r in rows]


async def pending_of_calendar(
    *, conn: asyncpg.Connection, calendar: str
) -> list[tuple[UUID, UUID, datetime, int]]:
    """(rule, ticket, anchor, minutes) of the pending timers of rules counting in `calendar`."""
    rows = await conn.fetch(
        "SELECT t.rule_id, t.ticket_id, t.anchor_at,"
        " (r.definition -> 'after' ->> 'minutes')::int AS minutes"
        " FROM rule_timers t JOIN rules r ON r.rule_id = t.rule_id"
        " WHERE t.fired_at IS NULL AND r.definition -> 'after' ->> 'calendar' = $1",
        calendar,
    )
    return [(r["rule_id"], r["ticket_id"], r["anchor_at"], r["minutes"]) for r in rows]
