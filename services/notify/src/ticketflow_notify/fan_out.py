"""From one event to its deliveries: keep the ticket projection, match subscriptions, resolve
roles, render messages, hold routine mail during quiet hours, collect digests."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_common import topics
from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.envelope import Envelope
from ticketflow_notify.composer import compose
from ticketflow_notify.domain.quiet_hours import QuietHours, held_until
from ticketflow_notify.domain.targets import Route, TicketView, facts_of, plan_routes
from ticketflow_notify.domain.templates import language_candidates
from ticketflow_notify.metrics import DELIVERIES_CREATED
from ticketflow_notify.store.deliveries import NewDelivery, insert_delivery
from ticketflow_notify.store.digests import DigestKey, add_to_digest
from ticketflow_notify.store.recipients import recipients_of
from ticketflow_notify.store.subscriptions import subscriptions_for
from ticketflow_notify.store.tickets import apply_assignment, apply_ticket_facts, get_ticket


@dataclass(frozen=True)
class FanOutPolicy:
    quiet_hours_bypass_types: frozenset[str]


def _ticket_id(data: Mapping[str, Any]) -> UUID | None:
    try:
        return UUID(str(data["ticket_id"]))
    except (KeyError, ValueError):
        return None


def message_context(envelope: Mapping[str, Any], ticket: TicketView | None) -> dict[str, Any]:
    return {
        "event": envelope,
        "data": envelope.get("data", {}),
        "ticket": {} if ticket is None else ticket.__dict__,
    }


async def fan_out(
    *,
    conn: asyncpg.Connection,
    envelope: Envelope,
    topic: str,
    trace_carrier: dict[str, str],
    now: datetime,
    policy: FanOutPolicy,
) -> int:
    """Create this event's deliveries (or digest entries) in the caller's transaction;
    returns how many targets were new for it. Redelivered events find theirs taken."""
    data = envelope.data
    ticket_id = _ticket_id(data)
    if ticket_id is not None and topic == topics.TICKETS:
        await apply_ticket_facts(conn=conn, ticket_id=ticket_id, data=data)
    if ticket_id is not None and envelope.type == "ticket.assigned":
        await apply_assignment(conn=conn, ticket_id=ticket_id, data=data)
    subscribed = await subscriptions_for(conn=conn, event_type=envelope.type)
    if not subscribed:
        return 0
    ticket = None if ticket_id is None else await get_ticket(conn=conn, ticket_id=ticket_id)
    facts = facts_of(event_type=envelope.type, data=data, ticket=ticket)
    routes = plan_routes(subscribed, facts=facts, data=data, ticket=ticket)
    if not routes:
        return 0
    raw = envelope.model_dump(mode="json")
    prefs = await recipients_of(
        conn=conn, emails=[r.address for r in routes if r.address is not None]
    )
    language_field = data.get("language")
    event_language = language_field if isinstance(language_field, str) else None
    created = 0
    for route in routes:
        language, quiet = prefs.get(route.address or "", (None, None))
        languages = language_candidates(
            language, event_language, ticket.language if ticket else None
        )
        if route.digest_seconds is not None and facts.team is not None:
            key = DigestKey(
                subscription_id=route.subscription_id,
                channel=route.channel,
                target=route.target,
                endpoint_id=route.endpoint_id,
                team=facts.team,
                event_type=envelope.type,
                language=languages[0],
            )
            added = await add_to_digest(
                conn=conn,
                key=key,
                event_id=envelope.id,
                envelope=raw,
                now=now,
                window_seconds=route.digest_seconds,
            )
            how = "digested" if added else "duplicate"
            after_commit(conn, DELIVERIES_CREATED.labels(route.channel, how).inc)
            created += int(added)
            continue
        message = None
        if route.channel != "webhook":
            rendered = await compose(
                conn=conn,
                event_type=envelope.type,
                languages=languages,
                context=message_context(raw, ticket),
            )
            message = rendered.as_json()
        hold = _hold(route, quiet, event_type=envelope.type, now=now, policy=policy)
        added = await insert_delivery(
            conn=conn,
            new=NewDelivery(
                channel=route.channel,
                target=route.target,
                endpoint_id=route.endpoint_id,
                event_id=envelope.id,
                event_type=envelope.type,
                subject=envelope.subject,
                envelope=raw,
                trace_carrier=trace_carrier,
                message=message,
                source_topic=topic,
                event_time=envelope.time,
                next_attempt_at=hold or now,
                created_at=now,
                held_until=hold,
            ),
        )
        how = "duplicate" if not added else "held" if hold else "direct"
        after_commit(conn, DELIVERIES_CREATED.labels(route.channel, how).inc)
        created += int(added)
    return created


def _hold(
    route: Route,
    quiet: QuietHours | None,
    *,
    event_type: str,
    now: datetime,
    policy: FanOutPolicy,
) -> datetime | None:
    """Routine mail waits for the end of the recipient's quiet hours; escalations never do."""
    if route.channel != "email" or quiet is None:
        return None
    if event_type in policy.quiet_hours_bypass_types:
        return None
    return held_until(now, quiet)
