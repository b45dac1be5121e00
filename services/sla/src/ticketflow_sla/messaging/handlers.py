"""SLA's reaction to ticket and routing events: the clock lifecycle.

- created: first response starts; resolution starts unless the ticket awaits approval.
- status_changed, by the matched policy's clock rules (defaults in brackets): statuses in
  `cancel_on` [closed] cancel every clock; `resolve_on` [resolved] meets resolution and cancels
  pending replies; `reset_on` [none] cancels the active clocks and starts each metric afresh;
  `pause_on` [waiting_on_customer, pending_approval] pauses running clocks, other statuses
  resume them. Approval (pending_approval -> open) starts resolution; reopened starts a new
  resolution cycle.
- commented (public): an agent's reply meets first and next response; a requester's starts
  a next-response cycle.
- updated (priority, category, ...) and transferred: the policy is matched again and the
  active clocks keep the business time already spent.
- ticket.assigned (routing): owner and team lead, for escalation targets.

Ticket facts apply by version: an event older than what SLA knows changes no clock state.
"""

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any, Literal

import asyncpg

from ticketflow_common.clock import Clock, system_clock
from ticketflow_common.envelope import Envelope
from ticketflow_common.events import (
    TicketAssigned,
    TicketCommented,
    TicketCreated,
    TicketStatusChanged,
    TicketTransferred,
    TicketUpdated,
)
from ticketflow_common.events.sla import Metric
from ticketflow_sla.domain.clocks import ClockRecord
from ticketflow_sla.domain.policies import match_policy, rules_for
from ticketflow_sla.domain.tickets import TicketProjection
from ticketflow_sla.lifecycle import (
    pause_clock,
    resume_clock,
    retarget_clock,
    start_clock,
    stop_clock,
)
from ticketflow_sla.store.clocks import lock_ticket_clocks
from ticketflow_sla.store.policies import list_policies
from ticketflow_sla.store.tickets import apply_assignment, apply_ticket_facts

Handler = Callable[[asyncpg.Connection, Envelope, Any], Awaitable[None]]
POLICY_FIELDS = frozenset({"priority", "category", "channel", "team", "requester_tier"})
AGENT_ROLES = frozenset({"agent", "admin"})


def _active(clocks: list[ClockRecord], metric: Metric) -> list[ClockRecord]:
    return [c for c in clocks if c.metric == metric and c.active]


def _next_cycle(clocks: list[ClockRecord], metric: Metric) -> int:
    return max((c.cycle for c in clocks if c.metric == metric), default=0) + 1


async def _start(
    conn: asyncpg.Connection,
    ticket: TicketProjection,
    clocks: list[ClockRecord],
    metric: Metric,
    at: datetime,
    now: datetime,
) -> None:
    policy = match_policy(await list_policies(conn=conn), ticket)
    if policy is not None:
        await start_clock(
            conn=conn,
            ticket=ticket,
            policy=policy,
            metric=metric,
            cycle=_next_cycle(clocks, metric),
            at=at,
            now=now,
        )


async def _stop_all(
    conn: asyncpg.Connection,
    ticket: TicketProjection,
    clocks: list[ClockRecord],
    *,
    at: datetime,
    now: datetime,
    met: frozenset[str],
    reason: str,
) -> None:
    for clock in clocks:
        outcome: Literal["met", "cancelled"] = "met" if clock.metric in met else "cancelled"
        await stop_clock(
            conn=conn, clock=clock, ticket=ticket, at=at, outcome=outcome, reason=reason, now=now
        )


async def _reset(
    conn: asyncpg.Connection,
    ticket: TicketProjection,
    clocks: list[ClockRecord],
    *,
    at: datetime,
    now: datetime,
    reason: str,
) -> None:
    """Cancel the active clocks and start each of their metrics again from zero."""
    active = [c for c in clocks if c.active]
    await _stop_all(
        conn, ticket, active, at=at, now=now, met=frozenset(), reason=f"reset: {reason}"
    )
    for metric in dict.fromkeys(c.metric for c in active):
        await _start(conn, ticket, clocks, metric, at, now)


