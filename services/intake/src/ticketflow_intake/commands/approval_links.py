"""Signed approve/reject links: reading one changes nothing (mail scanners prefetch links);
deciding by one is the API's decision, made as the link's approver, when the category still
names them."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import asyncpg

from ticketflow_common.approval_links import ApprovalLink, read_approval_link
from ticketflow_common.preconditions import WritePrecondition
from ticketflow_intake.commands.access_checks import TicketWrite
from ticketflow_intake.commands.approvals import decided_conflict
from ticketflow_intake.commands.change import decide_approval
from ticketflow_intake.domain.access import Principal
from ticketflow_intake.domain.approvals import may_decide
from ticketflow_intake.domain.tickets import ApprovalDecision, Ticket
from ticketflow_intake.store.approvals import ApprovalRequest, get_request
from ticketflow_intake.store.categories import get_any_category
from ticketflow_intake.store.tickets import get_ticket

LinkState = Literal["valid", "expired", "bad", "not_approver"]
_LONG_AGO = datetime(1970, 1, 2, tzinfo=UTC)


@dataclass(frozen=True)
class ApprovalLinkView:
    """What a link stands for now: its state and, when valid, its request and ticket."""

    state: LinkState
    link: ApprovalLink | None = None
    request: ApprovalRequest | None = None
    ticket: Ticket | None = None


def _read(token: str, secret: str | None, now: datetime) -> tuple[LinkState, ApprovalLink | None]:
    """Valid, expired (well signed, past its time: 410) or bad (anything else: 404)."""
    if not secret:
        return "bad", None
    link = read_approval_link(token=token, secret=secret, now=now)
    if link is not None:
        return "valid", link
    if read_approval_link(token=token, secret=secret, now=_LONG_AGO) is not None:
        return "expired", None
    return "bad", None


async def open_approval_link(
    *, conn: asyncpg.Connection, token: str, secret: str | None, now: datetime
) -> ApprovalLinkView:
    """Read-only: the link's request and ticket when the token is valid, names a request of
    that ticket, and its approver is still one the ticket's category names."""
    state, link = _read(token, secret, now)
    if link is None:
        return ApprovalLinkView(state=state)
    request = await get_request(conn=conn, approval_id=link.approval_id)
    if request is None or request.ticket_id != link.ticket_id:
        return ApprovalLinkView(state="bad")
    ticket = await get_ticket(conn=conn, ticket_id=link.ticket_id)
    category = (
        None
        if request.category is None
        else await get_any_category(conn=conn, key=request.category)
    )
    if ticket is None:
        return ApprovalLinkView(state="bad")
    if not may_decide(link.approver_id, category):
        return ApprovalLinkView(state="not_approver", link=link, request=request, ticket=ticket)
    return ApprovalLinkView(state="valid", link=link, request=request, ticket=ticket)


async def decide_by_link(
    *,
    conn: asyncpg.Connection,
    token: str,
    secret: str | None,
    reason: str | None,
    now: datetime,
) -> tuple[ApprovalLinkView, Ticket | None]:
    """`POST /approval-links/{token}`: the approval endpoint's decision as the link's approver
    (409 naming who decided when the request is decided); no ticket for an unusable link."""
    view = await open_approval_link(conn=conn, token=token, secret=secret, now=now)
    if view.state != "valid" or view.link is None or view.request is None:
        return view, None
    link = view.link
    principal = Principal(
        credential_id=f"approval-link:{link.approval_id}", role="approver", subject=link.approver_id
    )
    write = TicketWrite(ticket_id=link.ticket_id, principal=principal, if_match=WritePrecondition())
    if view.request.status != "open":
        raise decided_conflict(view.request)
    decided = await decide_approval(
        conn=conn,
        write=write,
        request=ApprovalDecision(decision=link.decision, reason=reason),
        now=now,
        via="link",
    )
    return view, decided
