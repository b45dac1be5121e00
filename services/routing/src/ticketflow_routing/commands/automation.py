"""A rule's firing or a macro's application: routing carries out its own actions, `assign` and
`unassign`, once each (the inbox records the event with the effect), and nothing else.

Each action runs in a savepoint: a refused one (agent unknown, at capacity, not in the team;
the ticket unknown or not open) changes nothing, is logged and counted, and never fails the
event, so it is not dead-lettered and the firing's other actions still apply.
"""

import logging
from datetime import datetime
from functools import partial
from typing import Literal
from uuid import UUID

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.envelope import Envelope
from ticketflow_common.events import ActionsRequested, AutomationCause
from ticketflow_common.events.automation import Assign, Unassign
from ticketflow_common.problems import ProblemError
from ticketflow_routing.commands.assign import queue_ticket
from ticketflow_routing.commands.drain import drain_for_agent
from ticketflow_routing.commands.hand_on import unassign
from ticketflow_routing.commands.metrics import AUTOMATION_ACTIONS
from ticketflow_routing.commands.reassign import change_owner
from ticketflow_routing.domain.policy import RoutingPolicy
from ticketflow_routing.domain.tickets import ACTIVE
from ticketflow_routing.store.tickets import lock_ticket

log = logging.getLogger(__name__)

Outcome = Literal["applied", "unchanged", "refused"]


class _Refused(Exception):
    """Rolls back one action's savepoint; its message says why."""


async def on_actions_requested(
    *,
    conn: asyncpg.Connection,
    envelope: Envelope,
    event: ActionsRequested,
    now: datetime,
    policy: RoutingPolicy,
) -> None:
    """The command for `rule.fired` and `macro.applied`, in the transaction of the inbox."""
    for index, action in enumerate(event.actions):
        if not isinstance(action, Assign | Unassign):
            continue  # intake's and notify's
        outcome: Outcome
        try:
            async with conn.transaction():
                changed = await _carry_out(
                    conn=conn, event=event, action=action, now=now, policy=policy
                )
            outcome = "applied" if changed else "unchanged"
        except (_Refused, ProblemError) as exc:
            outcome = "refused"
            log.warning(
                "automation action refused",
                extra={
                    "event_id": str(envelope.id),
                    "ticket_id": str(event.ticket_id),
                    "firing_id": str(event.firing_id),
                    "action": f"actions[{index}].{action.type}",
                    "reason": exc.detail if isinstance(exc, ProblemError) else str(exc),
                },
            )
        after_commit(conn, partial(AUTOMATION_ACTIONS.labels(action.type, outcome).inc))


async def _carry_out(
    *,
    conn: asyncpg.Connection,
    event: ActionsRequested,
    action: Assign | Unassign,
    now: datetime,
    policy: RoutingPolicy,
) -> bool:
    """One action; False when the ticket was already as asked (nothing emitted)."""
    if isinstance(action, Assign):
        return await change_owner(
            conn=conn,
            ticket_id=event.ticket_id,
            agent_id=action.agent_id,
            now=now,
            policy=policy,
            caused_by=event.caused_by,
        )
    return await release_to_queue(
        conn=conn, ticket_id=event.ticket_id, caused_by=event.caused_by, now=now, policy=policy
    )


async def release_to_queue(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    caused_by: AutomationCause,
    now: datetime,
    policy: RoutingPolicy,
) -> bool:
    """The owner off the ticket, which then waits in its team's queue (`ticket.unassigned`,
    `ticket.queued`); the former owner's freed capacity takes from the queue first, as after
    a release. False when the ticket had no owner."""
    ticket = await lock_ticket(conn=conn, ticket_id=ticket_id)
    if ticket is None:
        raise _Refused(f"ticket {ticket_id} is not known to routing")
    if ticket.status not in ACTIVE:
        return False  # a done or not yet approved ticket has no owner to take off
    former = await unassign(conn=conn, ticket=ticket, now=now, reason="manual", caused_by=caused_by)
    if former is None:
        return False
    await drain_for_agent(conn=conn, agent_id=former, now=now, policy=policy)
    await queue_ticket(
        conn=conn,
        ticket=ticket,
        now=now,
        exclusions=[],
        caused_by=caused_by,
        reason="unassigned by automation",
    )
    return True
