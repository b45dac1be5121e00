"""A ticket's page, gathered from the services as the user, and the changes agents make on it."""

import asyncio
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TypeVar

from ticketflow_console.adapters.services import Answer, Json, Services, UpstreamDown
from ticketflow_console.domain.sessions import Session


@dataclass(frozen=True)
class TicketPage:
    """Everything the ticket page shows; lists are empty where a service said nothing."""

    ticket: Json
    replies: list[Json]
    notes: list[Json]
    timeline: list[Json]
    clocks: list[Json]
    routing: Json | None
    suggestions: list[Json]
    macros: list[Json]


async def ticket_page(*, services: Services, session: Session, ticket_id: str) -> TicketPage | None:
    """None when intake does not show the ticket to this user.

    The parts are asked for together, the ticket with them (two round trips, not three): each
    service authorises the user's token itself, so parts of a ticket intake refuses to show
    are dropped unseen, never shown."""
    token = session.access_token
    ticket, comments, timeline, clocks, routing, macros = await asyncio.gather(
        services.ticket(token, ticket_id),
        services.comments(token, ticket_id),
        services.timeline(token, ticket_id),
        _or_none(services.clocks(token, ticket_id)),
        _or_none(services.routing(token, ticket_id)),
        _or_none(services.macros(token)),
    )
    if ticket is None:
        return None
    suggested = _suggestion_id(timeline)
    suggestions = await _or_none(services.suggestion(token, suggested)) if suggested else []
    return TicketPage(
        ticket=ticket,
        replies=[c for c in comments if c.get("public", True)],
        notes=[c for c in comments if not c.get("public", True)],
        timeline=timeline,
        clocks=clocks or [],
        routing=routing,
        suggestions=suggestions or [],
        macros=[m for m in macros or [] if _offered(m, session)],
    )


T = TypeVar("T")


async def _or_none(read: Awaitable[T]) -> T | None:
    """A part of the page from a service that may be down: the page shows the rest."""
    try:
        return await read
    except UpstreamDown:
        return None


def _suggestion_id(timeline: list[Json]) -> str | None:
    """Knowledge suggests once, when a ticket is filed; the timeline names that suggestion."""
    for entry in reversed(timeline):
        if entry.get("type") == "knowledge.suggested":
            found = (entry.get("data") or {}).get("suggestion_id")
            return str(found) if found else None
    return None


def _offered(macro: Json, session: Session) -> bool:
    teams = macro.get("definition", {}).get("teams") or []
    return not teams or bool(set(teams) & set(session.teams)) or session.role == "admin"


async def reply(*, services: Services, session: Session, ticket_id: str, body: str) -> Answer:
    return await services.write_comment(session.access_token, ticket_id, body=body, public=True)


async def note(*, services: Services, session: Session, ticket_id: str, body: str) -> Answer:
    return await services.write_comment(session.access_token, ticket_id, body=body, public=False)


async def change_status(
    *, services: Services, session: Session, ticket_id: str, status: str
) -> Answer:
    return await services.set_status(session.access_token, ticket_id, status=status)


async def transfer(
    *, services: Services, session: Session, ticket_id: str, team: str, reason: str
) -> Answer:
    return await services.transfer(session.access_token, ticket_id, team=team, reason=reason)


async def escalate(*, services: Services, session: Session, ticket_id: str, reason: str) -> Answer:
    return await services.escalate(session.access_token, ticket_id, reason=reason)


async def apply_macro(
    *, services: Services, session: Session, ticket_id: str, macro_id: uuid.UUID, key: str
) -> Answer:
    """`key`: the form's own idempotency key, so a resubmitted form applies the macro once."""
    return await services.apply_macro(
        session.access_token, ticket_id, macro_id=str(macro_id), key=key
    )


async def set_agent_status(*, services: Services, session: Session, status: str) -> Answer:
    if session.agent_id is None:
        return Answer(409, "this sign-in is not linked to a routing agent")
    return await services.set_agent_status(session.access_token, session.agent_id, status=status)
