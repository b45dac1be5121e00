"""SQL for the durable timers of time-based rules: one row per (rule, ticket), an absolute
`due_at`, claimed once by any replica; a fired row stays until its anchor moves (once per
anchor instant)."""

import json
from collections.abc import Sequence
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


async def ticket_timers(*, conn: asyncpg.Connection, ticket_id: UUID) -> dict[UUID, PlannedTimer]:
    rows = await conn.fetch(
        "SELECT rule_id, anchor_at, due_at, fired_at FROM rule_timers WHERE ticket_id = $1",
        ticket_id,
    )
    return {r["rule_id"]: PlannedTimer(**dict(r)) for r in rows}


async def upsert_timers(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    timers: Sequence[tuple[UUID, datetime, datetime]],
    depth: int,
    now: datetime,
) -> None:
    """Plan (rule, anchor, due) timers of the ticket, pending (never again one fired for the
    same anchor, even by a replica firing it meanwhile); wake the replicas if one is near."""
    if not timers:
        return
    await conn.execute(
        "INSERT INTO rule_timers (rule_id, ticket_id, anchor_at, due_at, depth, fired_at)"
        " SELECT r, $1, a, d, $5, NULL FROM unnest($2::uuid[], $3::timestamptz[],"
        " $4::timestamptz[]) AS v(r, a, d)"
        " ON CONFLICT (rule_id, ticket_id) DO UPDATE SET anchor_at = EXCLUDED.anchor_at,"
        " due_at = EXCLUDED.due_at, depth = EXCLUDED.depth, fired_at = NULL"
        " WHERE rule_timers.fired_at IS NULL OR rule_timers.anchor_at <> EXCLUDED.anchor_at",
        ticket_id,
        [rule_id for rule_id, _, _ in timers],
        [anchor for _, anchor, _ in timers],
        [due for _, _, due in timers],
        depth,
    )
    if min(due for _, _, due in timers) <= now + NEAR_DUE:
        await notify_replicas(conn=conn)


async def notify_replicas(*, conn: asyncpg.Connection) -> None:
    await conn.execute("SELECT pg_notify(current_schema() || '_rule_timers', '')")


async def drop_ticket_timers(*, conn: asyncpg.Connection, ticket_id: UUID) -> None:
    await conn.execute("DELETE FROM rule_timers WHERE ticket_id = $1", ticket_id)


async def drop_timers(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    anchors: Sequence[tuple[UUID, datetime | None]],
) -> None:
    """Forget the ticket's timers of these (rule, current anchor), except one already fired
    for that very anchor (it keeps the rule from firing twice for it)."""
    if anchors:
        await conn.execute(
            "DELETE FROM rule_timers t USING unnest($2::uuid[], $3::timestamptz[]) AS v(r, a)"
            " WHERE t.ticket_id = $1 AND t.rule_id = v.r"
            " AND (t.fired_at IS NULL OR t.anchor_at IS DISTINCT FROM v.a)",
            ticket_id,
            [r for r, _ in anchors],
            [a for _, a in anchors],
        )


def _state(value: Any) -> TicketState | None:
    if value is None:
        return None
    return TicketState.model_validate(json.loads(value) if isinstance(value, str) else value)


async def claim_due(*, conn: asyncpg.Connection, now: datetime, limit: int) -> list[DueRuleTimer]:
    """Lock up to `limit` pending timers due at `now`, earliest first, skipping those another
    replica holds; call inside the transaction that settles them."""
    rows = await conn.fetch(
        "SELECT t.rule_id, t.ticket_id, t.anchor_at, t.due_at, t.depth, k.state"
        " FROM rule_timers t LEFT JOIN tickets k ON k.ticket_id = t.ticket_id"
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
        )
        for r in rows
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
