"""Filing a ticket: catalogue defaults, derived priority, the approval rule, idempotent retries."""

import hashlib
import json
from datetime import datetime
from uuid import uuid4

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.problems import ProblemError, invalid_field
from ticketflow_intake.commands.metrics import TICKETS_CREATED
from ticketflow_intake.commands.requesters import resolve_requester
from ticketflow_intake.commands.ticket_events import emit_ticket_event
from ticketflow_intake.domain.access import Principal
from ticketflow_intake.domain.catalogue import DEFAULT_APPROVAL_THRESHOLD, choose_priority
from ticketflow_intake.domain.lifecycle import needs_approval
from ticketflow_intake.domain.ticket_events import created
from ticketflow_intake.domain.tickets import NewTicket, Ticket
from ticketflow_intake.store.categories import get_category
from ticketflow_intake.store.idempotency import claim_key, store_response
from ticketflow_intake.store.tickets import insert_ticket


async def create_ticket(
    *,
    conn: asyncpg.Connection,
    new: NewTicket,
    principal: Principal,
    now: datetime,
    origin_message_id: str | None = None,
) -> Ticket:
    """Store the ticket and its `ticket.created` event; call inside a transaction. A mail's
    ticket names its `origin_message_id`."""
    own = principal.subject if principal.sees_only_own else None
    if own is not None and new.requester.id not in (None, own):
        raise ProblemError(403, "requesters can file tickets only for themselves")
    requester = await resolve_requester(conn=conn, ref=new.requester, own_id=own, now=now)
    if own is not None and requester.id != own:
        raise ProblemError(403, "requesters can file tickets only for themselves")
    new = new.model_copy(update={"requester": requester})
    category = None
    if new.category is not None:
        category = await get_category(conn=conn, key=new.category)
        if category is None:
            raise invalid_field("category", f"no category {new.category!r} in the catalogue")
    threshold = category.approval_threshold if category else DEFAULT_APPROVAL_THRESHOLD
    ticket = await insert_ticket(
        conn=conn,
        ticket_id=uuid4(),
        new=new,
        priority=choose_priority(new, category),
        required_skills=(
            new.required_skills
            if new.required_skills is not None
            else (category.required_skills if category else [])
        ),
        team=category.team if category else None,
        status="pending_approval" if needs_approval(new.amount, threshold) else "new",
        now=now,
        origin_message_id=origin_message_id,
    )
    after_commit(
        conn, TICKETS_CREATED.labels(ticket.channel, ticket.priority, ticket.category or "none").inc
    )
    await emit_ticket_event(conn=conn, data=created(ticket), now=now)
    return ticket


def request_fingerprint(new: NewTicket) -> bytes:
    """Equal bodies, however formatted, give equal fingerprints."""
    canonical = json.dumps(new.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).digest()


async def create_ticket_once(
    *,
    conn: asyncpg.Connection,
    new: NewTicket,
    principal: Principal,
    idempotency_key: str | None,
    now: datetime,
) -> tuple[Ticket, bool]:
    """Create, or replay what the same key created before; True when it is a replay. One
    transaction: the key, the ticket and its event commit together."""
    async with conn.transaction():
        if idempotency_key is None:
            return await create_ticket(conn=conn, new=new, principal=principal, now=now), False
        fingerprint = request_fingerprint(new)
        stored = await claim_key(
            conn=conn,
            credential_id=principal.credential_id,
            key=idempotency_key,
            request_hash=fingerprint,
        )
        if stored is not None:
            if stored.request_hash != fingerprint:
                raise ProblemError(
                    422, "this Idempotency-Key was already used with a different request body"
                )
            return Ticket.model_validate(stored.body), True
        ticket = await create_ticket(conn=conn, new=new, principal=principal, now=now)
        await store_response(
            conn=conn,
            credential_id=principal.credential_id,
            key=idempotency_key,
            status=201,
            body=ticket.model_dump(mode="json"),
        )
        return ticket, False
