"""What automation knows of a ticket: the facts its events carry and the instants time-based
rules count from. `apply_event` (pure) is the one way both live handling and dry runs learn."""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from ticketflow_common.events import tickets


class TicketState(BaseModel):
    """A ticket after the last event automation applied; `None`: not told yet."""

    ticket_id: UUID
    version: int = 0
    status: str = "new"
    priority: str = "normal"
    category: str | None = None
    team: str | None = None
    channel: str = "api"
    language: str = "en"
    requester_id: str | None = None
    requester_tier: str = "standard"
    assignee_id: UUID | None = None
    subject: str | None = None
    description: str | None = None
    tags: list[str] = Field(default_factory=list)
    custom_fields: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    escalation_level: int = 0
    amount: Decimal | None = None
    sla_breached: bool = False
    created_at: datetime | None = None
    status_entered_at: datetime | None = None
    last_update_at: datetime | None = None
    last_requester_message_at: datetime | None = None
    last_agent_reply_at: datetime | None = None
    unassigned_since: datetime | None = None

    @property
    def open(self) -> bool:
        return self.status not in ("resolved", "closed")


TICKET_TOPIC_TYPES = frozenset(m.event_type for m in tickets.MODELS)
"""Events that carry the ticket's facts (`TicketFacts`) and its version."""
FACT_FIELDS = (
    "status",
    "priority",
    "category",
    "channel",
    "language",
    "requester_id",
    "requester_tier",
)
TOLD_FIELDS = ("subject", "tags", "custom_fields", "escalation_level", "team")
"""Facts an older event may not carry (None: not told, keep what is known); a ticket without
a team in intake's facts keeps the one routing assigned it in."""
AGENT_ROLES = frozenset({"agent", "admin", "approver"})


def apply_event(
    state: TicketState | None, *, event_type: str, data: Mapping[str, Any], at: datetime
) -> TicketState | None:
    """The ticket after one event naming it (an older version than known changes nothing;
    an event naming no ticket leaves `state` as it is)."""
    ticket_id = data.get("ticket_id")
    if ticket_id is None:
        return state
    current = TicketState(ticket_id=ticket_id) if state is None else state
    changes: dict[str, Any] = {}
    if event_type in TICKET_TOPIC_TYPES:
        version = data.get("version")
        if isinstance(version, int) and state is not None and version < state.version:
            return state
        changes.update(_facts(current, event_type, data, at))
    elif event_type in ("ticket.assigned", "ticket.unassigned", "ticket.queued"):
        changes.update(_routing(current, event_type, data, at))
    elif event_type == "sla.breached":
        changes["sla_breached"] = True
    if event_type.startswith("ticket."):
        changes["last_update_at"] = at
    if not changes and state is not None:
        return state
    merged = {**current.model_dump(), **changes}
    return TicketState.model_validate(merged)


def _facts(
    state: TicketState, event_type: str, data: Mapping[str, Any], at: datetime
) -> dict[str, Any]:
    changes: dict[str, Any] = {k: data[k] for k in FACT_FIELDS if k in data}
    changes.update({k: data[k] for k in TOLD_FIELDS if data.get(k) is not None})
    if isinstance(data.get("version"), int):
        changes["version"] = max(state.version, data["version"])
    if "status" in changes and changes["status"] != state.status:
        changes["status_entered_at"] = at
    if event_type == "ticket.created":
        created_at = data.get("created_at") or at
        changes.update(
            description=data.get("description") or None,
            amount=data.get("amount"),
            created_at=created_at,
            status_entered_at=created_at,
            last_requester_message_at=created_at,
        )
        if state.assignee_id is None and state.unassigned_since is None:
            # routing owns assignment; its events may have come first (another topic)
            changes["assignee_id"] = data.get("assignee_id")
            changes["unassigned_since"] = created_at if data.get("assignee_id") is None else None
    elif event_type == "ticket.commented" and data.get("public"):
        role = data.get("author_role")
        if role == "requester":
            changes["last_requester_message_at"] = at
        elif role in AGENT_ROLES:
            changes["last_agent_reply_at"] = at
    elif event_type == "ticket.escalated" and data.get("escalation_level") is None:
        changes["escalation_level"] = max(state.escalation_level, int(data.get("level") or 0))
    elif event_type == "ticket.approval_requested" and data.get("amount") is not None:
        changes["amount"] = data["amount"]
    return changes


def _routing(
    state: TicketState, event_type: str, data: Mapping[str, Any], at: datetime
) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if data.get("team"):
        changes["team"] = data["team"]
    if event_type == "ticket.assigned":
        changes.update(assignee_id=data.get("agent_id"), unassigned_since=None)
    else:
        changes["assignee_id"] = None
        changes["unassigned_since"] = state.unassigned_since if state.assignee_id is None else at
        if changes["unassigned_since"] is None:
            changes["unassigned_since"] = at
    return changes
