"""A rule's firing or a macro's application: notify carries out its own actions, `notify` and
`call_webhook`, as deliveries like any other (signed, retried, dead-lettered, quiet hours), then
fans the event out to its subscribers as every event.

Deliveries are keyed by target and the firing's event id, as fan-out keys them: a redelivered
firing plans nothing twice, and a person or endpoint a firing reaches by several actions (or
also by a subscription to `rule.fired`) is told once, by the first action that names them. A
target nobody can be found for, or an endpoint unknown or disabled, becomes a
`notification.failed` naming why; it never fails the event.
"""

from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.envelope import Envelope
from ticketflow_common.event_table import EventCommand
from ticketflow_common.events import ActionsRequested, NotificationFailed
from ticketflow_common.events.automation import CallWebhook, Notify
from ticketflow_common.outbox import emit
from ticketflow_common.tracing import current_trace_carrier
from ticketflow_notify.commands.compose import compose
from ticketflow_notify.commands.fan_out import message_context
from ticketflow_notify.commands.metrics import AUTOMATION_ACTIONS, DELIVERIES_CREATED
from ticketflow_notify.domain.automation import (
    People,
    failure_id,
    named_teams,
    notify_message,
    resolve_target,
)
from ticketflow_notify.domain.deliveries import Channel, Destination, NewDelivery, ToldEvent
from ticketflow_notify.domain.quiet_hours import QuietHoursPolicy
from ticketflow_notify.domain.targets import email_target, endpoint_target
from ticketflow_notify.domain.templates import language_candidates
from ticketflow_notify.domain.tickets import TicketProjection
from ticketflow_notify.store.deliveries import insert_delivery
from ticketflow_notify.store.endpoints import get_endpoint
from ticketflow_notify.store.people import team_lead_email, team_member_emails
from ticketflow_notify.store.recipients import recipients_of
from ticketflow_notify.store.tickets import get_ticket, owner_email


async def on_actions_requested(
    *,
    conn: asyncpg.Connection,
    envelope: Envelope,
    event: ActionsRequested,
    now: datetime,
    policy: QuietHoursPolicy,
    fan_out: EventCommand,
) -> None:
    """The consumer's command for `rule.fired` and `macro.applied`: the actions, then the
    subscriptions (which may match these types as any other)."""
    await carry_out_actions(conn=conn, envelope=envelope, event=event, now=now, policy=policy)
    await fan_out(conn=conn, envelope=envelope, event=event, now=now)


async def carry_out_actions(
    *,
    conn: asyncpg.Connection,
    envelope: Envelope,
    event: ActionsRequested,
    now: datetime,
    policy: QuietHoursPolicy,
) -> int:
    """Plan the deliveries of the firing's `notify` and `call_webhook` actions in the caller's
    transaction; returns how many were new. Intake's and routing's actions are theirs."""
    ours = [(i, a) for i, a in enumerate(event.actions) if isinstance(a, Notify | CallWebhook)]
    if not ours:
        return 0
    ticket = await get_ticket(conn=conn, ticket_id=event.ticket_id)
    people = await _people(conn=conn, event=event, ticket=ticket)
    told = ToldEvent.of(envelope, source_topic=event.topic, trace_carrier=current_trace_carrier())
    created = 0
    for index, action in ours:
        if isinstance(action, Notify):
            created += await _notify(
                conn=conn,
                event=event,
                index=index,
                action=action,
                people=people,
                told=told,
                now=now,
                policy=policy,
            )
        else:
            created += await _call_webhook(
                conn=conn,
                event=event,
                index=index,
                action=action,
                ticket=ticket,
                told=told,
                now=now,
            )
    return created


async def _people(
    *, conn: asyncpg.Connection, event: ActionsRequested, ticket: TicketProjection | None
) -> People:
    teams = named_teams(event.actions)
    lead = ticket.team_lead_email if ticket else None
    if lead is None and ticket is not None and ticket.team:
        lead = await team_lead_email(conn=conn, team=ticket.team)
    return People(
        ticket=ticket,
        owner_email=await owner_email(conn=conn, ticket_id=event.ticket_id),
        team_lead_email=lead,
        team_members={t: await team_member_emails(conn=conn, team=t) for t in teams},
    )


