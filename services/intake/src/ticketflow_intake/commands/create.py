"""Filing a ticket: catalogue defaults, derived priority, the approval rule, idempotent retries."""

import hashlib
import json
from datetime import UTC, datetime
from uuid import UUID, uuid4

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.outbox import event_for
from ticketflow_common.problems import ProblemError, invalid_field
from ticketflow_common.tracing import current_trace_carrier
from ticketflow_intake.commands.approvals import open_approval_request
from ticketflow_intake.commands.metrics import TICKETS_CREATED
from ticketflow_intake.commands.requesters import known_requester, resolve_requester
from ticketflow_intake.commands.ticket_events import emit_ticket_event
from ticketflow_intake.domain.access import Principal
from ticketflow_intake.domain.approvals import DEFAULT_APPROVAL_TIMING, ApprovalTiming
from ticketflow_intake.domain.catalogue import (
    DEFAULT_APPROVAL_THRESHOLD,
    Category,
    choose_priority,
)
from ticketflow_intake.domain.lifecycle import allowed_next, needs_approval
from ticketflow_intake.domain.ticket_events import created
from ticketflow_intake.domain.tickets import NewTicket, Requester, Ticket
from ticketflow_intake.store.categories import get_category
from ticketflow_intake.store.filing import IdempotencyClaim, file_ticket_row
from ticketflow_intake.store.idempotency import claim_key, store_response, stored_response
from ticketflow_intake.store.tickets import insert_ticket


async def create_ticket(
    *,
    conn: asyncpg.Connection,
    new: NewTicket,
    principal: Principal,
    now: datetime,
    approval_timing: ApprovalTiming = DEFAULT_APPROVAL_TIMING,
    origin_message_id: str | None = None,
) -> Ticket:
    """Store the ticket and its `ticket.created` event (and, pending approval, its approval
    request and `ticket.approval_requested`); call inside a transaction. A mail's ticket names
    its `origin_message_id`."""
    own = own_requester(new, principal)
    requester = await resolve_requester(conn=conn, ref=new.requester, own_id=own, now=now)
    if own is not None and requester.id != own:
        raise ProblemError(403, "requesters can file tickets only for themselves")
    new = new.model_copy(update={"requester": requester})
    category = await category_of(conn=conn, new=new)
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
    if ticket.status == "pending_approval":
        await open_approval_request(
            conn=conn, ticket=ticket, category=category, defaults=approval_timing, now=now
        )
    return ticket


def own_requester(new: NewTicket, principal: Principal) -> str | None:
    """The requester a requester's credential may file for (itself); None: anyone."""
    own = principal.subject if principal.sees_only_own else None
    if own is not None and new.requester.id not in (None, own):
        raise ProblemError(403, "requesters can file tickets only for themselves")
    return own


async def category_of(*, conn: asyncpg.Connection, new: NewTicket) -> Category | None:
    """The catalogue entry the ticket names; 422 naming `category` for an unknown one."""
    if new.category is None:
        return None
    category = await get_category(conn=conn, key=new.category)
    if category is None:
        raise invalid_field("category", f"no category {new.category!r} in the catalogue")
    return category


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
    approval_timing: ApprovalTiming = DEFAULT_APPROVAL_TIMING,
) -> tuple[Ticket, bool]:
    """Create, or replay what the same key created before; True when it is a replay. The key,
    the ticket and its event commit together: in one statement when nothing else is written
    (`file_in_one_statement`), else in one transaction."""
    filed = await file_in_one_statement(
        conn=conn, new=new, principal=principal, idempotency_key=idempotency_key, now=now
    )
    if filed is not None:
        return filed
    async with conn.transaction():
        if idempotency_key is None:
            return await create_ticket(
                conn=conn, new=new, principal=principal, now=now, approval_timing=approval_timing
            ), False
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
        ticket = await create_ticket(
            conn=conn, new=new, principal=principal, now=now, approval_timing=approval_timing
        )
        await store_response(
            conn=conn,
            credential_id=principal.credential_id,
            key=idempotency_key,
            status=201,
            body=ticket.model_dump(mode="json"),
        )
        return ticket, False


