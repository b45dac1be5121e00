"""A ticket's events move its SLA clocks: the ticket's facts are applied by version, then the
steps the lifecycle rules (`domain/clock_lifecycle.py`) call for are carried out, in order."""

from datetime import datetime

import asyncpg

from ticketflow_common.envelope import Envelope
from ticketflow_common.events import (
    TicketCommented,
    TicketCreated,
    TicketStatusChanged,
    TicketTransferred,
    TicketUpdated,
)
from ticketflow_sla.commands.clock_transitions import carry_out
from ticketflow_sla.domain import clock_lifecycle as rules
from ticketflow_sla.domain.clock_lifecycle import Start, Trigger
from ticketflow_sla.domain.policies import Policy, match_policy, rules_for
from ticketflow_sla.domain.tickets import TicketProjection
from ticketflow_sla.store.policies import list_policies
from ticketflow_sla.store.sla_clocks import lock_ticket_clocks
from ticketflow_sla.store.tickets import apply_ticket_facts


async def _policy_of(*, conn: asyncpg.Connection, ticket: TicketProjection) -> Policy | None:
    return match_policy(await list_policies(conn=conn), ticket)


async def start_ticket_clocks(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketCreated, now: datetime
) -> None:
    ticket = await apply_ticket_facts(conn=conn, facts=event, now=now)
    if ticket is None:
        return
    clocks = await lock_ticket_clocks(conn=conn, ticket_id=ticket.ticket_id)
    steps = rules.on_created(ticket, clocks)
    if steps:
        policy = await _policy_of(conn=conn, ticket=ticket)
        trigger = Trigger(ticket, policy, event.created_at)
        await carry_out(conn=conn, steps=steps, trigger=trigger, now=now)


async def apply_status_change(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketStatusChanged, now: datetime
) -> None:
    ticket = await apply_ticket_facts(conn=conn, facts=event, now=now)
    if ticket is None:
        return
    clocks = await lock_ticket_clocks(conn=conn, ticket_id=ticket.ticket_id)
    policy = await _policy_of(conn=conn, ticket=ticket)
    steps = rules.on_status_changed(event, ticket, clocks, rules_for(policy))
    trigger = Trigger(ticket, policy, event.changed_at)
    await carry_out(conn=conn, steps=steps, trigger=trigger, now=now)


async def apply_comment(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketCommented, now: datetime
) -> None:
    ticket = await apply_ticket_facts(conn=conn, facts=event, now=now)
    if not rules.comment_counts(event):
        return
    clocks = await lock_ticket_clocks(conn=conn, ticket_id=event.ticket_id)
    steps = rules.on_commented(event, ticket, clocks)
    policy = None
    if ticket is not None and any(isinstance(s, Start) for s in steps):
        policy = await _policy_of(conn=conn, ticket=ticket)
    trigger = Trigger(ticket, policy, event.commented_at)
    await carry_out(conn=conn, steps=steps, trigger=trigger, now=now)


async def _rematch(
    *, conn: asyncpg.Connection, ticket: TicketProjection, at: datetime, now: datetime
) -> None:
    clocks = await lock_ticket_clocks(conn=conn, ticket_id=ticket.ticket_id)
    policy = await _policy_of(conn=conn, ticket=ticket)
    trigger = Trigger(ticket, policy, at)
    await carry_out(conn=conn, steps=rules.rematch(clocks), trigger=trigger, now=now)


async def rematch_after_update(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketUpdated, now: datetime
) -> None:
    ticket = await apply_ticket_facts(conn=conn, facts=event, now=now)
    if ticket is not None and rules.update_rematches(event):
        await _rematch(conn=conn, ticket=ticket, at=event.updated_at, now=now)


async def rematch_after_transfer(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketTransferred, now: datetime
) -> None:
    ticket = await apply_ticket_facts(conn=conn, facts=event, now=now)
    if ticket is not None:
        await _rematch(conn=conn, ticket=ticket, at=event.transferred_at, now=now)
