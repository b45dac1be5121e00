"""Time-based rules on durable timers: planned after every event of a ticket, fired when due.

The bodies are the timers helper's (issue #18); the signatures are the contract."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from ticketflow_automation.domain.ticket_state import TicketState


async def replan_timers(
    *,
    conn: asyncpg.Connection,
    state: TicketState,
    before: TicketState | None,
    rules: Sequence[Any],  # the engine's CompiledRule
    depth: int,
    now: datetime,
) -> None:
    """Plan, move or drop the ticket's timer of each time-based rule."""
    del conn, state, before, rules, depth, now


async def fire_due_timers(
    *,
    conn: asyncpg.Connection,
    rules: Any,  # the engine's RuleCache
    now: datetime,
    limit: int,
    max_chain_depth: int,
) -> int:
    """Fire up to `limit` due timers whose rule still holds; how many were claimed."""
    del conn, rules, now, limit, max_chain_depth
    return 0
