"""SQL for the record of every routing decision and its explanation."""

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_common.envelope import Envelope
from ticketflow_common.outbox import OUTBOX_COLUMNS, outbox_values
from ticketflow_routing.domain.decisions import RoutingDecision

DECISION_COLUMNS = "ticket_id, kind, agent_id, strategy, reason, detail, decided_at"


def decision_values(decision: RoutingDecision, now: datetime) -> tuple[object, ...]:
    """The values of DECISION_COLUMNS, for a statement that records the decision."""
    return (
        decision.ticket_id,
        decision.kind,
        decision.agent_id,
        decision.strategy,
        decision.reason,
        decision.detail,
        now,
    )


async def record_decision_and_event(
    *,
    conn: asyncpg.Connection,
    decision: RoutingDecision,
    now: datetime,
    event: Envelope,
    topic: str,
) -> None:
    """The decision and the outbox row announcing it, in one statement."""
    await conn.execute(
        f"WITH decided AS (INSERT INTO routing_decisions ({DECISION_COLUMNS})"
        " VALUES ($1, $2, $3, $4, $5, $6, $7))"
        f" INSERT INTO outbox ({OUTBOX_COLUMNS}) VALUES ($8, $9, $10, $11, $12, $13)",
        *decision_values(decision, now),
        *outbox_values(event, topic=topic, key=str(decision.ticket_id)),
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
