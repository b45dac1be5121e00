"""SQL for the record of every routing decision and its explanation."""

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_routing.domain.decisions import RoutingDecision


async def record_decision(
    *, conn: asyncpg.Connection, decision: RoutingDecision, now: datetime
) -> None:
    await conn.execute(
        "INSERT INTO routing_decisions (ticket_id, kind, agent_id, strategy, reason, detail,"
        " decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        decision.ticket_id,
        decision.kind,
        decision.agent_id,
        decision.strategy,
        decision.reason,
        decision.detail,
        now,
    )


async def decisions_of(
    *, conn: asyncpg.Connection, ticket_id: UUID, limit: int
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT kind, agent_id, strategy, reason, detail, decided_at FROM routing_decisions"
        " WHERE ticket_id = $1 ORDER BY id DESC LIMIT $2",
        ticket_id,
        limit,
    )
    return [dict(r) for r in rows]
