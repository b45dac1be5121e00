"""From one event to its deliveries: keep the ticket projection, match subscriptions, resolve
roles, mail the people insights', knowledge's and the survey events name, render messages, hold
routine mail during quiet hours, collect digests."""

from datetime import datetime
from typing import Any

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.envelope import Envelope, EventData
from ticketflow_common.events import (
    FeedbackNegative,
    KnowledgeSuggested,
    ProblemResolved,
    TicketFacts,
)
from ticketflow_common.tracing import current_trace_carrier
from ticketflow_notify.commands.compose import compose
from ticketflow_notify.commands.metrics import DELIVERIES_CREATED
from ticketflow_notify.commands.recorded_event import recorded_event
from ticketflow_notify.commands.subscription_cache import SubscriptionCache
from ticketflow_notify.domain.approval_mail import ApprovalLinks, approval_context
from ticketflow_notify.domain.deliveries import NewDelivery, ToldEvent
from ticketflow_notify.domain.digests import DigestKey
from ticketflow_notify.domain.knowledge_mail import (
    AnswerLinks,
    KnowledgeMail,
    readers_of_fixed_tickets,
    withholds_mail,
)
from ticketflow_notify.domain.quiet_hours import QuietHoursPolicy
from ticketflow_notify.domain.survey_mail import SurveyLinks, SurveyMail, negative_feedback_readers
from ticketflow_notify.domain.targets import (
    addressed_emails,
    addressed_routes,
    facts_of,
    plan_routes,
)
from ticketflow_notify.domain.templates import language_candidates
from ticketflow_notify.domain.tickets import TicketProjection, ticket_id_of
from ticketflow_notify.store.deliveries import insert_delivery
from ticketflow_notify.store.digests import add_to_digest
from ticketflow_notify.store.recipients import recipients_of
from ticketflow_notify.store.subscriptions import subscriptions_for
from ticketflow_notify.store.tickets import (
    apply_projection_change,
    get_ticket,
    projection_change,
    tickets_of,
)


def message_context(
    envelope: dict[str, Any], ticket: TicketProjection | None, *, insights_url: str = ""
) -> dict[str, Any]:
    """What a template renders with: the CloudEvent, its payload, notify's ticket view and
    where insights' pages are (reports link to them)."""
    return {
        "event": envelope,
        "data": envelope.get("data", {}),
        "ticket": {} if ticket is None else ticket.__dict__,
        "insights_url": insights_url.rstrip("/"),
    }


async def fan_out_event(
    *,
    conn: asyncpg.Connection,
    envelope: Envelope,
    event: EventData,
    now: datetime,
    policy: QuietHoursPolicy,
    insights_url: str = "",
    answer_links: AnswerLinks | None = None,
    approval_links: ApprovalLinks | None = None,
    survey_links: SurveyLinks | None = None,
    subscriptions: SubscriptionCache | None = None,
) -> None:
    """The consumer's command for every event notify hears of (see `fan_out`)."""
    await fan_out(
        conn=conn,
        envelope=envelope,
        event=event,
        now=now,
        policy=policy,
        insights_url=insights_url,
        answer_links=answer_links,
        approval_links=approval_links,
        survey_links=survey_links,
        subscriptions=subscriptions,
    )


async def knowledge_mail(
    *, conn: asyncpg.Connection, event: EventData, links: AnswerLinks | None, now: datetime
) -> KnowledgeMail:
    """What a knowledge event's mail shows each reader; a resolved problem's readers are the
    requesters notify's projection knows for its tickets."""
    linked = {}
    if isinstance(event, ProblemResolved) and event.ticket_ids:
        found = await tickets_of(conn=conn, ticket_ids=list(dict.fromkeys(event.ticket_ids)))
        linked = readers_of_fixed_tickets(found)
    return KnowledgeMail(event=event, links=links, now=now, linked=linked)


