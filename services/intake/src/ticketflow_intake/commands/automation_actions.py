"""Carrying out the actions of automation's firings that are intake's (fields, tags, custom
fields, team, status, notes, replies, escalation), once per firing, in the consumer's one
transaction, each through the change command a person's change takes.

Each command opens `conn.transaction()`, a savepoint here: an action refused (a status the
lifecycle does not allow, an unknown team) rolls back alone and is on the firing's timeline
entry with its reason; the others still apply. An action finding the ticket already as asked
changes nothing and emits nothing. Every event emitted meanwhile carries the firing's
`caused_by`, so the rule is not triggered by its own changes. Notes, replies and escalations
are not states a ticket is already in: each firing asking for one adds one (a redelivered
firing still adds none).

Who acts: a rule as the system (`automation:rule:<id>`; its public reply is not a first
response, so an automatic acknowledgement does not stop the first-response clock); a macro as
the agent who applied it (their reply, a first response like any of theirs)."""

from datetime import datetime

import asyncpg

from ticketflow_common.envelope import Envelope
from ticketflow_common.events.automation import (
    INTAKE_ACTIONS,
    Action,
    ActionOutcome,
    MacroApplied,
    RuleFired,
)
from ticketflow_common.preconditions import WritePrecondition
from ticketflow_common.problems import ProblemError
from ticketflow_intake.commands.access_checks import TicketWrite
from ticketflow_intake.commands.change import change_status, escalate, transfer, update_fields
from ticketflow_intake.commands.converse import add_comment
from ticketflow_intake.commands.ticket_events import caused_by
from ticketflow_intake.domain.access import Principal, macro_principal, rule_principal
from ticketflow_intake.domain.automation_actions import (
    AlreadySo,
    NotPossible,
    applied,
    outcome,
    refused,
    step_for,
)
from ticketflow_intake.domain.conversation import NewComment
from ticketflow_intake.domain.surveys import SurveyPolicy
from ticketflow_intake.domain.tickets import Escalation, StatusChange, TicketPatch, Transfer
from ticketflow_intake.store.automation_firings import claim_firing
from ticketflow_intake.store.tickets import get_ticket
from ticketflow_intake.store.timeline import record, set_outcomes


def _acting(event: RuleFired | MacroApplied) -> tuple[Principal, str]:
    """Who carries the firing out, and how reasons name them."""
    if isinstance(event, RuleFired):
        return rule_principal(event.rule_id), f"rule {event.rule_name}"
    return macro_principal(event.macro_id, event.actor_id), f"macro {event.macro_name}"


async def _carry_out(
    *,
    conn: asyncpg.Connection,
    write: TicketWrite,
    action: Action,
    by: str,
    surveys: SurveyPolicy,
    now: datetime,
) -> ActionOutcome:
    """One action on the ticket as the actions before it left it."""
    ticket = await get_ticket(conn=conn, ticket_id=write.ticket_id, for_update=True)
    if ticket is None:  # the consumer's transaction locked it: it cannot vanish
        return refused(action, "the ticket is gone")
    step = step_for(ticket, action, by=by)
    try:
        match step:
            case AlreadySo() | NotPossible():
                return outcome(action, step)
            case TicketPatch():
                await update_fields(conn=conn, write=write, request=step, now=now)
            case StatusChange():
                await change_status(conn=conn, write=write, request=step, surveys=surveys, now=now)
            case Transfer():
                await transfer(conn=conn, write=write, request=step, now=now)
            case Escalation():
                await escalate(conn=conn, write=write, request=step, now=now)
            case NewComment():
                await add_comment(
                    conn=conn,
                    ticket_id=write.ticket_id,
                    new=step,
                    principal=write.principal,
                    now=now,
                )
    except ProblemError as exc:
        return refused(action, exc.detail)
    return applied(action)


async def carry_out_firing(
    *,
    conn: asyncpg.Connection,
    envelope: Envelope,
    event: RuleFired | MacroApplied,
    now: datetime,
    surveys: SurveyPolicy,
) -> None:
    """The firing on the ticket's timeline (before the changes it makes), intake's actions of
    it in order, then what each did on its entry; a firing already carried out (under any
    event id) has no second effect."""
    ticket = await get_ticket(conn=conn, ticket_id=event.ticket_id, for_update=True)
    if ticket is None:
        return
    first = await claim_firing(
        conn=conn, firing_id=event.firing_id, ticket_id=ticket.id, event_id=envelope.id, now=now
    )
    if not first:
        return
    await record(conn=conn, ticket_id=ticket.id, event=envelope, outcomes=[])
    principal, by = _acting(event)
    write = TicketWrite(ticket_id=ticket.id, principal=principal, if_match=WritePrecondition())
    outcomes: list[ActionOutcome] = []
    with caused_by(event.caused_by):
        for action in event.actions:
            if action.type in INTAKE_ACTIONS:
                done = await _carry_out(
                    conn=conn, write=write, action=action, by=by, surveys=surveys, now=now
                )
                outcomes.append(done)
    await set_outcomes(conn=conn, event_id=envelope.id, outcomes=outcomes)
