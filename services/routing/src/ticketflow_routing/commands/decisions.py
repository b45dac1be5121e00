"""Every routing decision is written once, here: recorded with its explanation, announced
through the outbox, and counted when the transaction commits."""

from datetime import datetime

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.outbox import emit
from ticketflow_routing.commands.metrics import DECISIONS
from ticketflow_routing.domain.decisions import DecisionEvent, decision_of
from ticketflow_routing.store.decisions import record_decision


async def emit_decision(*, conn: asyncpg.Connection, event: DecisionEvent, now: datetime) -> None:
    """Record the decision `event` announces and emit it (key: the ticket)."""
    decision = decision_of(event)
    await record_decision(conn=conn, decision=decision, now=now)
    await emit(conn, event, subject=str(decision.ticket_id), now=now)
    after_commit(conn, DECISIONS.labels(decision.kind, decision.counted_reason).inc)
