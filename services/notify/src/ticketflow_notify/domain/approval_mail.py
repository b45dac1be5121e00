"""What intake's approval requests mail people (pure): each approver (or escalation contact)
the round names, with approve and reject links signed for them. Templates in
`approval_templates.py`."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ticketflow_common.approval_links import ApprovalLink, LinkDecision, approval_link_token
from ticketflow_common.envelope import EventData
from ticketflow_common.events import Approver, TicketApprovalRequested


@dataclass(frozen=True)
class ApprovalLinks:
    """Where intake's approval pages are, as mail readers reach them, and the secret links to
    them are signed with (intake's INTAKE_APPROVAL_LINK_SECRET); no secret: no links."""

    public_url: str
    secret: str | None

    def url(self, link: ApprovalLink, *, now: datetime) -> str | None:
        if not self.secret:
            return None
        token = approval_link_token(link=link, secret=self.secret, now=now)
        return f"{self.public_url.rstrip('/')}/approval-links/{token}"


def approvers_asked(event: EventData) -> list[str | None]:
    """The addresses a round of an approval request is mailed to, whether or not subscribed."""
    if isinstance(event, TicketApprovalRequested):
        return [a.email for a in event.approvers]
    return []


def _approver_at(event: TicketApprovalRequested, address: str | None) -> Approver | None:
    wanted = (address or "").strip().lower()
    for approver in event.approvers:
        if approver.email and approver.email.strip().lower() == wanted:
            return approver
    return None


def approval_context(
    event: EventData, address: str | None, *, links: ApprovalLinks | None, now: datetime
) -> dict[str, Any]:
    """For the approver at `address`: who they are and their own approve/reject links (a link
    decides as its approver, so nobody else's mail carries it); {} for other events."""
    if not isinstance(event, TicketApprovalRequested):
        return {}
    approver = _approver_at(event, address)
    found: dict[str, str | None] = {"approve_link": None, "reject_link": None}
    if approver is not None and links is not None:
        for decision in ("approve", "reject"):
            chosen: LinkDecision = "approve" if decision == "approve" else "reject"
            link = ApprovalLink(
                approval_id=event.approval_id,
                ticket_id=event.ticket_id,
                approver_id=approver.approver_id,
                decision=chosen,
            )
            found[f"{decision}_link"] = links.url(link, now=now)
    amount = None if event.amount is None else f"{event.amount:,.2f}"
    return {
        "approver": {} if approver is None else approver.model_dump(mode="json"),
        "amount": amount,
        **found,
    }
