"""SLA clocks as sla's events report them; any event may create the clock's row, and a
stopped clock stays stopped, so a late or repeated event cannot revive it."""

from datetime import datetime
from typing import Any

import asyncpg

from ticketflow_common.events import SlaFacts

_FACTS = ("clock_id", "ticket_id", "metric", "cycle", "policy", "team", "priority", "assignee_id")
_KEEP_FACTS = (
    "team = coalesce(excluded.team, sla_clocks.team),"
    " priority = coalesce(excluded.priority, sla_clocks.priority),"
    " assignee_id = coalesce(excluded.assignee_id, sla_clocks.assignee_id),"
    " changed_at = greatest(sla_clocks.changed_at, excluded.changed_at)"
)
STOPPED = "sla_clocks.state = 'stopped'"


async def upsert_clock(
    *,
    conn: asyncpg.Connection,
    facts: SlaFacts,
    at: datetime,
    values: dict[str, Any],
    on_conflict: str,
) -> None:
    """Insert the clock with `values`, or apply `on_conflict` (SQL over `excluded`, built only
    from this module's constants) to the one known."""
    columns = [*_FACTS, "changed_at", *values]
    args = [getattr(facts, c) for c in _FACTS] + [at, *values.values()]
    placeholders = ", ".join(f"${n}" for n in range(1, len(args) + 1))
    await conn.execute(
        f"INSERT INTO sla_clocks ({', '.join(columns)}) VALUES ({placeholders})"
        f" ON CONFLICT (clock_id) DO UPDATE SET {_KEEP_FACTS}, {on_conflict}",
        *args,
    )


def when_not_stopped(column: str, value: str) -> str:
    return f"{column} = CASE WHEN {STOPPED} THEN sla_clocks.{column} ELSE {value} END"


START = (
    "target_seconds = coalesce(sla_clocks.target_seconds, excluded.target_seconds),"
    " started_at = coalesce(sla_clocks.started_at, excluded.started_at),"
    " due_at = coalesce(sla_clocks.due_at, excluded.due_at)"
)
PAUSE = when_not_stopped("state", "'paused'")
RESUME = (
    when_not_stopped("state", "'running'") + ", " + when_not_stopped("due_at", "excluded.due_at")
)
WARN = "warned_at = least(sla_clocks.warned_at, excluded.warned_at), due_at = excluded.due_at"
BREACH = (
    "breached_at = least(sla_clocks.breached_at, excluded.breached_at), outcome = 'breached',"
    " due_at = excluded.due_at"
)
MEET = (
    "state = 'stopped', met_at = coalesce(sla_clocks.met_at, excluded.met_at),"
    " outcome = CASE WHEN sla_clocks.outcome = 'breached' THEN 'breached' ELSE 'met' END,"
    " business_seconds_used = coalesce(excluded.business_seconds_used,"
    "   sla_clocks.business_seconds_used), due_at = excluded.due_at"
)
CANCEL = (
    "state = 'stopped',"
    " outcome = CASE WHEN sla_clocks.outcome IS NULL THEN 'cancelled' ELSE sla_clocks.outcome END"
)
RECALCULATE = (
    "policy = excluded.policy, target_seconds = excluded.target_seconds,"
    " business_seconds_used = excluded.business_seconds_used, "
    + when_not_stopped("due_at", "excluded.due_at")
)
