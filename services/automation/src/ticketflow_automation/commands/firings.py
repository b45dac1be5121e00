"""A rule fires: within its firing limit and the chain depth, recorded, its templates rendered
and `rule.fired` emitted for the services that carry out the actions; else `rule.suppressed`."""

from datetime import datetime
from typing import Literal

import asyncpg

from ticketflow_automation.domain.rules import Rule
from ticketflow_automation.domain.ticket_state import TicketState
from ticketflow_common.envelope import Envelope

DEFAULT_MAX_CHAIN_DEPTH = 5


async def fire_rule(
    *,
    conn: asyncpg.Connection,
    rule: Rule,
    state: TicketState,
    trigger: Literal["event", "timer"],
    why: list[str],
    depth: int,
    trigger_event: Envelope | None,
    now: datetime,
    max_chain_depth: int = DEFAULT_MAX_CHAIN_DEPTH,
) -> bool:
    """Fire `rule` for the ticket at chain `depth` (1: a person's or system's event); False when
    its limit or the depth stopped it."""
    del conn, rule, state, trigger, why, depth, trigger_event, now, max_chain_depth
    return False