async def fan_out(
    *,
    conn: asyncpg.Connection,
    envelope: Envelope,
    event: EventData,
    now: datetime,
    policy: QuietHoursPolicy,
    insights_url: str = "",
    answer_links: AnswerLinks | None = None,
    approval_links: ApprovalLinks | None = None,
    survey_links: SurveyLinks | None = None,
    subscriptions: SubscriptionCache | None = None,
) -> int:
    """Create this event's deliveries (or digest entries) in the caller's transaction;
    returns how many targets were new for it. Redelivered events find theirs taken. The
    projection change hands back the ticket it left (None when it changed nothing), which
    saves reading it again; `recording` applied it already for a consumed event."""
    ticket = None
    done = recorded_event(envelope.id)
    if done is not None and done.projected:
        ticket = done.ticket
    else:
        change = projection_change(event)
        if change is not None:
            ticket = await apply_projection_change(conn=conn, change=change)
    if subscriptions is not None:
        subscribed = await subscriptions.matching(conn=conn, event_type=envelope.type)
    else:
        subscribed = await subscriptions_for(conn=conn, event_type=envelope.type)
    knowledge = await knowledge_mail(conn=conn, event=event, links=answer_links, now=now)
    surveys = SurveyMail(event=event, links=survey_links, now=now)
    ticket_id = ticket_id_of(event)
    if isinstance(event, FeedbackNegative) and ticket_id is not None:
        ticket = await get_ticket(conn=conn, ticket_id=ticket_id)
    also = knowledge.problem_readers + negative_feedback_readers(event, ticket)
    if not subscribed and not addressed_emails(event, also=also):
        return 0
    if ticket is None and ticket_id is not None:
        ticket = await get_ticket(conn=conn, ticket_id=ticket_id)
    facts = facts_of(event, ticket=ticket)
    routes = plan_routes(subscribed, facts=facts, event=event, ticket=ticket)
    routes += addressed_routes(event, taken=routes, also=also)
    if withholds_mail(event):
        routes = [r for r in routes if r.channel != "email"]
    if not routes:
        return 0
    told = ToldEvent.of(envelope, source_topic=event.topic, trace_carrier=current_trace_carrier())
    emails = [r.address for r in routes if r.address is not None]
    prefs = await recipients_of(conn=conn, emails=emails) if emails else {}
    event_language = event.language if isinstance(event, TicketFacts) else None
    created = 0
    for route in routes:
        language, quiet = prefs.get(route.address or "", (None, None))
        languages = language_candidates(
            language,
            event_language or knowledge.language_for(route.address),
            ticket.language if ticket else None,
        )
        if isinstance(event, KnowledgeSuggested):  # the items' language, as knowledge's pages
            languages = language_candidates(event.language, *languages)
        if route.digest_seconds is not None and facts.team is not None:
            key = DigestKey(
                route=route, team=facts.team, event_type=envelope.type, language=languages[0]
            )
            added = await add_to_digest(
                conn=conn,
                key=key,
                event_id=envelope.id,
                envelope=told.envelope,
                now=now,
                window_seconds=route.digest_seconds,
            )
            how = "digested" if added else "duplicate"
            after_commit(conn, DELIVERIES_CREATED.labels(route.channel, how).inc)
            created += int(added)
            continue
        message = None
        if route.channel != "webhook":
            message = await compose(
                conn=conn,
                event_type=envelope.type,
                languages=languages,
                context=message_context(told.envelope, ticket, insights_url=insights_url)
                | knowledge.context_for(route.address)
                | approval_context(event, route.address, links=approval_links, now=now)
                | surveys.context_for(route.address),
            )
        hold = policy.hold(channel=route.channel, event_type=envelope.type, quiet=quiet, now=now)
        new = NewDelivery(to=route, told=told, message=message, hold=hold)
        added = await insert_delivery(conn=conn, new=new, now=now)
        how = "duplicate" if not added else "held" if hold else "direct"
        after_commit(conn, DELIVERIES_CREATED.labels(route.channel, how).inc)
        created += int(added)
    return created
