"""SQL for SLA clocks (table `clocks`) and their pauses."""

from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_common.json_codec import json_text
from ticketflow_sla.domain.sla_clocks import PauseView, SlaClock

_FIELDS = tuple(f.name for f in fields(SlaClock))
"""`SlaClock`'s fields in the order of `_INSERT`'s columns (its `status` is the `state` column)."""
_CHANGING = (
    "policy",
    "calendar",
    "target_seconds",
    "status",
    "used_seconds",
    "running_since",
    "due_at",
    "breached_at",
    "stopped_at",
    "stop_reason",
)
"""The fields a transition changes, in the order of `_SAVE`'s parameters from $2."""
_SELECT = (
    "id, ticket_id, metric, cycle, policy, calendar, target_seconds, state AS status,"
    " started_at, used_seconds, running_since, due_at, breached_at, stopped_at, stop_reason,"
    " trace_carrier"
)
_INSERT_MANY = (
    "INSERT INTO clocks (id, ticket_id, metric, cycle, policy, calendar, target_seconds, state,"
    " started_at, used_seconds, running_since, due_at, breached_at, stopped_at, stop_reason,"
    " trace_carrier)"
    " SELECT id, ticket_id, metric, cycle, policy, calendar, target_seconds, state, started_at,"
    " used_seconds, running_since, due_at, breached_at, stopped_at, stop_reason, carrier::jsonb"
    " FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::text[], $6::text[],"
    " $7::float8[], $8::text[], $9::timestamptz[], $10::float8[], $11::timestamptz[],"
    " $12::timestamptz[], $13::timestamptz[], $14::timestamptz[], $15::text[], $16::text[])"
    " AS v(id, ticket_id, metric, cycle, policy, calendar, target_seconds, state, started_at,"
    " used_seconds, running_since, due_at, breached_at, stopped_at, stop_reason, carrier)"
    " ON CONFLICT (ticket_id, metric, cycle) DO NOTHING RETURNING id"
)
_SAVE = (
    "UPDATE clocks SET policy = $2, calendar = $3, target_seconds = $4, state = $5,"
    " used_seconds = $6, running_since = $7, due_at = $8, breached_at = $9, stopped_at = $10,"
    " stop_reason = $11 WHERE id = $1"
)


def _values(sla_clock: SlaClock, names: Sequence[str]) -> list[Any]:
    return [getattr(sla_clock, name) for name in names]


def clock_from_row(row: asyncpg.Record) -> SlaClock:
    return SlaClock(**dict(row))


async def insert_clocks(*, conn: asyncpg.Connection, clocks: Sequence[SlaClock]) -> set[UUID]:
    """Create the clocks in one statement; the ids of those created (not the cycles the ticket
    already has)."""
    rows = await conn.fetch(
        _INSERT_MANY,
        *([getattr(c, name) for c in clocks] for name in _FIELDS[:-1]),
        [json_text(c.trace_carrier) for c in clocks],
    )
    return {r["id"] for r in rows}


async def save_clock(*, conn: asyncpg.Connection, sla_clock: SlaClock) -> None:
    """Store a transition of a clock already locked by `lock_ticket_clocks`."""
    await conn.execute(_SAVE, sla_clock.id, *_values(sla_clock, _CHANGING))


async def lock_ticket_clocks(*, conn: asyncpg.Connection, ticket_id: UUID) -> list[SlaClock]:
    """All clocks of a ticket, locked for a transition, oldest first (so their events come in a
    stable order). Pending timers are locked first, in the order the timer loop locks them
    (timer, then clock), so the two never deadlock: in one statement, the timers' lock is the
    one-time filter (an init plan, run before the clocks are scanned) of the clocks' query."""
    rows = await conn.fetch(
        "WITH pending AS (SELECT t.id FROM timers t JOIN clocks c ON c.id = t.clock_id"
        "  WHERE c.ticket_id = $1 AND t.fired_at IS NULL ORDER BY t.id FOR UPDATE OF t)"
        f" SELECT {_SELECT} FROM clocks"
        " WHERE ticket_id = $1 AND (SELECT count(*) FROM pending) >= 0 ORDER BY id FOR UPDATE",
        ticket_id,
    )
    clocks = [clock_from_row(r) for r in rows]
    return sorted(clocks, key=lambda c: (c.started_at, c.metric, c.cycle))


async def clocks_of_ticket(*, conn: asyncpg.Connection, ticket_id: UUID) -> list[SlaClock]:
    rows = await conn.fetch(
        f"SELECT {_SELECT} FROM clocks WHERE ticket_id = $1 ORDER BY started_at, metric, cycle",
        ticket_id,
    )
    clocks = [clock_from_row(r) for r in rows]
    return sorted(clocks, key=lambda c: (c.started_at, c.metric, c.cycle))


async def clocks_by_id(
    *, conn: asyncpg.Connection, clock_ids: Sequence[UUID]
) -> dict[UUID, SlaClock]:
    rows = await conn.fetch(f"SELECT {_SELECT} FROM clocks WHERE id = ANY($1::uuid[])", clock_ids)
    return {r["id"]: clock_from_row(r) for r in rows}


async def record_pause(
    *, conn: asyncpg.Connection, clock_id: UUID, paused_at: datetime, reason: str
) -> None:
    await conn.execute(
        "INSERT INTO clock_pauses (clock_id, paused_at, reason) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING",
        clock_id,
        paused_at,
        reason,
    )


async def record_resume(*, conn: asyncpg.Connection, clock_id: UUID, resumed_at: datetime) -> None:
    await conn.execute(
        "UPDATE clock_pauses SET resumed_at = greatest(paused_at, $2)"
        " WHERE clock_id = $1 AND resumed_at IS NULL",
        clock_id,
        resumed_at,
    )


async def pauses_of(
    *, conn: asyncpg.Connection, clock_ids: Sequence[UUID]
) -> dict[UUID, list[PauseView]]:
    rows = await conn.fetch(
        "SELECT clock_id, paused_at, resumed_at, reason FROM clock_pauses"
        " WHERE clock_id = ANY($1::uuid[]) ORDER BY paused_at",
        clock_ids,
    )
    found: dict[UUID, list[PauseView]] = {}
    for r in rows:
        found.setdefault(r["clock_id"], []).append(PauseView.model_validate(dict(r)))
    return found
