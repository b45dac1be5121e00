"""A routing decision is recorded with its explanation, announced through the outbox and
counted when the transaction commits: here, or (an assignment) by `assign._commit_assignment`
in the statement that takes the agent's capacity, with the same rows and the same count."""

from datetime import datetime

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.outbox import event_for
from ticketflow_routing.commands.metrics import DECISIONS
from ticketflow_routing.domain.decisions import DecisionEvent, decision_of
from ticketflow_routing.store.decisions import record_decision_and_event


async def emit_decision(*, conn: asyncpg.Connection, event: DecisionEvent, now: datetime) -> None:
    """Record the decision `event` announces and emit it (key: the ticket), in one statement."""
    decision = decision_of(event)
    envelope = event_for(event, subject=str(decision.ticket_id), now=now)
    await record_decision_and_event(
        conn=conn, decision=decision, now=now, event=envelope, topic=event.topic
    )
    count_decision(conn, event)


def count_decision(conn: asyncpg.Connection, event: DecisionEvent) -> None:
    """Count the decision once its transaction commits."""
    decision = decision_of(event)
    after_commit(conn, DECISIONS.labels(decision.kind, decision.counted_reason).inc)
