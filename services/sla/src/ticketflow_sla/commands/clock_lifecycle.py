"""A ticket's events move its SLA clocks: the ticket's facts are applied by version, then the
steps the lifecycle rules (`domain/clock_lifecycle.py`) call for are carried out, in order,
under the in-memory configuration at the version read with the facts."""

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
from ticketflow_sla.commands.clock_steps import carry_out
from ticketflow_sla.commands.configuration import configuration
from ticketflow_sla.domain import clock_lifecycle as rules
from ticketflow_sla.domain.clock_lifecycle import Trigger
from ticketflow_sla.domain.policies import rules_for
from ticketflow_sla.domain.sla_clocks import SlaClock
from ticketflow_sla.store.sla_clocks import lock_ticket_clocks
from ticketflow_sla.store.tickets import AppliedFacts, apply_ticket_facts


async def _clocks_of(*, conn: asyncpg.Connection, applied: AppliedFacts) -> list[SlaClock]:
    """The ticket's clocks, locked; none to look for when its facts were the first seen."""
    if applied.first_seen:
        return []
    return await lock_ticket_clocks(conn=conn, ticket_id=applied.ticket.ticket_id)


async def start_ticket_clocks(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketCreated, now: datetime
) -> None:
    applied = await apply_ticket_facts(conn=conn, facts=event, now=now)
    if applied is None:
        return
    ticket = applied.ticket
    clocks = await _clocks_of(conn=conn, applied=applied)
    steps = rules.on_created(ticket, clocks)
    if steps:
        config = await configuration(conn=conn, version=applied.configuration_version)
        trigger = Trigger(ticket, config.match(ticket), event.created_at)
        await carry_out(conn=conn, configuration=config, steps=steps, trigger=trigger, now=now)


async def apply_status_change(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketStatusChanged, now: datetime
) -> None:
    applied = await apply_ticket_facts(conn=conn, facts=event, now=now)
    if applied is None:
        return
    ticket = applied.ticket
    clocks = await _clocks_of(conn=conn, applied=applied)
    config = await configuration(conn=conn, version=applied.configuration_version)
    policy = config.match(ticket)
    steps = rules.on_status_changed(event, ticket, clocks, rules_for(policy))
    trigger = Trigger(ticket, policy, event.changed_at)
    await carry_out(conn=conn, configuration=config, steps=steps, trigger=trigger, now=now)


async def apply_comment(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketCommented, now: datetime
) -> None:
    applied = await apply_ticket_facts(conn=conn, facts=event, now=now)
    if not rules.comment_counts(event):
        return
    ticket = applied.ticket if applied is not None else None
    clocks = await lock_ticket_clocks(conn=conn, ticket_id=event.ticket_id)
    steps = rules.on_commented(event, ticket, clocks)
    if not steps:
        return
    version = applied.configuration_version if applied is not None else None
    config = await configuration(conn=conn, version=version)
    policy = config.match(ticket) if ticket is not None else None
    trigger = Trigger(ticket, policy, event.commented_at)
    await carry_out(conn=conn, configuration=config, steps=steps, trigger=trigger, now=now)


async def _rematch(
    *, conn: asyncpg.Connection, applied: AppliedFacts, at: datetime, now: datetime
) -> None:
    ticket = applied.ticket
    clocks = await _clocks_of(conn=conn, applied=applied)
    config = await configuration(conn=conn, version=applied.configuration_version)
    trigger = Trigger(ticket, config.match(ticket), at)
    steps = rules.rematch(clocks)
    await carry_out(conn=conn, configuration=config, steps=steps, trigger=trigger, now=now)


async def rematch_after_update(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketUpdated, now: datetime
) -> None:
    applied = await apply_ticket_facts(conn=conn, facts=event, now=now)
    if applied is not None and rules.update_rematches(event):
        await _rematch(conn=conn, applied=applied, at=event.updated_at, now=now)


async def rematch_after_transfer(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketTransferred, now: datetime
) -> None:
    applied = await apply_ticket_facts(conn=conn, facts=event, now=now)
    if applied is not None:
        await _rematch(conn=conn, applied=applied, at=event.transferred_at, now=now)