def build_handlers(clock: Clock = system_clock) -> Mapping[str, Handler]:
    """Handlers keyed by event type; `clock` stamps emitted events (tests move it freely)."""

    async def on_created(conn: asyncpg.Connection, _env: Envelope, event: TicketCreated) -> None:
        ticket = await apply_ticket_facts(conn=conn, facts=event, now=clock())
        if ticket is None:
            return
        clocks = await lock_ticket_clocks(conn=conn, ticket_id=ticket.ticket_id)
        now = clock()
        if not clocks:
            await _start(conn, ticket, clocks, "first_response", event.created_at, now)
            if ticket.status != "pending_approval":
                await _start(conn, ticket, [], "resolution", event.created_at, now)

    async def on_status(
        conn: asyncpg.Connection, _env: Envelope, event: TicketStatusChanged
    ) -> None:
        ticket = await apply_ticket_facts(conn=conn, facts=event, now=clock())
        if ticket is None:
            return
        clocks = await lock_ticket_clocks(conn=conn, ticket_id=ticket.ticket_id)
        at, now = event.changed_at, clock()
        rules = rules_for(match_policy(await list_policies(conn=conn), ticket))
        if event.status in rules.cancel_on:
            await _stop_all(
                conn, ticket, clocks, at=at, now=now, met=frozenset(), reason=event.status
            )
            return
        if event.status in rules.resolve_on:
            await _stop_all(
                conn,
                ticket,
                clocks,
                at=at,
                now=now,
                met=frozenset({"resolution"}),
                reason=event.status,
            )
            return
        if event.status in rules.reset_on:
            await _reset(conn, ticket, clocks, at=at, now=now, reason=event.status)
            return
        pausing = rules.pauses(ticket.status)
        for running in clocks:
            if pausing:
                await pause_clock(
                    conn=conn, clock=running, ticket=ticket, at=at, reason=event.status, now=now
                )
            else:
                await resume_clock(conn=conn, clock=running, ticket=ticket, at=at, now=now)
        approved = event.previous_status == "pending_approval" and not pausing
        no_resolution = not any(c.metric == "resolution" for c in clocks)
        starts_resolution = event.reopened or (approved and no_resolution)
        if starts_resolution and not _active(clocks, "resolution"):
            await _start(conn, ticket, clocks, "resolution", at, now)

    async def on_commented(
        conn: asyncpg.Connection, _env: Envelope, event: TicketCommented
    ) -> None:
        ticket = await apply_ticket_facts(conn=conn, facts=event, now=clock())
        if not event.public:
            return
        clocks = await lock_ticket_clocks(conn=conn, ticket_id=event.ticket_id)
        at, now = event.commented_at, clock()
        if event.first_response or event.author_role in AGENT_ROLES:
            replied = [*_active(clocks, "first_response"), *_active(clocks, "next_response")]
            for waiting in replied:
                await stop_clock(
                    conn=conn,
                    clock=waiting,
                    ticket=ticket,
                    at=at,
                    outcome="met",
                    reason="agent_replied",
                    now=now,
                )
        elif event.author_role == "requester" and ticket is not None:
            awaiting_reply = _active(clocks, "first_response") or _active(clocks, "next_response")
            if not awaiting_reply and ticket.status not in ("resolved", "closed"):
                await _start(conn, ticket, clocks, "next_response", at, now)

    async def rematch(ticket: TicketProjection, conn: asyncpg.Connection, at: datetime) -> None:
        clocks = await lock_ticket_clocks(conn=conn, ticket_id=ticket.ticket_id)
        policy = match_policy(await list_policies(conn=conn), ticket)
        now = clock()
        for active in (c for c in clocks if c.active):
            await retarget_clock(
                conn=conn, clock=active, ticket=ticket, policy=policy, at=at, now=now
            )

    async def on_updated(conn: asyncpg.Connection, _env: Envelope, event: TicketUpdated) -> None:
        ticket = await apply_ticket_facts(conn=conn, facts=event, now=clock())
        if ticket is not None and POLICY_FIELDS.intersection(event.changed):
            await rematch(ticket, conn, event.updated_at)

    async def on_transferred(
        conn: asyncpg.Connection, _env: Envelope, event: TicketTransferred
    ) -> None:
        ticket = await apply_ticket_facts(conn=conn, facts=event, now=clock())
        if ticket is not None:
            await rematch(ticket, conn, event.transferred_at)

    async def on_assigned(conn: asyncpg.Connection, _env: Envelope, event: TicketAssigned) -> None:
        await apply_assignment(conn=conn, event=event, now=clock())

    return {
        TicketCreated.event_type: on_created,
        TicketStatusChanged.event_type: on_status,
        TicketCommented.event_type: on_commented,
        TicketUpdated.event_type: on_updated,
        TicketTransferred.event_type: on_transferred,
        TicketAssigned.event_type: on_assigned,
    }


HANDLERS = build_handlers()