async def file_in_one_statement(
    *,
    conn: asyncpg.Connection,
    new: NewTicket,
    principal: Principal,
    idempotency_key: str | None,
    now: datetime,
) -> tuple[Ticket, bool] | None:
    """The common ticket (a known or id-only requester, no approval) filed in one round trip
    after the reads that decide it; None when it needs more (a new address link, an approval
    request), left to the transaction of `create_ticket_once`. Reads outside the statement
    see what it would: address links and catalogue entries are read, not locked, either way."""
    own = own_requester(new, principal)
    requester = await known_requester(conn=conn, ref=new.requester, own_id=own)
    if requester is None:
        return None
    if own is not None and requester.id != own:
        raise ProblemError(403, "requesters can file tickets only for themselves")
    new = new.model_copy(update={"requester": requester})
    category = await category_of(conn=conn, new=new)
    threshold = category.approval_threshold if category else DEFAULT_APPROVAL_THRESHOLD
    if needs_approval(new.amount, threshold):
        return None
    ticket = new_ticket(new=new, category=category, ticket_id=uuid4(), now=now)
    data = created(ticket)
    event = event_for(data, subject=str(ticket.id), now=now)
    fingerprint = request_fingerprint(new) if idempotency_key is not None else b""
    claim = (
        None
        if idempotency_key is None
        else IdempotencyClaim(principal.credential_id, idempotency_key, fingerprint)
    )
    if await file_ticket_row(
        conn=conn,
        ticket=ticket,
        new=new,
        event=event,
        topic=data.topic,
        trace_carrier=current_trace_carrier(),
        claim=claim,
    ):
        after_commit(
            conn,
            TICKETS_CREATED.labels(ticket.channel, ticket.priority, ticket.category or "none").inc,
        )
        return ticket, False
    assert claim is not None  # without a key every statement files
    stored = await stored_response(conn=conn, credential_id=claim.credential_id, key=claim.key)
    if stored is None:
        return None  # the first request's key is gone (its row pruned): file anew
    if stored.request_hash != fingerprint:
        raise ProblemError(
            422, "this Idempotency-Key was already used with a different request body"
        )
    return Ticket.model_validate(stored.body), True


def new_ticket(
    *, new: NewTicket, category: Category | None, ticket_id: UUID, now: datetime
) -> Ticket:
    """The ticket as `insert_ticket` would read it back: `new` with the catalogue's defaults,
    the columns' defaults, and `now` as Postgres returns it (UTC). Built, not validated: every
    value comes from the validated request, the catalogue or a constant."""
    at = now.astimezone(UTC)
    requester = new.requester
    assert requester.id is not None  # resolved by `known_requester`
    return Ticket.model_construct(
        id=ticket_id,
        subject=new.subject,
        description=new.description,
        requester=Requester.model_construct(
            id=requester.id, name=requester.name, email=requester.email, tier=requester.tier
        ),
        channel=new.channel,
        category=new.category,
        priority=choose_priority(new, category),
        impact=new.impact,
        urgency=new.urgency,
        tags=list(new.tags),
        custom_fields=dict(new.custom_fields),
        amount=new.amount,
        language=new.language,
        watchers=list(new.watchers),
        external_ref=new.external_ref,
        required_skills=list(
            new.required_skills
            if new.required_skills is not None
            else (category.required_skills if category else [])
        ),
        team=category.team if category else None,
        status="new",
        allowed_transitions=allowed_next("new"),
        owner=None,
        escalation_level=0,
        first_response_at=None,
        resolved_at=None,
        closed_at=None,
        reopen_count=0,
        sla_breached=False,
        version=1,
        created_at=at,
        updated_at=at,
        origin_message_id=None,
    )
