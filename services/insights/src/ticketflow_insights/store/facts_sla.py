"""SLA clocks as sla's events report them; any event may create the clock's row, and a
stopped clock stays stopped, so a late or repeated event cannot revive it."""

from datetime import datetime
from typing import Any

import asyncpg

from ticketflow_common.events import SlaFacts
from ticketflow_insights.store.facts_batch import execute

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
    await execute(
        conn,
        f"INSERT INTO sla_clocks ({', '.join(columns)}) VALUES ({placeholders})"
        f" ON CONFLICT (clock_id) DO UPDATE SET {_KEEP_FACTS}, {on_conflict}",
        *args,
    )


NEWER = "excluded.changed_at >= sla_clocks.changed_at"
"""The event is at least as recent as every one applied: what it says of the state stands."""


def newer(column: str, value: str | None = None) -> str:
    value = value or f"excluded.{column}"
    return f"{column} = CASE WHEN {NEWER} THEN {value} ELSE sla_clocks.{column} END"


def when_not_stopped(column: str, value: str) -> str:
    """Only a newer event changes a clock that is not stopped."""
    return (
        f"{column} = CASE WHEN {STOPPED} OR NOT ({NEWER}) THEN sla_clocks.{column} ELSE {value} END"
    )


DUE = (
    "due_at = CASE WHEN sla_clocks.due_at_since IS NULL"
    "   OR excluded.due_at_since >= sla_clocks.due_at_since"
    "   THEN excluded.due_at ELSE sla_clocks.due_at END,"
    " due_at_since = greatest(sla_clocks.due_at_since, excluded.due_at_since)"
)
"""The due instant of the newest event that tells one (events insert `due_at_since`)."""
START = (
    "target_seconds = coalesce(sla_clocks.target_seconds, excluded.target_seconds),"
    " started_at = coalesce(sla_clocks.started_at, excluded.started_at), " + DUE
)
PAUSE = when_not_stopped("state", "'paused'")
RESUME = ", ".join([when_not_stopped("state", "'running'"), DUE])
WARN = "warned_at = least(sla_clocks.warned_at, excluded.warned_at), " + DUE
BREACH = (
    "breached_at = least(sla_clocks.breached_at, excluded.breached_at), outcome = 'breached', "
    + DUE
)
MEET = (
    "state = 'stopped', met_at = coalesce(sla_clocks.met_at, excluded.met_at),"
    " outcome = CASE WHEN sla_clocks.outcome = 'breached' THEN 'breached' ELSE 'met' END,"
    " business_seconds_used = coalesce(excluded.business_seconds_used,"
    "   sla_clocks.business_seconds_used), " + DUE
)
CANCEL = (
    "state = 'stopped',"
    " outcome = CASE WHEN sla_clocks.outcome IS NULL THEN 'cancelled' ELSE sla_clocks.outcome END"
)
RECALCULATE = ", ".join(
    [
        newer("policy"),
        newer("target_seconds"),
        newer("business_seconds_used"),
        DUE,
    ]
)