async def _notify(
    *,
    conn: asyncpg.Connection,
    event: ActionsRequested,
    index: int,
    action: Notify,
    people: People,
    told: ToldEvent,
    now: datetime,
    policy: QuietHoursPolicy,
) -> int:
    """Mail every address the target stands for, with the action's rendered text."""
    resolved = resolve_target(action.target, people)
    if resolved.unresolved is not None:
        await _failed(
            conn=conn,
            event=event,
            index=index,
            told=told,
            channel="email",
            target=action.target,
            error=f"notify {action.target}: {resolved.unresolved}",
            now=now,
        )
        return 0
    message = notify_message(action, event=event, ticket=people.ticket)
    prefs = await recipients_of(conn=conn, emails=resolved.addresses)
    created = 0
    for address in resolved.addresses:
        quiet = prefs.get(address, (None, None))[1]
        hold = policy.hold(channel="email", event_type=told.type, quiet=quiet, now=now)
        to = Destination(channel="email", target=email_target(address), endpoint_id=None)
        added = await insert_delivery(
            conn=conn, new=NewDelivery(to=to, told=told, message=message, hold=hold), now=now
        )
        _count(conn, "email", "duplicate" if not added else "held" if hold else "direct")
        created += int(added)
    after_commit(conn, AUTOMATION_ACTIONS.labels("notify", "planned").inc)
    return created


async def _call_webhook(
    *,
    conn: asyncpg.Connection,
    event: ActionsRequested,
    index: int,
    action: CallWebhook,
    ticket: TicketProjection | None,
    told: ToldEvent,
    now: datetime,
) -> int:
    """The firing's envelope to the endpoint, signed and retried as every webhook delivery
    (a chat endpoint gets the event's message, as its subscriptions do)."""
    endpoint = await get_endpoint(conn=conn, endpoint_id=action.endpoint_id)
    why = None if endpoint else "unknown endpoint"
    if endpoint is not None and not endpoint.enabled:
        why = f"endpoint disabled ({endpoint.disabled_reason or 'by hand'})"
    if endpoint is None or why is not None:
        await _failed(
            conn=conn,
            event=event,
            index=index,
            told=told,
            channel="webhook",
            target=endpoint_target(action.endpoint_id),
            error=f"call_webhook {action.endpoint_id}: {why}",
            now=now,
            endpoint_id=action.endpoint_id,
        )
        return 0
    message = None
    if endpoint.kind == "chat":
        message = await compose(
            conn=conn,
            event_type=told.type,
            languages=language_candidates(None, ticket.language if ticket else None),
            context=message_context(told.envelope, ticket),
        )
    to = Destination(
        channel=endpoint.kind, target=endpoint_target(endpoint.id), endpoint_id=endpoint.id
    )
    added = await insert_delivery(
        conn=conn, new=NewDelivery(to=to, told=told, message=message), now=now
    )
    _count(conn, endpoint.kind, "direct" if added else "duplicate")
    after_commit(conn, AUTOMATION_ACTIONS.labels("call_webhook", "planned").inc)
    return int(added)


async def _failed(
    *,
    conn: asyncpg.Connection,
    event: ActionsRequested,
    index: int,
    told: ToldEvent,
    channel: Channel,
    target: str,
    error: str,
    now: datetime,
    endpoint_id: UUID | None = None,
) -> None:
    """`notification.failed` for an action nobody could be found for: no delivery, no attempt."""
    data = NotificationFailed(
        delivery_id=failure_id(told.id, index, target),
        endpoint_id=endpoint_id,
        event_id=told.id,
        event_type_delivered=told.type,
        attempts=0,
        error=error,
        failed_at=now,
        channel=channel,
    )
    await emit(conn, data, subject=str(event.ticket_id), now=now)
    after_commit(conn, AUTOMATION_ACTIONS.labels(event.actions[index].type, "failed").inc)


def _count(conn: asyncpg.Connection, channel: str, how: str) -> None:
    after_commit(conn, DELIVERIES_CREATED.labels(channel, how).inc)
